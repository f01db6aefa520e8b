"""The command line through its real entry point: exit codes, stdout and stderr apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cartscreen.trial import LoadedTrial
from tests_support import (
    CARTSCREEN,
    ELIGIBLE,
    ROOT,
    SAMPLES,
    SNAPSHOTS,
    TRIAL_IDS,
    command_environment,
    run,
    write,
)


def test_check_one_patient_prints_a_table_of_every_trial() -> None:
    result = run("check", ELIGIBLE)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "CS-SLE-001" in result.stdout
    assert "screening date 2026-11-02 (from patient file)" in result.stdout
    for trial_id in TRIAL_IDS:
        assert trial_id in result.stdout
    assert "eligible" in result.stdout and "ineligible" in result.stdout


def test_check_table_snapshot_at_fixed_width() -> None:
    result = run("check", ELIGIBLE.relative_to(ROOT), "--width", "120")
    snapshot = SNAPSHOTS / "check-sle-refractory-eligible.txt"
    if os.environ.get("CARTSCREEN_UPDATE_SNAPSHOTS"):
        snapshot.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == snapshot.read_text(encoding="utf-8")


def test_check_folder_prints_a_matrix_and_detail_on_request(tmp_path: Path) -> None:
    text = ELIGIBLE.read_text(encoding="utf-8")
    write(tmp_path / "clinic" / "a.toml", text)
    write(tmp_path / "clinic" / "sub" / "b.toml", text.replace("CS-SLE-001", "CS-SLE-999"))
    result = run("check", tmp_path / "clinic")
    assert result.returncode == 0, result.stderr
    assert "Verdicts by patient and trial" in result.stdout
    assert "CS-SLE-001" in result.stdout and "CS-SLE-999" in result.stdout
    assert "Not met (evidence)" not in result.stdout
    detailed = run("check", tmp_path / "clinic", "--detail")
    assert detailed.returncode == 0
    assert "Not met (evidence)" in detailed.stdout


def test_json_output_carries_every_patient_trial_and_criterion(
    bundled_trials: dict[str, LoadedTrial],
) -> None:
    result = run("check", SAMPLES, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["schema_version"] == 3
    assert list(report) == ["schema_version", "trials", "patients", "errors"]
    assert report["errors"] == []
    # each trial once, with what its criteria are
    assert [t["id"] for t in report["trials"]] == TRIAL_IDS
    for trial in report["trials"]:
        loaded = bundled_trials[trial["id"]]
        assert trial["title"] == loaded.trial.title
        assert [c["id"] for c in trial["criteria"]] == [c.criterion.id for c in loaded.criteria]
        for criterion in trial["criteria"]:
            assert criterion["kind"] in {"inclusion", "exclusion"}
            assert criterion["text"] and criterion["rule"] and criterion["check"]
    # each patient × trial × criterion: the finding, by criterion id
    assert len(report["patients"]) == len(list(SAMPLES.glob("*.toml")))
    for patient in report["patients"]:
        assert patient["screening_date"] == "2026-11-02"
        assert [t["trial_id"] for t in patient["trials"]] == TRIAL_IDS
        for trial in patient["trials"]:
            assert trial["verdict"] in {"eligible", "ineligible", "incomplete"}
            expected_ids = [c.criterion.id for c in bundled_trials[trial["trial_id"]].criteria]
            assert [c["id"] for c in trial["criteria"]] == expected_ids
            for criterion in trial["criteria"]:
                assert list(criterion) == ["id", "outcome", "evidence", "missing", "stale",
                                           "read", "warnings", "derivations"]
                assert criterion["outcome"] in {"met", "not_met", "unknown", "review",
                                                "not_applicable"}
                assert criterion["evidence"]
                assert isinstance(criterion["read"], dict)
                if criterion["outcome"] == "unknown":
                    assert criterion["missing"]


def test_json_verdicts_match_each_samples_declaration() -> None:
    report = json.loads(run("check", SAMPLES, "--format", "json").stdout)
    from cartscreen.patient import load_patient

    for patient in report["patients"]:
        declared = load_patient(Path(patient["file"])).expected_verdicts
        assert {t["trial_id"]: t["verdict"] for t in patient["trials"]} == declared


def test_trial_option_selects_trials() -> None:
    result = run("check", ELIGIBLE, "--trial", "NCT06222853", "--format", "json")
    trials = json.loads(result.stdout)["patients"][0]["trials"]
    assert [t["trial_id"] for t in trials] == ["NCT06222853"]


def test_unknown_trial_is_a_usage_error() -> None:
    result = run("check", ELIGIBLE, "--trial", "NCT00000000")
    assert result.returncode == 2
    assert "unknown trial NCT00000000" in result.stderr
    assert result.stdout == ""


def test_as_of_sets_the_screening_date_when_the_file_has_none(tmp_path: Path) -> None:
    text = ELIGIBLE.read_text(encoding="utf-8").replace("screening_date = 2026-11-02\n", "")
    patient = write(tmp_path / "p.toml", text)
    report = json.loads(run("check", patient, "--as-of", "2026-12-01", "--format",
                            "json").stdout)
    assert report["patients"][0]["screening_date"] == "2026-12-01"
    assert report["patients"][0]["screening_date_source"] == "--as-of"
    bad = run("check", patient, "--as-of", "1st December")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


@pytest.mark.parametrize(
    ("name", "text", "where", "expected"),
    [
        ("malformed.toml", 'id = "X"\nsex = \n', ":2", "not valid TOML (column 7)"),
        ("misspelt.toml", 'id = "X"\nsexx = "female"\n', ":2: sexx",
         "unknown key; did you mean 'sex'?"),
        ("wrong-type.toml", 'id = "X"\n[organ_function]\nlvef_percent = "63%"\n',
         ":3: organ_function.lvef_percent", "expected a valid number (got text); write the"),
        ("out-of-range.toml", 'id = "X"\n[organ_function]\nspo2_percent = 140\n',
         ":3: organ_function.spo2_percent", "outside the plausible range 0–100 %; check"),
        ("binary.toml", "\x00\x01\x02", "", "binary data, not a text file"),
    ],
)
def test_bad_patient_file_gives_one_line_and_exit_3(
    tmp_path: Path, name: str, text: str, where: str, expected: str
) -> None:
    path = write(tmp_path / name, text)
    result = run("check", path)
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"cartscreen: {path}{where}: {expected}")
    assert "Traceback" not in result.stderr


def test_error_lines_never_quote_patient_values(tmp_path: Path) -> None:
    path = write(tmp_path / "leak.toml",
                 'id = "X"\nweight_kg = "forty-two kilos SECRET"\n')
    result = run("check", path)
    assert result.returncode == 3
    assert "SECRET" not in result.stderr + result.stdout
    assert "weight_kg" in result.stderr


def test_a_bad_file_in_a_folder_does_not_stop_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    write(folder / "a-good.toml", ELIGIBLE.read_text(encoding="utf-8"))
    write(folder / "b-bad.toml", 'id = "B"\nsex = "femal"\n')
    result = run("check", folder, "--format", "json")
    assert result.returncode == 3
    report = json.loads(result.stdout)
    assert [p["patient_id"] for p in report["patients"]] == ["CS-SLE-001"]
    assert report["errors"] == [{"file": str(folder / "b-bad.toml"), "key": "sex", "line": 2,
                                 "message": "expected 'female' or 'male' (got text); write one "
                                 "of these exactly"}]
    assert result.stderr.count("\n") == 1


def test_missing_path_is_bad_input(tmp_path: Path) -> None:
    result = run("check", tmp_path / "nope.toml")
    assert result.returncode == 3
    assert "no such file" in result.stderr


def test_fail_on_incomplete(tmp_path: Path) -> None:
    text = ELIGIBLE.read_text(encoding="utf-8").replace("lvef_percent = 64\n", "")
    patient = write(tmp_path / "p.toml", text)
    assert run("check", patient).returncode == 0
    assert run("check", patient, "--fail-on", "incomplete").returncode == 1
    assert run("check", ELIGIBLE, "--fail-on", "incomplete").returncode == 0


def test_fail_on_none_eligible() -> None:
    assert run("check", ELIGIBLE, "--fail-on", "none-eligible").returncode == 0
    only_ssc = run("check", ELIGIBLE, "--trial", "NCT06792344", "--fail-on", "none-eligible")
    assert only_ssc.returncode == 1


@pytest.mark.parametrize("trial_id", TRIAL_IDS)
def test_explain_shows_every_criterion(
    trial_id: str, bundled_trials: dict[str, LoadedTrial]
) -> None:
    result = run("explain", trial_id, "--width", "200")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(trial_id)
    assert bundled_trials[trial_id].trial.record_version.split()[0] in result.stdout
    for item in bundled_trials[trial_id].criteria:
        assert f"│ {item.criterion.id} " in result.stdout, item.criterion.id


@pytest.mark.parametrize("trial_id", TRIAL_IDS)
def test_explain_json_lists_wording_and_rule(
    trial_id: str, bundled_trials: dict[str, LoadedTrial]
) -> None:
    data = json.loads(run("explain", trial_id, "--format", "json").stdout)
    assert data["trial"]["id"] == trial_id
    texts = [c["text"] for c in data["criteria"]]
    assert texts == [c.criterion.text for c in bundled_trials[trial_id].criteria]
    assert all(c["rule"] for c in data["criteria"])


def test_explain_with_patient_shows_outcomes_and_evidence() -> None:
    result = run("explain", "nct06222853", "--patient", ELIGIBLE, "--width", "200")
    assert result.returncode == 0, result.stderr
    assert "CS-SLE-001" in result.stdout and ": eligible" in result.stdout
    assert "SLEDAI-2K 14 ≥ 8" in result.stdout
    assert "review" in result.stdout


def test_explain_unknown_trial_is_a_usage_error() -> None:
    result = run("explain", "NCT00000000")
    assert result.returncode == 2
    assert "unknown trial" in result.stderr


def test_trials_lists_the_five_bundled_trials_from_any_directory(tmp_path: Path) -> None:
    result = run("trials", "--width", "200", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for trial_id in TRIAL_IDS:
        assert trial_id in result.stdout


def test_user_trial_folder_adds_and_replaces_trials(tmp_path: Path) -> None:
    bundled = (ROOT / "trials" / "NCT06222853.toml").read_text(encoding="utf-8")
    mine = write(tmp_path / "mine" / "NCT09999999.toml",
                 bundled.replace('id = "NCT06222853"', 'id = "NCT09999999"', 1))
    by_option = run("trials", "--trials", mine.parent, "--width", "200")
    assert "NCT09999999" in by_option.stdout
    by_env = run("trials", "--width", "200", env={"CARTSCREEN_TRIALS": str(mine.parent)})
    assert "NCT09999999" in by_env.stdout
    write(tmp_path / "newer" / "NCT06222853.toml", bundled)
    replaced = run("trials", "--trials", tmp_path / "newer")
    assert replaced.returncode == 0
    assert "replaces" in replaced.stderr


def test_invalid_trial_file_exits_4_with_one_line(tmp_path: Path) -> None:
    bundled = (ROOT / "trials" / "NCT06222853.toml").read_text(encoding="utf-8")
    write(tmp_path / "NCT09999999.toml", bundled.replace('id = "NCT06222853"',
          'id = "NCT09999999"', 1).replace('check = "live_vaccine"', 'check = "live_vacine"'))
    result = run("check", ELIGIBLE, "--trials", tmp_path)
    assert result.returncode == 4
    assert result.stderr.count("\n") == 1
    assert "unknown check 'live_vacine'" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_dash_m_and_version() -> None:
    result = subprocess.run([sys.executable, "-m", "cartscreen", "--version"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("cartscreen ")


def test_help_documents_the_exit_codes() -> None:
    result = run("--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())  # as wrapped for the terminal
    for code in ("0 every patient file", "3 one or more patient files",
                 "4 a trial file is invalid", "70 internal error, or a worker process was killed",
                 "130 interrupted", "141 the output was closed", "143 terminated"):
        assert code in text


def test_cli_reads_the_same_trials_variable_as_the_loader() -> None:
    # cli.py names the variable without importing the trial loader (startup latency).
    from cartscreen import cli, trial

    assert cli.TRIALS_ENV == trial.TRIALS_ENV


def _with_output_closed(*args: str | Path) -> tuple[int, str]:
    """Run with stdout a pipe nobody reads (as `| head` leaves it): exit code and stderr."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # closed before the command starts: its first write finds no reader
    environment = command_environment()
    try:
        result = subprocess.run([str(CARTSCREEN), *map(str, args)], cwd=ROOT, env=environment,
                                stdout=write_end, stderr=subprocess.PIPE, text=True,
                                timeout=60, check=False)
    finally:
        os.close(write_end)
    return result.returncode, result.stderr


@pytest.mark.parametrize("args", [
    ["check", "sample_patients"],
    ["check", "sample_patients", "--format", "jsonl"],
    ["check", "sample_patients", "--format", "csv"],
    ["check", "sample_patients", "--format", "json"],
    ["check", "sample_patients", "--jobs", "2", "--format", "jsonl"],
    ["check", "sample_patients", "--fail-on", "incomplete"],
    ["funnel", "sample_patients"],
    ["funnel", "sample_patients", "--format", "json"],
    ["explain", "NCT06792344"],
    ["explain", "NCT06792344", "--patient", "sample_patients/sle-refractory-eligible.toml"],
    ["trials"],
], ids=" ".join)
def test_output_closed_early_exits_141_quietly(args: list[str]) -> None:
    # Exit 1 would read as "a --fail-on condition held"; 141 is what a shell reports for a
    # Unix tool stopped by `| head`, and there is nothing to say on stderr about it.
    code, stderr = _with_output_closed(*args)
    assert code == 141
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
    assert all(line.startswith("cartscreen: warning:") for line in stderr.splitlines())


def test_output_read_to_the_end_is_not_an_early_close() -> None:
    result = run("check", "sample_patients", "--format", "jsonl")
    assert result.returncode == 0
