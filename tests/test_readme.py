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
