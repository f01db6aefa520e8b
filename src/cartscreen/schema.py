"""JSON Schemas (draft 2020-12) of the two file kinds, generated from the models, for editors
(Taplo / Even Better TOML read a ``#:schema`` line) and for tools that check files.

The patient schema is the patient model's; the trial schema is the trial model's with each
criterion's ``params`` tied to its check's parameter model. TOML has no null, so the
"or null" that optional fields carry in a pydantic schema is left out: an optional key is one
that may be missing. The same files ship in the package (``cartscreen/schemas/``); a test keeps
them equal to what the models generate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from cartscreen.checks.registry import CHECKS
from cartscreen.errors import unit_in_name
from cartscreen.patient import Patient
from cartscreen.trial import Trial

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = Path(__file__).parent / "schemas"
Kind = Literal["patient", "trial"]


def generate(kind: Kind) -> dict[str, Any]:
    """The schema of a patient file or a trial file."""
    schema = _patient() if kind == "patient" else _trial()
    return {"$schema": DRAFT, **_without_null(schema)}


def as_text(kind: Kind) -> str:
    return json.dumps(generate(kind), indent=2, ensure_ascii=False) + "\n"


def shipped(kind: Kind) -> Path:
    return SCHEMA_DIR / f"{kind}.schema.json"


def _patient() -> dict[str, Any]:
    schema = Patient.model_json_schema()
    schema["title"] = "cartscreen patient file"
    return schema


def _trial() -> dict[str, Any]:
    schema = Trial.model_json_schema()
    schema["title"] = "cartscreen trial file"
    definitions: dict[str, Any] = schema.setdefault("$defs", {})
    rules = []
    for name in sorted(CHECKS):
        params = CHECKS[name].params.model_json_schema(ref_template="#/$defs/{model}")
        definitions.update(params.pop("$defs", {}))
        key = f"params_{name}"
        definitions[key] = params
        rules.append({"if": {"properties": {"check": {"const": name}}, "required": ["check"]},
                      "then": {"properties": {"params": {"$ref": f"#/$defs/{key}"}}}})
    criterion = definitions["Criterion"]
    criterion["properties"]["check"]["enum"] = sorted(CHECKS)
    criterion["allOf"] = rules
    return schema


def _without_null(node: Any) -> Any:
    """The schema with "or null" branches removed, and defaults that are or hold null (a table
    whose keys all default to unrecorded): TOML has no null."""
    if isinstance(node, list):
        return [_without_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _without_null(value) for key, value in node.items()
              if not (key == "default" and _holds_null(value))}
    branches = result.get("anyOf")
    if isinstance(branches, list):
        kept = [b for b in branches if b != {"type": "null"}]
        if len(kept) == 1:
            del result["anyOf"]
            result = {**kept[0], **result}
        else:
            result["anyOf"] = kept
    return result


def _holds_null(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, dict):
        return any(_holds_null(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_null(item) for item in value)
    return False


# --- a value's kind in words (cartscreen init, cartscreen checks) ---------------------------


def value_kind(schema: Mapping[str, Any], name: str = "",
               definitions: Mapping[str, Any] | None = None) -> str:
    """A value's kind in words, from its JSON Schema: "one of \"a\", \"b\"", "a number in
    kg, 0.2 to 300", "a date, YYYY-MM-DD (complete)"; ``name`` gives a unit its name states,
    ``definitions`` resolve references."""
    if "$ref" in schema and definitions is not None:
        schema = definitions[schema["$ref"].rsplit("/", 1)[1]]
    if "items" in schema:
        items = _plural(value_kind(schema["items"], "", definitions))
        at_least = schema.get("minItems", 0)
        return f"a list of {items} " + (f"(at least {at_least})" if at_least else "([] for none)")
    if "anyOf" in schema:
        return " or ".join(value_kind(s, name, definitions) for s in schema["anyOf"])
    if "const" in schema:
        return f'"{schema["const"]}"'
    if "enum" in schema:
        return "one of " + ", ".join(f'"{v}"' for v in schema["enum"])
    kind = schema.get("type")
    if kind == "boolean":
        return "true or false"
    if kind == "string" and schema.get("format") == "date":
        return "a date, YYYY-MM-DD (complete)"
    if kind == "string":
        return "text"
    if kind in ("number", "integer"):
        unit = schema.get("unit") or unit_in_name(name)
        words = "a whole number" if kind == "integer" else "a number"
        if unit:
            words += f" in {unit}"
        return words + _range(schema)
    return ""


def _range(schema: Mapping[str, Any]) -> str:
    """", 0 to 100", ", above 0, at most 20", ", at least 5" or nothing."""
    low, high = schema.get("minimum"), schema.get("maximum")
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if low is not None and high is not None:
        return f", {_number(low)} to {_number(high)}"
    parts = [f"at least {_number(low)}" if low is not None else "",
             f"above {_number(above)}" if above is not None else "",
             f"at most {_number(high)}" if high is not None else "",
             f"below {_number(below)}" if below is not None else ""]
    text = ", ".join(p for p in parts if p)
    return f", {text}" if text else ""


def _plural(kind: str) -> str:
    return {"a date, YYYY-MM-DD (complete)": "dates, YYYY-MM-DD", "text": "texts"}.get(
        kind, kind.removeprefix("one of "))


def _number(value: float) -> str:
    return f"{value:g}"
