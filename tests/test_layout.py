"""Readable at any width: every line fits, ids are shown whole, verdicts can still be found.

A table is drawn where its columns fit without cutting an id or squeezing prose below
``PROSE_FLOOR``; narrower, the same facts are stacked, one block per trial, patient or
criterion (render/styles.py ``fit_columns``). Checked through the real command line at the
narrowest width the CLI allows (40), at 60, 80 and 120, and with the output redirected.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from cartscreen.checks.base import Outcome
from cartscreen.engine import screen_patient
from cartscreen.patient import load_patient
from cartscreen.render.explain import OPEN_OUTCOMES, explain_json, render_explain
from cartscreen.render.styles import OUTCOME_LABEL, PROSE_FLOOR, fit_columns
from cartscreen.result import PatientResult
from cartscreen.trial import LoadedTrial
from tests_support import ELIGIBLE, ROOT, SAMPLES, TRIAL_IDS, run

WIDTHS = [40, 60, 80, 120]
LIVE_VACCINE = SAMPLES / "jdm-live-vaccine-3-weeks.toml"
ONE_PATIENT = [ELIGIBLE.relative_to(ROOT), LIVE_VACCINE.relative_to(ROOT)]
FOLDER = SAMPLES.relative_to(ROOT)
EXPLAINED = "NCT06792344"
TODAY = date(2026, 11, 2)
# A verdict, not a part of a file name such as sle-refractory-eligible.toml.
VERDICTS = re.compile(r"(?<![\w/-])(eligible|ineligible|incomplete)(?![\w.-])")
# Letters of an id followed by the ellipsis Rich puts where it cuts a cell.
CUT = re.compile(r"[A-Za-z0-9.-]+…")


# --- what every output must satisfy ----------------------------------------------------------


def _fits(output: str, width: int) -> None:
    for line in output.splitlines():
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"


def _whole(id_: str) -> re.Pattern[str]:
    """``id_`` as a word of its own: not the start or end of a longer id."""
    return re.compile(rf"(?<![\w.-]){re.escape(id_)}(?![\w-])")


def _ids_whole(output: str, ids: list[str]) -> None:
    lines = output.splitlines()
    for id_ in ids:
        assert any(_whole(id_).search(line) for line in lines), f"{id_} is not shown whole"
    for cut in CUT.findall(output):
        stem = cut[:-1]
        assert not any(id_.startswith(stem) for id_ in ids), f"an id is cut: {cut!r}"


def _verdicts_beside_ids(output: str, verdicts: dict[str, str]) -> None:
    """Each trial id is followed on its line by its verdict, with only spaces, punctuation
    or a table's border in between (a table's first column, a stacked block's first line)."""
    for trial_id, verdict in verdicts.items():
        pattern = re.compile(rf"{_whole(trial_id).pattern}\W+{verdict}\b")
        assert pattern.search(output), f"{trial_id}: {verdict} is not found"


@cache
def _report(path: Path) -> list[dict[str, Any]]:
    """Each patient of ``path``, in the order shown, from the JSON report."""
    patients: list[dict[str, Any]] = json.loads(run("check", path, "--format", "json")
                                                .stdout)["patients"]
    return patients


def _verdicts(patient: dict[str, Any]) -> dict[str, str]:
    return {trial["trial_id"]: trial["verdict"] for trial in patient["trials"]}


def _one_patient_section(output: str, patient: dict[str, Any]) -> None:
    assert _whole(patient["patient_id"]).search(output)
    _ids_whole(output, TRIAL_IDS)
    _verdicts_beside_ids(output, _verdicts(patient))
    # The reasons are readable too: each criterion not met starts its line of evidence
    # ("I2a: SLE is not one of"), in a column wide enough to hold it, and the count of
    # criteria to review is in the trial's row or block.
    starts = re.compile(rf"^(│ )?({'|'.join(TRIAL_IDS)})\b", re.M)
    for trial in patient["trials"]:
        first = re.search(rf"^(│ )?{trial['trial_id']}\b", output, re.M)
        assert first is not None, trial["trial_id"]
        following = starts.search(output, first.end())
        block = output[first.start():following.start() if following else None]
        review = sum(c["outcome"] == "review" for c in trial["criteria"])
        assert re.search(rf"(review:\s+|│\s+){review}\s*│?\s*$", block, re.M), block
        for criterion in trial["criteria"]:
            if criterion["outcome"] == "not_met":
                assert _whole(criterion["id"] + ":").search(output), (trial["trial_id"],
                                                                      criterion["id"])


