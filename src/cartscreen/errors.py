"""Typed errors raised by the loaders, and the one-line messages the CLI prints for them.

Every message has the shape ``FILE:LINE: KEY: problem; fix`` (LINE where the key's line is
known, KEY where the problem has one). Messages never quote the offending value: patient files
are health data, and a value in a log or terminal scroll-back is a leak. They name the file,
the key path, what was expected and how to put it right. For the same reason a value is never
suggested back ("did you mean 'positive'?" would disclose a test result); only key names are.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import types
import typing
from dataclasses import dataclass
from typing import Any

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from cartscreen.tomlpos import parse_key_path


def one_line(text: str) -> str:
    """Control characters escaped (``\\n``, ``\\x1b``): a key or file name from a file must not
    break the one-line rule or drive the terminal (colours, clearing the screen)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def error_line(file: str, line: int | None, key: str | None, message: str) -> str:
    """``FILE:LINE: KEY: message``, leaving out the parts that are not known; always one line."""
    where = f"{file}:{line}" if line else file
    text = f"{where}: {key}: {message}" if key else f"{where}: {message}"
    return one_line(text)


@dataclass(frozen=True)
class InputError(Exception):
    """A file that cannot be read or does not validate (``line`` is 1-based, if known)."""

    file: str
    key: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return error_line(self.file, self.line, self.key, self.message)


class TrialDefinitionError(InputError):
    """A trial file that cannot be read or does not validate."""


def key_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as the key path the messages use: ``treatments[0].dose``."""
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif parts:
            parts.append(f".{item}")
        else:
            parts.append(str(item))
    return "".join(parts)


# --- TOML syntax ---------------------------------------------------------------------------

_TOML_POSITION = re.compile(r"^(?P<what>.*?) \((?:at line (?P<line>\d+), column (?P<column>\d+)"
                            r"|at end of document)\)$", re.S)

# tomllib's message (start) -> our problem and fix. Some of tomllib's messages quote the
# offending character or key, so only these fixed texts are ever shown.
_TOML_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("Invalid statement", "invalid statement; each line is key = value, a [table] header or a "
     "# comment"),
    ("Expected '=' after a key", "a key without '='; write key = value"),
    ("Invalid initial character for a key", "invalid key; keys are letters, digits, _ and -, "
     "or text in quotes"),
    ("Invalid value", "invalid value; put text in double quotes, and write numbers, dates "
     "(2026-11-02) and true/false without quotes"),
    ("Unclosed array", "unclosed list; close it with ]"),
    ("Unclosed inline table", "unclosed inline table; close it with } on the same line"),
    ("Unterminated string", "unterminated text; close the double quotes on the same line"),
    ("Invalid date or datetime", "invalid date; write it as YYYY-MM-DD"),
    ("Cannot declare", "a [table] given twice; merge the two sections"),
    ("Cannot overwrite a value", "a key given twice; keep one"),
    ("Cannot mutate immutable namespace", "a key given twice; keep one"),
    ("Duplicate inline table key", "a key given twice in an inline table; keep one"),
    ("Cannot redefine namespace", "a [table] that is also a key; keep one of them"),
    ("Expected ']'", "unclosed [table] header; close it with ]"),
    ("Expected ']]'", "unclosed [[array]] header; close it with ]]"),
    ("Illegal character", "a control character; remove it (tabs and newlines only)"),
    ("Found invalid character", "an invalid character; remove it"),
    ("Unescaped '\\'", "a lone backslash in text; write it as \\\\"),
    ("Invalid hex value", "an invalid \\u escape in text; fix or remove it"),
    ("Escaped character is not", "an invalid \\u escape in text; fix or remove it"),
)


def describe_toml_error(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int | None, str]:
    """The line and a value-free ``problem; fix`` message for a TOML syntax error."""
    match = _TOML_POSITION.match(str(exc))
    what = match.group("what") if match else str(exc)
    at_end = bool(match) and not (match and match.group("line"))
    if match and match.group("line"):
        line: int | None = int(match.group("line"))
        where = f" (column {match.group('column')})"
    else:
        line, where = (text.rstrip().count("\n") + 1 if match else None), " (at the end)"
    if what == "Illegal character '\\n'":  # a newline inside one-line text
        problem = "unterminated text; close the double quotes on the same line"
    elif at_end and what in ("Invalid value", "Invalid statement"):
        problem = ("the file ends in the middle of a value; complete or close it (was the "
                   "file cut off?)")
    else:
        problem = next((message for start, message in _TOML_PROBLEMS
                        if what.startswith(start)),
                       "invalid syntax; compare it with the documented example")
    return line, f"not valid TOML{where}: {problem}"


# --- validation errors ---------------------------------------------------------------------


def all_validation_errors(exc: ValidationError,
                          model: type[BaseModel] | None = None) -> list[tuple[str | None, str]]:
    """Every error as (key path, value-free ``problem; fix``), in the model's order."""
    found = []
    for error in exc.errors(include_url=False, include_context=True, include_input=True):
        loc = tuple(part for part in error["loc"] if part != "__root__")
        found.append((key_path(loc) or None, describe_error(error, loc, model)))
    return found


