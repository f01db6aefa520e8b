"""Fuzzing the patient loader and the engine (issue 5, item 5).

Whatever bytes arrive as a patient file, ``load_patient`` either returns a patient or raises
:class:`~cartscreen.errors.InputError`; nothing else escapes. A patient that loads gets a
verdict for every bundled trial. The inputs: random TOML, TOML with the real keys holding
wrong types, huge numbers, inf and nan, odd Unicode, deep nesting, empty and binary files,
truncated and bit-flipped sample files, and the sample patients with keys dropped, duplicated,
retyped and perturbed.

Hostile inputs (their generators are in tests/hostile_generators.py):

- every free-text value and the id full of control characters, terminal escape sequences,
  bidi overrides, zero-width characters, Rich markup and formula prefixes: an id holding a
  control character is an error at ``id``; through the command line, no such character
  reaches the terminal from ``check --detail`` or ``explain --patient``, and the CSV reads
  back one row per patient and trial with the ids as written;
- integers around Python's 4,300-digit limit and floats that overflow or underflow, at
  number fields; and every number field at the extremes Python still reads;
- dates at and past the ends of 1900–2199, screened at the file's date or an ``--as-of``
  (through ``batch.screen_file``, never ``screen_one``, whose catch-all would hide a crash);
- folders of patient files, named pipes, dangling links, links to files and folders and
  loops, through the command line: each file screened once, each of the rest one error row,
  as a walk of the test's own works out.

Examples are derandomized (the same ones every run, so CI is reproducible) and no example
database is written. Each test sets its own ``max_examples``; together they run over 10,000
examples. A few generated folders go through the real command line as well; a failing one is
reported as generated, not shrunk.
"""

from __future__ import annotations

import atexit
import copy
import csv
import io
import json
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import tomli_w
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from cartscreen.batch import screen_file
from cartscreen.engine import screen_patient
from cartscreen.errors import InputError, TrialDefinitionError
from cartscreen.patient import Patient, load_patient
from cartscreen.result import InputProblem, PatientResult, dump_json
from cartscreen.trial import LoadedTrial, load_trials, trial_dirs
from hostile_generators import (
    CANARY,
    CLINIC_TREE,
    FORMULA_ID,
    HOSTILE_TEXT,
    PRINTABLE_ID,
    PROBLEM_MESSAGES,
    SAMPLE_DATA,
    SAMPLE_TEXTS,
    SAMPLES,
    EdgeDated,
    Tree,
    annotation_types,
    build_tree,
    edge_dated_sample,
    expected_screening,
    hostile_text_patient,
    huge_number_sample,
    identity,
    key_paths,
    key_text,
    number_fields_in_context,
    place,
    python_cannot_read,
    refused_id,
    with_every_text,
    with_numbers,
)
from tests_support import (
    CARTSCREEN,
    DETERMINISTIC,
    ROOT,
    TRIAL_IDS,
    command_environment,
    run,
)

TRIALS: list[LoadedTrial] = list(load_trials(trial_dirs()).trials.values())
TODAY = date(2026, 11, 2)
VERDICTS = {"eligible", "ineligible", "incomplete"}

FUZZ = DETERMINISTIC


EXAMPLES = {  # per test; issue 5 asks for at least 10,000 in all
    "random_toml": 2200,
    "real_keys": 2200,
    "mutated_samples": 3000,
    "damaged_samples": 2200,
    "binary_and_text": 400,
    "deep_nesting": 100,
    "cli_folders": 3,  # six files each, through the real command line
    "control_characters": 800,
    "huge_numbers": 1000,
    "edge_dates": 1500,
    "cli_control_characters": 6,  # three files each, three runs of the command line
    "cli_links": 8,  # a tree of folders, files, pipes and links; two runs of the command line
}


def fuzz(examples: int) -> settings:
    return settings(FUZZ, max_examples=examples)


def cli_fuzz(examples: int) -> settings:
    """For tests that run the command line: a failing example is reported as generated, not
    shrunk (shrinking would run the command line hundreds of times)."""
    return settings(FUZZ, max_examples=examples, phases=[Phase.explicit, Phase.generate])


