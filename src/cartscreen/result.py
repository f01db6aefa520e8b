"""Screening results: immutable, fully serialisable, carrying their evidence.

The engine builds hundreds of criterion results per patient, so they are plain frozen
dataclasses (already typed by construction, nothing to validate); pydantic serialises them
through :func:`dump_json` / :func:`dump_python` when a report asks for JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, PlainSerializer, TypeAdapter

from cartscreen.checks.base import DerivationView, Outcome, jsonable

RESULT_SCHEMA_VERSION = 1

Verdict = Literal["eligible", "ineligible", "incomplete"]
DateSource = Literal["patient file", "--as-of", "today"]


def _read_as_json(read: dict[str, Any]) -> dict[str, Any]:
    # Values are kept as read (models, dates) and turned into JSON data only when serialised,
    # so screening a batch for verdicts never pays for serialising every fact it read.
    return {path: jsonable(value) for path, value in read.items()}


ReadFacts = Annotated[dict[str, Any], PlainSerializer(_read_as_json)]


@dataclass(frozen=True, slots=True)
class CriterionResult:
    id: str
    kind: Literal["inclusion", "exclusion"]
    text: str
    check: str
    rule: str
    outcome: Outcome
    evidence: str
    missing: tuple[str, ...] = ()
    read: ReadFacts = field(default_factory=dict)
    note: str | None = None
    warnings: tuple[str, ...] = ()
    derivations: tuple[DerivationView, ...] = ()


@dataclass(frozen=True, slots=True)
class TrialResult:
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


@dataclass(frozen=True, slots=True)
class PatientResult:
    patient_id: str
    file: str
    screening_date: date
    screening_date_source: DateSource
    trials: tuple[TrialResult, ...]


@cache
def _adapter() -> TypeAdapter[PatientResult]:
    return TypeAdapter(PatientResult)


def dump_json(result: PatientResult, *, indent: int | None = None) -> str:
    """The result as a JSON document (the ``patients`` items of ``check --format json``)."""
    return _adapter().dump_json(result, indent=indent).decode()


def dump_python(result: PatientResult) -> dict[str, Any]:
    """The result as JSON-compatible Python data."""
    data: dict[str, Any] = _adapter().dump_python(result, mode="json")
    return data


class InputProblem(BaseModel):
    """A patient file that could not be screened."""

    model_config = ConfigDict(frozen=True)

    file: str
    key: str | None
    message: str
