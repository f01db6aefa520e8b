"""What every check shares: outcomes, findings, the facts reader and the check spec.

A check is a pure function of (facts, parameters) returning a :class:`Finding`. Its outcome
is always stated for eligibility: ``met`` means the criterion does not stand in the patient's
way (an inclusion holds, or an exclusion does not apply); ``not_met`` means it does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field

from cartscreen.patient import Patient
from cartscreen.scores.base import Derivation, fmt_number
from cartscreen.timeutil import whole_years


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    REVIEW = "review"
    NOT_APPLICABLE = "not_applicable"


class DerivationView(BaseModel):
    """A calculator's derivation as results carry it: serialisable, with its arithmetic."""

    model_config = ConfigDict(frozen=True)

    instrument: str
    citation: str
    source: str = Field(description="the patient-file table the components came from")
    total: float
    maximum: float
    arithmetic: str
    classified: bool | None = None
    category: str | None = None
    excluded_by: str | None = None
    items: tuple[dict[str, Any], ...] = ()
    missing: tuple[str, ...] = ()

    @classmethod
    def of(cls, derivation: Derivation, source: str) -> DerivationView:
        return cls(
            instrument=derivation.instrument, citation=derivation.citation, source=source,
            total=derivation.total, maximum=derivation.maximum,
            arithmetic=derivation.arithmetic(), classified=derivation.classified,
            category=derivation.category, excluded_by=derivation.excluded_by,
            items=tuple(
                {"key": i.key, "label": i.label, "points": i.points, "status": i.status,
                 **({"domain": i.domain} if i.domain else {}),
                 **({"note": i.note} if i.note else {})}
                for i in derivation.items
            ),
            missing=tuple(f"{source}.{m}" for m in derivation.missing),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """The result of one check for one patient.

    ``read`` maps each key path the check read to its value as read (models, dates);
    results turn the values into JSON only when they are serialised.
    """

    outcome: Outcome
    evidence: str
    missing: tuple[str, ...] = ()
    read: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    derivations: tuple[DerivationView, ...] = ()


class Params(BaseModel):
    """Base for check parameter models: unknown parameters are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class NoParams(Params):
    pass


def jsonable(value: Any) -> Any:
    """A value read from a patient file as JSON data (models without their unset keys)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


M = TypeVar("M", bound=BaseModel)


class _Recorded:
    """A list entry read through :meth:`Facts.items`: each field read is recorded with its key
    path (``events.vaccines[2].live``), so a finding names the very facts it rested on, not a
    whole list. Models and lists of models inside it are read the same way."""

    __slots__ = ("_item", "_path", "_read")

    def __init__(self, item: BaseModel, path: str, read: dict[str, Any]) -> None:
        self._item = item
        self._path = path
        self._read = read

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._item, name)
        path = f"{self._path}.{name}"
        if isinstance(value, BaseModel):
            return _Recorded(value, path, self._read)
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            return [_Recorded(v, f"{path}[{i}]", self._read) for i, v in enumerate(value)]
        self._read[path] = value
        return value


