"""The README documents the patient file as it is: its example loads, and every key appears."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from cartscreen.patient import Patient

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_complete_example_is_a_valid_patient_file() -> None:
    (example,) = [b for b in re.findall(r"```toml\n(.*?)```", README, re.S) if "id = " in b]
    patient = Patient.model_validate(tomllib.loads(example))
    assert patient.id == "CS-SLE-001"


def _keys(model: type[BaseModel]) -> set[str]:
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        keys.add(name)
        for arg in getattr(info.annotation, "__args__", (info.annotation,)):
            inner: Any = getattr(arg, "__args__", (arg,))[0] if hasattr(arg, "__args__") else arg
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                keys |= _keys(inner)
    return keys


def test_every_patient_key_is_documented() -> None:
    forms = ("`{}`", "{} =", "[{}]", ".{}]", "[[{}]]")
    undocumented = sorted(k for k in _keys(Patient)
                          if not any(form.format(k) in README for form in forms))
    assert not undocumented


# --- the "Every key" table marks required keys (bold) and date keys (italic) ----------------


def _section(title: str) -> str:
    start = README.index(f"### {title}\n")
    return README[start:README.index("\n### ", start + 1)]


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    return dict(model.model_fields)


def _models_under(model: type[BaseModel], path: str, rows: set[str]) -> list[type[BaseModel]]:
    """The model and every model nested in it that has no row of its own."""
    found = [model]
    for name, info in model.model_fields.items():
        for inner in _inner_models(info.annotation):
            if f"{path}.{name}".lstrip(".") not in rows:
                found += _models_under(inner, f"{path}.{name}", rows)
    return found


def _inner_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _inner_models(arg)]


def _is_date(annotation: Any) -> bool:
    from datetime import date

    if annotation is date:
        return True
    return any(_is_date(arg) for arg in getattr(annotation, "__args__", ()))


def _model_at(path: str) -> type[BaseModel]:
    model: type[BaseModel] = Patient
    for part in path.split("."):
        (model,) = _inner_models(model.model_fields[part].annotation)
    return model


def test_every_key_marks_required_keys_and_dates() -> None:
    section = _section("Every key")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `\[\[?([a-z_.]+)\]\]?` \|.*$",
                                                          section, re.M)}
    top = section[section.index("Top level:"):section.index("| table |")]
    problems = []
    for path, text in [("", top), *rows.items()]:
        model = _model_at(path) if path else Patient
        for inner in _models_under(model, path, set(rows)):
            for name, info in inner.model_fields.items():
                if name == "components" or _inner_models(info.annotation):
                    continue
                for marked in re.finditer(rf"(\*\*\*|\*\*|\*)?`{name}`", text):
                    mark = marked.group(1) or ""
                    if info.is_required() != ("**" in mark):
                        problems.append(f"{path or 'top'}: {name} required")
                    if _is_date(info.annotation) != (mark in ("*", "***")):
                        problems.append(f"{path or 'top'}: {name} date")
    assert not problems
