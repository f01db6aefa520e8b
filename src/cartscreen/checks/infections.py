"""Infection exclusions: tuberculosis, viral markers, active or recently treated infection.

Every screening result read here (tuberculosis status, each serology and viral load) must be
current at screening (see :mod:`cartscreen.freshness`): an old negative test does not show the
patient free of infection now, and an old positive one does not show the infection still there.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import Field

from cartscreen.checks.base import (
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
    combine_all,
)
from cartscreen.patient import Infection
from cartscreen.patient.common import ONGOING

_TB = "tuberculosis.status"


class TbParams(Params):
    exclude_latent: bool


def _tb(facts: Facts, p: TbParams) -> Finding:
    status = facts.result(_TB)
    if status is None:
        return facts.unknown_results([_TB])
    when = f" ({facts.dated(_TB)})"
    if status == "active" or (status == "latent" and p.exclude_latent):
        return facts.not_met(f"{status} tuberculosis{when}")
    if status == "latent":
        return facts.met(f"latent tuberculosis{when} (this trial excludes active tuberculosis "
                         "only)")
    return facts.met(f"tuberculosis screening negative{when}")


TUBERCULOSIS = Check(
    name="tuberculosis",
    family="infections",
    summary="Exclusion: not met for active tuberculosis, and for latent tuberculosis where the "
    "trial excludes it too. The status must rest on a current test.",
    reads=("tuberculosis.status", "tuberculosis.tested_on"),
    params=TbParams,
    evaluate=_tb,
    describe=lambda p: "no active" + (" or latent" if p.exclude_latent else "") + " tuberculosis",
    results=lambda p: (_TB,),
    examples=(
        Example("latent, latent excluded", {"exclude_latent": True},
                {"tuberculosis": {"status": "latent", "tested_on": date(2026, 10, 20)}},
                NOT_MET),
        Example("latent, active only excluded", {"exclude_latent": False},
                {"tuberculosis": {"status": "latent", "tested_on": date(2026, 10, 20)}},
                MET),
        Example("negative IGRA two years ago", {"exclude_latent": True},
                {"tuberculosis": {"status": "negative", "tested_on": date(2024, 10, 20)}},
                UNKNOWN),
    ),
)

Marker = Literal["hbv", "hcv", "hiv", "syphilis", "cmv_dna"]
_NORMAL_LOADS = ("undetectable", "within_normal")


def _load(value: str) -> str:
    return value.replace("_", " ")


def _negative_serology(facts: Facts, keys: tuple[tuple[str, str], ...]
                       ) -> tuple[list[str], list[str], list[str]]:
    """The labels of the positive and negative antibody/antigen results, and the keys of those
    not usable (not recorded, undated or stale)."""
    positive, negative, unusable = [], [], []
    for key, label in keys:
        value = facts.result(key)
        if value is None:
            unusable.append(key)
        elif value == "positive":
            positive.append(label)
        else:
            negative.append(label)
    return positive, negative, unusable


def _viral_hepatitis_marker(facts: Facts, serology: tuple[tuple[str, str], ...],
                            load_key: str, load_label: str) -> Finding:
    """Hepatitis B or C: excluded only when the serology is positive AND the viral load is
    above the normal range (the registry's wording). A load above normal with negative
    serology contradicts it (occult infection, or a wrong result): review, never met."""
    positive, negative, unusable = _negative_serology(facts, serology)
    load = facts.result(load_key)
    names = " and ".join(label for _, label in serology)
    if load == "above_normal":
        above = f"{load_label} above the normal range ({facts.dated(load_key)})"
        if positive:
            return facts.not_met(f"{' and '.join(positive)} positive with {above}")
        if not unusable:
            return facts.review(f"{above} with {names} negative: occult infection or a wrong "
                                "result; for the investigator")
        return facts.unknown_results(unusable, above)
    if load in _NORMAL_LOADS:
        # The exclusion needs the load above normal, so a normal load settles it.
        shown = [f"{' and '.join(positive)} positive" if positive else "",
                 f"{' and '.join(negative)} negative" if negative else ""]
        prefix = ", ".join(s for s in shown if s)
        return facts.met(f"{prefix + ', ' if prefix else ''}{load_label} {_load(load)} "
                         f"({facts.dated(load_key)})")
    if positive:
        return facts.unknown_results([load_key], f"{' and '.join(positive)} positive")
    if unusable:
        return facts.unknown_results(unusable)
    return facts.met(f"{names} negative")


_HBV_SEROLOGY = (("serology.hbsag", "HBsAg"), ("serology.hbcab", "HBcAb"))
_HCV_SEROLOGY = (("serology.hcv_ab", "HCV antibody"),)


def _hbv(facts: Facts) -> Finding:
    return _viral_hepatitis_marker(facts, _HBV_SEROLOGY, "serology.hbv_dna", "HBV DNA")


def _hcv(facts: Facts) -> Finding:
    return _viral_hepatitis_marker(facts, _HCV_SEROLOGY, "serology.hcv_rna", "HCV RNA")


_SIMPLE_MARKERS = {
    "hiv": ("serology.hiv_ab", "HIV antibody"),
    "syphilis": ("serology.syphilis", "syphilis (treponemal) test"),
    "cmv_dna": ("serology.cmv_dna", "CMV DNA"),
}


class MarkerParams(Params):
    marker: Marker


def _marker(facts: Facts, p: MarkerParams) -> Finding:
    if p.marker == "hbv":
        return _hbv(facts)
    if p.marker == "hcv":
        return _hcv(facts)
    path, label = _SIMPLE_MARKERS[p.marker]
    value = facts.result(path)
    if value is None:
        return facts.unknown_results([path])
    if value == "positive":
        return facts.not_met(f"{label} positive ({facts.dated(path)})")
    return facts.met(f"{label} negative ({facts.dated(path)})")


_MARKER_RULES = {
    "hbv": "not (HBsAg or HBcAb positive with HBV DNA above normal); HBV DNA above normal with "
    "negative serology goes to review",
    "hcv": "not (HCV antibody positive with HCV RNA above normal); HCV RNA above normal with a "
    "negative antibody goes to review",
    "hiv": "HIV antibody negative",
    "syphilis": "syphilis test negative",
    "cmv_dna": "CMV DNA negative",
}

_MARKER_RESULTS: dict[str, tuple[str, ...]] = {
    "hbv": ("serology.hbsag", "serology.hbcab", "serology.hbv_dna"),
    "hcv": ("serology.hcv_ab", "serology.hcv_rna"),
    **{marker: (path,) for marker, (path, _) in _SIMPLE_MARKERS.items()},
}

_TESTED = date(2026, 10, 28)

VIRAL_MARKER = Check(
    name="viral_marker",
    family="infections",
    summary="Exclusion on one viral marker, from current results. Hepatitis B and C exclude "
    "only with viral DNA/RNA above the normal range; a load above normal with negative "
    "serology goes to review. HIV, syphilis and CMV DNA exclude when positive.",
    reads=("serology",),
    params=MarkerParams,
    evaluate=_marker,
    describe=lambda p: _MARKER_RULES[p.marker],
    results=lambda p: _MARKER_RESULTS[p.marker],
    examples=(
        Example("HBcAb positive, DNA undetectable", {"marker": "hbv"},
                {"serology": {"hbsag": "negative", "hbcab": "positive",
                              "hbv_dna": "undetectable", "tested_on": _TESTED}}, MET),
        Example("HBsAg positive, DNA high", {"marker": "hbv"},
                {"serology": {"hbsag": "positive", "hbcab": "positive",
                              "hbv_dna": "above_normal", "tested_on": _TESTED}},
                NOT_MET),
        Example("HBsAg positive, DNA not done", {"marker": "hbv"},
                {"serology": {"hbsag": "positive", "hbcab": "negative", "tested_on": _TESTED}},
                UNKNOWN),
        Example("HBV DNA high, serology negative", {"marker": "hbv"},
                {"serology": {"hbsag": "negative", "hbcab": "negative",
                              "hbv_dna": "above_normal", "tested_on": _TESTED}},
                REVIEW),
        Example("HBsAg negative five years ago", {"marker": "hbv"},
                {"serology": {"hbsag": "negative", "hbcab": "negative",
                              "tested_on": date(2021, 10, 28)}}, UNKNOWN),
    ),
)


def _viral_hepatitis(facts: Facts, p: NoParams) -> Finding:
    parts = [("hepatitis B", _hbv(facts)), ("hepatitis C", _hcv(facts))]
    outcome = combine_all(parts)
    shown = [f.evidence for _, f in parts if f.outcome == outcome]
    if outcome == NOT_MET:
        return facts.not_met("active viral hepatitis: " + "; ".join(shown))
    if outcome == UNKNOWN:
        return facts.unknown("; ".join(f.evidence for _, f in parts),
                             [m for _, f in parts for m in f.missing])
    if outcome == REVIEW:
        return facts.review("; ".join(shown))
    return facts.met("no active hepatitis B or C: " + "; ".join(f.evidence for _, f in parts))


ACTIVE_VIRAL_HEPATITIS = Check(
    name="active_viral_hepatitis",
    family="infections",
    summary="Exclusion: not met when hepatitis B or C is active (viral DNA/RNA above normal with "
    "positive serology), review for a load above normal with negative serology. Other viral "
    "hepatitis belongs in the infection list.",
    reads=("serology",),
    params=NoParams,
    evaluate=_viral_hepatitis,
    describe=lambda p: "no active hepatitis B or C",
    results=lambda p: _MARKER_RESULTS["hbv"] + _MARKER_RESULTS["hcv"],
    examples=(
        Example("all negative", {}, {"serology": {"hbsag": "negative", "hbcab": "negative",
                                                  "hcv_ab": "negative", "tested_on": _TESTED}},
                MET),
        Example("HCV viremia", {}, {"serology": {"hbsag": "negative", "hbcab": "negative",
                                                 "hcv_ab": "positive",
                                                 "hcv_rna": "above_normal",
                                                 "tested_on": _TESTED}}, NOT_MET),
    ),
)


class InfectionParams(Params):
    systemic_treatment_within_days: int = Field(
        ge=0, le=365, description="0 means at the time of screening"
    )
    active_without_systemic_treatment: Literal["met", "review", "not_met"] = "met"
    serious_excludes: bool = False


Tri = bool | None


def _all(*conditions: tuple[Tri, str]) -> tuple[Tri, list[str]]:
    """Three-valued AND, with the keys of the unknown parts when it is undecided."""
    values = [value for value, _ in conditions]
    if False in values:
        return False, []
    if None in values:
        return None, [key for value, key in conditions if value is None]
    return True, []


def _treated_in_window(item: Infection, key: str, start: date) -> tuple[Tri, list[str]]:
    """Whether systemic treatment of this infection fell in the window (start to screening).
    Treatment begins at or after the onset; it ends at treatment_end ("ongoing" while it
    continues). An unrecorded end is known only when the onset itself is in the window."""
    treated = item.systemic_treatment
    if treated is None:
        return None, [f"{key}.systemic_treatment"]
    if not treated:
        return False, []
    end = item.treatment_end
    if end == ONGOING:
        return True, []
    if isinstance(end, date):
        return end >= start, []
    if item.onset >= start:
        return True, []
    return None, [f"{key}.treatment_end"]


def _infection(item: Infection, key: str, start: date, screening: date, p: InfectionParams,
               ) -> tuple[list[str], list[str], list[str]]:
    """(what excludes, what is unknown, what goes to review) for one recorded infection."""
    resolved = item.resolved
    active: Tri = (True if resolved == ONGOING else None if resolved is None
                   else resolved > screening)
    active_key = (active, f"{key}.resolved")
    conditions: dict[str, tuple[Tri, list[str]]] = {}
    if active is not False:  # what an infection over by screening was like cannot matter
        conditions["uncontrolled"] = _all(active_key, (item.uncontrolled, f"{key}.uncontrolled"))
        # An active infection needing systemic treatment is what the registry texts exclude.
        conditions["active and needing systemic treatment"] = _all(
            active_key, (item.systemic_treatment, f"{key}.systemic_treatment"))
        if p.serious_excludes:
            conditions["serious and active"] = _all(active_key,
                                                    (item.serious, f"{key}.serious"))
    conditions[f"systemic treatment {_window_text(p)}"] = _treated_in_window(item, key, start)
    excluding = [f"{item.name}: {why}" for why, (value, _) in conditions.items() if value]
    if excluding:
        return excluding, [], []
    unknown = [k for value, keys in conditions.values() if value is None for k in keys]
    if p.active_without_systemic_treatment == "met" or active is False:
        return [], unknown, []
    if active is None:
        return [], [*unknown, f"{key}.resolved"], []
    if p.active_without_systemic_treatment == "not_met":
        return [f"{item.name}: active"], [], []
    return [], unknown, [f"{item.name}: active at screening without systemic treatment"]


def _window_text(p: InfectionParams) -> str:
    return ("at screening" if p.systemic_treatment_within_days == 0
            else f"within {p.systemic_treatment_within_days} days before screening")


def _infections(facts: Facts, p: InfectionParams) -> Finding:
    screening = facts.screening_date
    start = screening - timedelta(days=p.systemic_treatment_within_days)
    excluding: list[str] = []
    unknown: list[str] = []
    review: list[str] = []
    # Active tuberculosis is an active infection that needs systemic treatment, whether or not
    # the trial names it: it is read here, from its current test, for every trial.
    tb = facts.result(_TB)
    if tb == "active":
        excluding.append(f"active tuberculosis ({facts.dated(_TB)})")
    infections = facts.items("events.infections", Infection)
    if infections is None:
        unknown.append("events.infections")
    for index, item in enumerate(infections or []):
        key = f"events.infections[{index}]"
        if item.onset > screening:
            continue
        out, missing, judged = _infection(item, key, start, screening, p)
        excluding += out
        unknown += missing
        review += judged
    if excluding:
        return facts.not_met("; ".join(excluding))
    if tb is None or unknown:
        reasons = [facts.why(_TB).text] if tb is None else []
        if unknown:
            reasons.append("whether a recorded infection is active, uncontrolled or treated in "
                           "the window" if infections is not None
                           else "infection history not recorded")
        keys = ([facts.why(_TB).missing] if tb is None else []) + unknown
        return facts.unknown("; ".join(reasons), list(dict.fromkeys(keys)))
    if review:
        return facts.review("; ".join(review))
    return facts.met(f"no active infection needing systemic treatment {_window_text(p)}"
                     + (f"; tuberculosis {tb} ({facts.dated(_TB)})"))


def _describe_infection(p: InfectionParams) -> str:
    text = (f"no uncontrolled active infection, no active infection needing systemic treatment, "
            f"no systemic treatment of an infection {_window_text(p)}, no active tuberculosis")
    if p.serious_excludes:
        text += "; no serious active infection"
    if p.active_without_systemic_treatment == "review":
        text += "; any other active infection goes to review"
    elif p.active_without_systemic_treatment == "not_met":
        text += "; no other active infection"
    return text


ACTIVE_INFECTION = Check(
    name="active_infection",
    family="infections",
    summary="Exclusion: not met for an infection active at screening that is uncontrolled or "
    "needs systemic treatment, an infection treated systemically in the window, or active "
    "tuberculosis (from a current test). Other active infections are met, review or not met as "
    "the registry wording says. Whether an infection is resolved, uncontrolled or treated, and "
    "when its treatment ended, must be recorded where it matters.",
    reads=("events.infections", "tuberculosis.status"),
    params=InfectionParams,
    evaluate=_infections,
    describe=_describe_infection,
    results=lambda p: (_TB,),
    examples=(
        Example("pneumonia treated until 5 days ago", {"systemic_treatment_within_days": 7},
                {"tuberculosis": {"status": "negative", "tested_on": _TESTED},
                 "events": {"infections": [{"name": "pneumonia", "onset": date(2026, 10, 20),
                                            "resolved": date(2026, 10, 27),
                                            "systemic_treatment": True,
                                            "treatment_end": date(2026, 10, 27)}]}},
                NOT_MET),
        Example("treatment ended 8 days ago", {"systemic_treatment_within_days": 7},
                {"tuberculosis": {"status": "negative", "tested_on": _TESTED},
                 "events": {"infections": [{"name": "pneumonia", "onset": date(2026, 10, 10),
                                            "resolved": date(2026, 10, 24),
                                            "systemic_treatment": True,
                                            "treatment_end": date(2026, 10, 24)}]}},
                MET),
        Example("active infection, control not recorded", {"systemic_treatment_within_days": 7},
                {"tuberculosis": {"status": "negative", "tested_on": _TESTED},
                 "events": {"infections": [{"name": "sinusitis", "onset": date(2026, 10, 25),
                                            "resolved": "ongoing",
                                            "systemic_treatment": False}]}},
                UNKNOWN),
        Example("active tuberculosis", {"systemic_treatment_within_days": 7},
                {"tuberculosis": {"status": "active", "tested_on": _TESTED},
                 "events": {"infections": []}}, NOT_MET),
    ),
)
