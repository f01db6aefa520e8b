"""Screening results: immutable, fully serialisable, carrying their evidence."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from cartscreen.checks.base import DerivationView, Outcome

RESULT_SCHEMA_VERSION = 1

Verdict = Literal["eligible", "ineligible", "incomplete"]
DateSource = Literal["patient file", "--as-of", "today"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CriterionResult(_Frozen):
    id: str
    kind: Literal["inclusion", "exclusion"]
    text: str
    check: str
    rule: str
    outcome: Outcome
    evidence: str
    missing: tuple[str, ...] = ()
    read: dict[str, Any] = {}
    note: str | None = None
    warnings: tuple[str, ...] = ()
    derivations: tuple[DerivationView, ...] = ()


class TrialResult(_Frozen):
    trial_id: str
    title: str
    verdict: Verdict
    criteria: tuple[CriterionResult, ...]

    def with_outcome(self, outcome: Outcome) -> list[CriterionResult]:
        return [c for c in self.criteria if c.outcome == outcome]

    @property
    def warnings(self) -> list[str]:
        return list(dict.fromkeys(w for c in self.criteria for w in c.warnings))

    @property
    def missing_fields(self) -> list[str]:
        return list(dict.fromkeys(m for c in self.with_outcome(Outcome.UNKNOWN) for m in c.missing))


class PatientResult(_Frozen):
    patient_id: str
    file: str
    screening_date: date
    screening_date_source: DateSource
    trials: tuple[TrialResult, ...]


class InputProblem(_Frozen):
    """A patient file that could not be screened."""

    file: str
    key: str | None
    message: str
