"""Inputs an adversarial review used against the command line: odd file types, links, numbers
and dates Python cannot hold, a failure inside one file of a parallel batch, a full disk,
patient files piped where paths belong. None may hang, lose a batch, or leak a value.

Every test runs the real console script.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cartscreen.patient import Patient
from cartscreen.patient.plausibility import EARLIEST_DATE, LATEST_DATE, date_in_range
from test_trial_param_bounds import Slot, numeric_slots
from tests_support import CARTSCREEN, ELIGIBLE, ROOT, SAMPLES, TRIAL_IDS, run, write

ELIGIBLE_TEXT = ELIGIBLE.read_text(encoding="utf-8")
ROWS_PER_PATIENT = len(TRIAL_IDS)


def _patient(folder: Path, name: str, patient_id: str, text: str = ELIGIBLE_TEXT) -> Path:
    return write(folder / name, text.replace('id = "CS-SLE-001"', f'id = "{patient_id}"'))


def _cohort(folder: Path, count: int) -> list[Path]:
    """``count`` copies of the eligible sample under distinct ids, enough for the worker pool
    (200 files and more are screened in parallel)."""
    return [_patient(folder, f"p{index:03}.toml", f"P-{index:03}") for index in range(count)]


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_eligible_sample_has_the_id_the_helpers_replace() -> None:
    assert 'id = "CS-SLE-001"' in ELIGIBLE_TEXT


# --- files that are not regular files ----------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    return path


NOT_REGULAR = "not a regular file (a named pipe)"


@pytest.mark.parametrize("command", [["check"], ["funnel"]])
def test_a_named_pipe_is_an_error_row_not_a_hang(fifo: Path, tmp_path: Path,
                                                 command: list[str]) -> None:
    other = _patient(tmp_path, "other.toml", "OTHER")
    result = run(*command, fifo, other)  # run() times out after 60 s
    assert result.returncode == 3
    assert f"cartscreen: {fifo}: {NOT_REGULAR}" in result.stderr


def test_a_named_pipe_in_a_folder_is_an_error_row(fifo: Path, tmp_path: Path) -> None:
    _patient(tmp_path, "other.toml", "OTHER")
    result = run("check", tmp_path, "--format", "csv")
    assert result.returncode == 3
    rows = _csv_rows(result.stdout)
    assert [r["file"] for r in rows if r["verdict"] == "error"] == [str(fifo)]
    assert NOT_REGULAR in rows[0]["error_message"]
    assert sum(r["patient_id"] == "OTHER" for r in rows) == ROWS_PER_PATIENT


def test_a_named_pipe_listed_on_standard_input(fifo: Path) -> None:
    result = run("check", "-", stdin=f"{fifo}\n")
    assert (result.returncode, result.stderr.strip()) == (3, f"cartscreen: {fifo}: {NOT_REGULAR}"
                                                          "; a patient file is read whole, so "
                                                          "save the patient to an ordinary "
                                                          ".toml file and give its path")


def test_explain_refuses_a_named_pipe(fifo: Path) -> None:
    result = run("explain", TRIAL_IDS[0], "--patient", fifo)
    assert result.returncode == 3 and NOT_REGULAR in result.stderr


def test_a_device_is_refused_too() -> None:
    result = run("check", "/dev/zero")
    assert result.returncode == 3 and "not a regular file (a character device)" in result.stderr


# --- links -------------------------------------------------------------------------------


@pytest.fixture
def linked_tree(tmp_path: Path) -> Path:
    """clinic/ holds a patient, a link to another folder of patients, a link to a file that
    does not exist, and a link back to clinic/ itself."""
    clinic, elsewhere = tmp_path / "clinic", tmp_path / "elsewhere"
    _patient(clinic, "a.toml", "A")
    _patient(elsewhere, "b.toml", "B")
    (clinic / "linked").symlink_to(elsewhere, target_is_directory=True)
    (clinic / "gone.toml").symlink_to(tmp_path / "nowhere.toml")
    (clinic / "loop").symlink_to(clinic, target_is_directory=True)
    return clinic


def test_links_are_followed_and_what_cannot_be_screened_is_an_error_row(
        linked_tree: Path) -> None:
    result = run("check", linked_tree, "--format", "csv")
    assert result.returncode == 3
    rows = _csv_rows(result.stdout)
    errors = {r["file"]: r["error_message"] for r in rows if r["verdict"] == "error"}
    assert errors == {
        str(linked_tree / "gone.toml"): "a link to a file that does not exist; correct or "
                                        "remove the link",
        str(linked_tree / "loop"): "a link to a folder that contains it (a loop); it was not "
                                   "followed",
    }
    screened = {r["patient_id"]: r["file"] for r in rows if r["verdict"] != "error"}
    assert screened == {"A": str(linked_tree / "a.toml"),
                        "B": str(linked_tree / "linked" / "b.toml")}


def test_the_funnel_counts_the_patients_behind_links(linked_tree: Path) -> None:
    result = run("funnel", linked_tree, "--format", "json")
    assert result.returncode == 3
    funnel = json.loads(result.stdout)
    assert (funnel["patients"], funnel["errors"]) == (2, 2)


def test_a_folder_reached_twice_through_links_is_screened_once(tmp_path: Path) -> None:
    _patient(tmp_path / "real", "a.toml", "A")
    (tmp_path / "one").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "two").symlink_to(tmp_path / "real", target_is_directory=True)
    result = run("check", tmp_path, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert len(_csv_rows(result.stdout)) == ROWS_PER_PATIENT


def test_a_dangling_link_named_alone(tmp_path: Path) -> None:
    link = tmp_path / "gone.toml"
    link.symlink_to(tmp_path / "nowhere.toml")
    result = run("check", link)
    assert result.returncode == 3 and "a link to a file that does not exist" in result.stderr


# --- numbers and dates Python cannot hold ------------------------------------------------


def test_a_number_of_thousands_of_digits_is_that_files_error(tmp_path: Path) -> None:
    path = write(tmp_path / "long.toml", ELIGIBLE_TEXT.replace(
        "weight_kg = 42.0", "weight_kg = " + "9" * 5000))
    assert path.read_text() != ELIGIBLE_TEXT
    result = run("check", path)
    assert result.returncode == 3
    assert "a number too long to read (thousands of digits)" in result.stderr
    assert "999" not in result.stderr


@pytest.mark.parametrize(("old", "new"), [
    ("screening_date = 2026-11-02", "screening_date = 0001-02-01"),
    ("screening_date = 2026-11-02", "screening_date = 9999-12-31"),
    ("birth_date = 2013-04-18", "birth_date = 0001-01-01"),
])
def test_dates_at_the_ends_of_the_calendar_are_that_files_error(tmp_path: Path, old: str,
                                                                new: str) -> None:
    assert old in ELIGIBLE_TEXT
    path = write(tmp_path / "edge.toml", ELIGIBLE_TEXT.replace(old, new))
    result = run("check", path)
    assert result.returncode == 3, result.stderr
    key = new.split(" =")[0]
    assert f": {key}: a date outside the years 1900–2199; correct the year" in result.stderr


def test_every_ongoing_course_far_in_the_future_is_an_error_not_a_crash(tmp_path: Path) -> None:
    text = ELIGIBLE_TEXT.replace("screening_date = 2026-11-02", "screening_date = 9999-12-31")
    assert 'end = "ongoing"' in text
    result = run("check", write(tmp_path / "p.toml", text))
    assert result.returncode == 3 and "internal error" not in result.stderr


PATIENT_SLOTS = list(numeric_slots(Patient))


def test_the_walk_sees_the_patient_files_numbers() -> None:
    paths = {".".join(map(str, slot.path)) for slot in PATIENT_SLOTS}
    assert {"weight_kg", "treatments.0.dose", "organ_function.creatinine.value",
            "diagnosis.components.ilar_2001.joints_with_arthritis_total"} <= paths


@pytest.mark.parametrize("slot", PATIENT_SLOTS, ids=lambda s: ".".join(map(str, s.path)))
def test_every_number_in_a_patient_file_is_bounded(slot: Slot) -> None:
    # An unbounded number let a 5,000-digit joint count overflow float() inside a score, and
    # a height of 5e-324 cm divide by zero in the body-mass-index rule.
    low, _, high, _ = slot.bounds()
    assert low is not None and high is not None, "give the field ge/gt and le/lt"
    assert high < 10**7


def test_the_date_range_boundaries() -> None:
    assert EARLIEST_DATE.isoformat() == "1900-01-01" and LATEST_DATE.isoformat() == "2199-12-31"
    assert date_in_range(EARLIEST_DATE) and date_in_range(LATEST_DATE)
    assert not date_in_range(EARLIEST_DATE.replace(year=1899, month=12, day=31))
    assert not date_in_range(LATEST_DATE.replace(year=2200, month=1, day=1))


@pytest.mark.parametrize(("as_of", "accepted"), [
    ("2026-11-02", True), ("1900-01-01", True), ("2199-12-31", True),
    ("20261102", False), ("2026-W45-1", False), ("2026-11-2", False), ("1899-12-31", False),
    ("2200-01-01", False), ("0001-01-01", False),
])
def test_as_of_takes_only_yyyy_mm_dd_within_the_range(as_of: str, accepted: bool) -> None:
    result = run("check", ELIGIBLE, "--as-of", as_of)
    assert (result.returncode != 2) is accepted, result.stderr


# --- a failure inside one file of a parallel batch ----------------------------------------

# Breaks the engine for one patient id, the way an unexpected bug in a check would; run with
# the command line's own arguments.
_BREAK_ONE = """
import sys
import cartscreen.batch
from cartscreen import cli

