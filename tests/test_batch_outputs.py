"""Batch screening from scripts: jsonl and csv rows, stdin paths, atomic --output, error rows."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cartscreen.atomic import atomic_text_file
from cartscreen.batch import expand_paths
from cartscreen.checks.base import Outcome
from cartscreen.engine import screen_patient
from cartscreen.patient import Patient
from cartscreen.render.report import ROW_COLUMNS, rows
from cartscreen.result import InputProblem
from cartscreen.trial import LoadedTrial
from patient_generator import generate
from tests_support import CARTSCREEN, ROOT, SAMPLES, TRIAL_IDS, command_environment, run

GOOD = ["sle-sledai-6.toml", "jdm-latent-tb.toml", "ssc-refractory-eligible.toml"]


def _documented_columns() -> tuple[str, ...]:
    """The jsonl and csv columns as the README's table lists them, in its order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**jsonl** and **csv**"):readme.index("## Exit codes")]
    return tuple(re.findall(r"^\| `(\w+)` \|", section, flags=re.M))


def test_the_row_columns_are_the_documented_ones() -> None:
    assert _documented_columns() == ROW_COLUMNS
    assert len(ROW_COLUMNS) == 11


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    folder = tmp_path / "clinic"
    (folder / "sub").mkdir(parents=True)
    for index, name in enumerate(GOOD):
        shutil.copy(SAMPLES / name, (folder / "sub" if index == 2 else folder) / name)
    (folder / "broken.toml").write_text('id = "B"\n[organ_function]\nlvef_percent = "63%"\n')
    return folder


def test_jsonl_has_one_line_per_patient_and_trial_with_stable_keys(clinic: Path) -> None:
    result = run("check", clinic, "--format", "jsonl")
    assert result.returncode == 3  # one bad file among good ones
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(tuple(line) == ROW_COLUMNS for line in lines)
    results = [line for line in lines if line["verdict"] != "error"]
    assert len(results) == len(GOOD) * len(TRIAL_IDS)
    (error,) = [line for line in lines if line["verdict"] == "error"]
    assert error["file"].endswith("broken.toml")
    assert error["error_key"] == "organ_function.lvef_percent"
    assert error["error_line"] == 3
    assert "expected a valid number" in error["error_message"]
    latent = [r for r in results if r["patient_id"] == "CS-JDM-007"
              and r["trial_id"] == "NCT06569472"]
    assert latent[0]["verdict"] == "ineligible" and latent[0]["criteria_not_met"] == ["E4b"]


def test_csv_parses_back_with_the_documented_columns(clinic: Path) -> None:
    result = run("check", clinic, "--format", "csv")
    assert result.returncode == 3
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(table[0]) == ROW_COLUMNS
    assert len(table) == len(GOOD) * len(TRIAL_IDS) + 1
    by_key = {(r["patient_id"], r["trial_id"]): r for r in table}
    row = by_key[("CS-SSC-001", "NCT06792344")]
    assert (row["verdict"], row["criteria_not_met"], row["error_message"]) == ("eligible", "", "")
    (error,) = [r for r in table if r["verdict"] == "error"]
    assert (error["error_key"], error["error_line"]) == ("organ_function.lvef_percent", "3")
    assert int(row["review_count"]) > 0
    unknown = by_key[("CS-SLE-004", "NCT06792344")]["unknown_fields"].split("; ")
    assert "organ_function.dlco_percent_predicted" in unknown


def test_the_same_inputs_give_the_same_output_every_run(clinic: Path) -> None:
    first = run("check", clinic, "--format", "jsonl").stdout
    assert run("check", clinic, "--format", "jsonl").stdout == first


def test_a_file_reached_twice_is_screened_once_where_it_first_appears(clinic: Path) -> None:
    inside = clinic / "sub" / GOOD[2]
    result = run("check", inside, clinic, clinic / "sub" / ".." / "sub" / GOOD[2],
                 "--format", "jsonl")
    files = list(dict.fromkeys(json.loads(line)["file"] for line in result.stdout.splitlines()))
    assert files[0] == str(inside)
    assert len(files) == len(GOOD) + 1  # the three good files once each, and the broken one
    assert sorted(Path(f).name for f in files) == sorted([*GOOD, "broken.toml"])
    funnel = json.loads(run("funnel", clinic, inside, "--format", "json").stdout)
    assert {trial["patients"] for trial in funnel["trials"]} == {len(GOOD)}


def test_two_files_with_one_patient_id_are_both_screened_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir()
    text = (SAMPLES / GOOD[0]).read_text(encoding="utf-8")
    (folder / "a-old.toml").write_text(text, encoding="utf-8")
    (folder / "b-new.toml").write_text(text, encoding="utf-8")
    (folder / "c-other.toml").write_text(text.replace("CS-SLE-004", "CS-SLE-404"),
                                         encoding="utf-8")
    for command in (["check", folder, "--format", "jsonl"],
                    ["funnel", folder, "--format", "json"]):
        result = run(*command)
        assert result.returncode == 0
        assert result.stderr.splitlines() == [
            f"cartscreen: warning: {folder / 'b-new.toml'}: the same patient id as "
            f"{folder / 'a-old.toml'}; each file is screened and counted as a patient, so "
            "remove the one that is out of date"]
        assert "CS-SLE-004" not in result.stderr
    rows = [json.loads(line) for line in run("check", folder, "--format", "jsonl").stdout
            .splitlines()]
    assert len(rows) == 3 * len(TRIAL_IDS)


