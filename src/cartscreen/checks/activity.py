"""Disease activity thresholds: SLEDAI-2K, mRSS, ESSDAI/clinESSDAI, active joint count."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from cartscreen.checks.base import Check, Example, Facts, Finding, Outcome, Params, fmt
from cartscreen.checks.calculators import SCORE_CALCULATORS
from cartscreen.checks.derive import read_score

ScoreName = Literal["sledai_2k", "mrss", "essdai", "clinessdai", "active_joint_count"]

SCORE_LABELS = {
    "sledai_2k": "SLEDAI-2K",
    "mrss": "mRSS",
    "essdai": "ESSDAI",
    "clinessdai": "clinESSDAI",
    "active_joint_count": "active joints",
}


class ScoreParams(Params):
    scores: list[ScoreName] = Field(min_length=1, description="any one reaching the minimum")
    minimum: float = Field(ge=0)


def _score(facts: Facts, p: ScoreParams) -> Finding:
    assessed = facts.get("activity.assessed_on")
    when = f"; assessed {assessed}" if assessed else ""
    below: list[str] = []
    open_: list[str] = []
    missing: list[str] = []
    threshold = fmt(p.minimum)
    for name in p.scores:
        label = SCORE_LABELS[name]
        reading = read_score(facts, f"activity.{name}", label, SCORE_CALCULATORS.get(name))
        if reading.low is None or reading.high is None:
            missing.extend(reading.missing)
            open_.append(f"{label} not recorded")
        elif reading.low >= p.minimum:
            how = "stated" if reading.how == "stated" else (
                "computed" if reading.low == reading.high
                else "reached already by the components recorded")
            reached = f"{label} {fmt(reading.low)} ≥ {threshold} ({how}{when})"
            return facts.met(reached) if assessed else _undated(facts, reached)
        elif reading.high < p.minimum:
            how = "" if reading.how == "stated" else (
                " (computed)" if reading.low == reading.high
                else f" (at most {fmt(reading.high)} with the missing components)")
            below.append(f"{label} {fmt(reading.low)} < {threshold}{how}")
        else:
            missing.extend(reading.missing)
            open_.append(f"{label} {fmt(reading.low)} so far, up to {fmt(reading.high)} with "
                         f"the missing components; {threshold} needed")
    if missing:
        return facts.unknown("; ".join([*below, *open_]), missing)
    if not assessed:
        return _undated(facts, "; ".join(below))
    return facts.not_met(f"{when.removeprefix('; ')}: " + "; ".join(below))


def _undated(facts: Facts, decided: str) -> Finding:
    """Unknown: the criteria concern activity at screening, which an undated score cannot show."""
    return facts.unknown(f"{decided}, but the assessment date is not recorded",
                         ["activity.assessed_on"])


ACTIVITY_SCORE = Check(
    name="activity_score",
    family="activity",
    summary="Met when any one of the listed activity scores reaches the minimum (inclusive) "
    "at a dated assessment (activity.assessed_on); a score without its date is unknown.",
    reads=(*(f"activity.{s}" for s in SCORE_LABELS), "activity.assessed_on"),
    params=ScoreParams,
    evaluate=_score,
    describe=lambda p: " or ".join(SCORE_LABELS[s] for s in p.scores) + f" ≥ {fmt(p.minimum)}",
    examples=(
        Example("SLEDAI-2K 8", {"scores": ["sledai_2k"], "minimum": 8},
                {"activity": {"sledai_2k": 8, "assessed_on": date(2026, 10, 28)}}, Outcome.MET),
        Example("SLEDAI-2K 7", {"scores": ["sledai_2k"], "minimum": 8},
                {"activity": {"sledai_2k": 7, "assessed_on": date(2026, 10, 28)}},
                Outcome.NOT_MET),
        Example("clinESSDAI reaches 5 though ESSDAI not recorded",
                {"scores": ["essdai", "clinessdai"], "minimum": 5},
                {"activity": {"clinessdai": 5, "assessed_on": date(2026, 10, 28)}}, Outcome.MET),
    ),
)