screen = cartscreen.batch.screen_patient

def screen_patient(patient, *args, **kwargs):
    if patient.id == "P-137":
        raise ZeroDivisionError("P-137 SECRET")
    return screen(patient, *args, **kwargs)

cartscreen.batch.screen_patient = screen_patient
sys.argv = ["cartscreen", *sys.argv[1:]]
cli.main()
"""


def test_a_failure_inside_one_file_of_a_parallel_batch_keeps_every_other_result(
        tmp_path: Path) -> None:
    files = _cohort(tmp_path / "cohort", 250)
    write(files[200], files[200].read_text().replace(
        "weight_kg = 42.0", "weight_kg = " + "9" * 5000))
    output = tmp_path / "results.csv"
    result = subprocess.run(
        [sys.executable, "-c", _BREAK_ONE, "check", str(tmp_path / "cohort"), "--jobs", "2",
         "--output", str(output)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"NO_COLOR": "1", "PATH": str(CARTSCREEN.parent)})
    assert result.returncode == 3, result.stderr
    assert "SECRET" not in result.stderr
    rows = _csv_rows(output.read_text(encoding="utf-8"))
    errors = [r for r in rows if r["verdict"] == "error"]
    assert [r["file"] for r in errors] == [str(files[137]), str(files[200])]
    assert errors[0]["error_message"].startswith(
        "could not be screened: an internal error (ZeroDivisionError) in cartscreen")
    assert "thousands of digits" in errors[1]["error_message"]
    screened = {r["patient_id"] for r in rows if r["verdict"] != "error"}
    assert screened == {f"P-{i:03}" for i in range(250)} - {"P-137", "P-200"}
    assert len(rows) == 248 * ROWS_PER_PATIENT + 2


# --- output that cannot be written -------------------------------------------------------


@pytest.mark.parametrize("output_format", ["table", "json", "csv"])
def test_standard_output_on_a_full_disk(output_format: str) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run([str(CARTSCREEN), "check", str(SAMPLES), "--format",
                                 output_format], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=60, env={"NO_COLOR": "1"})
    assert result.returncode == 74
    assert result.stderr.splitlines()[-1].startswith(
        "cartscreen: cannot write standard output: no space left on device")
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["explain", "NCT06792344"], ["trials"],
                                     ["funnel", str(SAMPLES)]])
def test_other_commands_on_a_full_disk(command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run([str(CARTSCREEN), *command], stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=60)
    assert result.returncode == 74, result.stderr
    assert "no space left on device" in result.stderr


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))


def test_an_output_file_that_cannot_be_completed_is_not_left_half_written(
        tmp_path: Path) -> None:
    output = tmp_path / "out" / "results.json"
    output.parent.mkdir()
    result = subprocess.run([str(CARTSCREEN), "check", str(SAMPLES), "--output", str(output)],
                            capture_output=True, text=True, timeout=60,
                            preexec_fn=_limit_file_size)
    assert result.returncode == 74
    assert result.stderr.strip().startswith(f"cartscreen: cannot write {output}: file too large")
    assert list(output.parent.iterdir()) == []


def test_output_naming_a_loaded_trial_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "trials"
    trial = write(folder / "extra.toml", (ROOT / "trials" / "NCT06792344.toml").read_text())
    before = trial.read_bytes()
    result = run("check", ELIGIBLE, "--trials", folder, "--output", trial)
    assert result.returncode == 2
    assert "is one of the trial files loaded for this run" in result.stderr
    assert trial.read_bytes() == before
    bundled = ROOT / "trials" / "NCT06792344.toml"
    result = run("funnel", ELIGIBLE, "--output", bundled)
    assert result.returncode == 2 and "trial files loaded" in result.stderr


def test_output_keeps_an_existing_files_mode(tmp_path: Path) -> None:
    output = write(tmp_path / "results.csv", "old\n")
    output.chmod(0o640)
    assert run("check", ELIGIBLE, "--output", output).returncode == 0
    assert stat.S_IMODE(output.stat().st_mode) == 0o640
    assert next(csv.reader(io.StringIO(output.read_text())))[0] == "patient_id"


def test_a_new_output_file_gets_the_umask_mode(tmp_path: Path) -> None:
    output = tmp_path / "new.csv"
    result = subprocess.run(
        ["sh", "-c", f'umask 027 && "{CARTSCREEN}" check "{ELIGIBLE}" --output "{output}"'],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(output.stat().st_mode) == 0o640


# --- the format follows --output ---------------------------------------------------------


@pytest.mark.parametrize(("name", "first"), [("r.json", "{"), ("r.jsonl", '{"patient_id"'),
                                             ("r.csv", '"patient_id"'), ("r.txt", "Patient")])
def test_the_format_follows_the_output_extension(tmp_path: Path, name: str, first: str) -> None:
    result = run("check", ELIGIBLE, "--output", tmp_path / name)
    assert result.returncode == 0 and result.stderr == ""
    assert (tmp_path / name).read_text().startswith(first)


def test_a_format_the_extension_contradicts_is_kept_with_a_warning(tmp_path: Path) -> None:
    result = run("check", ELIGIBLE, "--output", tmp_path / "r.json", "--format", "table")
    assert result.returncode == 0
    assert (tmp_path / "r.json").read_text().startswith("Patient")
    assert "written as --format table, as asked, not json" in result.stderr


# --- standard input ----------------------------------------------------------------------


def test_a_patient_file_piped_to_standard_input_is_not_echoed() -> None:
    result = run("check", "-", stdin=ELIGIBLE_TEXT)
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        "cartscreen: standard input: holds what looks like a patient file's contents, not "
        "paths; give the file's path instead (cartscreen check FILE), or list paths on "
        "standard input, one per line"]
    assert "2013" not in result.stderr + result.stdout


def test_a_missing_path_on_standard_input_is_named_by_its_line(tmp_path: Path) -> None:
    result = run("check", "-", "--format", "csv",
                 stdin=f"{ELIGIBLE}\n# a comment\n{tmp_path / 'CS-SECRET.toml'}\n")
    assert result.returncode == 3
    assert "SECRET" not in result.stderr + result.stdout
    assert "cartscreen: standard input, line 3: no such file" in result.stderr
    assert len(_csv_rows(result.stdout)) == ROWS_PER_PATIENT + 1


# --- warnings and stderr -----------------------------------------------------------------


def test_stated_and_computed_values_stay_off_stderr(tmp_path: Path) -> None:
    text = (SAMPLES / "sle-refractory-eligible--components.toml").read_text()
    assert "assessed_on = 2026-10-28\n" in text
    path = write(tmp_path / "p.toml", text.replace(
        "assessed_on = 2026-10-28\n", "assessed_on = 2026-10-28\nsledai_2k = 99\n"))
    result = run("check", path, "--format", "json")
    assert result.returncode == 0
    assert "99" not in result.stderr
    assert "1 warning about the file's values" in result.stderr
    assert "stated SLEDAI-2K 99" in result.stdout
    table = run("check", path)
    assert "warning: stated SLEDAI-2K 99, computed 14 from the components given" in table.stdout


# --- smaller ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_says_so(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "p.toml"
    path.write_bytes(ELIGIBLE_TEXT.encode(encoding))
    result = run("check", path)
    assert result.returncode == 3
    assert result.stderr.strip() == (f"cartscreen: {path}: UTF-16 text (as some Windows "
                                     "editors save); save the file as UTF-8")


@pytest.mark.parametrize(("width", "code"), [("0", 2), ("-1", 2), ("39", 2), ("40", 0)])
def test_width_must_be_usable(width: str, code: int) -> None:
    assert run("check", ELIGIBLE, "--width", width).returncode == code


def test_repeated_fail_on_conditions_combine() -> None:
    ineligible = SAMPLES / "sle-cmv-dna-positive.toml"  # ineligible for all
    assert run("check", ineligible, "--fail-on", "incomplete").returncode == 0
    assert run("check", ineligible, "--fail-on", "incomplete",
               "--fail-on", "none-eligible").returncode == 1
    assert run("check", ineligible, "--fail-on", "none-eligible",
               "--fail-on", "incomplete").returncode == 1


# --- trial files -------------------------------------------------------------------------


def test_a_named_pipe_among_trial_files_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.toml")
    expected = (f"{tmp_path / 'pipe.toml'}: not a regular file (a named pipe); save the trial "
                "as an ordinary .toml file")
    validated = run("trials", "validate", tmp_path)
    assert (validated.returncode, validated.stdout.strip()) == (4, expected)
    checked = run("check", ELIGIBLE, "--trials", tmp_path)
    assert (checked.returncode, checked.stderr.strip()) == (
        4, f"cartscreen: invalid trial file: {expected}")


def test_validating_a_folder_of_patient_files_says_so_once() -> None:
    result = run("trials", "validate", SAMPLES)
    assert result.returncode == 4
    patients = len(list(SAMPLES.glob("*.toml")))
    assert result.stdout.splitlines() == [
        f"{min(SAMPLES.glob('*.toml'))}: a patient file, not a trial file, nor are the other "
        f"{patients - 1} patient files given; screen patient files with cartscreen check; "
        "validate trial files"]


def test_one_patient_file_among_trial_files() -> None:
    result = run("trials", "validate", ELIGIBLE, ROOT / "trials")
    assert result.returncode == 4
    assert result.stdout.splitlines() == [
        f"{ELIGIBLE}: a patient file, not a trial file; screen it with cartscreen check; "
        "trial folders hold trial files only"]
