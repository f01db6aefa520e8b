"""A patient written with components gets the same verdicts as its twin written with totals,
and a stated total that disagrees with its components is warned about."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

from cartscreen.engine import screen_patient
from cartscreen.patient import load_patient
from cartscreen.trial import LoadedTrial
from tests_support import joined_patients

SAMPLES = Path(__file__).resolve().parents[1] / "sample_patients"
TWINS = sorted(SAMPLES.glob("*--components.toml"))
CARTSCREEN = Path(sys.executable).parent / "cartscreen"


def _verdicts(path: Path, trials: dict[str, LoadedTrial]) -> dict[str, str]:
    result = screen_patient(load_patient(path), str(path), trials.values(), as_of=None,
                            today=date(2000, 1, 1))
    return {t.trial_id: t.verdict for t in result.trials}


def test_there_are_component_twins() -> None:
    assert len(TWINS) >= 2


@pytest.mark.parametrize("twin", TWINS, ids=lambda p: p.stem)
def test_components_twin_gets_the_same_verdicts_as_its_totals_twin(
    twin: Path, bundled_trials: dict[str, LoadedTrial]
) -> None:
    original = SAMPLES / twin.name.replace("--components", "")
    assert _verdicts(twin, bundled_trials) == _verdicts(original, bundled_trials)


@pytest.mark.parametrize("twin", TWINS, ids=lambda p: p.stem)
def test_components_twin_states_no_total_it_gives_components_for(twin: Path) -> None:
    data = tomllib.loads(twin.read_text(encoding="utf-8"))
    tables = 0
    for section, stated in (("diagnosis", "classification"), ("activity", None)):
        components = data.get(section, {}).get("components", {})
        given = data[section].get(stated, {}) if stated else data.get(section, {})
        tables += len(components)
        assert not set(components) & set(given), "a twin gives components, not totals"
    assert tables, f"{twin.name} has no components table"


@pytest.mark.parametrize("twin", TWINS, ids=lambda p: p.stem)
def test_twin_results_carry_their_derivations(
    twin: Path, bundled_trials: dict[str, LoadedTrial]
) -> None:
    result = screen_patient(load_patient(twin), str(twin), bundled_trials.values(),
                            as_of=None, today=date(2000, 1, 1))
    views = [v for t in result.trials for c in t.criteria for v in c.derivations]
    assert views
    for view in views:
        table: object = load_patient(twin)
        for part in view.source.split("."):  # the source is a table of the patient file
            table = getattr(table, part)
        assert table is not None, view.source
        assert view.arithmetic.endswith(f"= {view.total:g}")


def test_stated_total_disagreeing_with_components_is_warned(tmp_path: Path) -> None:
    twin = SAMPLES / "ssc-refractory-eligible--components.toml"
    text = twin.read_text(encoding="utf-8").replace("[activity]\n", "[activity]\nmrss = 24\n", 1)
    patient = tmp_path / "disagree.toml"
    patient.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [str(CARTSCREEN), "check", str(patient), "--format", "json"],
        capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, check=False,
    )
    assert result.returncode == 0, result.stderr
    warning = "stated mRSS 24, computed 22 from the components given"
    # stderr counts the warning once per patient (not per trial), without its values
    assert result.stderr == (f"cartscreen: warning: {patient}: 1 warning about the file's "
                             "values (a stated value that disagrees with the one computed, "
                             "say); read them in the results: under the patient's table "
                             '(--detail for several patients), or "warnings" in --format '
                             'json\n')
    criteria = [c for t in joined_patients(json.loads(result.stdout))[0]["trials"]
                for c in t["criteria"] if c["check"] == "activity_score"]
    assert any(warning in w for c in criteria for w in c["warnings"])


def test_stated_total_agreeing_with_components_is_not_warned(tmp_path: Path) -> None:
    twin = SAMPLES / "ssc-refractory-eligible--components.toml"
    text = twin.read_text(encoding="utf-8").replace("[activity]\n", "[activity]\nmrss = 22\n", 1)
    patient = tmp_path / "agree.toml"
    patient.write_text(text, encoding="utf-8")
    result = subprocess.run([str(CARTSCREEN), "check", str(patient)], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0
    assert "warning" not in result.stderr
