"""Trial files checked beyond their schema, every problem at once.

A trial file is written by hand by someone adding a trial, so a mistake in it must be found
before a patient is screened against it, and reported the way a linter would: one line per
problem, ``FILE:LINE: KEY: problem; fix``. The rules live here once. ``load_trial`` (used by
``check``, ``funnel`` and ``explain``) raises the first problem this module finds;
``cartscreen trials validate`` reports them all.

Trial files are not health data, so unlike patient-file errors these messages may quote the
value at fault (an unknown check name, a misspelt disease).
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import tomllib
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cartscreen.checks.base import MAX_AGE_YEARS, Params
from cartscreen.checks.registry import CHECKS
from cartscreen.errors import (
    TrialDefinitionError,
    describe_toml_error,
    field_range,
    field_unit,
)
from cartscreen.files import NotARegularFile, read_regular_file
from cartscreen.patient import Disease
from cartscreen.tomlpos import key_line
from cartscreen.trial import CRITERION_ID, REGISTRY_ID, BoundCriterion, LoadedTrial, Trial

Raw = Mapping[str, Any]  # a TOML table as parsed, before validation


# What each required key holds: the fix when it is missing ("add …") or empty ("write …").
_KEY_HINTS = {
    "id": 'id = "NCT…", the trial\'s registry id',
    "title": "title = \"…\", the registry's title",
    "sponsor": "sponsor = \"…\", as the registry names it",
    "targets": 'targets = ["CD19"], the CAR-T target antigens',
    "phase": 'phase = "Phase 1"',
    "status": 'status = "Recruiting", the registry\'s recruitment status',
    "conditions": "conditions = [\"…\"], the registry's condition names",
    "diseases": 'diseases = ["sle"], the patient-file diseases the trial takes',
    "record_version": 'record_version = "page dated 30 January 2025", naming the registry '
    "record this file encodes",
    "source": 'source = "https://clinicaltrials.gov/study/NCT…", where the text came from',
    "criteria": "the criteria as [[criteria]] tables, one per registry sentence",
    "kind": 'kind = "inclusion" or kind = "exclusion"',
    "text": "text = \"…\", the registry's wording of the criterion",
    "check": 'check = "…", the built-in check that decides it',
}

_EXPECTED = {
    "string_type": "text in double quotes",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "date_type": "a date (YYYY-MM-DD)",
}

_RANGE = {
    "greater_than_equal": ("ge", "≥"),
    "greater_than": ("gt", ">"),
    "less_than_equal": ("le", "≤"),
    "less_than": ("lt", "<"),
}

# Units of trial parameters the patient-file names (cartscreen.errors) do not cover.
_UNITS = (("_mg_per_kg_day", "mg/kg/day"), ("_months", "months"), ("_days", "days"))

DISEASES = frozenset(get_args(Disease))
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SEXES = {"all": {"female", "male"}, "female": {"female"}, "male": {"male"}}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a trial file: the key path at fault, what is wrong, and the fix."""

    key: str | None
    problem: str
    fix: str
    line: int | None = None  # set only where the key cannot give it (TOML syntax errors)


@dataclass(frozen=True)
class Finding:
    """A problem located in its file: the line ``trials validate`` prints."""

    file: str
    line: int | None
    key: str | None
    problem: str
    fix: str

    def __str__(self) -> str:
        return str(self.error())

    def error(self) -> TrialDefinitionError:
        """The same line as an exception, for the loader to raise."""
        return TrialDefinitionError(self.file, self.key, f"{self.problem}; {self.fix}", self.line)


@dataclass(frozen=True)
class Inspection:
    """One trial file examined: the loaded trial when nothing is wrong, else every finding."""

    path: Path
    trial: LoadedTrial | None
    findings: tuple[Finding, ...]
    trial_id: str | None = None  # the file's id when it is text, even if the file has problems
    patient_file: bool = False


PATIENT_FILE = "a patient file, not a trial file"


