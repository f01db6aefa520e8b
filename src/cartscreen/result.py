"""Screening results: immutable, fully serialisable, carrying their evidence.

The engine builds hundreds of criterion results per patient, so they are plain frozen
dataclasses (typed by construction, nothing to validate) that share the trial's criteria and
the checks' findings; pydantic serialises them through :func:`dump_json` / :func:`dump_python`
when a report asks for JSON.

What a criterion is (its wording, rule, windows) does not depend on the patient, so the JSON
states it once per trial (:func:`trial_definition`); a patient's result carries, per
criterion, only the finding and the criterion id that joins the two.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, TypeAdapter

from cartscreen.checks.base import UNKNOWN, DerivationView, Finding, Outcome, jsonable
from cartscreen.trial import BoundCriterion, LoadedTrial

# 3: a criterion's wording, rule, note and windows moved out of each patient's results into
#    the document's trials (explain: its criteria); a patient's criteria keep the findings.
# 2: criteria carry stale and result_windows; read records list entries field by field.
RESULT_SCHEMA_VERSION = 3

Verdict = Literal["eligible", "ineligible", "incomplete"]
# "--screen-on": a what-if date that replaces the file's own screening_date.
DateSource = Literal["patient file", "--as-of", "today", "--screen-on"]


class CriterionResult(NamedTuple):
    """One criterion's outcome for one patient: the trial's criterion and the check's finding.

    It keeps the two as they are (the engine makes ~200 of these per patient, so nothing is
    copied, and a named tuple is made several times faster than a frozen dataclass); the
    attributes below read through. Serialised, it is the criterion's id and the finding: what
    the criterion is, :func:`criterion_definition` writes once per trial.
    """

    item: BoundCriterion
    finding: Finding

    @property
    def id(self) -> str:
        return self.item.criterion.id

    @property
    def kind(self) -> Literal["inclusion", "exclusion"]:
        return self.item.criterion.kind

    @property
    def text(self) -> str:
        return self.item.criterion.text

    @property
    def check(self) -> str:
        return self.item.check.name

    @property
    def rule(self) -> str:
        return self.item.rule_text

    @property
    def outcome(self) -> Outcome:
        return self.finding.outcome

    @property
    def evidence(self) -> str:
        return self.finding.evidence

    @property
    def missing(self) -> tuple[str, ...]:
        return self.finding.missing

    @property
    def read(self) -> Mapping[str, Any]:
        """Each key path the check read and its value as read (models, dates)."""
        return self.finding.read

    @property
    def note(self) -> str | None:
        return self.item.criterion.note

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.finding.warnings

    @property
    def derivations(self) -> tuple[DerivationView, ...]:
        return self.finding.derivations


def _criteria_as_data(criteria: tuple[CriterionResult, ...]) -> list[dict[str, Any]]:
    # The facts read are kept as read and turned into JSON data only here, so screening a
    # batch for verdicts never pays for serialising every fact it read.
    return [
        {
            "id": c.id, "outcome": c.outcome, "evidence": c.evidence, "missing": c.missing,
            "stale": [{"key": s.key, "date": s.dated.isoformat(), "window_days": s.window_days}
                      for s in c.finding.stale],
            "read": {path: jsonable(value) for path, value in c.read.items()},
            "warnings": c.warnings, "derivations": c.derivations,
        }
        for c in criteria
    ]


def criterion_definition(item: BoundCriterion) -> dict[str, Any]:
    """A criterion as the trial file gives it (id, kind, registry wording, check, params,
    disease branch, note), with the rule it applies and the validity window of each kind of
    result it reads: the same for every patient."""
    # The criterion's own result_windows are its overrides; the windows it applies replace them.
    return {**item.criterion.model_dump(mode="json", exclude={"result_windows"}),
            "rule": item.rule_text, "result_windows": dict(item.windows)}


def trial_definition(trial: LoadedTrial) -> dict[str, Any]:
    """A trial's entry in the JSON document's ``trials``: its id, title and criteria."""
    return {"id": trial.id, "title": trial.trial.title,
            "criteria": [criterion_definition(item) for item in trial.criteria]}


CriterionResults = Annotated[
    tuple[CriterionResult, ...], PlainSerializer(_criteria_as_data, return_type=Any)
]


def _forecast_as_data(forecast: Any) -> Any:
    return None if forecast is None else forecast.as_data()


@dataclass(frozen=True, slots=True)
class TrialResult:
    trial_id: str
    # In the JSON, stated once per document with the trial's criteria (trial_definition).
    title: Annotated[str, Field(exclude=True)]
    verdict: Verdict
    criteria: CriterionResults
    # When the verdict changes if nothing else does (cartscreen.timeline.Forecast); computed
    # only for the outputs that show it.
    forecast: Annotated[Any, PlainSerializer(_forecast_as_data, return_type=Any)] = None

    def with_outcome(self, outcome: Outcome) -> list[CriterionResult]:
        # Through the finding: each row of a batch asks this three times per trial.
        return [c for c in self.criteria if c.finding.outcome == outcome]

    @property
    def warnings(self) -> list[str]:
        return list(dict.fromkeys(w for c in self.criteria for w in c.finding.warnings))

    @property
    def missing_fields(self) -> list[str]:
        return list(dict.fromkeys(m for c in self.with_outcome(UNKNOWN)
                                  for m in c.finding.missing))


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
    """The result as a JSON object (the ``patients`` items of ``check --format json``,
    without the next steps): the patient's findings, joined to the trials' criteria by id."""
    return _adapter().dump_json(result, indent=indent).decode()


def dump_python(result: PatientResult) -> dict[str, Any]:
    """The result as JSON-compatible Python data."""
    data: dict[str, Any] = _adapter().dump_python(result, mode="json")
    return data


class InputProblem(BaseModel):
    """A patient file that could not be screened: where (file, 1-based line when known, key
    path) and a value-free ``problem; fix`` message."""

    model_config = ConfigDict(frozen=True)

    file: str
    key: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        """The one line the CLI prints: ``FILE:LINE: KEY: problem; fix``."""
        from cartscreen.errors import error_line

        return error_line(self.file, self.line, self.key, self.message)
