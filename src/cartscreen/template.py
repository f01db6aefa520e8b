"""`cartscreen init`: a patient-file template for one disease.

The template holds every key that the criteria of the trials taking the disease read (each
check's ``reads_of`` its parameters), the key that dates each of those results, and the
identity keys. Each key is written commented out, with its meaning, its kind of value, its unit
and its range taken from the patient model and its JSON Schema, so that the template and the
file format cannot drift apart. Nothing is filled in but ``format`` and the disease the user
chose: a value left out is unknown, never assumed.

Tables that may be empty (``[organ_function]``) are written as headers; an optional table that
would be invalid when empty (``ast = { value, uln }``) and lists of tables (``[[treatments]]``)
are written commented out too, after the plain keys of their parent, so that uncommenting any
line keeps the file valid TOML.
"""

from __future__ import annotations

import re
import textwrap
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from cartscreen import __version__
from cartscreen.freshness import DATED_RESULTS
from cartscreen.patient import DISEASE_NAMES, Patient
from cartscreen.schema import generate, value_kind
from cartscreen.trial import LoadedTrial

TEMPLATE_DISEASES = ("sle", "jdm", "ssc", "pjia", "pss")

# Always written: who the patient is and the date the screening is for.
IDENTITY = ("id", "sex", "birth_date", "age_years", "screening_date", "diagnosis.disease")
# Never written: the format version (written filled in), test-only keys, and the item tables
# behind totals (pointed to from the total instead: they are long, and either form serves).
LEFT_OUT = ("format", "expected_verdicts", "diagnosis.components", "activity.components")

REQUIRED_NOTE = "required"


def keys_read(disease: str, trials: Iterable[LoadedTrial]) -> set[str]:
    """The patient-file keys read by the criteria of the trials that take ``disease`` (a
    criterion of another disease branch excluded), with the keys dating those results."""
    keys = set(IDENTITY)
    for loaded in trials:
        if disease not in loaded.trial.diseases:
            continue
        for bound in loaded.criteria:
            branch = bound.criterion.diseases
            if branch and disease not in branch:
                continue
            keys.update(bound.check.reads_of(bound.params))
    for key in list(keys):
        for result, dated in DATED_RESULTS.items():
            if result == key or result.startswith(key + "."):
                keys.update(dated.dates)
    return keys


def template(disease: str, trials: Iterable[LoadedTrial], *, today: date) -> str:
    """A patient file for ``disease`` with every key the trials read, commented out."""
    trials = list(trials)
    keys = keys_read(disease, trials)
    taking = sorted(t.trial.id for t in trials if disease in t.trial.diseases)
    name = DISEASE_NAMES[disease]
    intro = (
        f"cartscreen patient file: {name}. Written by `cartscreen init --disease {disease}` "
        f"(cartscreen {__version__}, {today.isoformat()}) with every key that the criteria of "
        f"the trials taking {name} read: {', '.join(taking) or 'none loaded'}.",
        "Each key is commented out. To give a value, delete the '# ' before the key and write "
        "the value after '='. Leave a key commented out when nobody knows it: it is then "
        "unknown, never assumed normal. A list left out is 'not recorded'; [] is 'none'.",
        "Dates are YYYY-MM-DD, complete (no month or year alone), without quotes. Every result "
        "must be dated and current at screening (the README's 'Results must be current').",
        "`cartscreen validate FILE` lists every problem at once; `cartscreen check FILE` "
        "screens it.",
    )
    lines: list[str] = []
    for paragraph in intro:
        lines += [*_comment(paragraph), "#"]
    lines[-1:] = [
        "",
        "format = 1",
    ]
    lines += _table(Patient, "", keys, disease)
    return "\n".join(lines).rstrip("\n") + "\n"


# --- walking the model ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    key: str  # the full key path, e.g. "organ_function.ast"
    name: str
    info: FieldInfo
    model: type[BaseModel] | None  # the table it holds, if any
    is_list: bool  # a list (of tables, when model is set)


def _fields(model: type[BaseModel], prefix: str) -> Iterator[_Field]:
    for name, info in model.model_fields.items():
        inner, is_list = _inner(info.annotation)
        yield _Field(prefix + name, name, info, inner, is_list)


