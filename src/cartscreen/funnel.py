"""The cohort attrition funnel: per trial, how many patients each criterion excludes or leaves
unknown, and how many it alone stands between a patient and the next verdict.

Counted in one pass with counters only: a batch of 10,000 patients costs the same memory as a
batch of 100 (README, Speed), so nothing here keeps a patient's result after counting it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

from cartscreen.checks.base import NOT_MET, UNKNOWN, Outcome
from cartscreen.result import PatientResult, TrialResult, Verdict

FUNNEL_SCHEMA_VERSION = 1


class _Frozen(BaseModel):
    # The attribute docstrings become the fields' descriptions in the JSON schema.
    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)


class CriterionAttrition(_Frozen):
    """How one criterion of one trial fared across the cohort. Counts are of patients."""

    id: str
    kind: Literal["inclusion", "exclusion"]
    text: str
    check: str
    not_met: int = 0
    """Patients for whom it is not met: it makes them ineligible, perhaps with others."""
    excludes_alone: int = 0
    """Patients for whom it is the only criterion not met: without it they would not be
    ineligible."""
    unknown: int = 0
    """Patients for whom it is unknown (a fact it reads is missing)."""
    unknown_alone: int = 0
    """Patients for whom it is the only unknown criterion and nothing is not met: the one missing
    fact keeping them incomplete."""

    @property
    def affects_anyone(self) -> bool:
        """True if it excluded at least one patient or left at least one unknown."""
        return self.not_met > 0 or self.unknown > 0


class TrialFunnel(_Frozen):
    trial_id: str
    title: str
    patients: int
    eligible: int
    ineligible: int
    incomplete: int
    eligible_within_30_days: int = 0
    """Ineligible patients who become eligible within 30 days of their screening date if nothing
    else changes (a washout ends, a minimum age or treatment duration is reached)."""
    eligible_within_90_days: int = 0
    """As above, within 90 days (those within 30 days included)."""
    criteria: tuple[CriterionAttrition, ...]
    """In the trial's own order."""


class CohortAction(_Frozen):
    """One kind of next step, across the cohort: how many patients need it and how many
    incomplete results (patient × trial) it would help decide."""

    action: str
    patients: int
    results: int


class Funnel(_Frozen):
    schema_version: int = FUNNEL_SCHEMA_VERSION
    patients: int
    """Patients screened (input files that could not be read are counted in ``errors``)."""
    errors: int
    trials: tuple[TrialFunnel, ...]
    actions: tuple[CohortAction, ...] = ()
    """The next steps that would decide the most incomplete results, most results first."""


# --- counting ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CriterionOutcome:
    id: str
    kind: Literal["inclusion", "exclusion"]
    text: str
    check: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class TrialOutcomes:
    """What the funnel counts of one trial's result: the verdict and each criterion's outcome.

    Made where the patient was screened (a worker, in a large batch) so that the evidence of
    every criterion never travels to the process that counts.
    """

    trial_id: str
    title: str
    verdict: Verdict
    criteria: tuple[CriterionOutcome, ...]
    eligible_in_days: int | None = None  # when an ineligible trial opens as eligible


@dataclass(frozen=True, slots=True)
class PatientOutcomes:
    """What the funnel counts of one patient: each trial's outcomes, and each next step (its
    general form) with the number of incomplete results it would help decide."""

    trials: tuple[TrialOutcomes, ...]
    actions: tuple[tuple[str, int], ...] = ()


def outcomes(patient: PatientResult) -> PatientOutcomes:
    from cartscreen.actions import next_steps

    trials = tuple(
        TrialOutcomes(
            trial_id=t.trial_id, title=t.title, verdict=t.verdict,
            criteria=tuple(CriterionOutcome(c.id, c.kind, c.text, c.check, c.outcome)
                           for c in t.criteria),
            eligible_in_days=_eligible_in_days(t, patient),
        )
        for t in patient.trials
    )
    incomplete = {t.trial_id for t in patient.trials if t.verdict == "incomplete"}
    actions: dict[str, int] = {}
    for action in next_steps(patient).actions:
        results = len(incomplete & set(action.decides))
        if results:
            actions[action.general] = actions.get(action.general, 0) + results
    return PatientOutcomes(trials, tuple(actions.items()))


def _eligible_in_days(trial: TrialResult, patient: PatientResult) -> int | None:
    forecast = trial.forecast
    if forecast is None or forecast.kind != "opens" or forecast.verdict != "eligible":
        return None
    days: int = (forecast.on - patient.screening_date).days
    return days



