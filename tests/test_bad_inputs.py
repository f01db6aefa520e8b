"""The catalogue of bad patient files (tests/bad_inputs/, one file per thing wrong): each gives
exactly its expected one-line error through the real command line, exit code 3, no traceback,
nothing on stdout. Also: --debug never shows a patient value."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests_support import CARTSCREEN, ELIGIBLE, ROOT, TRIAL_IDS, run, write

CATALOGUE = Path("tests") / "bad_inputs"  # relative: the expected lines name files this way
EXPECTED: dict[str, str] = tomllib.loads(
    (ROOT / "tests" / "bad_inputs_expected.toml").read_text(encoding="utf-8"))
AS_OF = "2026-11-02"  # for the files that state no screening date


def test_the_catalogue_has_at_least_40_files_each_with_one_expected_line() -> None:
    files = sorted(path.name for path in (ROOT / CATALOGUE).glob("*.toml"))
    assert len(files) >= 40
    assert files == sorted(EXPECTED)
    assert all(line.startswith(f"cartscreen: {CATALOGUE / name}") for name, line in
               EXPECTED.items())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_gives_its_one_line(name: str) -> None:
    result = run("check", CATALOGUE / name, "--as-of", AS_OF)
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr.splitlines() == [EXPECTED[name]]
    assert "Traceback" not in result.stderr


# Words of cartscreen's own messages that a file may also hold as values.
OWN_WORDS = {"mg/dL", "µmol/L", "inf", "nan"}


def _values(data: object) -> list[object]:
    if isinstance(data, dict):
        return [v for value in data.values() for v in _values(value)]
    if isinstance(data, list):
        return [v for value in data for v in _values(value)]
    return [data]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_line_quotes_no_value_of_the_file(name: str) -> None:
    # Patient files are health data: a line names the file, the key and the problem, never a
    # value. Checked on the expected lines, which test_bad_input_gives_its_one_line holds the
    # output to, so that no expected line can be written (or regenerated) quoting a value. The
    # catalogue's values are two characters or more where a message could quote one.
    try:
        data = tomllib.loads((ROOT / CATALOGUE / name).read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError, RecursionError):
        return  # not readable as TOML: nothing of it is understood, so nothing can be quoted
    message = EXPECTED[name].split(": ", 1)[1]  # after "cartscreen: "
    message = message.split(": ", 2)[-1]  # after FILE[:LINE]: KEY:
    for value in _values(data):
        text = str(value)
        if isinstance(value, bool) or len(text) < 2 or text in OWN_WORDS:
            continue
        assert re.search(rf"(?<![\w.–/]){re.escape(text)}(?![\w.–/])", message) is None, (
            f"{name}: the line quotes {text!r}")


@pytest.mark.parametrize("name", ["age-disagrees-with-birth-date.toml",
                                  "birth-after-as-of.toml", "vaccine-after-screening.toml",
                                  "lvef-above-100.toml", "not-utf8.toml"])
def test_explain_gives_the_same_line(name: str) -> None:
    result = run("explain", "NCT06222853", "--patient", CATALOGUE / name, "--as-of", AS_OF)
    assert result.returncode == 3
    assert (result.stdout, result.stderr.splitlines()) == ("", [EXPECTED[name]])


def test_a_batch_of_the_catalogue_and_a_good_patient() -> None:
    result = run("check", CATALOGUE, ELIGIBLE, "--format", "jsonl", "--as-of", AS_OF)
    assert result.returncode == 3
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    errors = [row for row in rows if row["verdict"] == "error"]
    assert [Path(row["file"]).name for row in errors] == sorted(EXPECTED)
    assert all(row["error_message"] and not row["patient_id"] for row in errors)
    for row in errors:  # each row holds the parts of the file's line on stderr
        line = f":{row['error_line']}:" if row["error_line"] is not None else ":"
        key = f" {row['error_key']}:" if row["error_key"] is not None else ""
        assert EXPECTED[Path(row["file"]).name] == (
            f"cartscreen: {row['file']}{line}{key} {row['error_message']}")
    good = [row for row in rows if row["verdict"] != "error"]
    assert [(row["patient_id"], row["trial_id"]) for row in good] == [
        ("CS-SLE-001", trial_id) for trial_id in TRIAL_IDS]
    assert result.stderr.splitlines() == [EXPECTED[name] for name in sorted(EXPECTED)]


def test_json_errors_carry_the_line(tmp_path: Path) -> None:
    result = run("check", CATALOGUE / "lvef-above-100.toml", "--format", "json")
    assert result.returncode == 3
    (error,) = json.loads(result.stdout)["errors"]
    assert error == {"file": str(CATALOGUE / "lvef-above-100.toml"),
                     "key": "organ_function.lvef_percent", "line": 8,
                     "message": "outside the plausible range 0–100 %; check the value and its "
                     "unit"}


# --- patient values never reach stderr, even with --debug -----------------------------------

SECRET_FILES = {
    "wrong-type.toml": 'id = "X"\nweight_kg = "forty-two kilos SECRET"\n',
    "bad-literal.toml": 'id = "X"\nsex = "SECRET"\n',
    "bad-unit.toml": 'id = "X"\n[organ_function]\ncreatinine = { value = 1, unit = "SECRET" }\n',
    "bad-key.toml": 'id = "X"\nSECRET = 1\n',  # a key is named, but never its value
    "bad-toml.toml": 'id = "X"\nnote = SECRET\n',
    "control-char.toml": 'id = "X"\n[diagnosis]\nother_disease_name = "SECRET\x07"\n',
    "long-id.toml": f'id = "SECRET{"x" * 80}"\n',
}


@pytest.mark.parametrize("name", sorted(SECRET_FILES))
@pytest.mark.parametrize("debug", [[], ["--debug"]])
def test_no_patient_value_on_stderr(tmp_path: Path, name: str, debug: list[str]) -> None:
    path = write(tmp_path / name, SECRET_FILES[name])
    result = run(*debug, "check", path)
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    shown = lines[0].replace("SECRET = 1", "").replace(": SECRET: unknown key", "")
    assert "SECRET" not in shown + result.stdout


# An internal error whose message, and whose chained pydantic error, both embed patient data:
# a bug in a check that formats a value into its exception, as Python's own errors do.
_BUG = """
import sys
import cartscreen.batch
from cartscreen import cli
from cartscreen.patient import Patient

