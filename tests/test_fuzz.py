"""Fuzzing the patient loader and the engine (issue 5, item 5).

Whatever bytes arrive as a patient file, ``load_patient`` either returns a patient or raises
:class:`~cartscreen.errors.InputError`; nothing else escapes. A patient that loads gets a
verdict for every bundled trial. The inputs: random TOML, TOML with the real keys holding
wrong types, huge numbers, inf and nan, odd Unicode, deep nesting, empty and binary files,
truncated and bit-flipped sample files, and the sample patients with keys dropped, duplicated,
retyped and perturbed.

Examples are derandomized (the same ones every run, so CI is reproducible) and no example
database is written. Each test sets its own ``max_examples``; together they run over 10,000
examples. A few generated folders go through the real command line as well.
"""

from __future__ import annotations

import atexit
import copy
import json
import os
import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from cartscreen.engine import screen_patient
from cartscreen.errors import InputError, TrialDefinitionError
from cartscreen.patient import Patient, load_patient
from cartscreen.result import dump_json
from cartscreen.trial import LoadedTrial, load_trials, trial_dirs
from tests_support import run

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "sample_patients").glob("*.toml"))
SAMPLE_TEXTS = [path.read_text(encoding="utf-8") for path in SAMPLES]
SAMPLE_DATA = [tomllib.loads(text) for text in SAMPLE_TEXTS]
TRIALS: list[LoadedTrial] = list(load_trials(trial_dirs()).trials.values())
TODAY = date(2026, 11, 2)
VERDICTS = {"eligible", "ineligible", "incomplete"}
CANARY = "Zq7-canary-value"  # planted as a value; must never appear in an error message

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)


EXAMPLES = {  # per test; issue 5 asks for at least 10,000 in all
    "random_toml": 2200,
    "real_keys": 2200,
    "mutated_samples": 3000,
    "damaged_samples": 2200,
    "binary_and_text": 400,
    "deep_nesting": 100,
    "cli_folders": 3,  # six files each, through the real command line
}


def fuzz(examples: int) -> settings:
    return settings(FUZZ, max_examples=examples)


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


def screen_bytes(raw: bytes) -> Patient | None:
    """Load the bytes as a patient file; screen the patient if it loads.

    Fails the test if anything but an InputError escapes, if an error does not name the file
    or quotes the planted canary value, or if a loaded patient misses a verdict.
    """
    _FILE.write_bytes(raw)
    try:
        patient = load_patient(_FILE)
    except TrialDefinitionError as exc:  # a subclass of InputError, but about trials
        raise AssertionError(f"patient file raised a trial error: {exc}") from exc
    except InputError as exc:
        assert exc.file == str(_FILE)
        assert exc.message.strip(), "an error says what is wrong"
        assert "\n" not in str(exc), "an error is one line"
        assert CANARY not in str(exc), "an error never quotes a patient value"
        return None
    result = screen_patient(patient, str(_FILE), TRIALS, as_of=None, today=TODAY)
    assert [t.trial_id for t in result.trials] == [t.id for t in TRIALS]
    for trial in result.trials:
        assert trial.verdict in VERDICTS, trial.trial_id
        for criterion in trial.criteria:
            assert criterion.outcome != "unknown" or criterion.missing, criterion.id
    json.loads(dump_json(result))  # the JSON report can be written for it
    return patient


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


def _flatten(annotation: Any) -> Iterator[Any]:
    """The types inside an annotation: Optional, unions, Annotated and list unwrapped."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        for arg in get_args(annotation):
            yield from _flatten(arg)
    elif origin is not None and getattr(annotation, "__metadata__", None) is not None:
        yield from _flatten(get_args(annotation)[0])
    else:
        yield annotation


def _literals(model: type[BaseModel]) -> set[str]:
    found: set[str] = set()
    for field in model.model_fields.values():
        for kind in _flatten(field.annotation):
            if get_origin(kind) is Literal:
                found.update(str(a) for a in get_args(kind))
            elif get_origin(kind) is list:
                for item in _flatten(get_args(kind)[0]):
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
    for kind in _flatten(annotation):
        if isinstance(kind, type) and issubclass(kind, BaseModel) and depth < 4:
            return st.one_of(_model_strategy(kind, depth + 1), ANY_VALUE)
        if get_origin(kind) is list:
            items = [k for k in _flatten(get_args(kind)[0])
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

Path_ = tuple[str | int, ...]


def _paths(node: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


def _parent(data: dict[str, Any], path: Path_) -> Any:
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
        paths = list(_paths(data))
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


