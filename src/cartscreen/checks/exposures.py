"""Exclusions from dated events: vaccines, transplants and GVHD, renal replacement therapy,
CNS events, other studies, and prior CAR-T therapy. Windows end on the screening date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import Field

from cartscreen.checks.base import Check, Example, Facts, Finding, NoParams, Outcome, Params
from cartscreen.timeutil import window_start


def _months(count: int) -> str:
    return f"{count} month{'s' if count != 1 else ''}"


def _overlaps(start: date, end: date | None, window_from: date, window_to: date) -> bool:
    return start <= window_to and (end is None or end >= window_from)


class VaccineParams(Params):
    within_weeks: int = Field(ge=1)


def _vaccine(facts: Facts, p: VaccineParams) -> Finding:
    vaccines = facts.get("events.vaccines")
    if vaccines is None:
        return facts.unknown("vaccination history not recorded", ["events.vaccines"])
    screening = facts.screening_date
    start = window_start(screening, weeks=p.within_weeks)
    window = f"window {p.within_weeks * 7} days"
    missing: list[str] = []
    for index, vaccine in enumerate(vaccines):
        if not start <= vaccine.date <= screening:
            continue
        days = (screening - vaccine.date).days
        if vaccine.live is True:
            return facts.not_met(
                f"live vaccine ({vaccine.name}) {vaccine.date}, {days} days before screening; "
                f"{window}"
            )
        if vaccine.live is None:
            missing.append(f"events.vaccines[{index}].live")
    if missing:
        return facts.unknown("a vaccine in the window is not marked live or not", missing)
    return facts.met(f"no live vaccine in the {p.within_weeks} weeks before screening")


LIVE_VACCINE = Check(
    name="live_vaccine",
    family="exposures",
    summary="Exclusion: not met when a live vaccine was given within the window before "
    "screening (the day exactly N weeks before counts as within).",
    reads=("events.vaccines",),
    params=VaccineParams,
    evaluate=_vaccine,
    describe=lambda p: f"no live vaccine within {p.within_weeks} weeks before screening",
    examples=(
        Example("MMR 28 days before", {"within_weeks": 4},
                {"events": {"vaccines": [{"name": "MMR", "date": date(2026, 10, 4),
                                          "live": True}]}}, Outcome.NOT_MET),
        Example("MMR 29 days before", {"within_weeks": 4},
                {"events": {"vaccines": [{"name": "MMR", "date": date(2026, 10, 3),
                                          "live": True}]}}, Outcome.MET),
    ),
)


class TransplantParams(Params):
    within_months: int | None = Field(default=None, ge=1, description="omit for 'ever'")


def _transplant(facts: Facts, p: TransplantParams) -> Finding:
    transplants = facts.get("events.transplants")
    if transplants is None:
        return facts.unknown("transplant history not recorded", ["events.transplants"])
    screening = facts.screening_date
    start = window_start(screening, months=p.within_months) if p.within_months else date.min
    names = {"solid_organ": "solid organ transplant", "hsct": "hematopoietic stem cell transplant"}
    for item in transplants:
        if start <= item.date <= screening:
            return facts.not_met(f"{names[item.type]} {item.date}")
    if transplants and p.within_months:
        return facts.met(f"no transplant in the {_months(p.within_months)} before screening")
    return facts.met("no transplant")


TRANSPLANT = Check(
    name="transplant",
    family="exposures",
    summary="Exclusion: not met for a solid organ or hematopoietic stem cell transplant within "
    "the window, or ever when no window is given.",
    reads=("events.transplants",),
    params=TransplantParams,
    evaluate=_transplant,
    describe=lambda p: "no solid organ or stem cell transplant"
    + (f" within {_months(p.within_months)} before screening" if p.within_months else " ever"),
    examples=(
        Example("HSCT 2 years ago, 3-month window", {"within_months": 3},
                {"events": {"transplants": [{"type": "hsct", "date": date(2024, 11, 1)}]}},
                Outcome.MET),
        Example("HSCT 2 years ago, ever", {},
                {"events": {"transplants": [{"type": "hsct", "date": date(2024, 11, 1)}]}},
                Outcome.NOT_MET),
    ),
)


class GvhdParams(Params):
    min_grade: int = Field(ge=1, le=4)
    within_days: int = Field(ge=0)


def _gvhd(facts: Facts, p: GvhdParams) -> Finding:
    transplants = facts.get("events.transplants")
    if transplants is None:
        return facts.unknown("transplant history (and so GVHD) not recorded",
                             ["events.transplants"])
    screening = facts.screening_date
    start = screening - timedelta(days=p.within_days)
    missing: list[str] = []
    for index, item in enumerate(transplants):
        if item.gvhd is None:
            if item.type == "hsct" and item.date <= screening:
                missing.append(f"events.transplants[{index}].gvhd")
            continue
        for episode in item.gvhd:
            if episode.grade >= p.min_grade and _overlaps(
                episode.onset, episode.resolved, start, screening
            ):
                return facts.not_met(
                    f"grade {episode.grade} acute GVHD present within {p.within_days} days"
                )
    if missing:
        return facts.unknown("GVHD after a stem cell transplant not recorded", missing)
    if not transplants:
        return facts.met("no transplant, so no GVHD")
    return facts.met(f"no grade ≥{p.min_grade} acute GVHD in the {p.within_days} days "
                     "before screening")


GVHD = Check(
    name="gvhd",
    family="exposures",
    summary="Exclusion: not met when acute GVHD of at least the given grade was present at any "
    "time in the window. GVHD is recorded under its transplant.",
    reads=("events.transplants",),
    params=GvhdParams,
    evaluate=_gvhd,
    describe=lambda p: f"no grade ≥{p.min_grade} acute GVHD within {p.within_days} days before "
    "screening",
    examples=(
        Example("grade 2 resolved 10 days ago", {"min_grade": 2, "within_days": 14},
                {"events": {"transplants": [{"type": "hsct", "date": date(2026, 1, 1), "gvhd": [
                    {"grade": 2, "onset": date(2026, 9, 1), "resolved": date(2026, 10, 22)}]}]}},
                Outcome.NOT_MET),
        Example("no transplant", {"min_grade": 2, "within_days": 14},
                {"events": {"transplants": []}}, Outcome.MET),
    ),
)


class RrtParams(Params):
    within_months: int = Field(ge=1)


def _rrt(facts: Facts, p: RrtParams) -> Finding:
    sessions = facts.get("events.renal_replacement_therapy")
    if sessions is None:
        return facts.unknown("renal replacement therapy history not recorded",
                             ["events.renal_replacement_therapy"])
    screening = facts.screening_date
    start = window_start(screening, months=p.within_months)
    for item in sessions:
        if _overlaps(item.start, item.end, start, screening):
            ongoing = "ongoing" if item.end is None else f"until {item.end}"
            return facts.not_met(f"renal replacement therapy from {item.start} ({ongoing})")
    return facts.met(f"no renal replacement therapy in the {_months(p.within_months)} before "
                     "screening")


RENAL_REPLACEMENT = Check(
    name="renal_replacement_therapy",
    family="exposures",
    summary="Exclusion: not met when renal replacement therapy was received or ongoing within "
    "the window.",
    reads=("events.renal_replacement_therapy",),
    params=RrtParams,
    evaluate=_rrt,
    describe=lambda p: f"no renal replacement therapy within {_months(p.within_months)}",
    examples=(
        Example("dialysis ended 2 months ago", {"within_months": 3},
                {"events": {"renal_replacement_therapy": [
                    {"start": date(2026, 8, 1), "end": date(2026, 9, 1)}]}}, Outcome.NOT_MET),
        Example("never", {"within_months": 3}, {"events": {"renal_replacement_therapy": []}},
                Outcome.MET),
    ),
)


class CnsLupusParams(Params):
    within_days: int = Field(ge=1)


def _cns_lupus(facts: Facts, p: CnsLupusParams) -> Finding:
    events = facts.get("events.cns_events")
    if events is None:
        return facts.unknown("CNS events not recorded", ["events.cns_events"])
    screening = facts.screening_date
    start = screening - timedelta(days=p.within_days)
    missing: list[str] = []
    for index, event in enumerate(events):
        if not start <= event.date <= screening:
            continue
        if event.neuropsychiatric_lupus is False or event.required_intervention is False:
            continue
        if event.neuropsychiatric_lupus and event.required_intervention:
            days = (screening - event.date).days
            return facts.not_met(
                f"CNS lupus needing intervention ({event.description}) {event.date}, "
                f"{days} days before screening"
            )
        for key in ("neuropsychiatric_lupus", "required_intervention"):
            if getattr(event, key) is None:
                missing.append(f"events.cns_events[{index}].{key}")
    if missing:
        return facts.unknown("a CNS event in the window is incompletely described", missing)
    return facts.met(f"no CNS lupus needing intervention in the {p.within_days} days before "
                     "screening")


CNS_LUPUS = Check(
    name="cns_lupus_intervention",
    family="exposures",
    summary="Exclusion: not met for neuropsychiatric lupus that needed intervention within the "
    "window.",
    reads=("events.cns_events",),
    params=CnsLupusParams,
    evaluate=_cns_lupus,
    describe=lambda p: f"no CNS lupus needing intervention within {p.within_days} days",
    examples=(
        Example("lupus seizure 30 days ago", {"within_days": 60},
                {"events": {"cns_events": [{"description": "seizure", "date": date(2026, 10, 2),
                                            "neuropsychiatric_lupus": True,
                                            "required_intervention": True}]}}, Outcome.NOT_MET),
        Example("61 days ago", {"within_days": 60},
                {"events": {"cns_events": [{"description": "seizure", "date": date(2026, 9, 1),
                                            "neuropsychiatric_lupus": True,
                                            "required_intervention": True}]}}, Outcome.MET),
    ),
)


def _active_cns(facts: Facts, p: NoParams) -> Finding:
    events = facts.get("events.cns_events")
    if events is None:
        return facts.unknown("CNS history not recorded", ["events.cns_events"])
    missing: list[str] = []
    for index, event in enumerate(events):
        if event.active:
            return facts.not_met(f"active CNS disease: {event.description}")
        if event.active is None:
            missing.append(f"events.cns_events[{index}].active")
    if missing:
        return facts.unknown("whether a recorded CNS condition is active", missing)
    return facts.met("no active CNS disease")


ACTIVE_CNS_DISEASE = Check(
    name="active_cns_disease",
    family="exposures",
    summary="Exclusion: not met when a recorded CNS condition (epilepsy, cerebrovascular "
    "disease, dementia, cerebellar disease…) is active.",
    reads=("events.cns_events",),
    params=NoParams,
    evaluate=_active_cns,
    describe=lambda p: "no active central nervous system disease",
    examples=(
        Example("active epilepsy", {}, {"events": {"cns_events": [
            {"description": "epilepsy", "date": date(2025, 1, 1), "active": True}]}},
            Outcome.NOT_MET),
        Example("none", {}, {"events": {"cns_events": []}}, Outcome.MET),
    ),
)


class StudyParams(Params):
    within_months: int = Field(ge=1)
    interventional_only: bool = False


def _study(facts: Facts, p: StudyParams) -> Finding:
    studies = facts.get("events.studies")
    if studies is None:
        return facts.unknown("participation in other studies not recorded", ["events.studies"])
    screening = facts.screening_date
    start = window_start(screening, months=p.within_months)
    missing: list[str] = []
    for index, study in enumerate(studies):
        if not _overlaps(study.start, study.end, start, screening):
            continue
        if p.interventional_only and study.interventional is False:
            continue
        if p.interventional_only and study.interventional is None:
            missing.append(f"events.studies[{index}].interventional")
            continue
        ongoing = "ongoing" if study.end is None else f"ended {study.end}"
        return facts.not_met(f"in study {study.name} ({ongoing}) within "
                             f"{_months(p.within_months)} before screening")
    if missing:
        return facts.unknown("whether a recent study was interventional", missing)
    return facts.met(f"no other {'interventional ' if p.interventional_only else ''}study in the "
                     f"{_months(p.within_months)} before screening")


OTHER_STUDY = Check(
    name="other_study",
    family="exposures",
    summary="Exclusion: not met when the patient took part in another (interventional, where "
    "the registry says so) study within the window.",
    reads=("events.studies",),
    params=StudyParams,
    evaluate=_study,
    describe=lambda p: f"no other {'interventional ' if p.interventional_only else ''}study "
    f"within {_months(p.within_months)} before enrolment",
    examples=(
        Example("study ended 5 weeks ago, 1-month window", {"within_months": 1},
                {"events": {"studies": [{"name": "X", "start": date(2026, 1, 1),
                                         "end": date(2026, 9, 27)}]}}, Outcome.MET),
        Example("study ended 5 weeks ago, 3-month window", {"within_months": 3},
                {"events": {"studies": [{"name": "X", "start": date(2026, 1, 1),
                                         "end": date(2026, 9, 27)}]}}, Outcome.NOT_MET),
    ),
)


class CarTParams(Params):
    exception: Literal["none", "cd19_relapse_or_poor_response", "investigator_safety"]


def _car_t(facts: Facts, p: CarTParams) -> Finding:
    treatments = facts.get("events.car_t")
    if treatments is None:
        return facts.unknown("prior CAR-T therapy not recorded", ["events.car_t"])
    if not treatments:
        return facts.met("no prior CAR-T therapy")
    described = "; ".join(
        f"{t.target.upper().replace('_', '/')} CAR-T {t.date}"
        + (f" ({t.outcome.replace('_', ' ')})" if t.outcome else "")
        for t in treatments
    )
    if p.exception == "none":
        return facts.not_met(f"prior {described}")
    if p.exception == "investigator_safety":
        return facts.review(f"prior {described}: excluded unless the investigators rule out the "
                            "safety risks")
    if any("cd19" not in t.target for t in treatments):
        return facts.not_met(f"prior {described}: only CD19-targeted CAR-T is excepted")
    if any(t.outcome is None for t in treatments):
        index = next(i for i, t in enumerate(treatments) if t.outcome is None)
        return facts.unknown(f"prior {described}; outcome not recorded",
                             [f"events.car_t[{index}].outcome"])
    if all(t.outcome in ("relapsed", "poor_response") for t in treatments):
        dual = any(t.target != "cd19" for t in treatments)
        return facts.review(
            f"prior {described}: relapse or poor response after CD19 CAR-T is admitted as "
            "evaluated by the investigator"
            + ("; a dual-target product including CD19 is for the investigator to count"
               if dual else "")
        )
    return facts.not_met(f"prior {described}: the exception covers only relapse or poor "
                         "response")


PRIOR_CAR_T = Check(
    name="prior_car_t",
    family="exposures",
    summary="Not met after any prior CAR-T therapy, unless the trial's exception applies: "
    "relapse or poor response after CD19 CAR-T (review), or investigator-cleared safety (review).",
    reads=("events.car_t",),
    params=CarTParams,
    evaluate=_car_t,
    describe=lambda p: {
        "none": "no prior CAR-T therapy",
        "cd19_relapse_or_poor_response": "no prior CAR-T, except relapse or poor response after "
        "CD19 CAR-T (for the investigator)",
        "investigator_safety": "no prior CAR-T, unless the investigators rule out the safety "
        "risks",
    }[p.exception],
    examples=(
        Example("never", {"exception": "none"}, {"events": {"car_t": []}}, Outcome.MET),
        Example("relapse after CD19, no exception", {"exception": "none"},
                {"events": {"car_t": [{"target": "cd19", "date": date(2025, 5, 1),
                                       "outcome": "relapsed"}]}}, Outcome.NOT_MET),
        Example("relapse after CD19, exception", {"exception": "cd19_relapse_or_poor_response"},
                {"events": {"car_t": [{"target": "cd19", "date": date(2025, 5, 1),
                                       "outcome": "relapsed"}]}}, Outcome.REVIEW),
    ),
)