# --- check: one patient ----------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ONE_PATIENT, ids=lambda path: path.stem)
def test_one_patient_fits_and_shows_each_trial_whole_with_its_verdict(
        path: Path, width: int) -> None:
    result = run("check", path, "--width", str(width))
    assert result.returncode == 0, result.stderr
    _fits(result.stdout, width)
    (patient,) = _report(path)
    _one_patient_section(result.stdout, patient)


def test_a_narrow_one_patient_table_is_stacked_one_block_per_trial() -> None:
    output = run("check", ONE_PATIENT[0], "--width", "40").stdout
    assert "┃" not in output and "│" not in output  # no table
    block = [line.rstrip() for line in
             output[output.index("NCT06792344  ineligible"):].split("\n\n")[0].splitlines()]
    assert block[0] == "NCT06792344  ineligible"
    labels = [line.split(":")[0].strip() for line in block[1:] if not line.startswith("   ")]
    assert labels == ["trial", "not met", "unknown", "review"]
    assert all(line.startswith("  ") for line in block[1:])
    assert "  not met: I2: diagnosis is SLE, not SSc" in block
    assert "  review:  4" in block


def test_a_stacked_trial_says_when_its_verdict_changes() -> None:
    output = run("check", ONE_PATIENT[0], "--width", "40").stdout
    block = output[output.index("NCT06222853  eligible"):].split("\n\n")[0]
    assert "  then:    incomplete from 2026-11-07" in block


def test_the_one_patient_table_stays_a_table_at_80_columns() -> None:
    output = run("check", ONE_PATIENT[0], "--width", "80").stdout
    assert "┃ Trial " in output
    assert max(cell_len(line) for line in output.splitlines()) == 80


# --- check: the matrix of a folder -----------------------------------------------------------


def _matrix_part(output: str) -> str:
    """The matrix, without the per-patient sections --detail adds after it."""
    return output.split("\nPatient ", 1)[0]


