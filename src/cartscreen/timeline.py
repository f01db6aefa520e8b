"""When a verdict changes if nothing else does: the washout that ends, the birthday that passes,
the result that goes stale.

Every criterion counts its windows from the screening date, so its outcome is a function of that
date. The date it next changes is found from the dates the check read (a vaccine's date, a
course's start, a result's date, the birth date) and the lengths in its rule (its parameters'
days, weeks, months and years, and the validity windows of the results it reads): each date
plus each length, and the days around it, is a candidate, and the criterion is evaluated again on
each candidate in turn, so a forecast is never a guess. A trial's verdict is then followed
through its criteria's changes, one date at a time.

"If nothing else changes" is meant literally: the patient file as it is, screened on a later
date. A new test result, a new course or a new event is a new file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel

from cartscreen.checks.base import MET, NOT_APPLICABLE, NOT_MET, REVIEW, UNKNOWN, Finding, Outcome
from cartscreen.engine import evaluate_criterion, verdict
from cartscreen.patient import Patient
from cartscreen.patient.plausibility import LATEST_DATE
from cartscreen.result import TrialResult, Verdict
from cartscreen.timeutil import add_months
from cartscreen.trial import BoundCriterion, FindingKey, LoadedTrial

HORIZON_DAYS = 3660  # ten years: a minimum age a young child will reach, and no further
_OFFSETS = (-1, 0, 1, 2, 3)  # around each candidate: windows open or close the day after
_UNITS = {"_days": "days", "_weeks": "weeks", "_months": "months", "_years": "years"}


@dataclass(frozen=True)
class Change:
    """A criterion's next change: the first screening date with another outcome, and that
    outcome with its evidence."""

    on: date
    outcome: Outcome
    evidence: str


@dataclass(frozen=True)
class Forecast:
    """When a trial's verdict changes if nothing else does.

    ``opens``: a trial the patient is ineligible for only through criteria that time settles
    (a washout, a study or transplant window, a minimum age or treatment duration): the first
    date on which all of them pass. ``until``: an eligible or incomplete trial, the first date
    a criterion it relies on (met or not applicable) changes: a maximum age, a result going
    stale. ``because`` holds those criteria: (id, outcome then, evidence then). ``verdict`` is
    the verdict then, every criterion evaluated on that date (a result may have gone stale by
    then: a trial that opens on a fifth birthday weeks away opens as incomplete).
    """

    kind: Literal["opens", "until"]
    on: date
    verdict: Verdict
    because: tuple[tuple[str, Outcome, str], ...]

    def as_data(self) -> dict[str, Any]:
        return {"kind": self.kind, "on": self.on.isoformat(), "verdict": self.verdict,
                "because": [{"id": i, "outcome": o.value, "evidence": e}
                            for i, o, e in self.because]}



def next_change(item: BoundCriterion, patient: Patient, screening: date,
                finding: Finding) -> Change | None:
    """The first screening date after ``screening`` on which the criterion's outcome differs
    from ``finding``'s (its outcome on ``screening``), within the horizon; None if none."""
    for candidate in _candidates(item, finding, screening):
        then = evaluate_criterion(item, patient, candidate)
        if then.outcome != finding.outcome:
            return Change(candidate, then.outcome, then.evidence)
    return None


def _candidates(item: BoundCriterion, finding: Finding, screening: date) -> list[date]:
    last = min(screening + timedelta(days=HORIZON_DAYS), LATEST_DATE)
    found: set[date] = set()
    lengths = list(_lengths(item))
    for start in set(_dates(finding.read.values())):
        for unit, count in lengths:
            for n in (count, count + 1):
                try:
                    base = (start + timedelta(**{unit: n}) if unit in ("days", "weeks")
                            else add_months(start, n * (12 if unit == "years" else 1)))
                except (OverflowError, ValueError):
                    continue
                for offset in _OFFSETS:
                    day = base + timedelta(days=offset)
                    if screening < day <= last:
                        found.add(day)
    return sorted(found)


def _dates(values: Any) -> Iterator[date]:
    """Every date in the values a check read, at any depth."""
    for value in values:
        if isinstance(value, date):
            yield value
        elif isinstance(value, BaseModel):
            yield from _dates(getattr(value, name) for name in type(value).model_fields)
        elif isinstance(value, list | tuple):
            yield from _dates(value)
        elif isinstance(value, dict):
            yield from _dates(value.values())


