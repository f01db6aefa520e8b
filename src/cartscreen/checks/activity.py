"""Disease activity thresholds: SLEDAI-2K, mRSS, ESSDAI/clinESSDAI, active joint count."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from cartscreen.checks.base import (
    MET,
    NOT_MET,
    REVIEW,
    UNKNOWN,
    Check,
    Example,
    Facts,
    Finding,
    Outcome,
    Params,
    fmt,
)
from cartscreen.checks.calculators import SCORE_CALCULATORS
from cartscreen.checks.derive import Reading, read_score
from cartscreen.scores import essdai, mrss, sledai_2k

ScoreName = Literal["sledai_2k", "mrss", "essdai", "clinessdai", "active_joint_count"]

SCORE_LABELS = {
    "sledai_2k": "SLEDAI-2K",
    "mrss": "mRSS",
    "essdai": "ESSDAI",
    "clinessdai": "clinESSDAI",
    "active_joint_count": "active joints",
}


# The highest total of each instrument, as the patient file's activity table holds it: a
# minimum above it can never be reached.
SCORE_MAXIMA: dict[ScoreName, int] = {
    "sledai_2k": sledai_2k.ARITHMETIC_MAXIMUM,  # 105
    "mrss": mrss.TOTAL_MAXIMUM,  # 51: 17 sites scored 0-3
    "essdai": essdai.ARITHMETIC_MAXIMUM,  # 123
    "clinessdai": 135,  # ESSDAI without the biological domain, re-weighted (Seror 2016)
    "active_joint_count": 71,  # the 71 joints of JADAS-71 (Consolaro 2009)
}


class ScoreParams(Params):
    scores: list[ScoreName] = Field(min_length=1, description="any one reaching the minimum")
    minimum: float = Field(ge=0, le=max(SCORE_MAXIMA.values()),
                           description="at most the lowest maximum of the listed scores")

    @field_validator("minimum")
    @classmethod
    def _reachable(cls, minimum: float, info: ValidationInfo) -> float:
        # Each listed score must be able to reach the minimum; "any one" of them would
        # otherwise quietly become fewer.
        scores = info.data.get("scores") or []
        lowest = min(scores, key=SCORE_MAXIMA.__getitem__, default=None)
        if lowest is not None and minimum > SCORE_MAXIMA[lowest]:
            raise PydanticCustomError(
                "less_than_equal", "Input should be less than or equal to {le}",
                {"le": SCORE_MAXIMA[lowest],
                 "why": f"the highest possible {SCORE_LABELS[lowest]}"})
        return minimum


def _reached(reading: Reading) -> str:
    """How a score reaching the threshold was obtained, for the evidence."""
    if reading.how == "stated_within_components":
        return f"stated; {reading.note}"
    if reading.how == "computed_so_far":
        return "reached already by the components recorded"
    return reading.how  # stated, computed


def _short(reading: Reading) -> str:
    """How a score short of the threshold was obtained, for the evidence."""
    if reading.how == "stated_within_components":
        return f" (stated; {reading.note})"
    if reading.how == "computed":
        return " (computed)"
    if reading.how == "computed_so_far":
        return f" (at most {fmt(reading.high or 0)} with the missing components)"
    return ""


def _score(facts: Facts, p: ScoreParams) -> Finding:
    # The criteria concern activity at screening: the assessment must be current (its window
    # is the trial's activity window, 28 days by default).
    assessed = facts.assessment(f"activity.{p.scores[0]}")
    threshold = fmt(p.minimum)
    reached: list[tuple[str, str]] = []  # (the score against the threshold, how obtained)
    below: list[str] = []
    conflicts: list[str] = []
    open_: list[str] = []
    missing: list[str] = []
    for name in p.scores:
        label = SCORE_LABELS[name]
        reading = read_score(facts, f"activity.{name}", label, SCORE_CALCULATORS.get(name))
        if reading.how == "conflict":
            conflicts.append(f"{reading.note}; {threshold} needed")
        elif reading.low is None or reading.high is None:
            missing.extend(reading.missing)
            open_.append(f"{label} not recorded")
        elif reading.low >= p.minimum:
            reached.append((f"{label} {fmt(reading.low)} ≥ {threshold}", _reached(reading)))
        elif reading.high < p.minimum:
            below.append(f"{label} {fmt(reading.low)} < {threshold}{_short(reading)}")
        else:
            missing.extend(reading.missing)
            open_.append(f"{label} {fmt(reading.low)} so far, up to {fmt(reading.high)} with "
                         f"the missing components; {threshold} needed")
    # Any one score suffices. A conflict beats a missing score: whatever the missing one turns
    # out to be, the criterion is met or goes to review, never fails.
    if reached:
        for conflict in conflicts:
            facts.warn(conflict)
        return _dated(facts, assessed, p, MET, *reached[0])
    if conflicts:
        return _dated(facts, assessed, p, REVIEW,
                      "; ".join([*conflicts, *below, *open_]), missing=missing)
    if missing:
        return facts.unknown("; ".join([*below, *open_]), missing)
    return _dated(facts, assessed, p, NOT_MET, "; ".join(below))


def _dated(facts: Facts, assessed: date | None, p: ScoreParams, outcome: Outcome,
           evidence: str, how: str = "", missing: list[str] | None = None) -> Finding:
    """The outcome at the assessment date (``how`` says how a reached score was obtained).
    Without a current date it is unknown: the criteria concern activity at screening, which an
    undated or old score cannot show."""
    if not assessed:
        shown = f"{evidence} ({how})" if how else evidence
        why = facts.why(f"activity.{p.scores[0]}")
        return facts.unknown(f"{shown}, but the {why.text.replace(why.label, 'assessment', 1)}",
                             [why.missing, *(missing or [])])
    if outcome == MET:
        return facts.met(f"{evidence} ({how}; assessed {assessed})")
    if outcome == REVIEW:
        return facts.review(f"{evidence}; assessed {assessed}")
    return facts.not_met(f"assessed {assessed}: {evidence}")


ACTIVITY_SCORE = Check(
    name="activity_score",
    family="activity",
    summary="Met when any one of the listed activity scores reaches the minimum (inclusive) "
    "at a dated assessment (activity.assessed_on); a score without its date is unknown. A "
    "stated score stands beside partial components that allow it; one they cannot allow goes "
    "to review.",
    reads=(*(f"activity.{s}" for s in SCORE_LABELS), "activity.assessed_on"),
    params=ScoreParams,
    evaluate=_score,
    describe=lambda p: " or ".join(SCORE_LABELS[s] for s in p.scores) + f" ≥ {fmt(p.minimum)}",
    results=lambda p: tuple(f"activity.{s}" for s in p.scores),
    reads_for=lambda p: (*(f"activity.{s}" for s in p.scores), "activity.assessed_on"),
    examples=(
        Example("SLEDAI-2K 8", {"scores": ["sledai_2k"], "minimum": 8},
                {"activity": {"sledai_2k": 8, "assessed_on": date(2026, 10, 28)}}, MET),
        Example("SLEDAI-2K 7", {"scores": ["sledai_2k"], "minimum": 8},
                {"activity": {"sledai_2k": 7, "assessed_on": date(2026, 10, 28)}},
                NOT_MET),
        Example("SLEDAI-2K 14 assessed 3 years before screening",
                {"scores": ["sledai_2k"], "minimum": 8},
                {"activity": {"sledai_2k": 14, "assessed_on": date(2023, 11, 1)}},
                UNKNOWN),
        Example("clinESSDAI reaches 5 though ESSDAI not recorded",
                {"scores": ["essdai", "clinessdai"], "minimum": 5},
                {"activity": {"clinessdai": 5, "assessed_on": date(2026, 10, 28)}}, MET),
    ),
)
