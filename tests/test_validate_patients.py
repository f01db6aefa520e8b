"""cartscreen validate: every problem of each patient file at once, where check names only the
first; never a value from the file."""

from __future__ import annotations

from pathlib import Path

from tests_support import SAMPLES, run, write

MANY = """id = "X-1"
sex = "Female"
birth_date = 2014-03-01
screening_date = 2026-11-02
weight_kg = "Zq7"
sexx = 1
[diagnosis]
disease = "SLE"
"""


def test_every_problem_of_a_file_at_once(tmp_path: Path) -> None:
    path = write(tmp_path / "many.toml", MANY)
    result = run("validate", path)
    assert result.returncode == 3
    assert result.stdout.splitlines() == [
        f"{path}:2: sex: expected 'female' or 'male', written exactly: the choices are "
        "case-sensitive and this one differs only in capitals; write it as listed",
        f"{path}:5: weight_kg: expected a valid number (got text); write the number alone, "
        "without quotes or a unit",
        f"{path}:6: sexx: unknown key; did you mean 'sex'?",
        f"{path}:8: diagnosis.disease: expected 'jdm', 'imnm', 'pjia', 'ssc', 'pss', 'sle' or "
        "'other', written exactly: the choices are case-sensitive and this one differs only in "
        "capitals; write it as listed",
    ]
    assert result.stderr == "cartscreen: 1 patient file: 4 problems in 1\n"
    assert "Zq7" not in result.stdout + result.stderr


def test_check_names_the_first_and_points_to_validate(tmp_path: Path) -> None:
    path = write(tmp_path / "many.toml", MANY)
    result = run("check", path)
    assert result.returncode == 3
    assert result.stderr.strip().endswith("(and 3 more problems: cartscreen validate lists them "
                                          "all)")


def test_a_choice_that_is_not_a_case_slip_is_not_called_one(tmp_path: Path) -> None:
    path = write(tmp_path / "p.toml", MANY.replace('"Female"', '"femme"'))
    line = run("validate", path).stdout.splitlines()[0]
    assert line == (f"{path}:2: sex: expected 'female' or 'male' (got text); write one of "
                    "these exactly")


def test_every_plausibility_problem_is_listed(tmp_path: Path) -> None:
    text = (SAMPLES / "sle-refractory-eligible.toml").read_text()
    assert "sex = \"female\"" in text and "onset_date = 2023-09-01" in text
    # a file rule (a pregnancy fact for a boy contradicts sex) and a screening-date rule
    broken = text.replace('sex = "female"', 'sex = "male"').replace(
        "onset_date = 2023-09-01", "onset_date = 2027-01-01")
    path = write(tmp_path / "p.toml", broken)
    lines = run("validate", path).stdout.splitlines()
    assert any("diagnosis.onset_date: after the screening date" in line for line in lines)
    assert any("contradicts sex" in line for line in lines), lines


def test_the_samples_are_valid() -> None:
    result = run("validate", SAMPLES)
    count = len(list(SAMPLES.glob("*.toml")))
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == f"cartscreen: {count} patient files: all valid\n"


def test_unreadable_inputs_are_problems_too(tmp_path: Path) -> None:
    result = run("validate", tmp_path / "missing.toml", SAMPLES / "sle-age-19.toml")
    assert result.returncode == 3
    assert result.stdout == f"{tmp_path / 'missing.toml'}: no such file\n"