def test_hidden_files_and_folders_inside_a_folder_are_not_patients(tmp_path: Path) -> None:
    folder = tmp_path / ".clinic"  # the folder named may itself be hidden
    (folder / ".git").mkdir(parents=True)
    (folder / "sub").mkdir()
    shutil.copy(SAMPLES / GOOD[0], folder / "p.toml")
    (folder / "._p.toml").write_bytes(b"\x00\x05\x16\x07 Mac OS X resource fork")
    shutil.copy(SAMPLES / GOOD[1], folder / ".git" / "q.toml")
    shutil.copy(SAMPLES / GOOD[1], folder / "sub" / ".q.toml")
    result = run("check", folder, "--format", "jsonl")
    assert (result.returncode, result.stderr) == (0, "")
    assert {json.loads(line)["file"] for line in result.stdout.splitlines()} == {
        str(folder / "p.toml")}
    named = run("check", folder / "._p.toml", "--format", "jsonl")  # named alone, it is read
    assert named.returncode == 3 and "binary data" in named.stderr


def test_a_folder_that_cannot_be_read_is_an_error_not_silently_skipped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Permissions do not bind root, who runs CI here, so the refusal is made where os.walk
    # asks for it.
    folder = tmp_path / "clinic"
    locked = folder / "b-locked"
    for path in (folder / "a.toml", locked / "x.toml", folder / "c" / "y.toml"):
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / GOOD[0], path)
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = list(expand_paths([folder]))
    assert found == [
        InputProblem(file=str(locked), key=None, message="cannot read folder (Permission "
                     "denied); the patient files in it were not screened"),
        folder / "a.toml", folder / "c" / "y.toml"]


def test_paths_can_come_from_stdin_in_the_order_given(clinic: Path) -> None:
    listing = "\n".join([str(clinic / "jdm-latent-tb.toml"), "# skipped comment", "",
                         str(clinic / "sle-sledai-6.toml")]) + "\n"
    result = run("check", "-", "--format", "jsonl", stdin=listing)
    assert result.returncode == 0, result.stderr
    ids = list(dict.fromkeys(json.loads(line)["patient_id"] for line in result.stdout.splitlines()))
    assert ids == ["CS-JDM-007", "CS-SLE-004"]


