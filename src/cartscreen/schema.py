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
from pathlib import Path
from typing import Any, Literal

from cartscreen.checks.registry import CHECKS
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
