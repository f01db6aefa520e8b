"""What a hostile patient or trial file can put in front of a person or into a spreadsheet.

Tables (``check``, ``explain``, ``funnel``, ``trials``) show a file's control characters
escaped and its markup as text; CSV reads back exactly as written with formulas neutralised;
a table on a stdout that cannot encode Unicode falls back to ASCII instead of crashing.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text as RichText

from cartscreen.engine import screen_patient
from cartscreen.funnel import funnel
from cartscreen.patient import load_patient
from cartscreen.render.explain import render_explain, render_trials
from cartscreen.render.funnel import render_funnel_table
from cartscreen.render.report import (
    FORMULA_TRIGGERS,
    ROW_COLUMNS,
    CsvReporter,
    ReportOptions,
    TableReporter,
    csv_cell,
    csv_text,
)
from cartscreen.render.safe import encodable, safe
from cartscreen.render.styles import output_console
from cartscreen.result import PatientResult
from cartscreen.trial import LoadedTrial
from tests_support import CARTSCREEN, ROOT, SAMPLES, TRIAL_IDS, command_environment

TODAY = date(2026, 11, 2)
LIVE_VACCINE = SAMPLES / "jdm-live-vaccine-3-weeks.toml"  # JDM: I2a of NCT06222853 not met
VACCINE_NAME = "varicella (live attenuated), given in error at a community clinic"

# Clears the screen, opens a hyperlink, moves the cursor back to draw a fake verdict, an 8-bit
# CSI, BEL, backspace, DEL, bidi override and isolates, a zero-width space; then Rich markup
# and an emoji code that must print as written.
HOSTILE = ("\x1b[2J\x1b]8;;http://evil.example\x07click\x1b]8;;\x07"
           "\rNCT06222853 eligible\x9b31m\x08\x7f\u202eX\u2066\u2069\u200b"
           "[bold red]R[/][link=http://evil.example]L:smile:")
ESCAPED = ["\\x1b[2J", "\\x1b]8;;http://evil.example\\x07click", "\\rNCT06222853 eligible",
           "\\x9b31m\\x08\\x7f\\u202eX\\u2066\\u2069\\u200b",
           "[bold red]R[/][link=http://evil.example]L:smile:"]
# A file name may hold any byte but "/" and NUL.
HOSTILE_NAME = "p\x1b[2J\r\x07\x9b\u202e[bold]b.toml"
ESCAPED_NAME = "p\\x1b[2J\\r\\x07\\x9b\\u202e[bold]b.toml"
RAW_CONTROLS = [b"\x1b", b"\x07", b"\x08", b"\r", "\x9b".encode(), "\u202e".encode()]
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colour codes Rich writes on a terminal


def _controls(text: str) -> set[str]:
    """The control and format characters in ``text``, line feeds apart."""
    return {c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf")}


def _shown_not_obeyed(text: str, escaped: list[str]) -> None:
    assert not _controls(text), f"raw control characters: {_controls(text)}"
    for form in escaped:
        assert form in text, f"{form!r} is not shown"


# --- safe(): the escaping rule --------------------------------------------------------------


@pytest.mark.parametrize(("text", "shown"), [
    ("\x1b[2J", "\\x1b[2J"),
    ("a\rb", "a\\rb"),
    ("a\nb", "a\\nb"),
    ("a\tb", "a\\tb"),
    ("\x07\x08\x7f", "\\x07\\x08\\x7f"),
    ("\x9b31m", "\\x9b31m"),
    ("\u202eX\u2066\u2069", "\\u202eX\\u2066\\u2069"),
    ("zero\u200bwidth\u200d", "zero\\u200bwidth\\u200d"),
    ("line\u2028separator", "line\\u2028separator"),
    ("\udcff.toml", "\\udcff.toml"),  # a byte of a file name that is not UTF-8
])
def test_control_characters_are_escaped_as_python_writes_them(text: str, shown: str) -> None:
    assert safe(text) == shown


@pytest.mark.parametrize("text", [
    "age ≥5 and ≤18 — CD19 · SLE", "×10⁹/L, µL, °C", "Sjögren", "no\xa0break", "[bold]x[/]",
    "",
])
def test_printable_text_is_unchanged(text: str) -> None:
    assert safe(text) == text


def test_trial_wording_keeps_its_line_breaks_but_not_a_carriage_return() -> None:
    assert safe("one\ntwo\rthree\x1b", lines=True) == "one\ntwo\\rthree\\x1b"


# --- tables rendered directly: a patient id the loader would refuse -------------------------


def _screen(trials: list[LoadedTrial], patient_id: str = HOSTILE,
            file: str = HOSTILE_NAME) -> PatientResult:
    result = screen_patient(load_patient(LIVE_VACCINE), "x.toml", trials, as_of=None,
                            today=TODAY)
    return dataclasses.replace(result, patient_id=patient_id, file=file)


def _check_table(results: list[PatientResult], trials: dict[str, LoadedTrial],
                 out: Any = None, width: int = 400) -> str:
    """The table `check` prints (with --detail), written to ``out`` or returned."""
    stream = out if out is not None else io.StringIO()
    reporter = TableReporter(stream, ReportOptions(trials=trials, detail=True, width=width))
    for result in results:
        reporter.patient(result)
    reporter.finish()
    return "" if out is not None else str(stream.getvalue())


def test_one_patient_table_shows_a_hostile_id_and_file_escaped(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    table = _check_table([_screen(list(bundled_trials.values()))], bundled_trials)
    _shown_not_obeyed(table, [*ESCAPED, ESCAPED_NAME])


def test_the_matrix_of_several_patients_shows_hostile_ids_escaped(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    trials = list(bundled_trials.values())
    table = _check_table([_screen(trials), _screen(trials, "[red]second", "\r.toml")],
                         bundled_trials)
    assert "Verdicts by patient and trial" in table
    _shown_not_obeyed(table, [*ESCAPED, ESCAPED_NAME, "[red]second", "\\r.toml"])


def test_explain_with_a_patient_shows_a_hostile_id_escaped(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    trial = bundled_trials["NCT06222853"]
    out = io.StringIO()
    render_explain(trial, _screen([trial]), out, 400)
    _shown_not_obeyed(out.getvalue(), [*ESCAPED, ESCAPED_NAME])


def test_the_console_escapes_what_a_renderer_forgot_and_reads_no_markup() -> None:
    out = io.StringIO()
    console = output_console(out, 80)
    console.print(RichText("plain Rich text \x1b[2J"))
    console.print("a str with [bold red]markup[/] and :smile:")
    assert out.getvalue() == ("plain Rich text \\x1b[2J\n"
                              "a str with [bold red]markup[/] and :smile:\n")


def test_every_renderer_draws_with_the_safe_text() -> None:
    # render/safe.py's Text escapes and transliterates while the table measures it; Rich's
    # own would be measured unescaped.
    for module in (ROOT / "src" / "cartscreen" / "render").glob("*.py"):
        if module.name != "safe.py":
            assert "rich.text" not in module.read_text(encoding="utf-8"), module.name


# --- the real command line: hostile trial files, patient free text, file names --------------


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string, every character outside printable ASCII escaped."""
    def escape(char: str) -> str:
        if " " <= char <= "~" and char not in '"\\':
            return char
        return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"
    return '"' + "".join(map(escape, text)) + '"'


