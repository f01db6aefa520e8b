"""Exclusions from dated events: vaccines, transplants and GVHD, renal replacement therapy,
CNS events, other studies, and prior CAR-T therapy. Windows end on the screening date.

An end is a date, or "ongoing" while it continues; an end that is not recorded is unknown, so
a period that began before a window and has no recorded end may or may not reach into it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import Field

from cartscreen.checks.base import (
    MAX_DAYS,
    MAX_MONTHS,
    MAX_WEEKS,
    MET,
    NOT_MET,
    REVIEW,
    UNKNOWN,
    Check,
    Example,
    Facts,
    Finding,
    NoParams,
    Params,
)
from cartscreen.patient.common import ONGOING
from cartscreen.patient.events import CarT, CnsEvent, RenalReplacement, Study, Transplant, Vaccine
from cartscreen.timeutil import window_start
from cartscreen.vaccines import live_vaccine


def _months(count: int) -> str:
    return f"{count} month{'s' if count != 1 else ''}"


def _overlaps(start: date, end: date | str | None, window_from: date,
              window_to: date) -> bool | None:
    """Whether a period from ``start`` to ``end`` ("ongoing" while it continues) touches the
    window; None when its end is not recorded and it began before the window."""
    if start > window_to:
        return False
    if end == ONGOING or start >= window_from:
        return True
    if isinstance(end, date):
        return end >= window_from
    return None


class VaccineParams(Params):
    within_weeks: int = Field(ge=1, le=MAX_WEEKS)


def _vaccine(facts: Facts, p: VaccineParams) -> Finding:
    vaccines = facts.items("events.vaccines", Vaccine)
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
        # A vaccine the vocabulary knows as live is live, whether or not it is marked so (a
        # name marked not live is a contradiction the loader refuses).
        named_live = live_vaccine(vaccine.name)
        if vaccine.live is True or named_live:
            why = f"; {named_live} is a live vaccine" if named_live and not vaccine.live else ""
            return facts.not_met(
                f"live vaccine ({vaccine.name}) {vaccine.date}, {days} days before screening; "
                f"{window}{why}"
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
    "screening (the day exactly N weeks before counts as within). A vaccine whose name the "
    "vaccine vocabulary knows as live (MMR, varicella, BCG, rotavirus, LAIV, yellow fever, oral "
    "polio, oral typhoid…) is live even when live is left out.",
    reads=("events.vaccines",),
    params=VaccineParams,
    evaluate=_vaccine,
    describe=lambda p: f"no live vaccine within {p.within_weeks} weeks before screening",
    examples=(
        Example("MMR 28 days before", {"within_weeks": 4},
                {"events": {"vaccines": [{"name": "MMR", "date": date(2026, 10, 4),
                                          "live": True}]}}, NOT_MET),
        Example("MMR 29 days before", {"within_weeks": 4},
                {"events": {"vaccines": [{"name": "MMR", "date": date(2026, 10, 3),
                                          "live": True}]}}, MET),
        Example("varicella 10 days before, live left out", {"within_weeks": 4},
                {"events": {"vaccines": [{"name": "varicella", "date": date(2026, 10, 22)}]}},
                NOT_MET),
    ),
)


class TransplantParams(Params):
    within_months: int | None = Field(default=None, ge=1, le=MAX_MONTHS,
                                      description="omit for 'ever'")


def _transplant(facts: Facts, p: TransplantParams) -> Finding:
    transplants = facts.items("events.transplants", Transplant)
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
                MET),
        Example("HSCT 2 years ago, ever", {},
                {"events": {"transplants": [{"type": "hsct", "date": date(2024, 11, 1)}]}},
                NOT_MET),
    ),
)


class GvhdParams(Params):
    min_grade: int = Field(ge=1, le=4, description="the acute GVHD grades, I to IV")
    within_days: int = Field(ge=0, le=MAX_DAYS)


def _gvhd(facts: Facts, p: GvhdParams) -> Finding:
    transplants = facts.items("events.transplants", Transplant)
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
        for number, episode in enumerate(item.gvhd):
            if episode.grade < p.min_grade:
                continue
            present = _overlaps(episode.onset, episode.resolved, start, screening)
            if present:
                return facts.not_met(
                    f"grade {episode.grade} acute GVHD present within {p.within_days} days"
                )
            if present is None:
                missing.append(f"events.transplants[{index}].gvhd[{number}].resolved")
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
                NOT_MET),
        Example("grade 2 from 3 months ago, end not recorded",
                {"min_grade": 2, "within_days": 14},
                {"events": {"transplants": [{"type": "hsct", "date": date(2026, 1, 1), "gvhd": [
                    {"grade": 2, "onset": date(2026, 8, 1)}]}]}}, UNKNOWN),
        Example("no transplant", {"min_grade": 2, "within_days": 14},
                {"events": {"transplants": []}}, MET),
    ),
)


class RrtParams(Params):
    within_months: int = Field(ge=1, le=MAX_MONTHS)


def _rrt(facts: Facts, p: RrtParams) -> Finding:
    sessions = facts.items("events.renal_replacement_therapy", RenalReplacement)
    if sessions is None:
        return facts.unknown("renal replacement therapy history not recorded",
                             ["events.renal_replacement_therapy"])
    screening = facts.screening_date
    start = window_start(screening, months=p.within_months)
    missing: list[str] = []
    for index, item in enumerate(sessions):
        overlaps = _overlaps(item.start, item.end, start, screening)
        if overlaps:
            until = ("ongoing" if item.end == ONGOING else
                     f"until {item.end}" if item.end else "end not recorded")
            return facts.not_met(f"renal replacement therapy from {item.start} ({until})")
        if overlaps is None:
            missing.append(f"events.renal_replacement_therapy[{index}].end")
    if missing:
        return facts.unknown("renal replacement therapy begun before the window, end not "
                             "recorded", missing)
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
                    {"start": date(2026, 8, 1), "end": date(2026, 9, 1)}]}}, NOT_MET),
        Example("never", {"within_months": 3}, {"events": {"renal_replacement_therapy": []}},
                MET),
    ),
)


class CnsLupusParams(Params):
    within_days: int = Field(ge=1, le=MAX_DAYS)


def _cns_lupus_event(event: CnsEvent, key: str, start: date, screening: date
                     ) -> tuple[bool | None, list[str]]:
    """Whether this event is CNS lupus that needed intervention within the window, or is still
    active (whatever its date), with the keys that would decide it when it is not known."""
    if event.neuropsychiatric_lupus is False:
        return False, []
    recent = start <= event.date <= screening
    still_active = event.active
    needed = event.required_intervention
    treated: bool | None = False
    if needed:
        treated = _overlaps(event.date, event.intervention_end, start, screening)
    excludes = (still_active is True or (needed is True and (recent or treated is True)))
    if event.neuropsychiatric_lupus and excludes:
        return True, []
    # What is still open: each fact that could make it exclude.
    missing = []
    if event.neuropsychiatric_lupus is None and (recent or still_active is not False):
        missing.append(f"{key}.neuropsychiatric_lupus")
    if still_active is None:
        missing.append(f"{key}.active")
    if needed is None and (recent or event.intervention_end is not None):
        missing.append(f"{key}.required_intervention")
    if needed and treated is None:
        missing.append(f"{key}.intervention_end")
    if event.neuropsychiatric_lupus is None and not missing:
        return (False if not (recent or still_active) else None), missing
    return (None if missing else False), missing


def _cns_lupus(facts: Facts, p: CnsLupusParams) -> Finding:
    events = facts.items("events.cns_events", CnsEvent)
    if events is None:
        return facts.unknown("CNS events not recorded", ["events.cns_events"])
    screening = facts.screening_date
    start = screening - timedelta(days=p.within_days)
    missing: list[str] = []
    for index, event in enumerate(events):
        if event.date > screening:
            continue
        excludes, keys = _cns_lupus_event(event, f"events.cns_events[{index}]", start, screening)
        if excludes:
            when = ("still active" if event.active else
                    f"{(screening - event.date).days} days before screening"
                    if event.date >= start else "intervention continuing into the window")
            return facts.not_met(
                f"CNS lupus needing intervention ({event.description}) {event.date}, {when}"
            )
        missing.extend(keys)
    if missing:
        return facts.unknown("whether a recorded CNS event is lupus that is still active or "
                             f"needed intervention in the {p.within_days} days before screening",
                             missing)
    return facts.met(f"no CNS lupus needing intervention in the {p.within_days} days before "
                     "screening, and none still active")


CNS_LUPUS = Check(
    name="cns_lupus_intervention",
    family="exposures",
    summary="Exclusion: not met for neuropsychiatric lupus that needed intervention within the "
    "window (an event in the window, or an intervention continuing into it), or that is still "
    "active, whatever its date.",
    reads=("events.cns_events",),
    params=CnsLupusParams,
    evaluate=_cns_lupus,
    describe=lambda p: f"no CNS lupus needing intervention within {p.within_days} days (an event "
    "in the window, or an intervention continuing into it), and none still active",
    examples=(
        Example("lupus seizure 30 days ago", {"within_days": 60},
                {"events": {"cns_events": [{"description": "seizure", "date": date(2026, 10, 2),
                                            "neuropsychiatric_lupus": True,
                                            "required_intervention": True}]}}, NOT_MET),
        Example("61 days ago, one intervention that day, resolved", {"within_days": 60},
                {"events": {"cns_events": [{"description": "seizure", "date": date(2026, 9, 1),
                                            "neuropsychiatric_lupus": True,
                                            "required_intervention": True,
                                            "intervention_end": date(2026, 9, 1),
                                            "active": False}]}}, MET),
        Example("a year ago, still under treatment", {"within_days": 60},
                {"events": {"cns_events": [{"description": "psychosis",
                                            "date": date(2025, 11, 1),
                                            "neuropsychiatric_lupus": True,
                                            "required_intervention": True,
                                            "intervention_end": "ongoing",
                                            "active": False}]}}, NOT_MET),
    ),
)


def _active_cns(facts: Facts, p: NoParams) -> Finding:
    events = facts.items("events.cns_events", CnsEvent)
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
            NOT_MET),
        Example("none", {}, {"events": {"cns_events": []}}, MET),
    ),
)


class StudyParams(Params):
    within_months: int = Field(ge=1, le=MAX_MONTHS)
    observational: Literal["excluded", "review", "ignored"] = Field(
        description="an observational study or registry in the window: excluded ('other "
        "clinical study'), review (the registry's word does not say, e.g. 'clinical trial'), or "
        "ignored ('interventional clinical trials')")


def _study(facts: Facts, p: StudyParams) -> Finding:
    studies = facts.items("events.studies", Study)
    if studies is None:
        return facts.unknown("participation in other studies not recorded", ["events.studies"])
    screening = facts.screening_date
    start = window_start(screening, months=p.within_months)
    window = f"within {_months(p.within_months)} before screening"
    missing: list[str] = []
    review: list[str] = []
    for index, study in enumerate(studies):
        key = f"events.studies[{index}]"
        # Either fact can set a study aside: an observational study where only interventional
        # ones count, or one outside the window. The finding reads only the one that decides.
        interventional = study.interventional if p.observational != "excluded" else None
        if interventional is False and p.observational == "ignored":
            continue
        overlaps = _overlaps(study.start, study.end, start, screening)
        if overlaps is False:
            continue
        counts: bool | None = True
        if interventional is None and p.observational != "excluded":
            counts = None  # interventional would count; observational may not
        if overlaps is None:
            missing.append(f"{key}.end")
            if counts is None:
                missing.append(f"{key}.interventional")
            continue
        ongoing = ("ongoing" if study.end == ONGOING else
                   f"ended {study.end}" if study.end else "end not recorded")
        if interventional or p.observational == "excluded":
            return facts.not_met(f"in study {study.name} ({ongoing}) {window}")
        if counts is None:
            missing.append(f"{key}.interventional")
        else:
            review.append(f"observational study {study.name} ({ongoing}) {window}: the "
                          "registry does not say whether it counts")
    if missing:
        return facts.unknown("whether a recent study counts", missing)
    if review:
        return facts.review("; ".join(review))
    kind = "interventional " if p.observational == "ignored" else ""
    return facts.met(f"no other {kind}study {window}")


_OBSERVATIONAL = {
    "excluded": "any other study, observational or interventional",
    "review": "another clinical trial; an observational study or registry goes to review",
    "ignored": "another interventional study",
}

OTHER_STUDY = Check(
    name="other_study",
    family="exposures",
    summary="Exclusion: not met when the patient took part in another study within the window "
    "(any study, or interventional ones only, as the registry says); an observational study "
    "goes to review where the registry's word does not say whether it counts.",
    reads=("events.studies",),
    params=StudyParams,
    evaluate=_study,
    describe=lambda p: f"not in {_OBSERVATIONAL[p.observational]} within "
    f"{_months(p.within_months)} before enrolment",
    examples=(
        Example("study ended 5 weeks ago, 1-month window",
                {"within_months": 1, "observational": "excluded"},
                {"events": {"studies": [{"name": "X", "start": date(2026, 1, 1),
                                         "end": date(2026, 9, 27)}]}}, MET),
        Example("study ended 5 weeks ago, 3-month window",
                {"within_months": 3, "observational": "excluded"},
                {"events": {"studies": [{"name": "X", "start": date(2026, 1, 1),
                                         "end": date(2026, 9, 27)}]}}, NOT_MET),
        Example("registry study ongoing, 'clinical trials'",
                {"within_months": 3, "observational": "review"},
                {"events": {"studies": [{"name": "national JDM registry",
                                         "interventional": False, "start": date(2024, 1, 1),
                                         "end": "ongoing"}]}}, REVIEW),
    ),
)


class CarTParams(Params):
    exception: Literal["none", "cd19_relapse_or_poor_response", "investigator_safety"]


def _car_t(facts: Facts, p: CarTParams) -> Finding:
    treatments = facts.items("events.car_t", CarT)
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
        Example("never", {"exception": "none"}, {"events": {"car_t": []}}, MET),
        Example("relapse after CD19, no exception", {"exception": "none"},
                {"events": {"car_t": [{"target": "cd19", "date": date(2025, 5, 1),
                                       "outcome": "relapsed"}]}}, NOT_MET),
        Example("relapse after CD19, exception", {"exception": "cd19_relapse_or_poor_response"},
                {"events": {"car_t": [{"target": "cd19", "date": date(2025, 5, 1),
                                       "outcome": "relapsed"}]}}, REVIEW),
    ),
)