class Facts:
    """Read access to one patient's facts that records every key path read.

    One ``Facts`` serves one criterion, so each finding lists exactly the fields its check read.
    """

    def __init__(self, patient: Patient, screening_date: date) -> None:
        self.patient = patient
        self.screening_date = screening_date
        self._read: dict[str, Any] = {}
        self._warnings: list[str] = []
        self._derivations: list[DerivationView] = []

    def get(self, path: str) -> Any:
        """The value at a dotted key path of the patient file, or None when it is not given."""
        value: Any = self.patient
        for part in path.split("."):
            value = getattr(value, part)
            if value is None:
                break
        self._read[path] = value
        return value

    def items(self, path: str, model: type[M]) -> list[M] | None:
        """The entries of the list at ``path`` (None when the list is not recorded), each
        recording the fields read from it: a finding lists ``events.infections[0].uncontrolled``,
        not the whole list. ``model`` is the entries' type, for the type checker."""
        value: Any = self.patient
        for part in path.split("."):
            value = getattr(value, part)
            if value is None:
                break
        if not value:  # not recorded, or recorded as none: that itself is the fact read
            self._read[path] = value
            return cast("list[M] | None", value)
        return [cast(M, _Recorded(item, f"{path}[{index}]", self._read))
                for index, item in enumerate(value)]

    def age_years(self) -> int | None:
        """Whole years at the screening date, from birth_date, else the stated age_years."""
        birth = self.get("birth_date")
        if birth is not None:
            return whole_years(birth, self.screening_date)
        stated: int | None = self.get("age_years")
        return stated

    @property
    def read(self) -> dict[str, Any]:
        """Each key path read so far and its value as read (see :func:`jsonable`)."""
        return dict(self._read)

    def warn(self, message: str) -> None:
        """A warning the finding carries (e.g. a stated total that disagrees with the computed)."""
        if message not in self._warnings:
            self._warnings.append(message)

    def derived(self, derivation: Derivation, source: str) -> None:
        """Record a calculator's derivation from the components at ``source``."""
        view = DerivationView.of(derivation, source)
        if view not in self._derivations:
            self._derivations.append(view)

    def finding(
        self, outcome: Outcome, evidence: str, missing: Iterable[str] = ()
    ) -> Finding:
        return Finding(
            outcome=outcome, evidence=evidence, missing=tuple(missing), read=self.read,
            warnings=tuple(self._warnings), derivations=tuple(self._derivations),
        )

    def met(self, evidence: str) -> Finding:
        return self.finding(Outcome.MET, evidence)

    def not_met(self, evidence: str) -> Finding:
        return self.finding(Outcome.NOT_MET, evidence)

    def review(self, evidence: str) -> Finding:
        return self.finding(Outcome.REVIEW, evidence)

    def not_applicable(self, evidence: str) -> Finding:
        return self.finding(Outcome.NOT_APPLICABLE, evidence)

    def unknown(self, evidence: str, missing: Iterable[str]) -> Finding:
        missing = tuple(missing)
        assert missing, "an unknown finding must name what is missing"
        return self.finding(Outcome.UNKNOWN, evidence, missing)


P = TypeVar("P", bound=Params)


@dataclass(frozen=True)
class Example:
    """A documented case: parameters, a patient-file fragment, and the outcome it must give."""

    title: str
    params: Mapping[str, Any]
    patient: Mapping[str, Any]
    outcome: Outcome
    screening_date: date = date(2026, 11, 1)


@dataclass(frozen=True)
class Check(Generic[P]):
    """A built-in check, with its documentation as data."""

    name: str
    family: str
    summary: str
    reads: tuple[str, ...]
    params: type[P]
    evaluate: Callable[[Facts, P], Finding]
    describe: Callable[[P], str]
    examples: tuple[Example, ...] = field(default_factory=tuple)

    def run(self, facts: Facts, params: P) -> Finding:
        return self.evaluate(facts, params)

    def __reduce__(self) -> tuple[Callable[[str], Check[Any]], tuple[str]]:
        # A check holds functions (some of them lambdas): it travels between processes, with
        # the results that refer to it, by its registry name.
        return _registered_check, (self.name,)


def _registered_check(name: str) -> Check[Any]:
    from cartscreen.checks.registry import CHECKS

    return CHECKS[name]


def combine_any(findings: Sequence[tuple[str, Finding]]) -> Outcome:
    """Three-valued OR over findings where MET means "this alternative holds"."""
    outcomes = {f.outcome for _, f in findings}
    if Outcome.MET in outcomes:
        return Outcome.MET
    if Outcome.REVIEW in outcomes:
        return Outcome.REVIEW
    if Outcome.UNKNOWN in outcomes:
        return Outcome.UNKNOWN
    return Outcome.NOT_MET


def combine_all(findings: Sequence[tuple[str, Finding]]) -> Outcome:
    """Three-valued AND over findings: any failure fails, then unknown, then review."""
    outcomes = {f.outcome for _, f in findings if f.outcome != Outcome.NOT_APPLICABLE}
    if Outcome.NOT_MET in outcomes:
        return Outcome.NOT_MET
    if Outcome.UNKNOWN in outcomes:
        return Outcome.UNKNOWN
    if Outcome.REVIEW in outcomes:
        return Outcome.REVIEW
    return Outcome.MET


fmt = fmt_number