def _set(source: str, key: str, value: str, after: str = "") -> str:
    """``source`` with the first ``key = "…"`` line after ``after`` set to ``value``."""
    start = source.index(after)
    pattern = re.compile(rf'^{key} = ".*"$', re.M)
    match = pattern.search(source, start)
    assert match is not None, key
    return source[:match.start()] + f"{key} = {_toml_string(value)}" + source[match.end():]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A trial folder replacing NCT06222853 with hostile text in every free-text key shown,
    and a patient file with a hostile name and a hostile vaccine name (shown as evidence)."""
    folder = tmp_path_factory.mktemp("hostile")
    trial = (ROOT / "trials" / "NCT06222853.toml").read_text(encoding="utf-8")
    for key in ("title", "sponsor", "status", "record_version", "source"):
        trial = _set(trial, key, f"{key} {HOSTILE}")
    trial = trial.replace("notes = [\n", f"notes = [\n  {_toml_string(HOSTILE)},\n", 1)
    trial = _set(trial, "text", "\x1b[2J\rDiagnosed with SLE\nsecond line", 'id = "I2a"')
    trial = _set(trial, "note", HOSTILE, 'id = "I2a"')
    (folder / "trials").mkdir()
    (folder / "trials" / "NCT06222853.toml").write_text(trial, encoding="utf-8")
    patient = LIVE_VACCINE.read_text(encoding="utf-8")
    assert patient.count(f'"{VACCINE_NAME}"') == 1
    patient = patient.replace(f'"{VACCINE_NAME}"', _toml_string(HOSTILE))
    (folder / HOSTILE_NAME).write_text(patient, encoding="utf-8")
    return {"folder": folder, "trials": folder / "trials", "patient": folder / HOSTILE_NAME}


def _run(*args: str | Path, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[bytes]:
    """The real command line with bytes kept (text mode would turn a CR into a LF). NO_COLOR
    is not set: a stdout that is not a terminal must get no colour codes by itself."""
    variables = command_environment()
    for name in ("NO_COLOR", "FORCE_COLOR", "PYTHONIOENCODING"):
        variables.pop(name, None)
    variables.update({"COLUMNS": "120", "TERM": "xterm-256color", **env})
    return subprocess.run([str(CARTSCREEN), *map(str, args)], cwd=cwd, env=variables,
                          capture_output=True, timeout=60)


COMMANDS = {  # each with the escaped forms it must show
    "check": (["check", "{patient}"], [ESCAPED_NAME, *ESCAPED]),
    "explain": (["explain", "NCT06222853"],
                [*ESCAPED, "\\x1b[2J\\rDiagnosed with SLE", "title \\x1b[2J"]),
    "explain-patient": (["explain", "NCT06222853", "--patient", "{patient}"],
                        [*ESCAPED, ESCAPED_NAME]),
    "funnel": (["funnel", "{patient}"], ["\\x1b[2J\\rDiagnosed with SLE second line",
                                         "title \\x1b[2J"]),
    "trials": (["trials"], ["status \\x1b[2J", "record_version \\x1b[2J"]),
}


def _args(command: str, hostile: dict[str, Path]) -> list[str]:
    args = [a.format(patient=hostile["patient"]) for a in COMMANDS[command][0]]
    return [*args, "--trials", str(hostile["trials"]), "--width", "600"]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_control_characters_from_files_never_reach_the_terminal(
        command: str, hostile: dict[str, Path]) -> None:
    result = _run(*_args(command, hostile))
    assert result.returncode == 0, result.stderr
    leaked = [raw for raw in RAW_CONTROLS if raw in result.stdout]
    assert not leaked, f"{command} wrote {leaked}"
    _shown_not_obeyed(result.stdout.decode("utf-8"), COMMANDS[command][1])


@pytest.mark.parametrize("command", list(COMMANDS))
def test_on_a_terminal_the_only_escape_sequences_are_rich_colours(
        command: str, hostile: dict[str, Path]) -> None:
    result = _run(*_args(command, hostile), FORCE_COLOR="1")
    assert result.returncode == 0, result.stderr
    output = result.stdout.decode("utf-8")
    assert SGR.search(output), "no colour: the terminal was not forced"
    _shown_not_obeyed(SGR.sub("", output), COMMANDS[command][1])


def test_the_wording_keeps_its_own_line_break_in_explain(hostile: dict[str, Path]) -> None:
    output = _run(*_args("explain", hostile)).stdout.decode("utf-8")
    row = next(line for line in output.splitlines() if "Diagnosed with SLE" in line)
    following = output.splitlines()[output.splitlines().index(row) + 1]
    assert "second line" in following


# --- CSV ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("a=1", "a=1"),
    ("-", "'-"), ("-1", "'-1"), ("x-1", "x-1"),
    ("+1", "'+1"), ("1+1", "1+1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("a@b", "a@b"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("\nx", "'\nx"), ("\0x", "'\0x"), ("x\t", "x\t"),
    ("'quoted", "''quoted"), ("it's", "it's"),
    ("", ""), (None, ""), (3, "3"), (0, "0"),
    (["=A1", "E4b"], "'=A1; E4b"), (["E4b", "=A1"], "E4b; =A1"), ([], ""),
])
def test_a_cell_that_a_spreadsheet_would_run_gets_a_leading_quote(value: object,
                                                                  cell: str) -> None:
    assert csv_cell(value) == cell


def _value(cell: str) -> str:
    """The documented rule to recover a value: drop the quote in front of a guarded cell."""
    return cell[1:] if cell.startswith("'") else cell


CELL = st.one_of(
    st.none(), st.integers(min_value=0), st.text(),
    st.lists(st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", "\0", "'", '"', ",", ";",
                              " ", "a", "\r\n", "\u2028", "\x85"])).map("".join),
    st.lists(st.text(), max_size=3),
)


@settings(derandomize=True, database=None, deadline=None, max_examples=500)
@given(st.lists(st.fixed_dictionaries(dict.fromkeys(ROW_COLUMNS, CELL)), max_size=4))
def test_csv_reads_back_exactly_the_rows_written(rows: list[dict[str, Any]]) -> None:
    text = csv_text(rows, header=True)
    table = list(csv.reader(io.StringIO(text, newline="")))
    assert table[0] == list(ROW_COLUMNS)
    assert len(table) == len(rows) + 1
    for row, cells in zip(rows, table[1:], strict=True):
        expected = [csv_cell(row[column]) for column in ROW_COLUMNS]
        assert cells == expected
        for column, cell in zip(ROW_COLUMNS, cells, strict=True):
            value = row[column]
            written = ("" if value is None else "; ".join(value) if isinstance(value, list)
                       else str(value))
            assert _value(cell) == written
            assert not cell.startswith(FORMULA_TRIGGERS[:-1])
    assert [dict(r) for r in csv.DictReader(io.StringIO(text, newline=""))] == [
        dict(zip(ROW_COLUMNS, cells, strict=True)) for cells in table[1:]]


def test_the_csv_header_is_written_once_in_quotes() -> None:
    out = io.StringIO()
    CsvReporter(out, ReportOptions(trials={}))
    assert out.getvalue() == ",".join(f'"{c}"' for c in ROW_COLUMNS) + "\n"


def test_csv_from_the_command_line_keeps_hostile_file_names_in_their_rows(
        tmp_path: Path) -> None:
    # Found in a folder, so that a name may begin with "-"; each name holds a row or field
    # separator and begins with a formula.
    names = ["=1+1\r\n\"x\",y;z.toml", "@SUM(A1)\rNCT06222853 eligible.toml",
             "-broken\n.toml"]
    shutil.copy(SAMPLES / "sle-refractory-eligible.toml", tmp_path / names[0])
    shutil.copy(SAMPLES / "jdm-latent-tb.toml", tmp_path / names[1])
    (tmp_path / names[2]).write_text('id = "B"\n[organ_function]\nlvef_percent = "63%"\n',
                                     encoding="utf-8")
    result = _run("check", ".", "--format", "csv", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8"), newline="")))
    assert len(rows) == 2 * len(TRIAL_IDS) + 1
    by_file: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        assert None not in row and None not in row.values(), row  # no split or merged row
        assert row["file"].startswith("'")
        by_file.setdefault(_value(row["file"]), set()).add((row["patient_id"], row["verdict"]))
    assert by_file.keys() == set(names)
    assert {pid for pid, _ in by_file[names[0]]} == {"CS-SLE-001"}
    assert {pid for pid, _ in by_file[names[1]]} == {"CS-JDM-007"}
    assert by_file[names[2]] == {("", "error")}
    assert ("CS-SLE-001", "eligible") in by_file[names[0]]


def test_jsonl_keeps_the_values_as_they_are(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "sle-refractory-eligible.toml", tmp_path / "=1+1\r.toml")
    result = _run("check", ".", "--format", "jsonl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert b'"file": "=1+1\\r.toml"' in result.stdout


# --- an output that cannot encode Unicode ---------------------------------------------------


@pytest.mark.parametrize(("encoding", "text", "written"), [
    ("ascii", "age ≥5 and ≤18 — CD19 · SLE", "age >=5 and <=18 - CD19 - SLE"),
    ("ascii", "×10⁹/L, 1.73 m², 10¹² µL, 38 °C…", "x10^9/L, 1.73 m^2, 10^12 uL, 38 degC..."),
    ("ascii", "Sjögren → review; 漢", "Sjogren -> review; ?"),
    ("cp1252", "≥5 — ×10⁹/L µL °C Sjögren", ">=5 — ×10^9/L µL °C Sjögren"),
    ("latin-1", "≥5 — ×", ">=5 - ×"),
    ("utf-8", "≥5 — 漢", "≥5 — 漢"),
])
def test_what_an_encoding_lacks_is_transliterated_or_a_question_mark(
        encoding: str, text: str, written: str) -> None:
    assert encodable(text, encoding) == written


def test_text_rich_makes_itself_is_written_as_the_output_can_encode_it() -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii")
    output_console(out, 80).print("a column header ≥ 漢")  # Rich's own Text, not render/'s
    out.flush()
    assert raw.getvalue() == b"a column header >= ?\n"


def _tables_in(output: str) -> list[list[str]]:
    """Each run of lines drawn with ASCII borders."""
    tables: list[list[str]] = []
    current: list[str] = []
    for line in [*output.splitlines(), ""]:
        if line[:1] in ("+", "|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables


def _every_table(trials: dict[str, LoadedTrial], out: Any) -> None:
    all_trials = list(trials.values())
    results = [screen_patient(load_patient(path), str(path), all_trials, as_of=None,
                              today=TODAY) for path in sorted(SAMPLES.glob("*.toml"))[:6]]
    _check_table(results[:1], trials, out, width=120)
    _check_table(results, trials, out, width=120)
    trial = trials["NCT06222853"]
    render_explain(trial, screen_patient(load_patient(LIVE_VACCINE), "p.toml", [trial],
                                         as_of=None, today=TODAY), out, 120)
    render_funnel_table(funnel(results, errors=1), out, 200)
    render_trials(all_trials, out, 120)


@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "latin-1"])
def test_tables_fall_back_to_what_the_output_can_encode(
        encoding: str, bundled_trials: dict[str, LoadedTrial]) -> None:
    unicode = io.StringIO()
    _every_table(bundled_trials, unicode)
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding=encoding)  # errors="strict": a miss would raise
    _every_table(bundled_trials, out)
    out.flush()
    text = raw.getvalue().decode(encoding)
    assert text.count("?") == unicode.getvalue().count("?")  # everything had a fallback
    assert "━" not in text and "│" not in text  # Rich's boxes, drawn in ASCII
    assert "age >=5 and <=18" in text
    tables = _tables_in(text)
    assert len(tables) >= 5
    for table in tables:  # transliterated before the columns were measured
        assert len({len(line) for line in table}) == 1, "\n".join(table)


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
@pytest.mark.parametrize("args", [
    ["check", "sample_patients/jdm-live-vaccine-3-weeks.toml"],
    ["explain", "NCT06792344"],
    ["explain", "NCT06792344", "--patient", "sample_patients/ssc-dlco-35.toml"],
    ["funnel", "sample_patients"],
    ["trials"],
], ids=["check", "explain", "explain-patient", "funnel", "trials"])
def test_the_command_line_writes_tables_to_a_non_unicode_stdout(
        args: list[str], encoding: str) -> None:
    result = _run(*args, PYTHONIOENCODING=encoding)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    text = result.stdout.decode(encoding)  # strict: only what the encoding has
    assert text.count("?") == _run(*args).stdout.decode("utf-8").count("?")
    assert "+-" in text and "|" in text


def test_a_hostile_trial_on_an_ascii_stdout(hostile: dict[str, Path]) -> None:
    for command in COMMANDS:
        result = _run(*_args(command, hostile), PYTHONIOENCODING="ascii")
        assert result.returncode == 0, result.stderr
        text = result.stdout.decode("ascii")
        _shown_not_obeyed(text, COMMANDS[command][1])


# --- no pydantic plugin sees a patient's values ---------------------------------------------

SPY_PLUGIN = '''
import os
from pathlib import Path

class Spy:
    """A pydantic plugin: it is told of every model validated, and could log each value."""

    def new_schema_validator(self, schema, schema_type, *args, **kwargs):
        with Path(os.environ["SPY_SEEN"]).open("a", encoding="utf-8") as seen:
            seen.write(f"{schema_type}\\n")
        return None, None, None

plugin = Spy()
'''


def test_no_pydantic_plugin_installed_beside_cartscreen_is_handed_patient_data(
        tmp_path: Path) -> None:
    """An observability tool's pydantic plugin, installed in the same environment, would see
    every value validated; cartscreen runs its models without plugins."""
    (tmp_path / "spy_plugin.py").write_text(SPY_PLUGIN, encoding="utf-8")
    info = tmp_path / "spy_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n",
                                           encoding="utf-8")
    seen = tmp_path / "seen.txt"
    environment = {k: v for k, v in command_environment().items()
                   if k != "PYDANTIC_DISABLE_PLUGINS"}
    environment.update(PYTHONPATH=str(tmp_path), SPY_SEEN=str(seen), NO_COLOR="1")
    # The plugin is found and called for a model outside cartscreen...
    subprocess.run([sys.executable, "-c", "import pydantic\nclass M(pydantic.BaseModel):\n"
                    "    x: int\nM(x=1)"], env=environment, check=True)
    assert "M" in seen.read_text(encoding="utf-8")
    seen.unlink()
    # ...and never for cartscreen's, while it screens a patient.
    patient = SAMPLES / "sle-refractory-eligible.toml"
    result = subprocess.run([str(CARTSCREEN), "check", str(patient)], env=environment,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert not seen.exists()