def _patient_file(data: Mapping[str, Any]) -> bool:
    """Whether parsed data is a patient file: no criteria, and keys only patient files have."""
    return "criteria" not in data and any(
        key in data for key in ("birth_date", "diagnosis", "treatments", "format"))


@dataclass(frozen=True)
class Validation:
    """Every trial file under the given paths examined, and all their findings."""

    files: tuple[Path, ...]
    findings: tuple[Finding, ...]

    @property
    def summary(self) -> str:
        files = _count(len(self.files), "trial file")
        if not self.findings:
            return f"{files} valid"
        bad = len({f.file for f in self.findings})
        return f"{_count(len(self.findings), 'problem')} in {bad} of {files}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- one file ----------------------------------------------------------------------------------


MAX_FILE_BYTES = 1024 * 1024  # the bundled trials are a few kilobytes each


def inspect_file(path: Path) -> Inspection:
    """Read, parse and check one trial file, collecting every problem."""
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES + 1)
    except NotARegularFile as exc:
        return _failed(path, Problem(None, f"not a regular file ({exc.kind})",
                                     "save the trial as an ordinary .toml file"))
    except OSError as exc:
        return _failed(path, Problem(None, f"cannot read file ({exc.strerror})",
                                     "check the path and its permissions"))
    if len(raw) > MAX_FILE_BYTES:
        return _failed(path, Problem(None, "larger than 1 MiB, far more than a trial file holds",
                                     "check that this is a trial file"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _failed(path, Problem(None, "not UTF-8 text", "save the file as UTF-8"))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The same words as for a patient file's syntax error.
        line, message = describe_toml_error(exc, text)
        problem, _, fix = message.partition("; ")
        return _failed(path, Problem(None, problem, fix or "correct the TOML syntax", line))
    except ValueError:
        # tomllib reads a decimal integer with int(), which refuses more digits than
        # sys.get_int_max_str_digits() (4300): no trial value is one.
        return _failed(path, Problem(None, "a number too long to read (thousands of digits)",
                                     "write the number the registry states", _long_number(text)))
    except RecursionError:
        return _failed(path, Problem(None, "tables or lists nested too deeply",
                                     "a trial file needs a few levels; compare it with a "
                                     "bundled trial"))
    return inspect_data(path, text, data)


def _long_number(text: str) -> int | None:
    """The line of the first run of digits too long for int() to read."""
    limit = sys.get_int_max_str_digits() or 4300
    found = re.search(rf"[0-9][0-9_]{{{limit - 1},}}", text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _failed(path: Path, problem: Problem) -> Inspection:
    finding = Finding(str(path), problem.line, problem.key, problem.problem, problem.fix)
    return Inspection(path, None, (finding,))


def inspect_data(path: Path, text: str, data: dict[str, Any]) -> Inspection:
    """Check parsed trial data: the schema, each criterion's check and parameters, and the
    rules across keys."""
    if _patient_file(data):  # one line, not one per key a trial does not take
        return Inspection(path, None, (Finding(
            str(path), None, None, PATIENT_FILE,
            "screen it with cartscreen check; trial folders hold trial files only"),),
            patient_file=True)
    trial: Trial | None = None
    try:
        trial = Trial.model_validate(data)
    except ValidationError as exc:
        schema = [_schema_problem(error, Trial) for error in _errors(exc)]
    else:
        schema = []
    # A criterion that is not a table is the schema's problem; the rules skip it.
    criteria: list[Raw | None] = [c if isinstance(c, dict) else None
                                  for c in _list(data.get("criteria"))]
    bound, binding = _bind(criteria)
    better = list(_better_messages(data, criteria))
    replaced = {p.key for p in better}
    problems = ([p for p in schema + binding if p.key not in replaced] + better
                + list(_rules(path, data, criteria, bound)))
    trial_id = data.get("id") if isinstance(data.get("id"), str) else None
    if problems:
        return Inspection(path, None, _locate(path, text, problems), trial_id)
    if trial is None or None in bound:  # a rule above is missing: never drop a criterion
        raise AssertionError(f"{path}: no problem found, yet the trial did not validate")
    loaded = LoadedTrial(trial, path, tuple(
        BoundCriterion(criterion, CHECKS[criterion.check], params, trial.result_windows)
        for criterion, params in zip(trial.criteria, bound, strict=True) if params is not None
    ))
    return Inspection(path, loaded, (), trial_id)


def _locate(path: Path, text: str, problems: Iterable[Problem]) -> tuple[Finding, ...]:
    """Each problem with its line, in the order of the file (problems of the whole file first)."""
    findings = [
        Finding(str(path), p.line if p.line is not None else (key_line(text, p.key) if p.key
                                                               else None),
                p.key, p.problem, p.fix)
        for p in problems
    ]
    return tuple(sorted(findings, key=lambda f: f.line or 0))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _errors(exc: ValidationError) -> list[ErrorDetails]:
    return exc.errors(include_url=False, include_context=True, include_input=True)


# --- the schema's errors, in words ---------------------------------------------------------------


def _schema_problem(error: ErrorDetails, model: type[BaseModel], prefix: str = "",
                    check: str | None = None) -> Problem:
    """A pydantic error as a problem and its fix; ``check`` names the check whose
    parameters these are."""
    # A table key that fails its type is reported at the key itself, not at pydantic's
    # "[key]" location beneath it.
    loc = tuple(part for part in error["loc"] if part != "[key]")
    key = _key_path(prefix, loc) or None
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = str(loc[-1]) if loc else ""
    owner = f" of check '{check}'" if check else ""
    if kind == "missing":
        what = "parameter" if check else "key"
        hint = _KEY_HINTS.get(name) if not check else None
        return Problem(key, f"required {what}{owner} is missing", f"add {hint or name}")
    if kind == "extra_forbidden":
        what = "parameter" if check else "key"
        known = _fields_at(model, loc[:-1])
        return Problem(key, f"unknown {what}{owner}",
                       _did_you_mean(name, known) or f"remove it{_takes(model, loc[:-1], check)}")
    if kind in _EXPECTED:
        expected = _EXPECTED[kind]
        fix = (f"write {value} without the quotes"
               if kind in {"int_type", "float_type"} and isinstance(value, str)
               and re.fullmatch(r"-?\d+(\.\d+)?", value.strip())
               else f"write {expected}")
        return Problem(key, f"expected {expected} (got {_shown(value)})", fix)
    if kind in {"literal_error", "enum"}:
        expected = str(ctx.get("expected", ""))
        choices = re.findall(r"'([^']*)'", expected)
        return Problem(key, f"expected {expected} (got {_shown(value)})",
                       _did_you_mean(str(value), choices) or "use one of these")
    if kind in _RANGE:
        bound, sign = _RANGE[kind]
        limit = _number(ctx.get(bound))
        return Problem(key, f"out of range: {_shown(value)} is not {sign} {limit}",
                       _give_within(model, loc, ctx))
    if kind == "finite_number":
        return Problem(key, f"not a finite number (got {_shown(value)})",
                       _give_within(model, loc, ctx))
    if kind == "too_short":
        return Problem(key, "empty list", "list at least one entry")
    if kind == "string_too_short":
        return Problem(key, "empty text", "write it")
    if kind == "string_pattern_mismatch" and name == "id":
        return Problem(key, f"criterion id {_shown(value)} may use only letters, digits, "
                       "'.' and '-'", "write it like I2.3.1 or E8a")
    if kind in {"value_error", "assertion_error"}:
        message = str(ctx.get("error", error["msg"]))
        return Problem(key, f"{message}{f' (check {check!r})' if check else ''}",
                       f"correct {'the parameters' if check else 'it'}"
                       f"{_takes(model, loc, check)}")
    message = error["msg"].replace("Input should be", "expected")
    return Problem(key, f"{message} (got {_shown(value)})", "correct the value")


def _give_within(model: type[BaseModel], loc: tuple[int | str, ...],
                 ctx: Mapping[str, Any]) -> str:
    """The fix for a number out of range, naming the whole range: "give a whole number from
    1 to 520 weeks". A validator's bound (in ``ctx``, with ``why`` it applies) replaces the
    field's own on its side."""
    low, low_inclusive, high, high_inclusive = field_range(model, loc) or (None, True, None,
                                                                           True)
    if "ge" in ctx or "gt" in ctx:
        low, low_inclusive = ctx.get("ge", ctx.get("gt")), "ge" in ctx
    if "le" in ctx or "lt" in ctx:
        high, high_inclusive = ctx.get("le", ctx.get("lt")), "le" in ctx
    if low is not None and high is not None and low_inclusive and high_inclusive:
        words = f"from {_number(low)} to {_number(high)}"
    else:
        parts = []
        if low is not None:
            parts.append(f"{'at least' if low_inclusive else 'above'} {_number(low)}")
        if high is not None:
            parts.append(f"{'at most' if high_inclusive else 'below'} {_number(high)}")
        words = " and ".join(parts)
    name = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""
    unit = field_unit(model, loc) or next((u for end, u in _UNITS if name.endswith(end)), None)
    why = f" ({ctx['why']})" if "why" in ctx else ""
    number = "a whole number" if _whole_field(model, loc) else "a number"
    return f"give {number} {words}{f' {unit}' if unit else ''}{why}".rstrip()


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _whole_field(model: type[BaseModel], loc: Sequence[int | str]) -> bool:
    """Whether the field at ``loc`` takes whole numbers only."""
    owner = _nested_at(model, loc[:-1])
    field = owner.model_fields.get(str(loc[-1])) if owner is not None and loc else None
    return field is not None and _numbers(field.annotation) == {int}


def _numbers(annotation: Any) -> set[type]:
    """The number types an annotation admits (through unions, Annotated and lists)."""
    if annotation in (int, float):
        return {annotation}
    if get_origin(annotation) in (Annotated, Union, types.UnionType, list):
        return set().union(*(_numbers(arg) for arg in get_args(annotation)))
    return set()


def _nested_at(model: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The (nested) model at ``loc``, or None when it is not a model."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None or isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        current = _nested_model(field.annotation) if field is not None else None
    return current


def _key_path(prefix: str, loc: Sequence[int | str]) -> str:
    """``criteria[3].params.min_years``; a key that is not a bare TOML key is quoted, so a
    finding stays one line whatever the file's keys hold."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            name = part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False)
            path += f".{name}" if path else name
    return path


def _fields_at(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """The keys the (nested) model at ``loc`` accepts, or none when it is not a model."""
    current = _nested_at(model, loc)
    return list(current.model_fields) if current is not None else []


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _takes(model: type[BaseModel], loc: Sequence[int | str], check: str | None) -> str:
    """The keys accepted where the problem is, as " (check 'age' takes a, b, c)"."""
    known = _fields_at(model, loc)
    owner = f"check '{check}'" if check and not [p for p in loc if isinstance(p, str)] else None
    if not known:
        return f" ({owner} takes no parameters)" if owner else ""
    return f" ({owner or 'this table'} takes {', '.join(known)})"


def _did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _shown(value: Any) -> str:
    """A trial-file value as TOML would write it, shortened; lists and tables by kind."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:39] + "…", ensure_ascii=False)
    if isinstance(value, int) and value.bit_length() > 128:  # not quoted whole (or at all:
        # str() refuses more than 4300 digits, and a hexadecimal TOML integer may hold more)
        return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
    if isinstance(value, int | float | date):
        return str(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "nothing" if value is None else type(value).__name__


# --- each criterion's check and parameters -----------------------------------------------------


def _bind(criteria: list[Raw | None]) -> tuple[list[Params | None], list[Problem]]:
    """Each criterion's parameters validated against its check's model (None where they are
    not), and the problems: unknown checks and every parameter that fails its model."""
    bound: list[Params | None] = []
    problems: list[Problem] = []
    for index, criterion in enumerate(criteria):
        if criterion is None:
            bound.append(None)
            continue
        where = f"criteria[{index}]"
        name = criterion.get("check")
        params = criterion.get("params", {})
        check = CHECKS.get(name) if isinstance(name, str) else None
        if isinstance(name, str) and check is None:
            problems.append(Problem(
                f"{where}.check", f"unknown check {name!r}",
                _did_you_mean(name, CHECKS) or "use a built-in check: " + ", ".join(CHECKS),
            ))
        if check is None or not isinstance(params, dict):
            bound.append(None)
            continue
        try:
            bound.append(check.params.model_validate(params))
        except ValidationError as exc:
            bound.append(None)
            problems.extend(_schema_problem(e, check.params, f"{where}.params", check.name)
                            for e in _errors(exc))
    return bound, problems


# --- rules across keys -------------------------------------------------------------------------
#
# Each rule reads the raw data and stays silent where a value has the wrong type: the schema
# reports that. ``_better_messages`` say what the schema also sees (a missing record version, an
# age check's min above its max) in more words, and replace its message at the same key.


def _better_messages(data: Raw, criteria: list[Raw | None]) -> Iterator[Problem]:
    version = data.get("record_version")
    if version is None:
        yield Problem("record_version", "no record version",
                      f"add {_KEY_HINTS['record_version']}")
    for key in ("record_version", "title", "sponsor", "phase", "status", "source"):
        if _blank(data.get(key)):
            yield Problem(key, f"empty {key.replace('_', ' ')}", f"write {_KEY_HINTS[key]}")
    for index, criterion in _tables(criteria):
        text = criterion.get("text")
        if text is None or _blank(text):
            yield Problem(f"criteria[{index}].text", f"{_label(criterion)} has no registry wording",
                          "copy the registry sentence it encodes into text")
        params = criterion.get("params")
        if criterion.get("check") == "age" and isinstance(params, dict):
            low, high = _age(params.get("min_years")), _age(params.get("max_years"))
            if low is not None and high is not None and low > high:
                yield Problem(f"criteria[{index}].params",
                              f"min_years {low} is above max_years {high} (check 'age')",
                              "swap them, or correct the one that is wrong")


def _rules(path: Path, data: Raw, criteria: list[Raw | None],
           bound: list[Params | None]) -> Iterator[Problem]:
    """What the schema cannot see: the id against the file name, the ages' order, the criteria
    against each other, and the metadata against the criteria."""
    yield from _id_rules(path, data)
    low, high = _age(data.get("min_age_years")), _age(data.get("max_age_years"))
    if low is not None and high is not None and low > high:
        yield Problem("min_age_years", f"min_age_years {low} is above max_age_years {high}",
                      "swap them, or correct the one that is wrong")
    yield from _criterion_rules(data, criteria)
    # The metadata (what `cartscreen trials` shows) must say what the criteria decide. It is
    # compared with the criteria whose parameters are valid; a check named at all counts as
    # present (a criterion with bad parameters is reported as such, not as missing).
    named = {c["check"] for _, c in _tables(criteria) if isinstance(c.get("check"), str)}
    checked: dict[str, list[tuple[int, str, dict[str, Any]]]] = {}
    for index, criterion in _tables(criteria):
        params = bound[index]
        if params is not None:
            checked.setdefault(str(criterion["check"]), []).append(
                (index, _label(criterion), params.model_dump()))
    yield from _age_metadata(data, "age" in named, checked.get("age", []))
    yield from _sex_metadata(data, "sex" in named, checked.get("sex", []))
    yield from _disease_metadata(data, checked.get("disease", []))


def _tables(criteria: list[Raw | None]) -> Iterator[tuple[int, Raw]]:
    return ((index, c) for index, c in enumerate(criteria) if c is not None)


def _label(criterion: Raw) -> str:
    """The criterion as a message names it: by its id when that is well formed."""
    cid = criterion.get("id")
    return f"criterion {cid}" if isinstance(cid, str) and re.fullmatch(CRITERION_ID, cid) \
        else "this criterion"


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _age(value: Any) -> int | None:
    """An age in range, or None: one of the wrong type or out of range is the schema's
    problem, reported once, not compared as well."""
    age = _whole(value)
    return age if age is not None and 0 <= age <= MAX_AGE_YEARS else None


def _id_rules(path: Path, data: Raw) -> Iterator[Problem]:
    trial_id = data.get("id")
    if not isinstance(trial_id, str):
        return
    if not REGISTRY_ID.match(trial_id):
        yield Problem("id", f"{_shown(trial_id)} is not a registry id",
                      "use the trial's ClinicalTrials.gov id, e.g. NCT01234567")
    elif REGISTRY_ID.match(path.stem) and path.stem != trial_id:
        # A file named after one trial that holds another is usually a copy whose id was not
        # changed; it would silently replace (or be replaced by) the trial it was copied from.
        yield Problem("id", f"the file is named {path.name} but holds trial {trial_id}",
                      f"rename the file to {trial_id}.toml, or correct the id")


def _criterion_rules(data: Raw, criteria: list[Raw | None]) -> Iterator[Problem]:
    first_index: dict[str, int] = {}
    branch_ok = _branch_diseases(data, criteria)
    for index, criterion in _tables(criteria):
        where = f"criteria[{index}]"
        cid = criterion.get("id")
        if isinstance(cid, str):
            if cid in first_index:
                yield Problem(f"{where}.id", f"duplicate criterion id {cid!r} (first used by "
                              f"criteria[{first_index[cid]}])", "give each criterion its own id")
            first_index.setdefault(cid, index)
        branch = criterion.get("diseases")
        if branch == []:
            yield Problem(f"{where}.diseases", f"{_label(criterion)} applies to no disease",
                          "list the diseases of its branch, or leave diseases out for all")
        elif isinstance(branch, list) and branch_ok is not None:
            foreign = [d for d in branch
                       if isinstance(d, str) and d in DISEASES and d not in branch_ok]
            if foreign:
                yield Problem(
                    f"{where}.diseases",
                    f"branch disease {', '.join(map(repr, foreign))} is not among the trial's "
                    f"diseases ({', '.join(branch_ok)})",
                    "add it to the trial's diseases (and its disease criterion), or correct "
                    "the branch",
                )


def _diseases(value: Any) -> list[str] | None:
    """A list of known diseases, or None when it is not one (the schema says why)."""
    if isinstance(value, list) and all(isinstance(d, str) and d in DISEASES for d in value):
        return value
    return None


def _branch_diseases(data: Raw, criteria: list[Raw | None]) -> list[str] | None:
    """The diseases a branch may name: the trial's, and those its disease criterion sends to
    review (which then follow a branch's conditions). None when the trial's are unreadable."""
    allowed = _diseases(data.get("diseases"))
    if allowed is None:
        return None
    allowed = list(allowed)
    for _, criterion in _tables(criteria):
        params = criterion.get("params")
        if criterion.get("check") == "disease" and isinstance(params, dict):
            allowed += [d for d in _diseases(params.get("review_diseases")) or []
                        if d not in allowed]
    return allowed


def _ages(low: Any, high: Any, inclusive: Any) -> str:
    parts = [f"≥{low}"] if low is not None else []
    if high is not None:
        parts.append(f"{'≤' if inclusive else '<'}{high}")
    return " and ".join(parts) or "any age"


def _age_metadata(data: Raw, named: bool,
                  age_criteria: list[tuple[int, str, dict[str, Any]]]) -> Iterator[Problem]:
    keys = ("min_age_years", "max_age_years", "max_age_inclusive")
    stated = (data.get(keys[0]), data.get(keys[1]), data.get(keys[2], True))
    if any(v is not None and _age(v) is None for v in stated[:2]) \
            or not isinstance(stated[2], bool):
        return  # the schema's problem
    if stated[0] is not None and stated[1] is not None and stated[0] > stated[1]:
        return  # reported as out of order; compared once they are put right
    if not named and (stated[0] is not None or stated[1] is not None):
        key = keys[0] if stated[0] is not None else keys[1]
        yield Problem(key, f"the trial states ages {_ages(*stated)} but no criterion checks age",
                      'add the inclusion criterion with check = "age" and the same limits')
    for index, label, p in age_criteria:
        actual = (p["min_years"], p["max_years"], p["max_inclusive"])
        differing = [k for k, s, a in zip(keys, stated, actual, strict=True) if s != a]
        if stated[1] is None and actual[1] is None and differing == [keys[2]]:
            continue  # inclusive or not means nothing without an upper limit
        if differing:
            key = differing[0] if differing[0] in data else f"criteria[{index}].params"
            yield Problem(key, f"the trial states ages {_ages(*stated)} but {label} "
                          f"checks {_ages(*actual)}",
                          "make min_age_years, max_age_years and max_age_inclusive match the "
                          "age criterion")


def _sex_metadata(data: Raw, named: bool,
                  sex_criteria: list[tuple[int, str, dict[str, Any]]]) -> Iterator[Problem]:
    stated = data.get("sex", "all")
    if not isinstance(stated, str) or stated not in _SEXES:
        return
    if not named and stated != "all":
        yield Problem("sex", f"the trial takes {stated} patients only but no criterion checks sex",
                      'add the inclusion criterion with check = "sex"')
    for index, label, p in sex_criteria:
        if set(p["allowed"]) != _SEXES[stated]:
            key = "sex" if "sex" in data else f"criteria[{index}].params"
            yield Problem(key, f"the trial states sex = {stated!r} but {label} takes "
                          f"{' or '.join(p['allowed'])}",
                          'make sex match the sex criterion ("all" when it takes both)')


def _disease_metadata(data: Raw,
                      disease_criteria: list[tuple[int, str, dict[str, Any]]]) -> Iterator[Problem]:
    stated = _diseases(data.get("diseases"))
    if stated is None:
        return
    for _, label, p in disease_criteria:
        if set(p["diseases"]) != set(stated):
            yield Problem("diseases", f"the trial states diseases {', '.join(stated)} but "
                          f"{label} takes {', '.join(p['diseases'])}",
                          "make diseases the same as the disease criterion's params.diseases")


# --- several files -----------------------------------------------------------------------------


def trial_files(paths: Iterable[Path]) -> list[Path]:
    """The trial files under the paths: a folder's *.toml files, as the loader reads them
    (sorted, not recursive), and files given by name."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    return list(dict.fromkeys(files))


def validate(files: Iterable[Path]) -> Validation:
    """Inspect every file, and find trial ids given twice in one folder (the loader refuses
    those; across folders a later trial replaces an earlier one, as documented)."""
    inspections = [inspect_file(path) for path in files]
    findings = [f for i in inspections if not i.patient_file for f in i.findings]
    patients = [i.path for i in inspections if i.patient_file]
    if len(patients) == 1:
        findings.extend(next(i for i in inspections if i.patient_file).findings)
    elif patients:  # said once: a folder of patient files given by mistake
        findings.append(Finding(
            str(patients[0]), None, None,
            f"{PATIENT_FILE}, nor are the other {len(patients) - 1} patient files given",
            "screen patient files with cartscreen check; validate trial files"))
    seen: dict[tuple[Path, str], Path] = {}
    for inspection in inspections:
        if inspection.trial_id is None:
            continue
        slot = (inspection.path.parent.resolve(), inspection.trial_id)
        if slot in seen:
            findings.append(duplicate_trial(inspection.path, seen[slot], inspection.trial_id))
        else:
            seen[slot] = inspection.path
    order = {str(i.path): n for n, i in enumerate(inspections)}
    findings.sort(key=lambda f: (order[f.file], f.line or 0))
    return Validation(tuple(i.path for i in inspections), tuple(findings))


def duplicate_trial(path: Path, first: Path, trial_id: str) -> Finding:
    """The finding for a trial id that a file in the same folder already defines."""
    try:
        line = key_line(path.read_text(encoding="utf-8"), "id")
    except (OSError, UnicodeDecodeError):
        line = None
    return Finding(str(path), line, "id", f"trial {trial_id} is also defined in {first.name}",
                   "give each trial its own id, or remove one of the files")

