"""cartscreen init: a template with every key the trials read for a disease, nothing filled in
but the disease; and cartscreen samples, the sample patients shipped with the package."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cartscreen.engine import screen_patient
from cartscreen.patient import Patient
from cartscreen.patient.loader import load_patient
from cartscreen.template import TEMPLATE_DISEASES, template
from cartscreen.trial import load_trials, trial_dirs
from tests_support import SAMPLES, run, write

TRIALS = load_trials(trial_dirs([])).trials
TODAY = date(2026, 12, 2)
_HEADER = re.compile(r"^(?:# )?\[\[?([a-z0-9_.]+)\]\]?$")
_KEY = re.compile(r"^# ([a-z0-9_]+) =$")
_ITEMS = re.compile(r"items under \[([a-z0-9_.]+)\]")


def _template(disease: str) -> str:
    return template(disease, TRIALS.values(), today=TODAY)


def _listed(text: str) -> set[str]:
    """The key paths a template offers: each commented key under its table, and the item
    tables it points to for totals."""
    table = ""
    keys: set[str] = set()
    for line in text.splitlines():
        if header := _HEADER.match(line):
            table = header.group(1) + "."
            keys.add(header.group(1))
        elif key := _KEY.match(line):
            keys.add(table + key.group(1))
        elif line.startswith("disease = "):
            keys.add("diagnosis.disease")
        keys.update(_ITEMS.findall(line))
    return keys


def _covered(key: str, listed: set[str]) -> bool:
    return any(key == k or key.startswith((k + ".", k + "[")) for k in listed)


def _general(key: str) -> str:
    return re.sub(r"\[\d+\]", "", key)


def _keys_read(patient: Patient, disease: str) -> Iterator[str]:
    """Every key a criterion of a trial taking the disease read or found missing."""
    result = screen_patient(patient, "p.toml", TRIALS.values(), as_of=None, today=TODAY)
    for trial in result.trials:
        if disease not in TRIALS[trial.trial_id].trial.diseases:
            continue
        for criterion in trial.criteria:
            yield from map(_general, criterion.read)
            yield from map(_general, criterion.missing)


@pytest.mark.parametrize("disease", TEMPLATE_DISEASES)
def test_the_template_is_valid_toml_with_only_the_disease_filled_in(disease: str) -> None:
    text = _template(disease)
    data = tomllib.loads(text)
    leaves = {k: v for k, v in _flatten(data).items()}
    assert leaves == {"format": 1, "diagnosis.disease": disease}
    assert max(len(line) for line in text.splitlines()) <= 96


@pytest.mark.parametrize("disease", TEMPLATE_DISEASES)
def test_the_template_names_the_required_id_and_loads_once_it_is_given(
        disease: str, tmp_path: Path) -> None:
    text = _template(disease)
    untouched = write(tmp_path / "untouched.toml", text)
    result = run("validate", untouched)
    assert result.returncode == 3
    assert result.stdout.splitlines() == [
        f"{untouched}: id: required key is missing; add id = …"]
    given = write(tmp_path / "given.toml", text.replace("# id =", 'id = "T-1"', 1))
    patient = load_patient(given)
    assert patient.diagnosis.disease == disease


@pytest.mark.parametrize("disease", TEMPLATE_DISEASES)
def test_the_template_offers_every_key_the_trials_read_for_its_disease(disease: str) -> None:
    """Screened against the trials for the disease, the samples of that disease and a bare
    file read only keys that the template offers (what they read, or found missing)."""
    listed = _listed(_template(disease))
    samples = [load_patient(p) for p in sorted(SAMPLES.glob(f"{disease}-*.toml"))]
    assert samples
    bare = Patient.model_validate({"id": "bare", "diagnosis": {"disease": disease}})
    for patient in [*samples, bare]:
        for key in _keys_read(patient, disease):
            assert _covered(key, listed), (patient.id, key)


def test_the_template_leaves_out_keys_no_trial_for_the_disease_reads() -> None:
    sle = _listed(_template("sle"))
    assert "activity.sledai_2k" in sle and "activity.mrss" not in sle
    assert "antibodies.scl70" not in sle
    ssc = _listed(_template("ssc"))
    assert "activity.mrss" in ssc and "antibodies.scl70" in ssc
    assert "activity.sledai_2k" not in ssc


def test_each_key_says_what_it_holds_and_its_unit_and_range() -> None:
    lines = _template("ssc").splitlines()

    def comment_before(key: str) -> str:
        index = lines.index(f"# {key} =")
        start = index
        while start > 0 and lines[start - 1].startswith("# ") and " =" not in lines[start - 1]:
            start -= 1
        return " ".join(line[2:] for line in lines[start:index]).lower()

    assert "a number in % predicted, 0 to 200" in comment_before("dlco_percent_predicted")
    assert "a date, yyyy-mm-dd (complete)" in comment_before("lung_function_on")
    assert 'one of "active", "latent", "negative"' in comment_before("status")
    assert comment_before("drug").endswith("required")
    assert "(or, instead, its items under [activity.components.mrss]" in "\n".join(lines)


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def _fill(text: str, values: dict[str, Any]) -> str:
    """The template with each key in ``values`` (a key path outside lists) uncommented and
    given its value, and the headers of the optional tables that hold one uncommented."""
    import tomli_w

    lines = text.splitlines()
    table = ""
    for index, line in enumerate(lines):
        if header := _HEADER.match(line):
            table = header.group(1) + "."
            if line.startswith("# [") and not line.startswith("# [[") and any(
                    k.startswith(table) for k in values):
                lines[index] = line[2:]
        elif (key := _KEY.match(line)) and (table + key.group(1)) in values:
            value = tomli_w.dumps({"v": values[table + key.group(1)]}).split(" = ", 1)[1]
            lines[index] = f"{key.group(1)} = {value.strip()}"
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", ["sle-refractory-eligible", "jdm-refractory-eligible",
                                  "ssc-refractory-eligible", "pjia-refractory-eligible",
                                  "pss-refractory-eligible"])
def test_filling_the_template_in_from_a_sample_gives_that_sample(name: str,
                                                                 tmp_path: Path) -> None:
    """Uncommenting keys in place keeps the file valid: filled in with a sample's values (its
    lists and tables outside the template aside), it loads with exactly those values."""
    sample = tomllib.loads((SAMPLES / f"{name}.toml").read_text())
    disease = sample["diagnosis"]["disease"]
    text = _template(disease)
    listed = _listed(text)
    values = {k: v for k, v in _flatten(sample).items()
              if k in listed and not isinstance(v, list) and k != "diagnosis.disease"}
    assert len(values) >= 25, sorted(values)
    filled = write(tmp_path / "filled.toml", _fill(text, values))
    loaded = _flatten(tomllib.loads(filled.read_text()))
    assert {k: v for k, v in loaded.items() if k in values} == values
    load_patient(filled)  # valid as a patient file


# --- the command --------------------------------------------------------------------------


def test_init_writes_to_standard_output_by_default() -> None:
    result = run("init", "--disease", "pss")
    assert result.returncode == 0, result.stderr
    assert result.stdout == template("pss", TRIALS.values(), today=date.today())


def test_init_takes_the_disease_in_any_case_and_refuses_an_unknown_one() -> None:
    assert run("init", "--disease", "SLE").returncode == 0
    result = run("init", "--disease", "lupus")
    assert result.returncode == 2
    assert "--disease" in result.stderr


def test_init_never_overwrites_a_file_without_force(tmp_path: Path) -> None:
    target = write(tmp_path / "p.toml", "id = 'filled in already'\n")
    result = run("init", "--disease", "jdm", "--output", target)
    assert result.returncode == 2
    assert "exists; give --force to replace it" in result.stderr
    assert target.read_text() == "id = 'filled in already'\n"
    forced = run("init", "--disease", "jdm", "--output", target, "--force")
    assert forced.returncode == 0
    assert 'disease = "jdm"' in target.read_text()


def test_init_writes_a_new_file_and_says_what_next(tmp_path: Path) -> None:
    target = tmp_path / "new.toml"
    result = run("init", "--disease", "ssc", "-o", target)
    assert result.returncode == 0
    assert result.stdout == ""
    assert f"wrote {target}" in result.stderr and "cartscreen validate" in result.stderr
    assert 'disease = "ssc"' in target.read_text(encoding="utf-8")


# --- the samples ----------------------------------------------------------------------------


def test_samples_path_names_the_folder_of_every_sample() -> None:
    result = run("samples", "--path")
    assert result.returncode == 0
    folder = Path(result.stdout.strip())
    assert sorted(p.name for p in folder.glob("*.toml")) == sorted(
        p.name for p in SAMPLES.glob("*.toml"))


def test_samples_lists_each_file_with_its_expected_verdicts() -> None:
    result = run("samples", "--width", "200")
    assert result.returncode == 0
    for path in SAMPLES.glob("*.toml"):
        assert path.name in result.stdout
    row = next(line for line in result.stdout.splitlines()
               if "jdm-b-cells-not-measured.toml" in line)
    assert "eligible: NCT06569472" in row and "incomplete: NCT07184450" in row