def screen_patient(patient, *args, **kwargs):
    try:
        Patient.model_validate({"id": patient.id, "weight_kg": "SECRET weight"})
    except Exception:
        raise ValueError(f"cannot screen {patient.id} with SECRET history")

cartscreen.batch.screen_patient = screen_patient
sys.argv = ["cartscreen", *sys.argv[1:]]
cli.main()
"""


@pytest.mark.parametrize("debug", [False, True])
def test_an_internal_error_never_shows_its_text(tmp_path: Path, debug: bool) -> None:
    path = write(tmp_path / "p.toml", 'id = "SECRET-ID"\nsex = "female"\n')
    args = [sys.executable, "-c", _BUG, *(["--debug"] if debug else []), "check", str(path)]
    result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=60,
                            env={"NO_COLOR": "1", "PATH": str(CARTSCREEN.parent)})
    assert "SECRET" not in result.stderr + result.stdout
    first, *rest = result.stderr.splitlines()
    if not debug:  # the file's error row; a batch would go on with the other files
        assert result.returncode == 3, result.stderr
        assert first == (f"cartscreen: {path}: could not be screened: an internal error "
                         "(ValueError) in cartscreen; the other files were screened. Please "
                         "report it, and run this file alone with --debug to see where it "
                         "happened")
        assert rest == []
        return
    assert result.returncode == 70, result.stderr
    assert first.startswith("cartscreen: internal error (ValueError)")
    assert rest[0] == "Traceback (code locations only; ValidationError):"
    assert "which led to:" in rest
    assert "Traceback (code locations only; ValueError):" in rest
    assert any("batch.py" in line and "in screen_file" in line for line in rest)


@pytest.mark.parametrize("key", ['"a\\nb"', '"\\u001b[2J\\u001b[31mred"', '"tab\\there"'])
def test_a_key_with_control_characters_is_escaped_on_one_line(tmp_path: Path, key: str) -> None:
    # A newline in a key would break the one-line rule; an escape sequence would reach the
    # terminal and could clear or recolour it.
    path = tmp_path / "odd-key.toml"
    path.write_text(f'{key} = 1\nid = "X"\n', encoding="utf-8")
    result = run("check", path)
    assert result.returncode == 3
    assert len(result.stderr.splitlines()) == 1
    assert "\x1b" not in result.stderr and "\t" not in result.stderr
    assert "unknown key" in result.stderr