@dataclass(slots=True)
class _CriterionTally:
    id: str
    kind: Literal["inclusion", "exclusion"]
    text: str
    check: str
    not_met: int = 0
    excludes_alone: int = 0
    unknown: int = 0
    unknown_alone: int = 0

    @classmethod
    def of(cls, criterion: CriterionOutcome) -> _CriterionTally:
        return cls(id=criterion.id, kind=criterion.kind, text=criterion.text,
                   check=criterion.check)

    def frozen(self) -> CriterionAttrition:
        return CriterionAttrition(
            id=self.id, kind=self.kind, text=self.text, check=self.check,
            not_met=self.not_met, excludes_alone=self.excludes_alone,
            unknown=self.unknown, unknown_alone=self.unknown_alone,
        )


@dataclass(slots=True)
class _TrialTally:
    trial_id: str
    title: str
    patients: int = 0
    eligible: int = 0
    ineligible: int = 0
    incomplete: int = 0
    within_30: int = 0
    within_90: int = 0
    # Insertion order is the trial's criterion order (dicts keep it).
    criteria: dict[str, _CriterionTally] = field(default_factory=dict)

    def add(self, result: TrialOutcomes) -> None:
        self.patients += 1
        if result.verdict == "eligible":
            self.eligible += 1
        elif result.verdict == "ineligible":
            self.ineligible += 1
        else:
            self.incomplete += 1
        if result.eligible_in_days is not None:
            self.within_30 += result.eligible_in_days <= 30
            self.within_90 += result.eligible_in_days <= 90
        not_met: list[_CriterionTally] = []
        unknown: list[_CriterionTally] = []
        for criterion in result.criteria:
            tally = self.criteria.get(criterion.id)
            if tally is None:
                tally = self.criteria[criterion.id] = _CriterionTally.of(criterion)
            if criterion.outcome == NOT_MET:
                tally.not_met += 1
                not_met.append(tally)
            elif criterion.outcome == UNKNOWN:
                tally.unknown += 1
                unknown.append(tally)
        if len(not_met) == 1:
            not_met[0].excludes_alone += 1
        elif not not_met and len(unknown) == 1:
            unknown[0].unknown_alone += 1

    def frozen(self) -> TrialFunnel:
        return TrialFunnel(
            trial_id=self.trial_id, title=self.title, patients=self.patients,
            eligible=self.eligible, ineligible=self.ineligible, incomplete=self.incomplete,
            eligible_within_30_days=self.within_30, eligible_within_90_days=self.within_90,
            criteria=tuple(c.frozen() for c in self.criteria.values()),
        )


class FunnelBuilder:
    """Counts patients' results one at a time; ``build`` returns the immutable :class:`Funnel`.

    Trials appear in the order they are first seen (the order they were screened in).
    """

    def __init__(self) -> None:
        self._patients = 0
        self._trials: dict[str, _TrialTally] = {}
        self._actions: dict[str, list[int]] = {}  # action -> [patients, results]

    def add(self, patient: PatientResult) -> None:
        self.add_outcomes(outcomes(patient))

    def add_outcomes(self, patient: PatientOutcomes) -> None:
        """Count one patient from the outcomes :func:`outcomes` took from its result."""
        self._patients += 1
        for action, results in patient.actions:
            counts = self._actions.setdefault(action, [0, 0])
            counts[0] += 1
            counts[1] += results
        for result in patient.trials:
            tally = self._trials.get(result.trial_id)
            if tally is None:
                tally = self._trials[result.trial_id] = _TrialTally(result.trial_id,
                                                                    result.title)
            tally.add(result)

    def build(self, errors: int = 0, actions: int = 10) -> Funnel:
        ranked = sorted(self._actions.items(), key=lambda item: (-item[1][1], -item[1][0]))
        return Funnel(
            patients=self._patients,
            errors=errors,
            trials=tuple(t.frozen() for t in self._trials.values()),
            actions=tuple(CohortAction(action=a, patients=p, results=r)
                          for a, (p, r) in ranked[:actions]),
        )


def funnel(patients: Iterable[PatientResult], errors: int = 0) -> Funnel:
    """The attrition funnel of a cohort, in one pass over its results."""
    builder = FunnelBuilder()
    for patient in patients:
        builder.add(patient)
    return builder.build(errors)