def test_output_file_is_written_whole_and_stdout_stays_empty(clinic: Path, tmp_path: Path) -> None:
    target = tmp_path / "results.csv"
    result = run("check", clinic, "--format", "csv", "--output", target)
    assert result.returncode == 3
    assert result.stdout == ""
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1 + len(GOOD) * 5 + 1
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_an_interrupted_write_leaves_the_old_file_and_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "results.jsonl"
    target.write_text("previous run\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_text_file(target) as handle:
        handle.write("half a line")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.jsonl"]


@pytest.mark.parametrize(("target", "problem"), [
    ("missing/results.jsonl", "does not exist; create it first"),
    (".", "is a folder; give a file name"),
])
def test_an_output_that_cannot_be_written_is_refused_before_screening(
        clinic: Path, tmp_path: Path, target: str, problem: str) -> None:
    result = run("check", clinic, "--format", "jsonl", "--output", tmp_path / target)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "--output" in result.stderr and problem in result.stderr
    assert "broken.toml" not in result.stderr  # nothing was screened
    assert "Traceback" not in result.stderr


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(25):
        text = (SAMPLES / "sle-sledai-6.toml").read_text(encoding="utf-8")
        (folder / f"p{index:02}.toml").write_text(text.replace("CS-SLE-004", f"P{index}"))
    result = run("check", folder, "--format", "jsonl")
    assert result.returncode == 0
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 25 * 5


def _run_with_stderr_on_a_terminal(*args: str | Path) -> tuple[int, str, str]:
    """Run with stderr a pseudo-terminal and stdout a pipe: exit code, stdout, terminal text."""
    import pty
    import threading

    controller, terminal = pty.openpty()
    seen = bytearray()

    def drain() -> None:  # keep the terminal's buffer from filling while the command runs
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    environment = command_environment()
    environment.update({"TERM": "xterm", "COLUMNS": "100"})
    environment.pop("NO_COLOR", None)
    try:
        result = subprocess.run([str(CARTSCREEN), *map(str, args)], cwd=ROOT, env=environment,
                                stdout=subprocess.PIPE, stderr=terminal, text=True,
                                timeout=120, check=False)
    finally:
        os.close(terminal)
        reader.join(timeout=10)
        os.close(controller)
    return result.returncode, result.stdout, seen.decode("utf-8", "replace")


def _copies(folder: Path, count: int) -> Path:
    folder.mkdir()
    text = (SAMPLES / "sle-sledai-6.toml").read_text(encoding="utf-8")
    for index in range(count):
        (folder / f"p{index:03}.toml").write_text(text.replace("CS-SLE-004", f"P{index}"))
    return folder


@pytest.mark.parametrize(("count", "bar"), [(19, False), (20, True)])
def test_progress_bar_on_a_terminal_for_a_long_batch_only(tmp_path: Path, count: int,
                                                          bar: bool) -> None:
    code, stdout, terminal = _run_with_stderr_on_a_terminal(
        "check", _copies(tmp_path / "many", count), "--format", "jsonl", "--jobs", "1")
    assert code == 0
    rows = [json.loads(line) for line in stdout.splitlines()]  # stdout holds results only
    assert len(rows) == count * len(TRIAL_IDS)
    assert ("screening" in terminal) is bar


def test_funnel_command_counts_a_folder_and_reports_bad_files(clinic: Path) -> None:
    result = run("funnel", clinic, "--format", "json")
    assert result.returncode == 3
    assert result.stderr.count("broken.toml") == 1
    data = json.loads(result.stdout)
    assert (data["schema_version"], data["patients"], data["errors"]) == (1, len(GOOD), 1)
    by_trial = {t["trial_id"]: t for t in data["trials"]}
    # ssc-refractory-eligible is eligible for NCT06792344; the JDM and SLE patients are not.
    ssc = by_trial["NCT06792344"]
    assert (ssc["eligible"], ssc["ineligible"], ssc["incomplete"]) == (1, 2, 0)
    latent_tb = {c["id"]: c for c in by_trial["NCT06569472"]["criteria"]}["E4b"]
    assert (latent_tb["not_met"], latent_tb["excludes_alone"]) == (1, 1)
    table = run("funnel", clinic, "--width", "160")
    assert "Cohort funnel: 3 patients screened" in table.stdout


def test_parallel_jobs_give_the_same_rows_in_the_same_order(tmp_path: Path) -> None:
    from cartscreen.batch import PARALLEL_FROM

    folder = tmp_path / "big"
    folder.mkdir()
    samples = sorted(SAMPLES.glob("*.toml"))
    for index in range(PARALLEL_FROM + 10):
        source = samples[index % len(samples)]
        (folder / f"p{index:04}.toml").write_text(source.read_text(encoding="utf-8"))
    (folder / "p0100-bad.toml").write_text("not toml at all = = =")
    one = run("check", folder, "--format", "jsonl", "--jobs", "1")
    two = run("check", folder, "--format", "jsonl", "--jobs", "2")
    assert one.returncode == two.returncode == 3
    assert one.stdout == two.stdout
    assert len(one.stdout.splitlines()) == (PARALLEL_FROM + 10) * len(TRIAL_IDS) + 1
    # Every other output is made the same way in the workers (rendered there, or for the
    # tables sent back whole): each must match the single-process output byte for byte.
    for command in (("check", "--format", "csv"), ("check", "--format", "json"),
                    ("check", "--detail", "--width", "150"),
                    ("funnel", "--format", "json"), ("funnel", "--width", "150")):
        serial = run(*command, folder, "--jobs", "1")
        parallel = run(*command, folder, "--jobs", "2")
        assert serial.returncode == parallel.returncode == 3, command
        assert serial.stdout == parallel.stdout, command
        assert serial.stderr == parallel.stderr, command
        assert "p0100-bad.toml" in serial.stderr


def test_a_row_counts_its_trial_as_the_trial_result_does(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    """The jsonl and csv rows count each trial's criteria in one pass; what they give is
    what TrialResult's own accessors give, for the samples and generated variants of them."""
    samples = {path.name: tomllib.loads(path.read_text(encoding="utf-8"))
               for path in sorted(SAMPLES.glob("*.toml"))}
    made = generate([(name, data, 1) for name, data in samples.items()], 30, seed=3,
                    accept=lambda data: _valid(data) is not None)
    patients = [Patient.model_validate(data)
                for data in [*samples.values(), *(m.data for m in made)]]
    outcomes_seen: set[str] = set()
    for patient in patients:
        result = screen_patient(patient, "p.toml", bundled_trials.values(), as_of=None,
                                today=date(2026, 11, 2))
        for row, trial in zip(rows(result), result.trials, strict=True):
            assert row["criteria_not_met"] == [c.id for c in trial.with_outcome(Outcome.NOT_MET)]
            assert row["unknown_fields"] == trial.missing_fields
            assert row["review_count"] == len(trial.with_outcome(Outcome.REVIEW))
            outcomes_seen |= {c.outcome for c in trial.criteria}
    assert outcomes_seen == set(Outcome)


def _valid(data: dict[str, Any]) -> Patient | None:
    try:
        return Patient.model_validate(data)
    except ValueError:
        return None
