"""`cartscreen trials validate` and the loader's messages for broken trial files.

tests/bad_trials/ holds the catalogue: each case is a bundled trial with one thing broken
(many-problems.toml: several), named after what is wrong; a folder holds a case that needs two
files or a particular file name. tests/bad_trials/expected.json maps each case to the lines
`cartscreen trials validate tests/bad_trials/CASE` prints from the repository root. A line
ending in " …" must match up to there (the rest lists every built-in check, which grows).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cartscreen.errors import TrialDefinitionError
from cartscreen.trial import bundled_trials_dir, load_trial, load_trials
from cartscreen.validate import inspect_data, inspect_file
from tests_support import ELIGIBLE, ROOT, TRIAL_IDS, run

BAD = ROOT / "tests" / "bad_trials"
EXPECTED: dict[str, list[str]] = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
CASES = sorted(EXPECTED)
FILE_CASES = [case for case in CASES if case.endswith(".toml")]
MORE = " …"


def _matches(line: str, expected: str) -> bool:
    if expected.endswith(MORE):
        return line.startswith(expected.removesuffix(MORE))
    return line == expected


def _assert_lines(actual: list[str], expected: list[str]) -> None:
    assert len(actual) == len(expected), "\n".join(actual)
    for line, wanted in zip(actual, expected, strict=True):
        assert _matches(line, wanted), f"{line}\n!=\n{wanted}"


# --- the catalogue, through the real command ---------------------------------------------------


def test_every_case_in_the_folder_has_its_expected_lines() -> None:
    on_disk = sorted(p.name for p in BAD.iterdir() if p.suffix == ".toml" or p.is_dir())
    assert on_disk == CASES


@pytest.mark.parametrize("case", CASES)
def test_bad_trial_case_gives_its_findings_and_exit_4(case: str) -> None:
    result = run("trials", "validate", f"tests/bad_trials/{case}")
    assert result.returncode == 4, result.stderr
    _assert_lines(result.stdout.splitlines(), EXPECTED[case])
    problems = len(EXPECTED[case])
    assert result.stderr.startswith(f"{problems} problem{'s' if problems > 1 else ''} in 1 of ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_a_file_with_several_problems_reports_all_in_line_order() -> None:
    lines = EXPECTED["many-problems.toml"]
    assert len(lines) >= 5
    numbered = [int(line.split(":")[1]) for line in lines if line.split(":")[1].isdigit()]
    assert numbered == sorted(numbered)


def test_several_paths_are_reported_in_the_order_given() -> None:
    result = run("trials", "validate", "tests/bad_trials/bad-kind.toml",
                 "tests/bad_trials/duplicate-criterion-id.toml")
    assert result.returncode == 4
    _assert_lines(result.stdout.splitlines(),
                  EXPECTED["bad-kind.toml"] + EXPECTED["duplicate-criterion-id.toml"])
    assert result.stderr == "2 problems in 2 of 2 trial files\n"


def test_the_same_id_in_two_folders_is_a_replacement_not_a_duplicate() -> None:
    # As the loader reads folders: a later folder's trial replaces an earlier one's.
    result = run("trials", "validate", "trials/NCT06222853.toml",
                 "tests/bad_trials/duplicate-trial-id/first.toml")
    assert result.returncode == 0, result.stdout
    assert result.stderr == "2 trial files valid\n"


# --- clean trials ------------------------------------------------------------------------------


def test_the_bundled_trials_are_valid() -> None:
    result = run("trials", "validate", "trials/")
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""
    assert result.stderr == f"{len(TRIAL_IDS)} trial files valid\n"


def test_without_a_path_the_bundled_trials_are_validated_from_any_directory(
    tmp_path: Path,
) -> None:
    result = run("trials", "validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stderr == f"{len(TRIAL_IDS)} trial files valid\n"


def test_without_a_path_the_trials_variable_folders_are_validated_too() -> None:
    result = run("trials", "validate",
                 env={"CARTSCREEN_TRIALS": str(BAD / "id-does-not-match-file-name")})
    assert result.returncode == 4
    assert result.stdout.rstrip("\n").endswith(
        EXPECTED["id-does-not-match-file-name"][0].removeprefix("tests/bad_trials/"))
    assert result.stderr == f"1 problem in 1 of {len(TRIAL_IDS) + 1} trial files\n"


def test_a_trials_option_before_validate_adds_its_folder() -> None:
    result = run("trials", "--trials", "tests/bad_trials/duplicate-trial-id", "validate",
                 "tests/bad_trials/bad-kind.toml")
    assert result.returncode == 4
    _assert_lines(result.stdout.splitlines(),
                  EXPECTED["bad-kind.toml"] + EXPECTED["duplicate-trial-id"])
    assert result.stderr == "2 problems in 2 of 3 trial files\n"


def test_a_missing_path_or_a_folder_without_trials_is_a_usage_error(tmp_path: Path) -> None:
    missing = run("trials", "validate", tmp_path / "nowhere")
    assert missing.returncode == 2
    assert "no such file or folder" in missing.stderr
    empty = run("trials", "validate", tmp_path)
    assert empty.returncode == 2
    assert "no *.toml trial files" in empty.stderr


def test_trials_without_a_subcommand_still_lists_the_trials() -> None:
    result = run("trials", "--width", "200")
    assert result.returncode == 0, result.stderr
    assert all(trial_id in result.stdout for trial_id in TRIAL_IDS)


# --- the loader says the same, first problem only ----------------------------------------------


@pytest.mark.parametrize("case", FILE_CASES)
def test_the_loader_raises_the_first_finding_as_the_same_line(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(TrialDefinitionError) as raised:
        load_trial(Path("tests/bad_trials") / case)
    assert _matches(str(raised.value), EXPECTED[case][0])


@pytest.mark.parametrize("case", ["duplicate-trial-id", "id-does-not-match-file-name"])
def test_check_stops_on_a_bad_trial_folder_with_the_line_and_exit_4(case: str) -> None:
    result = run("check", ELIGIBLE, "--trials", f"tests/bad_trials/{case}")
    assert result.returncode == 4
    assert result.stdout == ""
    assert result.stderr == f"cartscreen: invalid trial file: {EXPECTED[case][0]}\n"


def test_explain_stops_on_a_bad_trial_folder_too() -> None:
    result = run("explain", "NCT06222853", "--trials", "tests/bad_trials/duplicate-trial-id")
    assert result.returncode == 4
    assert result.stderr == (
        f"cartscreen: invalid trial file: {EXPECTED['duplicate-trial-id'][0]}\n")


def test_every_bundled_criterion_is_loaded() -> None:
    # The loader builds a trial only when nothing is wrong; no criterion may be dropped.
    for path in sorted(bundled_trials_dir().glob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        loaded = load_trial(path)
        assert [c.criterion.id for c in loaded.criteria] == [c["id"] for c in raw["criteria"]]
    assert sorted(load_trials([bundled_trials_dir()]).trials) == TRIAL_IDS


# --- the rules' boundaries ---------------------------------------------------------------------


def _trial(source: str = "NCT06792344") -> dict[str, Any]:
    return tomllib.loads((ROOT / "trials" / f"{source}.toml").read_text(encoding="utf-8"))


def _problems(data: dict[str, Any], name: str = "NCT06792344.toml") -> list[tuple[str | None,
                                                                                   str]]:
    inspection = inspect_data(Path(name), "", data)
    assert (inspection.trial is None) == bool(inspection.findings)
    return [(f.key, f.problem) for f in inspection.findings]


def _age_criterion(data: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in data["criteria"] if c["check"] == "age")


def test_equal_min_and_max_age_is_valid_and_min_one_above_is_not() -> None:
    data = _trial()
    data["min_age_years"] = data["max_age_years"] = 12
    _age_criterion(data)["params"] = {"min_years": 12, "max_years": 12, "max_inclusive": True}
    assert _problems(data) == []
    data["min_age_years"] = 13
    assert _problems(data) == [
        ("min_age_years", "min_age_years 13 is above max_age_years 12")]


def test_an_age_check_with_min_one_above_max_is_reported_with_its_values() -> None:
    data = _trial()
    _age_criterion(data)["params"] = {"min_years": 19, "max_years": 18}
    assert _problems(data) == [
        ("criteria[1].params", "min_years 19 is above max_years 18 (check 'age')")]


def test_inclusive_or_not_does_not_matter_without_an_upper_age() -> None:
    data = _trial("NCT06934447")  # ≥5, no upper limit
    data["max_age_inclusive"] = False
    assert _problems(data, "NCT06934447.toml") == []
    data["max_age_years"] = 18
    assert [key for key, _ in _problems(data, "NCT06934447.toml")] == ["max_age_years"]


def test_metadata_ages_without_an_age_criterion_are_reported() -> None:
    data = _trial()
    data["criteria"] = [c for c in data["criteria"] if c["check"] != "age"]
    assert _problems(data) == [("min_age_years", "the trial states ages ≥5 and ≤18 but no "
                                "criterion checks age")]


def test_one_letter_of_wording_is_enough_and_only_spaces_are_not() -> None:
    data = _trial()
    data["criteria"][0]["text"] = "x"
    assert _problems(data) == []
    data["criteria"][0]["text"] = " \t "
    assert _problems(data) == [("criteria[0].text", "criterion I1a has no registry wording")]


def test_a_branch_may_name_a_disease_the_disease_criterion_sends_to_review() -> None:
    data = _trial("NCT07184450")  # IMNM branches, IMNM to review by I2
    assert _problems(data, "NCT07184450.toml") == []
    disease = next(c for c in data["criteria"] if c["check"] == "disease")
    del disease["params"]["review_diseases"]
    keys = [key for key, _ in _problems(data, "NCT07184450.toml")]
    assert keys and all(key is not None and key.endswith(".diseases") for key in keys)


def test_an_empty_branch_applies_to_no_one_and_is_reported() -> None:
    data = _trial()
    data["criteria"][3]["diseases"] = []
    assert _problems(data) == [("criteria[3].diseases", "criterion I3 applies to no disease")]


def test_the_file_name_rule_applies_only_to_files_named_like_a_registry_id() -> None:
    data = _trial()
    assert _problems(data, "my-ssc-trial.toml") == []
    assert _problems(data, "NCT06792345.toml") == [
        ("id", "the file is named NCT06792345.toml but holds trial NCT06792344")]


def test_a_parameter_at_its_lower_bound_is_valid_and_one_below_is_not() -> None:
    data = _trial("NCT06222853")
    vaccine = next(c for c in data["criteria"] if c["check"] == "live_vaccine")
    vaccine["params"] = {"within_weeks": 1}
    assert _problems(data, "NCT06222853.toml") == []
    vaccine["params"] = {"within_weeks": 0}
    assert _problems(data, "NCT06222853.toml") == [
        ("criteria[29].params.within_weeks", "out of range: 0 is not ≥ 1")]


def test_a_criterion_that_is_not_a_table_is_reported_once() -> None:
    data = _trial()
    data["criteria"][2] = "I2"
    assert _problems(data) == [("criteria[2]", 'expected a table (got "I2")')]


# --- whatever a trial file holds, the validator answers with findings ---------------------------

_MUTANTS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70), st.booleans(), st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True), st.dates(),
    st.lists(st.one_of(st.text(max_size=6), st.integers()), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    items = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, inner in items:
        found.extend(_paths(inner, (*prefix, key)))
    return found


def _mutate(data: dict[str, Any], path: tuple[Any, ...], new: Any, delete: bool) -> None:
    parent: Any = data
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(source=st.sampled_from(TRIAL_IDS), data=st.data())
def test_mutated_trials_give_a_trial_or_one_line_findings_never_an_exception(
    source: str, data: st.DataObject,
) -> None:
    trial = _trial(source)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(trial)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        _mutate(trial, path, data.draw(_MUTANTS), data.draw(st.booleans()))
    inspection = inspect_data(Path(f"{source}.toml"), "", trial)
    assert (inspection.trial is None) == bool(inspection.findings)
    for finding in inspection.findings:
        assert "\n" not in str(finding) and "; " in str(finding)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(source=st.sampled_from(TRIAL_IDS), cut=st.floats(min_value=0, max_value=1,
                                                        exclude_max=True))
def test_truncated_trial_files_give_findings_or_the_criteria_before_the_cut(
    source: str, cut: float, tmp_path_factory: pytest.TempPathFactory,
) -> None:
    raw = (ROOT / "trials" / f"{source}.toml").read_bytes()
    path = tmp_path_factory.mktemp("cut") / f"{source}.toml"
    path.write_bytes(raw[:int(len(raw) * cut)])
    inspection = inspect_file(path)
    assert (inspection.trial is None) == bool(inspection.findings)
    if inspection.trial is not None:  # cut between two criteria: a shorter, valid trial
        whole = [c.criterion.id for c in load_trial(ROOT / "trials" / f"{source}.toml").criteria]
        kept = [c.criterion.id for c in inspection.trial.criteria]
        assert kept == whole[:len(kept)]


# --- validity windows of results ----------------------------------------------------------------


@pytest.mark.parametrize(("days", "valid"), [(0, True), (365, True), (366, False), (-1, False)])
def test_a_result_window_is_0_to_365_days(days: int, valid: bool) -> None:
    data = _trial()
    data["result_windows"] = {"pregnancy_test": days}
    problems = _problems(data)
    assert (not problems) == valid, problems
    if not valid:
        assert problems[0][0] == "result_windows.pregnancy_test"


def test_an_unknown_kind_of_result_gets_did_you_mean() -> None:
    data = _trial()
    data["criteria"][0]["result_windows"] = {"pregancy_test": 3}
    (finding,) = inspect_data(Path("NCT06792344.toml"), "", data).findings
    assert finding.key == "criteria[0].result_windows.pregancy_test"
    assert "did you mean 'pregnancy_test'?" in str(finding)


def test_windows_come_from_the_defaults_then_the_trial_then_the_criterion() -> None:
    data = _trial()
    data["result_windows"] = {"pregnancy_test": 3, "laboratory": 14}
    by_id = {c["id"]: c for c in data["criteria"]}
    by_id["I7a"]["result_windows"] = {"pregnancy_test": 1}
    inspection = inspect_data(Path("NCT06792344.toml"), "", data)
    assert inspection.trial is not None, inspection.findings
    windows = {b.criterion.id: dict(b.windows) for b in inspection.trial.criteria}
    assert windows["I7a"] == {"pregnancy_test": 1}   # the criterion's own
    assert windows["E10"] == {"pregnancy_test": 3}   # the trial's
    assert windows["I6c"] == {"laboratory": 14}
    assert windows["I6a"] == {"cardiopulmonary": 28}  # the default
    assert windows["I8"] == {}                        # consent reads no result
    explained = json.loads(run("explain", "NCT06792344", "--format", "json").stdout)
    shown = {c["id"]: c["result_windows"] for c in explained["criteria"]}
    assert shown["I7a"] == {"pregnancy_test": 7} and shown["I6a"] == {"cardiopulmonary": 28}