def more_problems(count: int) -> str:
    """What a one-line error adds when the file has more: check names only the first."""
    return (f" (and {count} more problem{'s' if count > 1 else ''}: cartscreen validate "
            "lists them all)")


def first_validation_error(exc: ValidationError,
                           model: type[BaseModel] | None = None) -> tuple[str | None, str]:
    """The key path and a value-free ``problem; fix`` message of the first error, with a count
    of the rest. With the validated ``model``, an unknown key gets "did you mean …" and a value
    out of range is given the whole range it must lie in."""
    errors = exc.errors(include_url=False, include_context=True, include_input=True)
    first = errors[0]
    # Errors raised by a model-level validator have the model's own location.
    loc = tuple(part for part in first["loc"] if part != "__root__")
    message = describe_error(first, loc, model)
    if len(errors) > 1:
        message += more_problems(len(errors) - 1)
    return key_path(loc) or None, message


_TYPE_NAMES = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "list": "a list",
    "dict": "a table",
    "date": "a date",
    "datetime": "a date and time",
    "time": "a time of day",
    "NoneType": "nothing",
}


def _describe_type(value: object) -> str:
    return _TYPE_NAMES.get(type(value).__name__, type(value).__name__)


# Pydantic error type -> (what was expected, how to write it).
_EXPECTED: dict[str, tuple[str, str]] = {
    "float_type": ("a valid number", "write the number alone, without quotes or a unit"),
    "int_type": ("a whole number", "write a whole number, without quotes or decimals"),
    "int_from_float": ("a whole number", "write a whole number, without decimals"),
    "bool_type": ("true or false", "write true or false, without quotes"),
    "string_type": ("text", "put the text in double quotes"),
    "date_type": ("a date", "write a date as YYYY-MM-DD, without quotes"),
    "date_from_datetime_inexact": ("a date", "write the date alone, as YYYY-MM-DD"),
    "list_type": ("a list", "write a list in square brackets: [ … ]"),
    "dict_type": ("a table", "write a [table] section or an inline table { … }"),
    "model_type": ("a table", "write a [table] section or an inline table { … }"),
    "model_attributes_type": ("a table", "write a [table] section or an inline table { … }"),
}

_RANGE_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}

# Key-name endings -> the unit shown with a range ("0–100 %").
_UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_percent_predicted", "% predicted"),
    ("_percent", "%"),
    ("_ml_min_1_73m2", "mL/min/1.73 m²"),
    ("_mmhg", "mmHg"),
    ("_per_ul", "/µL"),
    ("_10e9_per_l", "×10⁹/L"),
    ("_g_per_24h", "g/24 h"),
    ("_per_hpf", "/HPF"),
    ("_mm_5_min", "mm/5 min"),
    ("_ml_15_min", "mL/15 min"),
    ("_ml_min", "mL/min"),
    ("_x_uln", "× ULN"),
    ("_kg", "kg"),
    ("_cm", "cm"),
    ("_years", "years"),
    ("_weeks", "weeks"),
    ("_c", "°C"),
)


def _unit_of(name: str, info: FieldInfo | None = None) -> str | None:
    """The unit of a field: stated on it (``json_schema_extra={"unit": …}``) or in its name."""
    extra = info.json_schema_extra if info is not None else None
    if isinstance(extra, dict) and isinstance(extra.get("unit"), str):
        return str(extra["unit"])
    return unit_in_name(name)


