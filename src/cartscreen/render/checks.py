"""`cartscreen checks`: the built-in checks documented from their own data, for people who
write trial files (the way `ruff rule` documents a rule).

Everything shown comes from the check objects: the summary, the keys read, the parameter
model (through its JSON Schema: types, ranges, choices, defaults) and the worked examples,
which the test suite runs. Nothing here is written by hand, so it cannot drift from the code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any, TextIO

from rich.console import Group, RenderableType

from cartscreen.checks.base import Check
from cartscreen.render.explain import Columns, listing
from cartscreen.render.safe import Text, safe
from cartscreen.render.styles import output_console
from cartscreen.schema import value_kind
from cartscreen.trial import LoadedTrial

CHECKS_SCHEMA_VERSION = 1


def check_data(check: Check[Any], trials: Iterable[LoadedTrial]) -> dict[str, Any]:
    """One check as data: what `checks NAME --format json` prints for it."""
    schema = check.params.model_json_schema()
    definitions = schema.get("$defs", {})
    required = set(schema.get("required", []))
    fields = check.params.model_fields
    parameters = [
        {"name": name, "kind": value_kind(prop, name, definitions),
         "required": name in required,
         "default": None if name in required else _plain(
             fields[name].get_default(call_default_factory=True)),
         "description": prop.get("description"), "schema": prop}
        for name, prop in schema.get("properties", {}).items()
    ]
    return {
        "name": check.name,
        "family": check.family,
        "summary": check.summary,
        "reads": list(check.reads),
        "parameters": parameters,
        "examples": [
            {"title": e.title, "params": dict(e.params), "patient": _plain(e.patient),
             "screening_date": e.screening_date.isoformat(), "outcome": e.outcome.value}
            for e in check.examples
        ],
        "used_by": [
            {"trial": loaded.trial.id, "criterion": bound.criterion.id}
            for loaded in sorted(trials, key=lambda t: t.trial.id)
            for bound in loaded.criteria if bound.check.name == check.name
        ],
    }


def _plain(value: Any) -> Any:
    """A patient-file fragment as JSON values (dates as YYYY-MM-DD)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def checks_json(data: list[dict[str, Any]], out: TextIO) -> None:
    out.write(json.dumps({"schema_version": CHECKS_SCHEMA_VERSION, "checks": data},
                         indent=2, ensure_ascii=False) + "\n")


_COLUMNS: Columns = (("Check", True), ("Family", True), ("Summary", False), ("Used by", True))


def render_checks(data: list[dict[str, Any]], out: TextIO, width: int | None) -> None:
    """Every check: name, family, summary and how many loaded criteria use it."""
    rows: list[tuple[str, ...]] = [
        (d["name"], d["family"], d["summary"], str(len(d["used_by"]))) for d in data]
    console = output_console(out, width)
    console.print(listing("Built-in checks", _COLUMNS, rows))
    console.print(Text("\n`cartscreen checks NAME` shows a check's parameters and examples."))


def render_check(data: dict[str, Any], out: TextIO, width: int | None) -> None:
    """One check: summary, keys read, parameters, examples and the criteria that use it."""
    console = output_console(out, width)
    parts: list[RenderableType] = [
        Text(f"{data['name']}  ({data['family']})", style="bold"),
        Text(safe(data["summary"])),
        Text(),
        Text("Reads: " + ", ".join(data["reads"])),
        Text(),
        listing("Parameters", _PARAMETER_COLUMNS,
                [_parameter_cells(p) for p in data["parameters"]]),
        Text(),
        Text("Examples (each is run by the test suite):", style="bold"),
    ]
    for example in data["examples"]:
        parts.append(Text(safe(
            f"  {example['title']}: params {json.dumps(example['params'], ensure_ascii=False)}"
            f", patient {json.dumps(example['patient'], ensure_ascii=False)}"
            f", screened {example['screening_date']} -> {example['outcome']}")))
    used = ", ".join(f"{u['trial']} {u['criterion']}" for u in data["used_by"])
    parts += [Text(), Text(f"Used by: {used or 'no loaded criterion'}")]
    console.print(Group(*parts))


def _parameter_cells(parameter: Mapping[str, Any]) -> tuple[str, ...]:
    default = "" if parameter["required"] else json.dumps(parameter["default"],
                                                          ensure_ascii=False)
    return (parameter["name"], parameter["kind"], "yes" if parameter["required"] else "no",
            default, parameter["description"] or "")


_PARAMETER_COLUMNS: Columns = (("Parameter", True), ("Kind", False), ("Required", True),
                               ("Default", True), ("Meaning", False))
