"""What every check shares: outcomes, findings, the facts reader and the check spec.

A check is a pure function of (facts, parameters) returning a :class:`Finding`. Its outcome
is always stated for eligibility: ``met`` means the criterion does not stand in the patient's
way (an inclusion holds, or an exclusion does not apply); ``not_met`` means it does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Generic, NamedTuple, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import CoreSchema, core_schema

from cartscreen.freshness import DEFAULT_WINDOW_DAYS, DatedResult, ResultKind, dated_result
from cartscreen.patient import Patient
from cartscreen.scores.base import Derivation, fmt_number
from cartscreen.timeutil import whole_years


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    REVIEW = "review"
    NOT_APPLICABLE = "not_applicable"


# The outcomes as module names, which the screening code uses. In Python 3.11 reading
# `Outcome.MET` goes through the enum metaclass's __getattr__ hook, several times the cost of
# reading a global (CPython issue gh-93910; 3.12 dropped the hook), and a patient's screening
# names an outcome a few thousand times.
MET, NOT_MET, UNKNOWN, REVIEW, NOT_APPLICABLE = (
    Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.REVIEW, Outcome.NOT_APPLICABLE)


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
    possible: tuple[str, ...] = Field(
        default=(), description="the categories the recorded components still allow")

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
            possible=derivation.possible,
        )


class LazyText:
    """Evidence worked out the first time it is shown (a table, the JSON, explain). A check
    whose evidence takes as much work as its outcome (the treatment history describes every
    course it counted) pays for it only when a person or a report reads it, not for every
    verdict of a batch whose rows carry outcomes only. Pickled, it is the text."""

    __slots__ = ("_compute", "_value")

    def __init__(self, compute: Callable[[], str]) -> None:
        self._compute: Callable[[], str] | None = compute
        self._value: str | None = None

    def __str__(self) -> str:
        if self._value is None:
            assert self._compute is not None
            self._value, self._compute = self._compute(), None
        return self._value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyText | str):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return str, (str(self),)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> CoreSchema:
        # Results are serialised by pydantic (cartscreen.result), which needs a schema for
        # every type inside them: the text, as a string.
        return core_schema.is_instance_schema(
            cls, serialization=core_schema.plain_serializer_function_ser_schema(str))


Evidence = str | LazyText


class Finding(NamedTuple):
    """The result of one check for one patient.

    ``read`` maps each key path the check read to its value as read (models, dates);
    results turn the values into JSON only when they are serialised. ``text`` is the evidence
    as the check gave it, which :attr:`evidence` reads. (A named tuple: immutable, and made
    ~100 times per patient, several times faster than a frozen dataclass.)
    """

    outcome: Outcome
    text: Evidence
    missing: tuple[str, ...] = ()
    read: Mapping[str, Any] = MappingProxyType({})
    warnings: tuple[str, ...] = ()
    derivations: tuple[DerivationView, ...] = ()
    stale: tuple[Stale, ...] = ()

    @property
    def evidence(self) -> str:
        """What the check found, in words."""
        text = self.text
        return text if isinstance(text, str) else str(text)


class LazyRead(Mapping[str, Any]):
    """The facts a finding read, worked out the first time they are asked for (the JSON
    output, explain). A check whose reads take work to narrow down to the facts that decided
    it (the treatment history) pays for it only when they are shown, not for every verdict."""

    __slots__ = ("_compute", "_value")

    def __init__(self, compute: Callable[[], dict[str, Any]]) -> None:
        self._compute: Callable[[], dict[str, Any]] | None = compute
        self._value: dict[str, Any] | None = None

    def _get(self) -> dict[str, Any]:
        if self._value is None:
            assert self._compute is not None
            self._value, self._compute = self._compute(), None
        return self._value

    def __getitem__(self, key: str) -> Any:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __reduce__(self) -> tuple[type[dict[str, Any]], tuple[dict[str, Any]]]:
        return dict, (dict(self._get()),)


class Stale(NamedTuple):
    """A result too old to decide a criterion: its key, its date and the window it missed."""

    key: str
    dated: date
    window_days: int


class Unavailable(NamedTuple):
    """Why a dated result cannot be used: not recorded, not dated, or older than its window.
    (A named tuple, like a finding: a patient's screening notes a few dozen.)"""

    key: str
    label: str
    recorded: bool
    date_key: str  # the key that dates it (for an undated result: the key to record)
    dated: date | None = None
    window_days: int | None = None
    test: str = ""
    shown: str = ""  # the recorded value, where words can say it ("negative")

    @property
    def text(self) -> str:
        if not self.recorded:
            return f"{self.label} not recorded"
        if self.dated is None:
            value = f" {self.shown}" if self.shown else ""
            return f"{self.label}{value} is not dated (record {self.date_key})"
        return (f"{self.label} of {self.dated} is older than {self.window_days} days before "
                f"screening: repeat {self.test}")

    @property
    def missing(self) -> str:
        """The key to record: the result itself, or its date when only that is missing."""
        return self.date_key if self.recorded and self.dated is None else self.key


def _unavailable_text(reasons: Iterable[Unavailable], context: str) -> str:
    """The evidence of an unknown finding on results that cannot be used (worked out when
    shown: a batch's rows carry only the keys to record or repeat)."""
    text = "; ".join(r.text for r in reasons)
    return f"{context}; {text}" if context else text


class Params(BaseModel):
    """Base for check parameter models: unknown parameters are an error, and so is inf or nan
    (TOML allows both; ``max_x_uln = inf`` would make a criterion that always holds).

    Every numeric parameter also has a finite range, lower and upper bound, as a field
    constraint (``tests/test_trial_param_bounds.py`` walks the registry to keep it so): a
    trial file's value outside it is reported by ``trials validate`` and refused by the loader,
    never left to overflow date arithmetic or to make a criterion vacuous at screening. The
    ranges shared by several checks are below; the others are on their fields.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


# The longest window or duration any parameter may state, in its unit: ten years. Registry
# windows are weeks to months (the longest in the bundled trials is 6 months), so ten years
# admits any of them, and it keeps every look-back far from the calendar's ends (date.min,
# date.max), whatever the screening date.
MAX_DAYS = 3650
MAX_WEEKS = 520
MAX_MONTHS = 120

# Ages in whole years: up to the oldest age a patient file may hold (its age_years field and
# the birth-date rule stop at 120). A pediatric tool screens children, but trials that take
# children and adults alike ("6 to 75 years") must be writable as their registry states them.
MAX_AGE_YEARS = 120


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


_NOT_LOOKED_UP = object()


@lru_cache(maxsize=1024)
def _parts(path: str) -> tuple[str, ...]:
    """A dotted key path's parts (checks read the same few hundred paths for every patient)."""
    return tuple(path.split("."))


class Facts:
    """Read access to one patient's facts that records every key path read.

    One ``Facts`` serves one criterion, so each finding lists exactly the fields its check read.
    """

    __slots__ = ("_dated", "_derivations", "_read", "_unavailable", "_values", "_warnings",
                 "patient", "screening_date", "windows")

    def __init__(self, patient: Patient, screening_date: date,
                 windows: Mapping[ResultKind, int] = DEFAULT_WINDOW_DAYS,
                 values: dict[str, Any] | None = None) -> None:
        self.patient = patient
        self.screening_date = screening_date
        self.windows = windows
        # The values found at key paths of this patient, which the engine shares between the
        # criteria it screens the patient for (they read the same few dozen paths again and
        # again). Only the finding's own reads go into ``_read``.
        self._values: dict[str, Any] = {} if values is None else values
        self._read: dict[str, Any] = {}
        self._unavailable: dict[str, Unavailable] = {}
        self._dated: dict[str, date] = {}
        # Tuples, as the finding keeps them: most findings carry none.
        self._warnings: tuple[str, ...] = ()
        self._derivations: tuple[DerivationView, ...] = ()

    def get(self, path: str) -> Any:
        """The value at a dotted key path of the patient file, or None when it is not given."""
        value = self._values.get(path, _NOT_LOOKED_UP)
        if value is _NOT_LOOKED_UP:
            value = self.patient
            for part in _parts(path):
                value = getattr(value, part)
                if value is None:
                    break
            self._values[path] = value
        self._read[path] = value
        return value

    def result(self, path: str) -> Any:
        """A dated screening result (see :mod:`cartscreen.freshness`), or None when it is not
        recorded, not dated, or dated before its validity window: a stale result is not the
        patient at screening. :meth:`why` says which; :meth:`unknown_results` reports it."""
        spec = dated_result(path)
        assert spec is not None, f"{path} is not a dated result"
        value = self.get(path)
        if value is None:
            self._unavailable[path] = Unavailable(path, spec.label, False, spec.dates[-1])
            return None
        return value if self._current(path, spec, value) is not None else None

    def assessment(self, path: str) -> date | None:
        """The date of the assessment or test behind the result at ``path`` when it is current
        at screening, whatever its value; None when undated or stale (see :meth:`why`). For
        checks that decide from several values of one assessment (the activity scores)."""
        spec = dated_result(path)
        assert spec is not None, f"{path} is not a dated result"
        return self._current(path, spec, None)

    def _current(self, path: str, spec: DatedResult, value: Any) -> date | None:
        when: date | None = None
        date_key = spec.dates[-1]
        for key in spec.dates:
            when = self.get(key)
            if when is not None:
                date_key = key
                break
        if when is None:
            shown = value.replace("_", " ") if isinstance(value, str) else ""
            self._unavailable[path] = Unavailable(path, spec.label, True, date_key, shown=shown)
            return None
        days = self.windows[spec.kind]
        if when < self.screening_date - timedelta(days=days):
            self._unavailable[path] = Unavailable(path, spec.label, True, date_key, when, days,
                                                  spec.test)
            return None
        self._dated[path] = when
        return when

    def dated(self, path: str) -> date:
        """The date of a current result :meth:`result` returned."""
        return self._dated[path]

    def why(self, path: str) -> Unavailable:
        """Why :meth:`result` gave None for this path."""
        return self._unavailable[path]

    def unknown_results(self, paths: Iterable[str], context: str = "") -> Finding:
        """Unknown, naming for each unusable result what to record or repeat."""
        reasons = [self._unavailable[p] for p in dict.fromkeys(paths)]
        return self.unknown(LazyText(lambda: _unavailable_text(reasons, context)),
                            [r.missing for r in reasons])

    def items(self, path: str, model: type[M]) -> list[M] | None:
        """The entries of the list at ``path`` (None when the list is not recorded), each
        recording the fields read from it: a finding lists ``events.infections[0].uncontrolled``,
        not the whole list. ``model`` is the entries' type, for the type checker."""
        value: Any = self.patient
        for part in _parts(path):
            value = getattr(value, part)
            if value is None:
                break
        if not value:  # not recorded, or recorded as none: that itself is the fact read
            self._read[path] = value
            return cast("list[M] | None", value)
        return [cast(M, _Recorded(item, f"{path}[{index}]", self._read))
                for index, item in enumerate(value)]

    def age_years(self) -> int | None:
        """Whole years at the screening date, from birth_date; else the stated age_years, which
        is the age at the file's own screening_date and so tells nothing about another date
        (a file screened --as-of a later date, or today)."""
        birth = self.get("birth_date")
        if birth is not None:
            return whole_years(birth, self.screening_date)
        stated: int | None = self.get("age_years")
        if stated is not None and self.get("screening_date") != self.screening_date:
            return None  # no screening_date, or screened on another (what-if) date
        return stated

    @property
    def read(self) -> dict[str, Any]:
        """Each key path read so far and its value as read (see :func:`jsonable`)."""
        return dict(self._read)

    def warn(self, message: str) -> None:
        """A warning the finding carries (e.g. a stated total that disagrees with the computed)."""
        if message not in self._warnings:
            self._warnings += (message,)

    def derived(self, derivation: Derivation, source: str) -> None:
        """Record a calculator's derivation from the components at ``source``."""
        view = DerivationView.of(derivation, source)
        if view not in self._derivations:
            self._derivations += (view,)

    def finding(
        self, outcome: Outcome, evidence: Evidence, missing: Iterable[str] = (),
        read_later: Callable[[], None] | None = None,
    ) -> Finding:
        """A finding with the facts read so far; ``read_later`` reads more of them through
        this reader, and runs only when the finding's ``read`` is first asked for."""
        missing = tuple(missing)
        stale = tuple(Stale(u.key, u.dated, u.window_days)
                      for u in self._unavailable.values()
                      if u.dated is not None and u.window_days is not None and u.key in missing
                      ) if missing and self._unavailable else ()
        read: Mapping[str, Any] = (dict(self._read) if read_later is None
                                   else LazyRead(lambda: self._read_after(read_later)))
        # In field order, positionally: a finding is made ~100 times per patient.
        return Finding(outcome, evidence, missing, read, self._warnings, self._derivations,
                       stale)

    def _read_after(self, read: Callable[[], None]) -> dict[str, Any]:
        read()
        return self.read

    def met(self, evidence: str) -> Finding:
        return self.finding(MET, evidence)

    def not_met(self, evidence: str) -> Finding:
        return self.finding(NOT_MET, evidence)

    def review(self, evidence: str) -> Finding:
        return self.finding(REVIEW, evidence)

    def not_applicable(self, evidence: str) -> Finding:
        return self.finding(NOT_APPLICABLE, evidence)

    def unknown(self, evidence: Evidence, missing: Iterable[str]) -> Finding:
        missing = tuple(missing)
        assert missing, "an unknown finding must name what is missing"
        return self.finding(UNKNOWN, evidence, missing)


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
    results: Callable[[P], tuple[str, ...]] = field(default=lambda p: ())
    """The dated screening results it reads (keys of cartscreen.freshness.DATED_RESULTS), for
    the parameters given: their validity windows apply, and explain shows them."""
    reads_for: Callable[[P], tuple[str, ...]] | None = None
    """The keys it reads for the parameters given, where that is fewer than ``reads`` (an
    activity check reads only the scores it names); ``cartscreen init`` writes these."""

    def reads_of(self, params: P) -> tuple[str, ...]:
        """The patient-file keys this check reads with these parameters: ``reads``, narrowed
        by ``reads_for`` where the check gives it."""
        return self.reads if self.reads_for is None else self.reads_for(params)

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
    if MET in outcomes:
        return MET
    if REVIEW in outcomes:
        return REVIEW
    if UNKNOWN in outcomes:
        return UNKNOWN
    return NOT_MET


def combine_all(findings: Sequence[tuple[str, Finding]]) -> Outcome:
    """Three-valued AND over findings: any failure fails, then unknown, then review."""
    outcomes = {f.outcome for _, f in findings if f.outcome != NOT_APPLICABLE}
    if NOT_MET in outcomes:
        return NOT_MET
    if UNKNOWN in outcomes:
        return UNKNOWN
    if REVIEW in outcomes:
        return REVIEW
    return MET


fmt = fmt_number