def unit_in_name(name: str) -> str | None:
    """The unit a key's name states (``lvef_percent``: %), if any."""
    if name == "x_uln":
        return "× ULN"
    return next((unit for suffix, unit in _UNIT_SUFFIXES if name.endswith(suffix)), None)


def describe_error(error: ErrorDetails, loc: tuple[int | str, ...],
                   model: type[BaseModel] | None) -> str:
    """One pydantic error as ``problem; fix``, never quoting the input."""
    kind = error["type"]
    name = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""
    if kind == "extra_forbidden":
        return _unknown_key(name, loc[:-1], model)
    if kind == "missing":
        return f"required key is missing; add {name} = …" if name else \
            "required key is missing; add it"
    if kind in _EXPECTED:
        expected, fix = _EXPECTED[kind]
        return f"expected {expected} (got {_describe_type(error.get('input'))}); {fix}"
    if kind == "literal_error":
        options = str(error.get("ctx", {}).get("expected", ""))
        which = "one of these" if " or " in options else "it"
        given = error.get("input")
        choices = re.findall(r"'([^']*)'", options)
        if isinstance(given, str) and given.casefold() in (c.casefold() for c in choices):
            # Said without the value: it matches a choice but for its capitals.
            return (f"expected {options}, written exactly: the choices are case-sensitive and "
                    "this one differs only in capitals; write it as listed")
        return (f"expected {options} (got {_describe_type(given)}); "
                f"write {which} exactly")
    if kind in _RANGE_ERRORS:
        info = _field_at(model, loc) if model is not None else None
        bounds = _bounds(info) if info is not None else None
        unit = _unit_of(name, info)
        fix = "check the value and its unit" if unit else "check the value"
        return f"outside the plausible range {_range_text(error, bounds, unit)}; {fix}"
    if kind == "finite_number":
        return "not a finite number; write an ordinary number"
    if kind == "string_too_short":
        return "empty; write the text between the quotes"
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        return f"longer than {limit} characters; shorten it"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    return error["msg"].replace("Input should be", "expected").replace("Value error, ", "")


# --- ranges --------------------------------------------------------------------------------

Bounds = tuple[float | None, bool, float | None, bool]  # low, low inclusive, high, high incl.


def _number(value: object) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


def _range_text(error: ErrorDetails, bounds: Bounds | None, unit: str | None) -> str:
    if bounds is None:  # only the bound that was crossed is known
        ctx = error.get("ctx", {})
        bounds = (ctx.get("gt", ctx.get("ge")), "ge" in ctx, ctx.get("lt", ctx.get("le")),
                  "le" in ctx)
    low, low_inclusive, high, high_inclusive = bounds
    suffix = f" {unit}" if unit else ""
    if low is not None and high is not None and low_inclusive and high_inclusive:
        return f"{_number(low)}–{_number(high)}{suffix}"
    parts = []
    if low is not None:
        parts.append(f"{'at least' if low_inclusive else 'above'} {_number(low)}")
    if high is not None:
        parts.append(f"{'at most' if high_inclusive else 'below'} {_number(high)}")
    return "(" + ", ".join(parts) + suffix + ")"


def _bounds(info: FieldInfo) -> Bounds | None:
    low: float | None = None
    high: float | None = None
    low_inclusive = high_inclusive = True
    for constraint in _constraints(info):
        if isinstance(constraint, annotated_types.Ge):
            low, low_inclusive = float(constraint.ge), True  # type: ignore[arg-type]
        elif isinstance(constraint, annotated_types.Gt):
            low, low_inclusive = float(constraint.gt), False  # type: ignore[arg-type]
        elif isinstance(constraint, annotated_types.Le):
            high, high_inclusive = float(constraint.le), True  # type: ignore[arg-type]
        elif isinstance(constraint, annotated_types.Lt):
            high, high_inclusive = float(constraint.lt), False  # type: ignore[arg-type]
    if low is None and high is None:
        return None
    return low, low_inclusive, high, high_inclusive


