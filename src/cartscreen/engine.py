"""Evaluate every criterion of a trial for a patient and combine the findings into a verdict."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from typing import Any, Literal

from cartscreen.checks.base import NOT_MET, UNKNOWN, Facts, Finding, LazyRead, Outcome
from cartscreen.patient import DISEASE_NAMES, Patient
from cartscreen.result import (
    CriterionResult,
    DateSource,
    PatientResult,
    TrialResult,
    Verdict,
)
from cartscreen.trial import BoundCriterion, FindingKey, LoadedTrial


def verdict(outcomes: Iterable[Outcome]) -> Verdict:
    """Ineligible if any criterion is not met; else incomplete if any is unknown; else eligible."""
    seen = set(outcomes)
    if NOT_MET in seen:
        return "ineligible"
    if UNKNOWN in seen:
        return "incomplete"
    return "eligible"


FindingMemo = dict[FindingKey, Finding]


def evaluate_criterion(item: BoundCriterion, patient: Patient, screening: date,
                       values: dict[str, Any] | None = None,
                       memo: FindingMemo | None = None) -> Finding:
    """The criterion's finding; ``values`` holds the patient's values looked up so far, shared
    by the criteria screened for one patient (see :class:`Facts`). With ``memo`` (the
    findings so far for the patient on this date), a criterion whose disease branch applies
    takes the finding of the same rule without a branch, evaluating it only the first time (a
    trial's JDM branch and another's JDM-and-IMNM branch ask for the same treatment history,
    say); and one whose branch does not apply, or cannot be known, takes the finding another
    criterion of the branch gave."""
    branch = item.criterion.diseases
    if branch is None:
        return item.check.evaluate(Facts(patient, screening, item.window_days, values),
                                   item.params)
    if memo is not None and (outside := memo.get(item.branch_key)) is not None:
        return outside  # another criterion of this branch found it does not apply
    facts = Facts(patient, screening, item.window_days, values)
    disease = facts.get(_DISEASE)
    if disease is None or disease not in branch:
        outside = facts.unknown(
            f"applies only to {_disease_words(tuple(branch))}; diagnosis not recorded",
            [_DISEASE],
        ) if disease is None else facts.not_applicable(
            f"for {_disease_words(tuple(branch))} only")
        if memo is not None:
            memo[item.branch_key] = outside
        return outside
    if memo is None:
        return item.check.evaluate(facts, item.params)
    rule = memo.get(item.rule_key)
    if rule is None:
        rule = memo[item.rule_key] = item.check.evaluate(
            Facts(patient, screening, item.window_days, values), item.params)
    # The branch's own finding would have read the disease first, then what the rule read.
    return rule._replace(read=_disease_first(disease, rule.read))


_DISEASE = "diagnosis.disease"


def _disease_first(disease: str, read: Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(read, LazyRead):
        return LazyRead(lambda: {_DISEASE: disease, **read})
    return {_DISEASE: disease, **read}


@cache
def _disease_words(diseases: tuple[str, ...]) -> str:
    """A disease branch in words (a patient meets a few dozen branches that do not apply)."""
    return ", ".join(DISEASE_NAMES[d] for d in diseases)


def screen_trial(trial: LoadedTrial, patient: Patient, screening: date,
                 memo: FindingMemo | None = None,
                 values: dict[str, Any] | None = None) -> TrialResult:
    """Every criterion of the trial for the patient.

    ``memo`` shares findings between the trials screened for one patient on one date: a
    criterion with the same check, parameters and disease branch as one already evaluated
    reuses its finding (findings are immutable and depend on nothing else). ``values``
    holds the patient's values looked up so far, for the same trials (see :class:`Facts`).
    """
    if memo is None:
        memo = {}
    if values is None:
        values = {}
    findings = []
    for item in trial.criteria:
        finding = memo.get(item.finding_key)
        if finding is None:
            finding = memo[item.finding_key] = evaluate_criterion(item, patient, screening,
                                                                  values, memo)
        findings.append(finding)
    return TrialResult(
        trial_id=trial.id,
        title=trial.trial.title,
        verdict=verdict({f.outcome for f in findings}),
        # (_make, tuple.__new__ itself: ~190 results per patient skip a Python __new__ each)
        criteria=tuple(map(CriterionResult._make, zip(trial.criteria, findings, strict=True))),
    )


def screening_date_for(
    patient: Patient, as_of: date | None, today: date, screen_on: date | None = None
) -> tuple[date, DateSource]:
    """The what-if date (``screen_on``) when given, else the patient file's screening date,
    else --as-of, else today: every window and age is counted from it."""
    if screen_on is not None:
        return screen_on, "--screen-on"
    if patient.screening_date is not None:
        return patient.screening_date, "patient file"
    if as_of is not None:
        return as_of, "--as-of"
    return today, "today"


def screen_patient(
    patient: Patient,
    file: str,
    trials: Iterable[LoadedTrial],
    *,
    as_of: date | None,
    today: date,
    forecast: bool | Literal["opens"] = False,
    screen_on: date | None = None,
) -> PatientResult:
    """Every trial for the patient; with ``forecast``, each trial's result also says when its
    verdict changes if nothing else does (cartscreen.timeline); with ``"opens"``, only when an
    ineligible trial opens (what the funnel counts)."""
    screening, source = screening_date_for(patient, as_of, today, screen_on)
    memo: FindingMemo = {}
    values: dict[str, Any] = {}
    trials = tuple(trials)
    results = tuple(screen_trial(t, patient, screening, memo, values) for t in trials)
    if forecast:
        from cartscreen.timeline import Memo, forecast_trial

        changes: Memo = {}
        results = tuple(
            dataclasses.replace(result, forecast=forecast_trial(
                trial, result, patient, screening, changes))
            if forecast is True or result.verdict == "ineligible" else result
            for trial, result in zip(trials, results, strict=True))
    return PatientResult(
        patient_id=patient.id,
        file=file,
        screening_date=screening,
        screening_date_source=source,
        trials=results,
    )