def test_the_fuzz_tests_run_at_least_ten_thousand_examples() -> None:
    assert sum(EXAMPLES.values()) >= 10_000


# --- checking one input ----------------------------------------------------------------

# Ten thousand writes and reads: in memory where the machine offers it (/tmp can be a hundred
# times slower there).
_SHM = Path("/dev/shm")
_WORKDIR = Path(tempfile.mkdtemp(prefix="cartscreen-fuzz-",
                                 dir=_SHM if _SHM.is_dir() and os.access(_SHM, os.W_OK) else None))
atexit.register(shutil.rmtree, _WORKDIR, ignore_errors=True)  # even when no test here runs
_FILE = _WORKDIR / "patient.toml"


def load_bytes(raw: bytes) -> Patient | InputError:
    """Load the bytes as a patient file: the patient, or the InputError it raised.

    Fails the test if anything but an InputError escapes, or if an error does not name the
    file, is not one line, or quotes the planted canary value.
    """
    _FILE.write_bytes(raw)
    try:
        return load_patient(_FILE)
    except TrialDefinitionError as exc:  # a subclass of InputError, but about trials
        raise AssertionError(f"patient file raised a trial error: {exc}") from exc
    except InputError as exc:
        assert exc.file == str(_FILE)
        assert exc.message.strip(), "an error says what is wrong"
        assert "\n" not in str(exc), "an error is one line"
        assert CANARY not in str(exc), "an error never quotes a patient value"
        return exc


def check_verdicts(result: PatientResult) -> None:
    """A verdict for every bundled trial, an unknown only with the facts it misses, and a
    JSON report that can be written."""
    assert [t.trial_id for t in result.trials] == [t.id for t in TRIALS]
    for trial in result.trials:
        assert trial.verdict in VERDICTS, trial.trial_id
        for criterion in trial.criteria:
            assert criterion.outcome != "unknown" or criterion.missing, criterion.id
    json.loads(dump_json(result))  # the JSON report can be written for it


def screen_bytes(raw: bytes) -> Patient | None:
    """Load the bytes as a patient file (:func:`load_bytes`); screen the patient if it loads
    (:func:`check_verdicts`). None for a file that is an InputError."""
    loaded = load_bytes(raw)
    if isinstance(loaded, InputError):
        return None
    check_verdicts(screen_patient(loaded, str(_FILE), TRIALS, as_of=None, today=TODAY))
    return loaded


def dumps(data: dict[str, Any]) -> bytes:
    return tomli_w.dumps(data).encode("utf-8")


# --- values ------------------------------------------------------------------------------

ODD_TEXT = [
    "", " ", CANARY, "\u202eelamef", "\u200fmale\u200e", "fe\u0301\u0301male", "👩‍⚕️🧬",
    "\x01\x07\x1b[31m\x7f", "\ufeffsle", "ＳＬＥ", "female\t",
    "x" * 300, "sle\u200b", "İ", "ß", "\U0010fffd",
]


RANDOM_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=10)
TEXT = st.one_of(st.sampled_from(ODD_TEXT), RANDOM_TEXT)
# Keys are echoed in messages (they name the fault), so the canary is never a key. Control
# characters in keys are escaped in messages (a quoted key "\n" must not break the line).
KEYS = st.one_of(
    st.sampled_from([t for t in ODD_TEXT if t != CANARY]),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00",
                          exclude_categories=["Cs"]), max_size=10),
)
INTEGERS = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from([0, -1, 1, 10**30, -(10**30), 2**63, -(2**64), 10**80]),
)
FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, -0.0, float("inf"), float("-inf"), float("nan")]),
)
DATES = st.one_of(st.dates(), st.sampled_from([date(1, 1, 1), date(9999, 12, 31),
                                               date(2026, 11, 3), date(1900, 2, 28)]))
ZONES = [None, UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=45))]
SCALARS = st.one_of(
    TEXT, INTEGERS, FLOATS, st.booleans(), DATES,
    st.datetimes(timezones=st.sampled_from(ZONES)), st.times(),
)
TOML_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=5,
)