def field_range(model: type[BaseModel], loc: tuple[int | str, ...]) -> Bounds | None:
    """The range the field at ``loc`` in ``model`` (nested models followed, list indices
    skipped) must lie in, from its constraints; None where it has none."""
    info = _field_at(model, loc)
    return _bounds(info) if info is not None else None


def field_unit(model: type[BaseModel], loc: tuple[int | str, ...]) -> str | None:
    """The unit of the field at ``loc``: stated on it, or in its name (see :func:`_unit_of`)."""
    info = _field_at(model, loc)
    name = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""
    return _unit_of(name, info) if info is not None else None


def _constraints(info: FieldInfo) -> list[object]:
    """Constraints on the field itself and inside an ``Annotated[...] | None`` annotation."""
    found: list[object] = list(info.metadata)
    for member in _members(info.annotation):
        if typing.get_origin(member) is typing.Annotated:
            for extra in typing.get_args(member)[1:]:
                found.extend(extra.metadata if isinstance(extra, FieldInfo) else [extra])
    return found


def _members(annotation: Any) -> list[Any]:
    """The alternatives of a union (``X | None``), or the annotation itself."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return list(typing.get_args(annotation))
    return [annotation]


# --- where a location leads in a model -------------------------------------------------------


def _inner_models(annotation: Any) -> list[type[BaseModel]]:
    """Models reachable from an annotation through unions, Annotated, lists and dicts."""
    found: list[type[BaseModel]] = []
    for member in _members(annotation):
        if typing.get_origin(member) is typing.Annotated:
            member = typing.get_args(member)[0]
        if isinstance(member, type) and issubclass(member, BaseModel):
            found.append(member)
        elif typing.get_origin(member) in (list, dict, tuple):
            for arg in typing.get_args(member):
                found.extend(_inner_models(arg))
    return found


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model whose fields a location's last key belongs to (list indices skipped)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        inner = _inner_models(info.annotation)
        current = inner[0] if inner else None
    return current


def _field_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> FieldInfo | None:
    while loc and isinstance(loc[-1], int):  # an item of a list field: the field's own
        loc = loc[:-1]
    if not loc:
        return None
    owner = _model_at(model, loc[:-1])
    return owner.model_fields.get(str(loc[-1])) if owner is not None else None


def _where(loc: tuple[int | str, ...]) -> str:
    if not loc:
        return "at the top level"
    return f"in {key_path(loc)}" if isinstance(loc[-1], int) else f"in [{key_path(loc)}]"


_LISTED_KEYS = 15  # a table with more keys is pointed to in the README instead


def _unknown_key(name: str, parent: tuple[int | str, ...],
                 model: type[BaseModel] | None) -> str:
    owner = _model_at(model, parent) if model is not None else None
    if owner is None:
        return "unknown key; check its spelling against the documented format"
    close = difflib.get_close_matches(name, list(owner.model_fields), n=1, cutoff=0.75)
    if close:
        return f"unknown key; did you mean '{close[0]}'?"
    assert model is not None
    elsewhere = [key_path(path) for path in sorted(_paths_of(model, name), key=len)]
    if elsewhere:
        return (f"unknown key {_where(parent)}; '{name}' belongs "
                + " or ".join(_where(parse_key_path(p)[:-1]) for p in elsewhere[:3]))
    keys = list(owner.model_fields)
    if len(keys) <= _LISTED_KEYS:
        return f"unknown key {_where(parent)}; the keys here are: {', '.join(keys)}"
    return (f"unknown key {_where(parent)}; see the keys of this table in the README "
            "('Every key')")


def _paths_of(model: type[BaseModel], name: str,
              prefix: tuple[int | str, ...] = (), depth: int = 0) -> list[tuple[int | str, ...]]:
    """Where else a key of this name exists in the model (so a key in the wrong table can be
    pointed to the right one)."""
    found: list[tuple[int | str, ...]] = []
    if depth > 6:
        return found
    for field, info in model.model_fields.items():
        if field == name:
            found.append((*prefix, field))
        for inner in _inner_models(info.annotation):
            found.extend(_paths_of(inner, name, (*prefix, field), depth + 1))
    return found


class WorkerDied(Exception):
    """A worker process stopped before finishing its files (killed, or out of memory)."""