def _inner(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (directly, optionally or as list items), and whether it is a
    list."""
    members = typing.get_args(annotation) if typing.get_origin(annotation) in (
        typing.Union, types.UnionType) else (annotation,)
    for member in members:
        if typing.get_origin(member) is typing.Annotated:
            member = typing.get_args(member)[0]
        if typing.get_origin(member) is list:
            (item,) = typing.get_args(member)
            return (item if isinstance(item, type) and issubclass(item, BaseModel) else None,
                    True)
        if isinstance(member, type) and issubclass(member, BaseModel):
            return member, False
    return None, False


def _wanted(key: str, keys: set[str]) -> bool:
    """A key is written when it is read, lies in a table that is read, or holds one that is."""
    if key in LEFT_OUT or any(key.startswith(p + ".") for p in LEFT_OUT):
        return False
    return any(k == key or key.startswith(k + ".") or k.startswith(key + ".") for k in keys)


def _whole(key: str, keys: set[str]) -> set[str]:
    """Below a key that is read whole (``serology``), every key is read."""
    return keys | {key} if any(key == k or key.startswith(k + ".") for k in keys) else keys


def _table(model: type[BaseModel], prefix: str, keys: set[str], disease: str, *,
           commented: bool = False) -> list[str]:
    """The lines of one table: its plain keys first, then its tables (TOML puts every key
    after a table header into that table)."""
    plain: list[str] = []
    tables: list[str] = []
    mark = "# " if commented else ""
    for field in _fields(model, prefix):
        if not _wanted(field.key, keys):
            continue
        if field.model is None:
            plain += _key_lines(field, disease)
            plain += _alternative(field.key, keys)
        elif field.is_list:
            plain += _key_lines(field, disease)
            inner = _whole(field.key, keys)
            tables += ["", *_comment(f"One [[{field.key}]] table per entry (then leave "
                                     f"out {field.name} = []):"), f"# [[{field.key}]]"]
            tables += _table(field.model, field.key + ".", inner, disease, commented=True)
        elif field.info.default is None:
            # An optional table that is invalid when empty: commented out, header included.
            inner = _whole(field.key, keys)
            tables += ["", *_comment(_meaning(field)), f"# [{field.key}]"]
            tables += _table(field.model, field.key + ".", inner, disease, commented=True)
        else:
            body = _table(field.model, field.key + ".", _whole(field.key, keys), disease,
                          commented=commented)
            if body:
                header = f"{mark}[{field.key}]"
                tables += ["", *_comment(_meaning(field), indent="")] if field.info.description \
                    else [""]
                tables += [header, *body]
    return plain + tables


def _key_lines(field: _Field, disease: str) -> list[str]:
    if field.key == "diagnosis.disease":
        return [*_comment(_meaning(field)), f'disease = "{disease}"']
    return [*_comment(_meaning(field)), f"# {field.name} ="]


def _alternative(key: str, keys: set[str]) -> list[str]:
    """For a total whose items may be given instead, where to give them."""
    parts = key.split(".")
    if parts[0] == "diagnosis" and parts[1:2] == ["classification"]:
        table = f"diagnosis.components.{parts[2]}"
    elif parts[0] == "activity" and len(parts) == 2:
        table = f"activity.components.{parts[1]}"
    else:
        return []
    if not _has_field(Patient, table):
        return []
    return _comment(f"  (or, instead, its items under [{table}]: `cartscreen schema patient` "
                    "lists them)")


def _has_field(model: type[BaseModel], key: str) -> bool:
    current: type[BaseModel] | None = model
    for part in key.split("."):
        if current is None or part not in current.model_fields:
            return False
        current, _ = _inner(current.model_fields[part].annotation)
    return True


# --- what a key means ------------------------------------------------------------------------


def _comment(text: str, indent: str = "") -> list[str]:
    """``text`` as comment lines of at most 96 characters."""
    return [f"{indent}# {line}" for line in textwrap.wrap(text, 94, break_on_hyphens=False)]


def _meaning(field: _Field) -> str:
    """The description of a key, its kind of value, unit and range, and whether it is
    required."""
    parts = []
    if field.info.description:
        parts.append(field.info.description)
    kind = _kind(field)
    description = field.info.description or ""
    if "[]" in description:
        kind = kind.replace(" ([] for none)", "").replace("[] for none; else one", "or one")
    unit = re.search(r" in ([^,;]+)", kind)
    if unit and f"in {unit.group(1)}" in description:
        kind = kind.replace(f" in {unit.group(1)}", "", 1)
    if kind:
        parts.append(kind)
    if field.info.is_required():
        parts.append(REQUIRED_NOTE)
    elif field.model is None and field.info.default is not None:
        parts.append(f'"{field.info.default}" if left out')
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _kind(field: _Field) -> str:
    schema = _property_schema(field)
    if field.model is not None:
        return (f"[] for none; else one [[{field.key}]] table per entry, below"
                if field.is_list else "")
    return value_kind(schema, field.name)


_SCHEMA: dict[str, Any] | None = None


def _property_schema(field: _Field) -> Mapping[str, Any]:
    """The field's schema in the patient-file JSON Schema (enums, ranges, formats, units)."""
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = generate("patient")
    schema = _SCHEMA
    model_schema: Mapping[str, Any] = schema
    parts = field.key.split(".")
    for part in parts[:-1]:
        prop = model_schema["properties"][part]
        ref = prop.get("$ref") or prop.get("items", {}).get("$ref")
        model_schema = schema["$defs"][ref.rsplit("/", 1)[1]]
    prop = model_schema["properties"][parts[-1]]
    if "$ref" in prop:
        return dict(schema["$defs"][prop["$ref"].rsplit("/", 1)[1]])
    return dict(prop)
