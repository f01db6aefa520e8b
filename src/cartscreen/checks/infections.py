"""Infection exclusions: tuberculosis, viral markers, active or recently treated infection."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import Field

from cartscreen.checks.base import Check, Example, Facts, Finding, NoParams, Outcome, Params
from cartscreen.patient import Infection


class TbParams(Params):
    exclude_latent: bool


def _tb(facts: Facts, p: TbParams) -> Finding:
    status = facts.get("tuberculosis.status")
    if status is None:
        return facts.unknown("tuberculosis status not recorded", ["tuberculosis.status"])
    if status == "active" or (status == "latent" and p.exclude_latent):
        return facts.not_met(f"{status} tuberculosis")
    if status == "latent":
        return facts.met("latent tuberculosis (this trial excludes active tuberculosis only)")
    return facts.met("tuberculosis screening negative")


TUBERCULOSIS = Check(
    name="tuberculosis",
    family="infections",
    summary="Exclusion: not met for active tuberculosis, and for latent tuberculosis where the "
    "trial excludes it too.",
    reads=("tuberculosis.status",),
    params=TbParams,
    evaluate=_tb,
    describe=lambda p: "no active" + (" or latent" if p.exclude_latent else "") + " tuberculosis",
    examples=(
        Example("latent, latent excluded", {"exclude_latent": True},
                {"tuberculosis": {"status": "latent"}}, Outcome.NOT_MET),
        Example("latent, active only excluded", {"exclude_latent": False},
                {"tuberculosis": {"status": "latent"}}, Outcome.MET),
    ),
)

Marker = Literal["hbv", "hcv", "hiv", "syphilis", "cmv_dna"]


def _hbv(facts: Facts) -> Finding:
    hbsag = facts.get("serology.hbsag")
    hbcab = facts.get("serology.hbcab")
    if hbsag == "negative" and hbcab == "negative":
        return facts.met("HBsAg and HBcAb negative")
    dna = facts.get("serology.hbv_dna")
    if dna in ("undetectable", "within_normal") and "positive" not in (hbsag, hbcab):
        # The exclusion needs DNA above normal, so a normal viral load settles it.
        return facts.met(f"HBV DNA {dna.replace('_', ' ')}")
    if hbsag is None and hbcab is None:
        return facts.unknown("hepatitis B serology not recorded",
                             ["serology.hbsag", "serology.hbcab"])
    if "positive" not in (hbsag, hbcab):
        return facts.unknown("hepatitis B serology incomplete",
                             [k for k, v in (("serology.hbsag", hbsag),
                                             ("serology.hbcab", hbcab)) if v is None])
    which = " and ".join(n for n, v in (("HBsAg", hbsag), ("HBcAb", hbcab)) if v == "positive")
    if dna is None:
        return facts.unknown(f"{which} positive; HBV DNA not recorded", ["serology.hbv_dna"])
    if dna == "above_normal":
        return facts.not_met(f"{which} positive with HBV DNA above the normal range")
    return facts.met(f"{which} positive, HBV DNA {dna.replace('_', ' ')}")


def _hcv(facts: Facts) -> Finding:
    antibody = facts.get("serology.hcv_ab")
    if antibody is None:
        rna = facts.get("serology.hcv_rna")
        if rna in ("undetectable", "within_normal"):
            return facts.met(f"HCV RNA {rna.replace('_', ' ')}")
        return facts.unknown("HCV antibody not recorded", ["serology.hcv_ab"])
    if antibody == "negative":
        return facts.met("HCV antibody negative")
    rna = facts.get("serology.hcv_rna")
    if rna is None:
        return facts.unknown("HCV antibody positive; HCV RNA not recorded", ["serology.hcv_rna"])
    if rna == "above_normal":
        return facts.not_met("HCV antibody positive with HCV RNA above the normal range")
    return facts.met(f"HCV antibody positive, HCV RNA {rna.replace('_', ' ')}")


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
    value = facts.get(path)
    if value is None:
        return facts.unknown(f"{label} not recorded", [path])
    if value == "positive":
        return facts.not_met(f"{label} positive")
    return facts.met(f"{label} negative")


_MARKER_RULES = {
    "hbv": "not (HBsAg or HBcAb positive with HBV DNA above normal)",
    "hcv": "not (HCV antibody positive with HCV RNA above normal)",
    "hiv": "HIV antibody negative",
    "syphilis": "syphilis test negative",
    "cmv_dna": "CMV DNA negative",
}

VIRAL_MARKER = Check(
    name="viral_marker",
    family="infections",
    summary="Exclusion on one viral marker. Hepatitis B and C exclude only with viral DNA/RNA "
    "above the normal range; HIV, syphilis and CMV DNA exclude when positive.",
    reads=("serology",),
    params=MarkerParams,
    evaluate=_marker,
    describe=lambda p: _MARKER_RULES[p.marker],
    examples=(
        Example("HBcAb positive, DNA undetectable", {"marker": "hbv"},
                {"serology": {"hbsag": "negative", "hbcab": "positive",
                              "hbv_dna": "undetectable"}}, Outcome.MET),
        Example("HBsAg positive, DNA high", {"marker": "hbv"},
                {"serology": {"hbsag": "positive", "hbcab": "positive",
                              "hbv_dna": "above_normal"}}, Outcome.NOT_MET),
        Example("HBsAg positive, DNA not done", {"marker": "hbv"},
                {"serology": {"hbsag": "positive", "hbcab": "negative"}}, Outcome.UNKNOWN),
    ),
)


def _viral_hepatitis(facts: Facts, p: NoParams) -> Finding:
    parts = [_hbv(facts), _hcv(facts)]
    if any(f.outcome == Outcome.NOT_MET for f in parts):
        return facts.not_met("active viral hepatitis: "
                             + "; ".join(f.evidence for f in parts if f.outcome == Outcome.NOT_MET))
    missing = [m for f in parts for m in f.missing]
    if missing:
        return facts.unknown("; ".join(f.evidence for f in parts), missing)
    return facts.met("no active hepatitis B or C: " + "; ".join(f.evidence for f in parts))


ACTIVE_VIRAL_HEPATITIS = Check(
    name="active_viral_hepatitis",
    family="infections",
    summary="Exclusion: not met when hepatitis B or C is active (viral DNA/RNA above normal). "
    "Other viral hepatitis belongs in the infection list.",
    reads=("serology",),
    params=NoParams,
    evaluate=_viral_hepatitis,
    describe=lambda p: "no active hepatitis B or C",
    examples=(
        Example("all negative", {}, {"serology": {"hbsag": "negative", "hbcab": "negative",
                                                  "hcv_ab": "negative"}}, Outcome.MET),
        Example("HCV viremia", {}, {"serology": {"hbsag": "negative", "hbcab": "negative",
                                                 "hcv_ab": "positive",
                                                 "hcv_rna": "above_normal"}}, Outcome.NOT_MET),
    ),
)


class InfectionParams(Params):
    systemic_treatment_within_days: int = Field(
        ge=0, description="0 means at the time of screening"
    )
    active_without_systemic_treatment: Literal["met", "review", "not_met"] = "met"
    serious_excludes: bool = False


def _active_on(item: Infection, day: date) -> bool:
    return item.onset <= day and (item.resolved is None or item.resolved > day)


def _treated_between(item: Infection, start: date, end: date) -> bool | None:
    if item.systemic_treatment is None:
        return None
    if not item.systemic_treatment:
        return False
    stop = item.treatment_end or item.resolved
    return item.onset <= end and (stop is None or stop >= start)


def _infections(facts: Facts, p: InfectionParams) -> Finding:
    infections = facts.get("events.infections")
    if infections is None:
        return facts.unknown("infection history not recorded", ["events.infections"])
    screening = facts.screening_date
    start = screening - timedelta(days=p.systemic_treatment_within_days)
    window = (
        "at screening" if p.systemic_treatment_within_days == 0
        else f"within {p.systemic_treatment_within_days} days before screening"
    )
    excluding: list[str] = []
    review: list[str] = []
    missing: list[str] = []
    for index, item in enumerate(infections):
        active = _active_on(item, screening)
        if active and item.uncontrolled:
            excluding.append(f"{item.name}: uncontrolled")
            continue
        if active and p.serious_excludes and item.serious:
            excluding.append(f"{item.name}: serious and active")
            continue
        treated = _treated_between(item, start, screening)
        if treated:
            excluding.append(f"{item.name}: systemic treatment {window}")
        elif treated is None and item.onset <= screening and (
            item.resolved is None or item.resolved >= start
        ):
            missing.append(f"events.infections[{index}].systemic_treatment")
        elif active and p.active_without_systemic_treatment != "met":
            if p.active_without_systemic_treatment == "not_met":
                excluding.append(f"{item.name}: active")
            else:
                review.append(f"{item.name}: active at screening without systemic treatment")
    if excluding:
        return facts.not_met("; ".join(excluding))
    if missing:
        return facts.unknown("whether a recent infection needed systemic treatment", missing)
    if review:
        return facts.review("; ".join(review))
    return facts.met(f"no active infection needing systemic treatment {window}"
                     if infections else "no infections recorded")


def _describe_infection(p: InfectionParams) -> str:
    window = (
        "at screening" if p.systemic_treatment_within_days == 0
        else f"within {p.systemic_treatment_within_days} days before screening"
    )
    text = f"no uncontrolled infection and no infection needing systemic treatment {window}"
    if p.serious_excludes:
        text += "; no serious active infection"
    if p.active_without_systemic_treatment == "review":
        text += "; any other active infection goes to review"
    return text


ACTIVE_INFECTION = Check(
    name="active_infection",
    family="infections",
    summary="Exclusion: not met for an uncontrolled infection active at screening, or an "
    "infection with systemic treatment in the window. Other active infections are met, review "
    "or not met as the registry wording says.",
    reads=("events.infections",),
    params=InfectionParams,
    evaluate=_infections,
    describe=_describe_infection,
    examples=(
        Example("pneumonia treated 5 days ago", {"systemic_treatment_within_days": 7},
                {"events": {"infections": [{"name": "pneumonia", "onset": date(2026, 10, 20),
                                            "resolved": date(2026, 10, 27),
                                            "systemic_treatment": True}]}}, Outcome.NOT_MET),
        Example("treated 8 days ago", {"systemic_treatment_within_days": 7},
                {"events": {"infections": [{"name": "pneumonia", "onset": date(2026, 10, 10),
                                            "resolved": date(2026, 10, 24),
                                            "systemic_treatment": True}]}}, Outcome.MET),
    ),
)