# --- the real keys -----------------------------------------------------------------------


def _literals(model: type[BaseModel]) -> set[str]:
    found: set[str] = set()
    for field in model.model_fields.values():
        for kind in annotation_types(field.annotation):
            if get_origin(kind) is Literal:
                found.update(str(a) for a in get_args(kind))
            elif get_origin(kind) is list:
                for item in annotation_types(get_args(kind)[0]):
                    if isinstance(item, type) and issubclass(item, BaseModel):
                        found |= _literals(item)
                    elif get_origin(item) is Literal:
                        found.update(str(a) for a in get_args(item))
            elif isinstance(kind, type) and issubclass(kind, BaseModel):
                found |= _literals(kind)
    return found


# Values a clinician might type at any key: the schema's own words, dates, small numbers.
PLAUSIBLE = st.one_of(
    st.sampled_from(sorted(_literals(Patient) | {"sle", "female", "negative", "U/L"})),
    st.dates(date(1990, 1, 1), date(2030, 12, 31)),
    st.integers(-5, 250), st.floats(-5, 250), st.booleans(), st.just([]),
)
ANY_VALUE = st.one_of(PLAUSIBLE, PLAUSIBLE, TOML_VALUES)


def _field_strategy(annotation: Any, depth: int) -> st.SearchStrategy[Any]:
    for kind in annotation_types(annotation):
        if isinstance(kind, type) and issubclass(kind, BaseModel) and depth < 4:
            return st.one_of(_model_strategy(kind, depth + 1), ANY_VALUE)
        if get_origin(kind) is list:
            items = [k for k in annotation_types(get_args(kind)[0])
                     if isinstance(k, type) and issubclass(k, BaseModel)]
            if items and depth < 4:
                return st.one_of(st.lists(_model_strategy(items[0], depth + 1), max_size=3),
                                 ANY_VALUE)
    return ANY_VALUE


def _model_strategy(model: type[BaseModel], depth: int = 0) -> st.SearchStrategy[Any]:
    optional = {name: _field_strategy(field.annotation, depth)
                for name, field in model.model_fields.items()}
    return st.fixed_dictionaries({}, optional=optional)


PATIENT_SHAPED = st.builds(
    lambda ident, rest: {**rest, **({"id": ident} if ident is not None else {})},
    st.one_of(st.none(), st.just("FUZZ-1"), TEXT, ANY_VALUE),
    _model_strategy(Patient),
)


# --- paths in a TOML document ------------------------------------------------------------

