"""The JSON Schemas of both file kinds: generated from the models, shipped equal, and right
about real files (every sample patient and bundled trial validates; broken files do not)."""

from __future__ import annotations

import copy
import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cartscreen.schema import DRAFT, as_text, generate, shipped
from tests_support import ROOT, SAMPLES, run

PATIENTS = sorted(SAMPLES.glob("*.toml"))
TRIAL_FILES = sorted((ROOT / "trials").glob("*.toml"))


def _json(value: Any) -> Any:
    """TOML data as JSON data: dates as ISO strings, as an editor's schema support sees them."""
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _validator(kind: str) -> Draft202012Validator:
    schema = generate(kind)  # type: ignore[arg-type]
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


PATIENT = _validator("patient")
TRIAL = _validator("trial")


@pytest.mark.parametrize("kind", ["patient", "trial"])
def test_the_shipped_schema_is_what_the_models_generate(kind: str) -> None:
    assert shipped(kind).read_text(encoding="utf-8") == as_text(kind)  # type: ignore[arg-type]
    assert generate(kind)["$schema"] == DRAFT  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["patient", "trial"])
def test_the_command_prints_the_shipped_schema(kind: str) -> None:
    result = run("schema", kind)
    assert result.returncode == 0
    assert result.stdout == shipped(kind).read_text(encoding="utf-8")  # type: ignore[arg-type]


def _load(path: Path) -> Any:
    return _json(tomllib.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", PATIENTS, ids=[p.name for p in PATIENTS])
def test_every_sample_patient_validates(path: Path) -> None:
    assert list(PATIENT.iter_errors(_load(path))) == []


@pytest.mark.parametrize("path", TRIAL_FILES, ids=[p.name for p in TRIAL_FILES])
def test_every_bundled_trial_validates(path: Path) -> None:
    assert list(TRIAL.iter_errors(_load(path))) == []


def _broken_patients() -> list[tuple[str, dict[str, Any]]]:
    base = _load(SAMPLES / "sle-refractory-eligible.toml")
    cases = []
    for name, change in [
        ("unknown key", lambda d: d.update(sexx="female")),
        ("wrong case in a choice", lambda d: d.update(sex="Female")),
        ("text for a number", lambda d: d.update(weight_kg="42")),
        ("out of range", lambda d: d.update(weight_kg=0.1)),
        ("required key missing", lambda d: d.pop("id")),
        ("not a date", lambda d: d.update(screening_date="2026-13-40")),
        ("an end neither a date nor ongoing", lambda d: d["treatments"][0].update(end="later")),
        ("unknown key in a list entry", lambda d: d["treatments"][0].update(dosage=1)),
    ]:
        data = copy.deepcopy(base)
        change(data)
        cases.append((name, data))
    return cases


@pytest.mark.parametrize(("name", "data"), _broken_patients(), ids=lambda v: str(v)[:40])
def test_a_broken_patient_file_fails(name: str, data: dict[str, Any]) -> None:
    assert list(PATIENT.iter_errors(data)), name


def test_a_trial_parameter_is_checked_against_its_checks_model() -> None:
    data = _load(ROOT / "trials" / "NCT06792344.toml")
    age = next(c for c in data["criteria"] if c["check"] == "age")
    good = copy.deepcopy(data)
    assert list(TRIAL.iter_errors(good)) == []
    for params in ({"min_years": 5, "max_years": 500}, {"min_yeras": 5},
                   {"min_years": "5"}):
        broken = copy.deepcopy(data)
        next(c for c in broken["criteria"] if c["id"] == age["id"])["params"] = params
        assert list(TRIAL.iter_errors(broken)), params
    unknown_check = copy.deepcopy(data)
    unknown_check["criteria"][0]["check"] = "no_such_check"
    assert list(TRIAL.iter_errors(unknown_check))


def test_the_schema_names_units_and_choices_for_editors() -> None:
    patient = json.loads(as_text("patient"))
    assert patient["properties"]["sex"]["enum"] == ["female", "male"] or \
        "enum" in json.dumps(patient["properties"]["sex"]) or "$ref" in patient["properties"]["sex"]
    assert "id" in patient["required"]
    assert "null" not in json.dumps(patient)  # TOML has no null