def _matrix_rows(output: str, patients: list[dict[str, Any]]) -> None:
    """Each patient's id appears whole, and its verdicts, read from its line to the next
    patient's (a table's row, a stacked block), are its verdicts in the order of the trials."""
    lines = _matrix_part(output).splitlines()
    starts = []
    for patient in patients:
        pattern = _whole(patient["patient_id"])
        starts.append(next(index for index, line in enumerate(lines) if pattern.search(line)))
    assert starts == sorted(starts), "the patients are shown in the report's order"
    for patient, start, end in zip(patients, starts, [*starts[1:], len(lines)], strict=True):
        shown = VERDICTS.findall("\n".join(lines[start:end]))
        assert shown == [trial["verdict"] for trial in patient["trials"]], patient["file"]
        # The file: the File column of a table's row, a line of its own in a block.
        files = [line.split("│")[2] if line.startswith("│") else line
                 for line in lines[start:end]]
        assert patient["file"] in "".join(part.strip() for part in files), patient["file"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("detail", [False, True], ids=["matrix", "detail"])
def test_the_matrix_fits_and_shows_each_patient_and_trial_whole(
        width: int, detail: bool) -> None:
    result = run("check", FOLDER, "--width", str(width), *(["--detail"] if detail else []))
    assert result.returncode == 0, result.stderr
    output = result.stdout
    _fits(output, width)
    patients = _report(FOLDER)
    ids = [p["patient_id"] for p in patients]
    _ids_whole(output, ids + TRIAL_IDS)
    _matrix_rows(output, patients)
    if detail:
        sections = output.split("\nPatient ")[1:]
        assert len(sections) == len(patients)
        for section, patient in zip(sections, patients, strict=True):
            _one_patient_section("Patient " + section, patient)


def test_the_matrix_is_a_table_where_it_fits_and_stacked_below() -> None:
    wide = run("check", FOLDER, "--width", "120").stdout
    assert "┃ Patient " in wide
    assert all(f"┃ {trial_id} ┃" in wide for trial_id in TRIAL_IDS)
    narrow = run("check", FOLDER, "--width", "80").stdout
    assert "┃" not in narrow
    lines = narrow.splitlines()
    start = lines.index("CS-SLE-001")
    assert lines[start + 1].strip() == "sample_patients/sle-refractory-eligible.toml"
    assert lines[start + 2].split() == ["NCT06222853:", "eligible", "NCT06569472:",
                                        "ineligible", "NCT06792344:", "ineligible"]
    # The pairs stand at the same places in every block, so a trial reads down the page.
    columns = {line.index("NCT06569472") for line in lines if "NCT06569472" in line}
    assert len(columns) == 1


# --- explain ---------------------------------------------------------------------------------


@cache
def _explained(patient: Path | None) -> dict[str, Any]:
    args = ["explain", EXPLAINED, "--format", "json"]
    if patient is not None:
        args += ["--patient", str(patient)]
    data: dict[str, Any] = json.loads(run(*args).stdout)
    return data


def _criterion_line(output: str, criterion_id: str) -> str:
    """The first line of a criterion's row (a table) or block (stacked)."""
    pattern = re.compile(rf"^(│ )?{re.escape(criterion_id)}\s")
    return next(line for line in output.splitlines() if pattern.match(line))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("patient", [None, ONE_PATIENT[0]], ids=["trial", "patient"])
def test_explain_fits_and_shows_each_criterion_whole_with_its_outcome(
        width: int, patient: Path | None) -> None:
    args = ["explain", EXPLAINED, "--width", str(width)]
    if patient is not None:
        args += ["--patient", str(patient)]
    result = run(*args)
    assert result.returncode == 0, result.stderr
    output = result.stdout
    _fits(output, width)
    data = _explained(patient)
    criterion_ids = [c["id"] for c in data["criteria"]]
    ids = [EXPLAINED, *criterion_ids]
    if patient is not None:
        ids.append(data["patient"]["patient_id"])
    _ids_whole(output, ids)
    assert output.startswith(EXPLAINED + " ")
    if patient is None:
        for criterion_id in criterion_ids:
            _criterion_line(output, criterion_id)
        return
    lines = output.splitlines()
    for criterion in data["patient"]["trials"][0]["criteria"]:
        label = OUTCOME_LABEL[Outcome(criterion["outcome"])]
        line = _criterion_line(output, criterion["id"])
        # Its own cell in a table ("│ met │"), the end of a stacked block's first line.
        assert re.search(rf"(│ |  ){label} *(│|$)", line), (criterion["id"], line)
        # Its evidence reads as words: a word no wider than a prose column is never broken.
        word = next((w for w in criterion["evidence"].split()
                     if 4 <= cell_len(w) <= PROSE_FLOOR), None)
        assert word is None or any(word in line for line in lines), (criterion["id"], word)


def test_explain_is_a_table_where_it_fits_and_stacked_below() -> None:
    assert "┃ Registry wording " in run("explain", EXPLAINED, "--width", "120").stdout
    stacked = run("explain", EXPLAINED, "--patient", ONE_PATIENT[0], "--width", "60").stdout
    assert "┃" not in stacked
    lines = stacked.splitlines()
    first = lines.index("I2  inclusion  not met")
    assert lines[first + 1].startswith("  wording:  Meet the classification criteria")
    assert lines[first - 1] == ""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_trials_list_fits_and_shows_each_id_and_file_whole(width: int) -> None:
    result = run("trials", "--width", str(width))
    assert result.returncode == 0, result.stderr
    _fits(result.stdout, width)
    _ids_whole(result.stdout, TRIAL_IDS + [f"{trial_id}.toml" for trial_id in TRIAL_IDS])


# --- redirected output -----------------------------------------------------------------------


@pytest.mark.parametrize("args", [["check", ONE_PATIENT[0]], ["check", FOLDER],
                                  ["explain", EXPLAINED, "--patient", ONE_PATIENT[0]]],
                         ids=["one-patient", "matrix", "explain"])
def test_redirected_output_without_width_is_laid_out_for_80_columns(args: list[str]) -> None:
    # No COLUMNS and no terminal on stdin, stdout or stderr: Rich lays out for 80 columns.
    # (Rich reads the size of a terminal on stdin or stderr too, so `check x > file` typed at
    # a terminal is laid out for that terminal; COLUMNS wins over both.)
    redirected = run(*args, env={"COLUMNS": ""}, stdin="")
    assert redirected.returncode == 0, redirected.stderr
    _fits(redirected.stdout, 80)
    assert redirected.stdout == run(*args, "--width", "80").stdout


# --- the layout rule -------------------------------------------------------------------------


def _table(*columns: tuple[str, dict[str, Any]]) -> Table:
    table = Table()
    for header, options in columns:
        table.add_column(header, **options)
    return table


def test_a_column_that_does_not_wrap_is_never_narrowed() -> None:
    console = Console(file=io.StringIO(), width=200)
    table = _table(("Patient", {"no_wrap": True}), ("Notes", {"min_width": PROSE_FLOOR}))
    table.add_row("P" * 30, "word " * 40)
    # 30 + 14 and the padding (2 a column) and the box's three vertical lines: 51.
    assert not fit_columns(table, console, 50)
    assert [column.width for column in table.columns] == [None, None]  # left as it was
    assert fit_columns(table, console, 51)
    assert [column.width for column in table.columns] == [30, PROSE_FLOOR]
    table.columns[1].width = None
    assert fit_columns(table, console, 80)
    assert [column.width for column in table.columns] == [30, 43]


def test_prose_columns_narrow_the_widest_first() -> None:
    console = Console(file=io.StringIO(), width=200)
    table = _table(("A", {"min_width": 5}), ("B", {"min_width": 5}), ("C", {"min_width": 5}))
    table.add_row("x" * 10, "y " * 30, "z " * 40)
    # Room for 50 of the 10 + 59 + 79 characters: the short column keeps its width.
    assert fit_columns(table, console, 50 + 6 + 4)
    assert [column.width for column in table.columns] == [10, 20, 20]


def test_prose_floor_keeps_most_words_whole(bundled_trials: dict[str, LoadedTrial]) -> None:
    # PROSE_FLOOR's reason (render/styles.py): nearly every word of the wording, the rules
    # and the evidence fits in a column that wide.
    words = [word for trial in bundled_trials.values() for item in trial.criteria
             for word in [*item.criterion.text.split(), *item.rule().split()]]
    evidence = {criterion.evidence
                for path in sorted(SAMPLES.glob("*.toml"))
                for result in [_screen(path, list(bundled_trials.values()))]
                for trial in result.trials for criterion in trial.criteria}
    words += [word for text in evidence for word in text.split()]
    longer = sum(cell_len(word) > PROSE_FLOOR for word in words)
    assert longer / len(words) < 0.05


# --- explain, only the criteria that matter --------------------------------------------------


def _screen(path: Path, trials: list[LoadedTrial]) -> PatientResult:
    return screen_patient(load_patient(path), str(path.relative_to(ROOT)), trials,
                          as_of=None, today=TODAY)


@pytest.fixture
def ssc_trial(bundled_trials: dict[str, LoadedTrial]) -> LoadedTrial:
    return bundled_trials[EXPLAINED]


def _explain(trial: LoadedTrial, result: PatientResult | None, **options: Any) -> str:
    out = io.StringIO()
    render_explain(trial, result, out, 200, **options)
    return out.getvalue()


def _row_ids(output: str) -> list[str]:
    return [line.split("│")[1].strip() for line in output.splitlines()
            if line.startswith("│ ") and line.split("│")[1].strip()]


def test_explain_only_open_criteria_hides_the_others_and_counts_them(
        ssc_trial: LoadedTrial) -> None:
    result = _screen(LIVE_VACCINE, [ssc_trial])  # JDM against the SSc trial: every outcome
    criteria = result.trials[0].criteria
    open_ids = [c.id for c in criteria if c.outcome in OPEN_OUTCOMES]
    others = [c for c in criteria if c.outcome not in OPEN_OUTCOMES]
    assert {c.outcome for c in criteria} == set(Outcome)
    output = _explain(ssc_trial, result, only=OPEN_OUTCOMES)
    assert _row_ids(output) == open_ids
    assert f"\n{len(others)} criteria met or not applicable are not shown\n" in output
    everything = _explain(ssc_trial, result)
    assert _row_ids(everything) == [c.id for c in criteria]
    assert "not shown" not in everything


def test_explain_only_one_outcome_names_what_it_hides(ssc_trial: LoadedTrial) -> None:
    result = _screen(ELIGIBLE, [ssc_trial])
    criteria = result.trials[0].criteria
    not_met = [c.id for c in criteria if c.outcome is Outcome.NOT_MET]
    assert not_met == ["I2"]
    output = _explain(ssc_trial, result, only=frozenset({Outcome.NOT_MET}))
    assert _row_ids(output) == not_met
    hidden = {c.outcome for c in criteria} - {Outcome.NOT_MET}
    words = {Outcome.MET: "met", Outcome.UNKNOWN: "unknown", Outcome.REVIEW: "for review",
             Outcome.NOT_APPLICABLE: "not applicable"}
    expected = [words[o] for o in Outcome if o in hidden]
    assert (f"{len(criteria) - 1} criteria {', '.join(expected[:-1])} or {expected[-1]} "
            "are not shown") in output


def test_explain_only_with_nothing_left_says_so(bundled_trials: dict[str, LoadedTrial]) -> None:
    trial = bundled_trials["NCT06222853"]
    result = _screen(ELIGIBLE, [trial])
    assert result.trials[0].verdict == "eligible"
    output = _explain(trial, result, only=frozenset({Outcome.NOT_MET}))
    assert "No criterion is not met." in output
    assert "┃ ID " not in output
    assert f"{len(trial.criteria)} criteria " in output


def test_explain_only_needs_a_patient(ssc_trial: LoadedTrial) -> None:
    with pytest.raises(ValueError, match="patient"):
        _explain(ssc_trial, None, only=OPEN_OUTCOMES)
    with pytest.raises(ValueError, match="patient"):
        explain_json(ssc_trial, None, io.StringIO(), only=OPEN_OUTCOMES)


def test_explain_json_only_keeps_the_open_criteria(ssc_trial: LoadedTrial) -> None:
    result = _screen(ELIGIBLE, [ssc_trial])
    criteria = result.trials[0].criteria
    open_ids = [c.id for c in criteria if c.outcome in OPEN_OUTCOMES]
    out = io.StringIO()
    explain_json(ssc_trial, result, out, only=OPEN_OUTCOMES)
    data = json.loads(out.getvalue())
    assert [c["id"] for c in data["criteria"]] == open_ids
    patient_trial = data["patient"]["trials"][0]
    assert [c["id"] for c in patient_trial["criteria"]] == open_ids
    assert patient_trial["verdict"] == result.trials[0].verdict
    assert data["only"] == ["not_met", "unknown", "review"]
    assert data["not_shown"] == len(criteria) - len(open_ids)
    out = io.StringIO()
    explain_json(ssc_trial, result, out)
    everything = json.loads(out.getvalue())
    assert len(everything["criteria"]) == len(criteria)
    assert "only" not in everything and "not_shown" not in everything


@pytest.mark.parametrize("width", [40, 120])
def test_explain_only_at_any_width(ssc_trial: LoadedTrial, width: int) -> None:
    result = _screen(ELIGIBLE, [ssc_trial])
    out = io.StringIO()
    render_explain(ssc_trial, result, out, width, only=OPEN_OUTCOMES)
    output = out.getvalue()
    _fits(output, width)
    for criterion in result.trials[0].criteria:
        shown = re.search(rf"^(│ )?{criterion.id}\s", output, re.M) is not None
        assert shown == (criterion.outcome in OPEN_OUTCOMES), criterion.id


# --- explain --only-open through the command line -----------------------------------------


def test_explain_only_open_through_the_command_line() -> None:
    patient = SAMPLES / "jdm-b-cells-not-measured.toml"
    whole = json.loads(run("explain", "NCT07184450", "--patient", patient,
                           "--format", "json").stdout)
    shown = json.loads(run("explain", "NCT07184450", "--patient", patient, "--format", "json",
                           "--only-open").stdout)
    every = whole["patient"]["trials"][0]["criteria"]
    kept = [c["id"] for c in every if c["outcome"] in ("not_met", "unknown", "review")]
    assert [c["id"] for c in shown["patient"]["trials"][0]["criteria"]] == kept
    assert [c["id"] for c in shown["criteria"]] == kept
    assert shown["not_shown"] == len(every) - len(kept) > 0
    table = run("explain", "NCT07184450", "--patient", patient, "--only-open").stdout
    assert f"{shown['not_shown']} criteria met or not applicable are not shown" in table


def test_explain_only_open_needs_a_patient() -> None:
    result = run("explain", "NCT07184450", "--only-open")
    assert result.returncode == 2 and "needs --patient FILE" in result.stderr