def _lengths(item: BoundCriterion) -> Iterator[tuple[str, int]]:
    """(unit, count) for every length in the criterion's rule: its parameters' windows and
    durations, and the validity windows of the results it reads."""
    yield from (("days", days) for _, days in item.windows)
    yield from _parameter_lengths(item.params.model_dump())


def _parameter_lengths(data: Any) -> Iterator[tuple[str, int]]:
    if isinstance(data, dict):
        for key, value in data.items():
            unit = next((u for suffix, u in _UNITS.items() if str(key).endswith(suffix)), None)
            if unit is not None and isinstance(value, int | float) \
                    and not isinstance(value, bool):
                yield unit, int(value)
            else:
                yield from _parameter_lengths(value)
    elif isinstance(data, list | tuple):
        for value in data:
            yield from _parameter_lengths(value)


Memo = dict[FindingKey, Change | None]
_PASSES = (MET, NOT_APPLICABLE, REVIEW)  # no longer excludes


def forecast_trial(trial: LoadedTrial, result: TrialResult, patient: Patient, screening: date,
             memo: Memo | None = None) -> Forecast | None:
    """The trial's :class:`Forecast`, or None when time alone changes nothing it relies on
    (within the horizon), or cannot lift what excludes the patient."""
    memo = {} if memo is None else memo
    items: dict[FindingKey, tuple[BoundCriterion, Finding]] = {}
    for item, criterion in zip(trial.criteria, result.criteria, strict=True):
        items.setdefault(item.finding_key, (item, criterion.finding))

    def change(key: FindingKey) -> Change | None:
        if key not in memo:
            item, finding = items[key]
            memo[key] = next_change(item, patient, screening, finding)
        return memo[key]

    if result.verdict == "ineligible":
        blocking = [key for key, (_, finding) in items.items()
                    if finding.outcome is NOT_MET]
        lifted = {key: _until_it_passes(items[key][0], patient, change(key))
                  for key in blocking}
        if not all(lifted.values()):
            return None
        day = max(c.on for c in lifted.values() if c is not None)
        then = {key: c for key, c in lifted.items() if c is not None}
        return Forecast("opens", day, _verdict_on(trial, patient, day), _because(trial, then))
    relied = [key for key, (_, finding) in items.items()
              if finding.outcome in (MET, NOT_APPLICABLE)]
    changes = {key: c for key in relied if (c := change(key)) is not None}
    if not changes:
        return None
    day = min(c.on for c in changes.values())
    then = {key: c for key, c in changes.items() if c.on == day}
    return Forecast("until", day, _verdict_on(trial, patient, day), _because(trial, then))


def _until_it_passes(item: BoundCriterion, patient: Patient,
                     first: Change | None) -> Change | None:
    """A criterion not met, followed through its changes until it no longer excludes; None
    when it never does in the horizon, or goes unknown first (its evidence goes stale)."""
    current = first
    for _ in range(8):
        if current is None or current.outcome is UNKNOWN:
            return None
        if current.outcome in _PASSES:
            return current
        finding = evaluate_criterion(item, patient, current.on)
        current = next_change(item, patient, current.on, finding)
    return None


def _verdict_on(trial: LoadedTrial, patient: Patient, day: date) -> Verdict:
    """The trial's verdict for the file as it is, screened on ``day``: by then another result
    may have gone stale, so a trial that opens may open as incomplete, never falsely
    eligible."""
    findings: dict[FindingKey, Outcome] = {}
    for item in trial.criteria:
        if item.finding_key not in findings:
            findings[item.finding_key] = evaluate_criterion(item, patient, day).outcome
    return verdict(findings[item.finding_key] for item in trial.criteria)


def _because(trial: LoadedTrial, changed: Mapping[FindingKey, Change]
             ) -> tuple[tuple[str, Outcome, str], ...]:
    return tuple((item.criterion.id, changed[item.finding_key].outcome,
                  changed[item.finding_key].evidence)
                 for item in trial.criteria if item.finding_key in changed)