def _parent(data: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    return node


def _perturbed(value: Any, draw: st.DrawFn) -> Any:
    """A nearby or extreme value of the same type, or an odd string."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return draw(st.sampled_from([value + 1, value - 1, -value, value * 1000, 10**30,
                                     -(2**63), 0]))
    if isinstance(value, float):
        return draw(st.sampled_from([value + 0.001, value - 0.001, -value, value * 1e300,
                                     float("nan"), float("inf"), float("-inf"), 1e308, 0.0]))
    if isinstance(value, date) and not isinstance(value, datetime):
        days = draw(st.integers(-40_000, 40_000))
        try:
            return value + timedelta(days=days)
        except OverflowError:
            return date.max if days > 0 else date.min
    if isinstance(value, str):
        return draw(st.sampled_from([value.upper(), value + "\u0301", "\u202e" + value,
                                     value[:-1], value + " ", CANARY, value * 50, "🧬" + value]))
    if isinstance(value, list):
        return draw(st.sampled_from([[], value * 2, value[::-1], [value]]))
    if isinstance(value, dict):
        return draw(st.sampled_from([{}, [value], {**value, "zz_unknown": CANARY}]))
    return draw(ANY_VALUE)


@st.composite
def mutated_sample(draw: st.DrawFn) -> dict[str, Any]:
    """A sample patient with one to four keys dropped, duplicated, retyped or perturbed."""
    data = copy.deepcopy(draw(st.sampled_from(SAMPLE_DATA)))
    for _ in range(draw(st.integers(1, 4))):
        paths = list(key_paths(data))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        key = path[-1]
        operation = draw(st.sampled_from(["drop", "duplicate", "retype", "perturb",
                                          "perturb", "canary"]))
        if operation == "drop":
            del parent[key]
        elif operation == "duplicate":
            if isinstance(parent, list):
                parent.insert(int(key), copy.deepcopy(parent[key]))
            else:  # a second, near-miss spelling of the key beside the first
                twin = draw(st.sampled_from([f"{key}_2", str(key).upper(), f"{key} ",
                                             f"{key}s"]))
                parent[twin] = copy.deepcopy(parent[key])
        elif operation == "retype":
            parent[key] = draw(ANY_VALUE)
        elif operation == "canary":
            parent[key] = CANARY
        else:
            parent[key] = _perturbed(parent[key], draw)
    return data


# --- text-level damage -------------------------------------------------------------------


@st.composite
def damaged_sample_bytes(draw: st.DrawFn) -> bytes:
    """A sample file truncated, bit-flipped, with lines duplicated or dropped, or re-encoded."""
    raw = draw(st.sampled_from(SAMPLE_TEXTS)).encode("utf-8")
    damage = draw(st.sampled_from(["truncate", "flip", "insert", "dup_line", "drop_line",
                                   "bom", "crlf", "utf16", "latin1"]))
    if damage == "truncate":
        return raw[: draw(st.integers(0, len(raw)))]
    if damage == "flip":
        buffer = bytearray(raw)
        for _ in range(draw(st.integers(1, 8))):
            index = draw(st.integers(0, len(buffer) - 1))
            buffer[index] ^= 1 << draw(st.integers(0, 7))
        return bytes(buffer)
    if damage == "insert":
        index = draw(st.integers(0, len(raw)))
        return raw[:index] + draw(st.binary(min_size=1, max_size=16)) + raw[index:]
    lines = raw.splitlines(keepends=True)
    if damage in ("dup_line", "drop_line"):
        index = draw(st.integers(0, len(lines) - 1))
        if damage == "dup_line":
            lines.insert(index, lines[index])
        else:
            del lines[index]
        return b"".join(lines)
    text = raw.decode("utf-8")
    if damage == "bom":
        return b"\xef\xbb\xbf" + raw
    if damage == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    if damage == "utf16":
        return text.encode("utf-16")
    return text.encode("latin-1", errors="replace")


@st.composite
def deeply_nested(draw: st.DrawFn) -> bytes:
    """Arrays, inline tables, dotted keys or table headers nested up to 2,000 deep.

    Deeper dotted keys only make tomllib slower (its time grows with the square of the depth;
    reported to the lead), not a different path through cartscreen.
    """
    depth = draw(st.integers(1, 2000))
    key = draw(st.sampled_from(["diagnosis", "activity", "treatments", "events", "junk",
                                "expected_verdicts", "organ_function"]))
    shape = draw(st.sampled_from(["array", "inline", "dotted", "header", "array_of_tables"]))
    if shape == "array":
        body = f"{key} = {'[' * depth}1{']' * depth}\n"
    elif shape == "inline":
        body = f"{key} = {'{a = ' * depth}1{'}' * depth}\n"
    elif shape == "dotted":
        body = f"{key}.{'.'.join(['a'] * depth)} = 1\n"
    elif shape == "header":
        body = f"[{key}.{'.'.join(['a'] * depth)}]\nb = 1\n"
    else:
        body = f"[[{key}{'.a' * min(depth, 300)}]]\nb = 1\n"
    return f'id = "DEEP"\n{body}'.encode()


# --- the properties ----------------------------------------------------------------------


@fuzz(EXAMPLES["random_toml"])
@given(st.dictionaries(KEYS, TOML_VALUES, max_size=4))
def test_random_toml_never_escapes_as_anything_but_an_input_error(doc: dict[str, Any]) -> None:
    screen_bytes(dumps(doc))


@fuzz(EXAMPLES["real_keys"])
@given(PATIENT_SHAPED)
def test_real_keys_with_wrong_types_huge_numbers_and_odd_text_are_input_errors(
    doc: dict[str, Any],
) -> None:
    screen_bytes(dumps(doc))


@fuzz(EXAMPLES["mutated_samples"])
@given(mutated_sample())
def test_mutated_sample_patients_load_and_get_a_verdict_or_give_an_input_error(
    doc: dict[str, Any],
) -> None:
    screen_bytes(dumps(doc))


@fuzz(EXAMPLES["damaged_samples"])
@given(damaged_sample_bytes())
def test_truncated_and_corrupted_sample_files_are_input_errors_or_load(raw: bytes) -> None:
    screen_bytes(raw)


@fuzz(EXAMPLES["binary_and_text"])
@given(st.one_of(st.binary(max_size=2000), st.just(b""), st.just(b"\n \t# only a comment\n"),
                 st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_binary_empty_and_random_text_files_are_input_errors(raw: bytes) -> None:
    assert screen_bytes(raw) is None


@fuzz(EXAMPLES["deep_nesting"])
@given(deeply_nested())
def test_deep_nesting_is_an_input_error(raw: bytes) -> None:
    assert screen_bytes(raw) is None


def test_the_mutations_reach_the_engine() -> None:
    # The properties above would pass vacuously if no generated file ever loaded.
    loaded = [screen_bytes(dumps(data)) for data in SAMPLE_DATA]
    assert all(patient is not None for patient in loaded)
    assert screen_bytes(b"") is None


# --- through the command line ------------------------------------------------------------

FileSpec = tuple[str, bytes]


@st.composite
def clinic_folder(draw: st.DrawFn) -> list[FileSpec]:
    """Six generated patient files: mutated samples, damaged samples and random bytes."""
    contents = draw(st.lists(
        st.one_of(mutated_sample().map(dumps), damaged_sample_bytes(), st.binary(max_size=64)),
        min_size=6, max_size=6,
    ))
    return [(f"p{index:02}.toml", raw) for index, raw in enumerate(contents)]


def _is_bad(raw: bytes) -> bool:
    return screen_bytes(raw) is None


@fuzz(EXAMPLES["cli_folders"])
@given(clinic_folder())
def test_generated_folders_through_the_cli_exit_0_or_3_with_one_line_per_bad_file(
    files: list[FileSpec],
) -> None:
    folder = Path(tempfile.mkdtemp(dir=_WORKDIR))
    for name, raw in files:
        (folder / name).write_bytes(raw)
    bad = {str(folder / name) for name, raw in files if _is_bad(raw)}
    for output in (["--format", "jsonl"], []):
        result = run("check", folder, "--as-of", TODAY.isoformat(), *output)
        assert "Traceback" not in result.stderr + result.stdout
        assert result.returncode == (3 if bad else 0), result.stderr
        # One error line per bad file; warnings (files sharing a patient id, say) are not
        # errors and are left out of the count.
        lines = [line for line in result.stderr.splitlines()
                 if not line.startswith("cartscreen: warning:")]
        assert len(lines) == len(bad), result.stderr
        assert {next(f for f in bad if f in line) for line in lines} == bad
        assert CANARY not in result.stderr




# --- control characters, escape sequences and markup in free text and ids ----------------


@fuzz(EXAMPLES["control_characters"])
@given(hostile_text_patient())
def test_control_characters_and_markup_in_free_text_load_and_in_an_id_are_an_error(
    doc: dict[str, Any],
) -> None:
    loaded = load_bytes(dumps(doc))
    if refused_id(doc["id"]):
        assert isinstance(loaded, InputError) and loaded.key == "id", repr(loaded)
    elif isinstance(loaded, Patient):
        check_verdicts(screen_patient(loaded, str(_FILE), TRIALS, as_of=None, today=TODAY))


def test_free_text_holds_control_characters_and_markup() -> None:
    # The property above would pass vacuously if no file with hostile text ever loaded.
    # Distinct texts, so that no two treatment courses name the same drug (and overlap).
    numbers = iter(range(10_000))

    def hostile() -> str:
        return f"\x1b[2J\x9b31m\r\u202e[bold red]x[/]\x07{next(numbers)}"

    for data in SAMPLE_DATA:
        patient = screen_bytes(dumps(with_every_text(data, hostile)))
        assert patient is not None


# Bytes that drive a terminal: ESC (CSI, OSC), BEL, backspace, carriage return, the 8-bit CSI
# U+009B and U+202E RIGHT-TO-LEFT OVERRIDE, as UTF-8.
RAW_CONTROLS = [b"\x1b", b"\x07", b"\x08", b"\r", "\u009b".encode(), "\u202e".encode()]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")  # OWASP, and CsvReporter


def run_bytes(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """The real command line, as tests_support's run() calls it, with the output kept as
    bytes: run() reads it in text mode, which turns a carriage return into a line feed."""
    variables = command_environment()
    variables.update({"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"})
    return subprocess.run([str(CARTSCREEN), *map(str, args)], cwd=ROOT, env=variables,
                          capture_output=True, timeout=60)


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _written(cell: str) -> str:
    """A CSV cell's value: the leading quote that guards a spreadsheet formula removed (the
    rule of CsvReporter's docstring)."""
    return cell[1:] if cell.startswith("'") else cell


# Each folder holds a patient whose id a spreadsheet would read as a formula, one whose id
# looks like markup, and one whose id may hold control characters (an error row, then).
CLI_FOLDER = st.tuples(
    hostile_text_patient(ids=FORMULA_ID),
    hostile_text_patient(ids=PRINTABLE_ID),
    hostile_text_patient(ids=st.one_of(HOSTILE_TEXT, PRINTABLE_ID)),
)


@cli_fuzz(EXAMPLES["cli_control_characters"])
@given(CLI_FOLDER, st.sampled_from(TRIAL_IDS))
def test_control_characters_never_reach_the_terminal_and_csv_reads_back_the_ids(
    docs: tuple[dict[str, Any], ...], trial_id: str,
) -> None:
    folder = Path(tempfile.mkdtemp(dir=_WORKDIR))
    written: dict[str, str] = {}
    for index, doc in enumerate(docs):
        path = folder / f"p{index}.toml"
        path.write_bytes(dumps(doc))
        written[str(path)] = doc["id"]
    outcomes = {file: screen_file(Path(file), TRIALS, as_of=TODAY, today=TODAY)
                for file in written}
    screened = {file for file, outcome in outcomes.items()
                if isinstance(outcome, PatientResult)}
    errors = set(written) - screened
    shown = min(screened or written)
    as_of = ("--as-of", TODAY.isoformat())
    for command in (["check", folder, "--detail"], ["explain", trial_id, "--patient", shown]):
        result = run_bytes(*command, *as_of)
        output = result.stdout + result.stderr
        assert result.returncode in (0, 3), result.stderr
        assert b"Traceback" not in output and b"internal error" not in output
        leaked = [raw for raw in RAW_CONTROLS if raw in output]
        assert not leaked, f"{command[0]} wrote {leaked} from the file"

    result = run_bytes("check", folder, "--format", "csv", *as_of)
    assert result.returncode == (3 if errors else 0), result.stderr
    rows = _csv_rows(result.stdout.decode("utf-8"))
    assert len(rows) == len(TRIAL_IDS) * len(screened) + len(errors)
    for row in rows:
        assert not any(cell.startswith(FORMULA_PREFIXES) for cell in row.values()), row
    read_back = Counter((row["file"], _written(row["patient_id"]))
                        for row in rows if row["verdict"] != "error")
    assert read_back == {(file, written[file]): len(TRIAL_IDS) for file in screened}
    assert {row["file"] for row in rows if row["verdict"] == "error"} == errors


# --- numbers Python cannot read, or reads as inf or zero ---------------------------------


# Two files the generator below found (with other seeds) that crashed the loader, kept as
# examples it always tries. A height of 5e-324 cm passed the model (above 0) and its square
# underflowed to 0.0 in the body-mass-index rule (ZeroDivisionError).
TINY_HEIGHT = with_numbers(SAMPLE_DATA[0], {("height_cm",): "5e-324"})
# A joint count had no upper bound; past 1.8e308 the ILAR 2001 calculator could not make it a
# float (OverflowError).
HUGE_JOINT_COUNT = with_numbers(
    SAMPLE_DATA[[path.name for path in SAMPLES].index("pjia-refractory-eligible.toml")],
    {("diagnosis", "components", "ilar_2001", "joints_with_arthritis_total"): "9" * 4300})


@fuzz(EXAMPLES["huge_numbers"])
@given(huge_number_sample())
@example(TINY_HEIGHT)
@example(HUGE_JOINT_COUNT)
def test_numbers_past_pythons_limits_are_input_errors_that_do_not_quote_them(
    sample: tuple[bytes, list[str]],
) -> None:
    raw, literals = sample
    loaded = load_bytes(raw)
    if isinstance(loaded, Patient):
        check_verdicts(screen_patient(loaded, str(_FILE), TRIALS, as_of=None, today=TODAY))
        return
    if any(python_cannot_read(literal) for literal in literals):
        assert "a number too long to read (thousands of digits)" in loaded.message
    for literal in literals:  # a message never quotes the number (its first 12 characters)
        head = literal.lstrip("+-")[:12]
        assert len(head) < 12 or head not in str(loaded), loaded


# Numbers Python reads that pass a field's "above 0" or an unbounded field.
EXTREMES = ["5e-324", "-0.0", "1.7976931348623157e308", "9" * 4300]


def test_every_number_field_at_the_extremes_python_can_read() -> None:
    # The generator above draws one field and one number at a time; this visits each pair.
    failures: list[str] = []
    for document, path in number_fields_in_context():
        for literal in EXTREMES:
            try:
                screen_bytes(with_numbers(document, {path: literal})[0])
            except Exception as exc:
                failures.append(f"{key_text(path)} = {literal[:12]}: {type(exc).__name__}")
    assert not failures, "\n".join(failures)


# --- dates at the ends of the calendar and of the 1900-2199 range ------------------------


@fuzz(EXAMPLES["edge_dates"])
@given(edge_dated_sample())
def test_dates_at_the_ends_of_the_calendar_are_screened_or_that_files_problem(
    case: EdgeDated,
) -> None:
    _FILE.write_bytes(case.raw)
    result = screen_file(_FILE, TRIALS, as_of=case.as_of, today=TODAY)  # raises nothing
    if case.out_of_range:
        assert isinstance(result, InputProblem), "a date outside 1900-2199 was screened"
        assert result.message.startswith("a date outside the years 1900–2199"), result
        assert result.key in case.out_of_range, result
    elif isinstance(result, PatientResult):
        check_verdicts(result)
    else:
        assert isinstance(result, InputProblem)


# --- folders of named pipes and links, through the command line --------------------------


@cli_fuzz(EXAMPLES["cli_links"])
@given(CLINIC_TREE)
def test_folders_of_pipes_and_links_screen_each_file_once_and_report_the_rest(
    tree: Tree,
) -> None:
    clinic = build_tree(tree, Path(tempfile.mkdtemp(dir=_WORKDIR)))
    expected = expected_screening(clinic)
    result = run("check", clinic, "--format", "csv")  # times out after 60 s
    assert result.returncode == (3 if expected.problems else 0), result.stderr
    assert "Traceback" not in result.stderr
    rows = _csv_rows(result.stdout)
    screened = Counter(identity(os.stat(row["file"])) for row in rows
                       if row["verdict"] != "error")
    assert screened == dict.fromkeys(expected.patient_files, len(TRIAL_IDS))
    problems = {place(Path(row["file"])): row["error_message"] for row in rows
                if row["verdict"] == "error"}
    assert len(problems) == len(rows) - len(TRIAL_IDS) * len(expected.patient_files)
    assert problems.keys() == expected.problems.keys()
    for where, message in problems.items():
        assert PROBLEM_MESSAGES[expected.problems[where]] in message, message

    result = run("funnel", clinic, "--format", "json")
    assert result.returncode == (3 if expected.problems else 0), result.stderr
    funnel = json.loads(result.stdout)
    assert (funnel["patients"], funnel["errors"]) == (len(expected.patient_files),
                                                      len(expected.problems))
