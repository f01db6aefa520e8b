"""rtoml against tomllib: the evidence for ``cartscreen.toml_parse`` (issue 15, "Parse faster").

tomllib is the reference. Every input here must give, through ``toml_parse.loads``, exactly
what tomllib gives: the same values of the same types in the same key order (floats bit for
bit, so -0.0 and the sign of nan count; datetimes with the same tzinfo), or the same error with
the same message; and ``parse_float`` must see a literal that is not a finite float whenever
tomllib's would. Where rtoml itself reads a text otherwise than tomllib (accepts what tomllib
refuses, or gives other values or types), ``toml_parse`` must not let it: either rtoml fails
(and tomllib reads the text) or ``reads_with_rtoml`` sends the text to tomllib.

The inputs: every TOML file in the repository (as it is, with CRLF line ends, with a byte-order
mark, cut short); patients from tests/patient_generator.py and the hostile generators of
tests/hostile_generators.py; the samples with one value replaced by a literal at the edges
(integers at the 64- and 128-bit limits and Python's 4,300 digits, floats that overflow or
underflow, nan, inf, -0.0, dates, datetimes and times with offsets and without seconds,
escapes, surrogates, control characters), with documents that redefine tables, nest deeply or
hold huge strings, and with random edits; and TOML generated from its grammar. Examples are
derandomized and bounded, so the module runs in seconds. The differences found are listed in
``toml_parse``'s docstring, and each is a case of ``DOCUMENTED_DIFFERENCES`` here.
"""

from __future__ import annotations

import re
import struct
import sys
import tomllib
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from time import perf_counter
from typing import Any

import pytest
import rtoml
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from cartscreen import toml_parse
from cartscreen.errors import InputError
from cartscreen.patient import load_patient
from cartscreen.patient.loader import _float_noting_non_finite
from hostile_generators import (
    SAMPLE_DATA,
    SAMPLE_TEXTS,
    edge_dated_sample,
    hostile_text_patient,
    huge_number_sample,
)
from patient_generator import generate
from tests_support import DETERMINISTIC, ROOT

EXAMPLES = DETERMINISTIC


# --- comparing two readings ----------------------------------------------------------------

Reading = tuple[str, Any]  # ("value", data) or ("error", "Type: message")


def reading(parse: Callable[[str], Any], text: str) -> Reading:
    try:
        return "value", parse(text)
    except Exception as exc:  # every failure is a reading: tomllib's, rtoml's, Python's
        return "error", f"{type(exc).__name__}: {exc}"
    except BaseException as exc:  # a Rust panic (pyo3's PanicException) is a finding too
        if type(exc).__module__ != "pyo3_runtime":
            raise
        return "error", f"{type(exc).__name__}: {exc}"


def differences(expected: Any, got: Any, where: str = "") -> Iterator[str]:
    """Where ``got`` is not exactly ``expected``: type, key order, float bits, tzinfo."""
    at = where or "(document)"
    if type(expected) is not type(got):
        yield f"{at}: {type(expected).__name__} != {type(got).__name__}"
    elif isinstance(expected, dict):
        if list(expected) != list(got):
            yield f"{at}: keys {list(expected)!r} != {list(got)!r}"
        else:
            for key in expected:
                yield from differences(expected[key], got[key], f"{where}.{key}")
    elif isinstance(expected, list):
        if len(expected) != len(got):
            yield f"{at}: {len(expected)} items != {len(got)}"
        else:
            for index, (one, other) in enumerate(zip(expected, got, strict=True)):
                yield from differences(one, other, f"{where}[{index}]")
    elif isinstance(expected, float):
        if struct.pack("<d", expected) != struct.pack("<d", got):
            yield f"{at}: {expected!r} != {got!r}"
    elif isinstance(expected, datetime | time):
        if expected != got or type(expected.tzinfo) is not type(got.tzinfo) or (
                expected.utcoffset() != got.utcoffset()):
            yield f"{at}: {expected!r} != {got!r}"
    elif expected != got:
        yield f"{at}: {expected!r} != {got!r}"


def disagreement(expected: Reading, got: Reading) -> str | None:
    if expected[0] != got[0]:
        what = {"value": "reads it", "error": "refuses it"}
        return (f"tomllib {what[expected[0]]}, the other {what[got[0]]} "
                f"({expected[1] if expected[0] == 'error' else got[1]})")
    if expected[0] == "error":
        return None
    found = list(differences(expected[1], got[1]))
    return "; ".join(found[:3]) if found else None


# The loader's parse_float, which notes the literals that are not finite.
noting = _float_noting_non_finite


def problems(text: str) -> list[str]:
    """What is wrong with ``toml_parse`` on this text (nothing, for it to pass)."""
    found = []
    noted_by_tomllib: list[str] = []
    noted_by_us: list[str] = []
    expected = reading(lambda t: tomllib.loads(t, parse_float=noting(noted_by_tomllib)), text)
    ours = reading(lambda t: toml_parse.loads(t, parse_float=noting(noted_by_us)), text)
    if expected[0] != ours[0] or (expected[0] == "error" and expected[1] != ours[1]):
        found.append(f"toml_parse.loads: {expected[1]!r:.200} != {ours[1]!r:.200}")
    elif (difference := disagreement(expected, ours)) is not None:
        found.append(f"toml_parse.loads: {difference}")
    if bool(noted_by_tomllib) != bool(noted_by_us):
        found.append(f"parse_float saw {noted_by_us!r:.80}, tomllib's {noted_by_tomllib!r:.80}")
    raw = reading(rtoml.loads, text)
    if raw[0] == "value" and toml_parse.reads_with_rtoml(text):
        difference = disagreement(expected, raw)
        if difference is not None:
            found.append(f"reads_with_rtoml lets rtoml read it, and {difference}")
    return found


def assert_read_as_tomllib(cases: list[tuple[str, str]]) -> None:
    failures = [f"{label}: {problem}" for label, text in cases for problem in problems(text)]
    assert not failures, f"{len(failures)} of {len(cases)} differ:\n" + "\n".join(failures[:20])


def raw_difference(text: str) -> str | None:
    """How rtoml itself reads ``text`` otherwise than tomllib (None: it does not)."""
    return disagreement(reading(tomllib.loads, text), reading(rtoml.loads, text))


# --- every TOML file in the repository ------------------------------------------------------

def repository_files() -> list[Path]:
    return sorted(path for path in ROOT.rglob("*.toml")
                  if not any(part.startswith(".") or part in ("__pycache__", "build", "dist")
                             for part in path.relative_to(ROOT).parts))


def as_text(raw: bytes) -> str:
    """The text the loader would parse (a byte-order mark taken off), or, for bytes that are
    not UTF-8, the text with the bad bytes replaced: both parsers still get to read it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def variants(text: str) -> list[tuple[str, str]]:
    return [("as written", text), ("CRLF", text.replace("\n", "\r\n")),
            ("byte-order mark", "\ufeff" + text), ("cut short", text[: len(text) * 2 // 3])]


REPOSITORY_FILES = repository_files()


def test_the_repository_has_its_toml_files() -> None:
    folders = {path.relative_to(ROOT).parts[0] for path in REPOSITORY_FILES}
    assert {"sample_patients", "trials", "tests"} <= folders
    assert len(REPOSITORY_FILES) >= 140


@pytest.mark.parametrize("path", REPOSITORY_FILES,
                         ids=[str(p.relative_to(ROOT)) for p in REPOSITORY_FILES])
def test_repository_file_reads_as_with_tomllib(path: Path) -> None:
    assert_read_as_tomllib(variants(as_text(path.read_bytes())))


def test_the_fast_path_reads_every_sample_patient() -> None:
    # Otherwise the comparisons above would prove nothing about rtoml on patient files.
    assert all(toml_parse.reads_with_rtoml(text) for text in SAMPLE_TEXTS)
    assert all(raw_difference(text) is None for text in SAMPLE_TEXTS)


# --- the loader, with and without rtoml -----------------------------------------------------

def loaded(path: Path) -> str:
    try:
        return repr(load_patient(path).model_dump())
    except InputError as exc:
        return str(exc)


def test_the_loader_gives_the_same_patients_and_errors_without_rtoml(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copies = []
    for index, path in enumerate(REPOSITORY_FILES):
        for label, text in variants(as_text(path.read_bytes())):
            copy = tmp_path / f"{index}-{label.replace(' ', '-')}.toml"
            copy.write_bytes(text.encode("utf-8", errors="surrogatepass"))
            copies.append(copy)
    with_rtoml = [loaded(path) for path in copies]
    monkeypatch.setattr(toml_parse, "_RTOML_LOADS", None)
    without = [loaded(path) for path in copies]
    assert [(path.name, a, b) for path, a, b in zip(copies, with_rtoml, without, strict=True)
            if a != b] == []


# --- what rtoml reads otherwise, and what toml_parse does about it --------------------------

# (what, text, how rtoml reads it against tomllib). Each is in toml_parse's docstring; a case
# that stops differing (a new rtoml) means the docstring and the guard should be revisited.
DOCUMENTED_DIFFERENCES = [
    ("inline table over two lines", "a = {\nb = 1}", "accepts"),
    ("inline table, newline before }", "a = {b = 1\n}", "accepts"),
    ("inline table ending in a comma", "a = {b = 1,}", "accepts"),
    ("escape \\e", 'a = "\\e"', "accepts"),
    ("escape \\xHH", 'a = "\\x41"', "accepts"),
    ("local time without seconds", "a = 07:32", "accepts"),
    ("local datetime without seconds", "a = 2026-11-02T07:32", "accepts"),
    ("offset datetime without seconds", "a = 2026-11-02T07:32Z", "accepts"),
    ("byte-order mark at the start", "\ufeffa = 1", "accepts"),
    ("CRLF in a multi-line basic string", 'a = """x\r\ny"""', "other value"),
    ("CRLF in a multi-line literal string", "a = '''x\r\ny'''", "other value"),
    ("offset datetime: its tzinfo class", "a = 2026-11-02T07:32:00+05:30", "other value"),
    ("UTC datetime: its tzinfo class", "a = 2026-11-02T07:32:00Z", "other value"),
    ("table after a table inside it: key order", "[a.b]\n[x]\n[a]", "other value"),
    ("the same, one level down", "[t.a.b]\n[t.x]\n[t.a]", "other value"),
    ("the same, in an array of tables", "[[t]]\n[t.a.b]\n[t.x]\n[t.a]", "other value"),
    ("float that overflows", "a = 1e400", "refuses"),
    ("float that overflows, long", "a = 1" + "0" * 400 + ".5", "refuses"),
    ("integer above 2**128 - 1", f"a = {2**128}", "refuses"),
    ("integer below -2**127", f"a = {-(2**127) - 1}", "refuses"),
    ("hexadecimal integer above 2**128 - 1", "a = 0x1" + "0" * 32, "refuses"),
    ("81 nested lists", "a = " + "[" * 81 + "]" * 81, "refuses"),
    ("81 nested inline tables", "a = " + "{b = " * 81 + "1" + "}" * 81, "refuses"),
    ("a key of 81 parts", ".".join(["k"] * 81) + " = 1", "refuses"),
    ("a lone surrogate in a string", "a = 'x\ud800'", "refuses"),
    ("a lone surrogate in a comment", "a = 1 # \udfff", "refuses"),
]


def how_rtoml_differs(text: str) -> str | None:
    expected, raw = reading(tomllib.loads, text), reading(rtoml.loads, text)
    if disagreement(expected, raw) is None:
        return None
    if expected[0] == raw[0]:
        return "other value"
    return "accepts" if raw[0] == "value" else "refuses"


@pytest.mark.parametrize(("what", "text", "how"), DOCUMENTED_DIFFERENCES,
                         ids=[case[0] for case in DOCUMENTED_DIFFERENCES])
def test_documented_difference_is_real_and_read_as_tomllib(what: str, text: str,
                                                           how: str) -> None:
    assert how_rtoml_differs(text) == how
    # rtoml either fails (then tomllib reads the text) or is not asked.
    assert how == "refuses" or not toml_parse.reads_with_rtoml(text)
    assert problems(text) == []


def _tomllib_message(text: str) -> str:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return str(exc)
    raise AssertionError("tomllib reads it")


TOMLLIB_MESSAGE = _tomllib_message("a = 1\nb = [")


def test_a_line_of_nested_braces_is_sent_to_tomllib_without_a_pass_for_each() -> None:
    # The largest file the loader reads: 200,000 tables one inside another.
    text = "a = " + "{b = " * 200_000 + "1" + "}" * 200_000
    start = perf_counter()
    assert not toml_parse.reads_with_rtoml(text)
    assert perf_counter() - start < 5  # under a second; a pass per table takes hours


def test_without_rtoml_tomllib_reads_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(toml_parse, "_RTOML_LOADS", None)
    assert toml_parse.loads(SAMPLE_TEXTS[0]) == tomllib.loads(SAMPLE_TEXTS[0])
    with pytest.raises(tomllib.TOMLDecodeError) as raised:
        toml_parse.loads("a = 1\nb = [")
    assert str(raised.value) == TOMLLIB_MESSAGE


def test_only_the_proven_rtoml_release_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    assert rtoml.__version__.startswith(toml_parse.PROVEN_RTOML)
    assert toml_parse._rtoml_loads() is rtoml.loads
    monkeypatch.setattr(rtoml, "__version__", "0.15.0")
    assert toml_parse._rtoml_loads() is None
    monkeypatch.setitem(sys.modules, "rtoml", None)  # not installed: import fails
    assert toml_parse._rtoml_loads() is None


class PanicException(BaseException):  # what pyo3 raises for a Rust panic
    pass


PanicException.__module__ = "pyo3_runtime"


@pytest.mark.parametrize("failure", [RuntimeError("bug"), rtoml.TomlParsingError("x"),
                                     PanicException("panic")],
                         ids=lambda failure: type(failure).__name__)
def test_any_rtoml_failure_falls_back_to_tomllib(monkeypatch: pytest.MonkeyPatch,
                                                 failure: BaseException) -> None:
    def failing(text: str) -> dict[str, Any]:
        raise failure

    monkeypatch.setattr(toml_parse, "_RTOML_LOADS", failing)
    assert toml_parse.loads("a = 1") == {"a": 1}
    with pytest.raises(tomllib.TOMLDecodeError) as raised:
        toml_parse.loads("a = 1\nb = [")
    assert str(raised.value) == TOMLLIB_MESSAGE


def test_an_interrupt_is_not_taken_for_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(text: str) -> dict[str, Any]:
        raise KeyboardInterrupt

    monkeypatch.setattr(toml_parse, "_RTOML_LOADS", interrupted)
    with pytest.raises(KeyboardInterrupt):
        toml_parse.loads("a = 1")


# --- the samples with a value at the edges ---------------------------------------------------

INTEGERS = [
    "0", "+0", "-0", "007", "1_000", "1__0", "_1", "1_", str(2**63 - 1), str(2**63),
    str(-(2**63)), str(-(2**63) - 1), str(2**64), str(2**127 - 1), str(2**127),
    str(-(2**127)), str(-(2**127) - 1), str(2**128 - 1), str(2**128), "9" * 4300, "9" * 4301,
    "-" + "9" * 4300, "_".join(["999"] * 1500), "0x7fffffffffffffff", "0xffffffffffffffff",
    "0x" + "f" * 32, "0x1" + "0" * 32, "0xDEAD_beef", "0X10", "0x", "0x_1", "+0x1", "0o777",
    "0o" + "7" * 43, "0o8", "0b101", "0b" + "1" * 128, "0b1" + "0" * 128, "0b2", "1e", "١٢",
]
FLOATS = [
    "0.0", "+0.0", "-0.0", "-0e0", "0.1", "0.30000000000000004", "1e308", "-1e308", "1e309",
    "1e400", "-1e400", "1e0400", "1.7976931348623157e308", "1.7976931348623159e308",
    "5e-324", "4.9e-324", "2.4e-324", "2.5e-324", "1e-400", "-1e-400", "2.2250738585072011e-308",
    "9007199254740993.0", "123456789012345678901234567890.5", "1" + "0" * 400 + ".5",
    "0." + "0" * 400 + "1", "9" * 4301 + ".0", "1E+05", "1e-0_1", "1_000.000_1", "3.14_15",
    "nan", "+nan", "-nan", "inf", "+inf", "-inf", "NaN", "Inf", "infinity", "nan1", ".5", "5.",
    "1.e5", "1e", "1e+", "00.1", "-01.0", "1.5e1.5", "0.1e", "1__0.0",
]
DATES_AND_TIMES = [
    "2026-11-02", "2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "2100-02-29",
    "0001-01-01", "0000-01-01", "9999-12-31", "2026-13-01", "2026-00-10", "2026-01-00",
    "2026-04-31", "2026-1-01", "20261102", "2026-11-02T07:32:00Z", "2026-11-02t07:32:00z",
    "2026-11-02 07:32:00", "2026-11-02T07:32:00+05:30", "2026-11-02T07:32:00-05:30",
    "2026-11-02T07:32:00-00:30", "2026-11-02T07:32:00-00:00", "2026-11-02T07:32:00+23:59",
    "2026-11-02T07:32:00+24:00", "2026-11-02T07:32:00+00:60", "2026-11-02T07:32:00.123456789",
    "2026-11-02T07:32:00.9999999Z", "2026-11-02T07:32:00.Z", "2026-11-02T23:59:60Z",
    "2026-11-02T24:00:00", "2026-11-02T07:32", "2026-11-02T07:32Z", "2026-11-02T07:32+01:00",
    "07:32:00", "07:32:00.5", "07:32:00.1234567891234", "07:32", "07:32:60", "24:00:00",
    "07:60:00", "07:32:00Z", "07:32:00+01:00", "7:32:00", "2026-11-02T", "2026-11-02 ",
]
STRINGS = [
    '"é"', '"\\u00e9"', '"\\U0001F600"', '"\\uD800"', '"\\uDFFF"', '"\\U00110000"',
    '"\\U0000D800"', '"\\e"', '"\\x41"', '"\\x00"', '"\\/"', '"\\ "', '"\\b\\t\\n\\f\\r\\"\\\\"',
    '"\ufeff"', '"\u202e"', '"x\ud800"', "'x\udfff'", "'\\e'", '"\\q"', '"""\\\n  x"""',
    '"""\\  \r\n  x"""', '"""x\r\ny"""', "'''x\r\ny'''", '"""x\ry"""', '"""x""""', '"""x"""""',
    '"""x""""""', "'''x''''", "'''x'''''", "'''x''''''", '""""""', "''''''",
    '"' + "x" * 500_000 + '"', "'''" + "y\n" * 50_000 + "'''", '"#"', "'{'", '"}"', '":"',
    "true", "false", "True", "[1, 2,]", "[,]", "[1 2]", "[\n1,\n# c\n2\n]",
    '[1, "a", 1.0, 2026-11-02, [], {}]', "[{b = 1}, {b = 2}]", "{b.c = 1, b.d = 2}",
    "{b = 1, b = 2}", "{b = {c = 1}, b.d = 2}", "{}", "{ }", "{b = 1 c = 2}", "{b = 1,,}",
    "{b = [1,\n2]}", "{b = '''x\ny'''}", '{b = "x\ny"}', "{b = 1} # {",
]
CONTROL_CHARACTERS = [chr(c) for c in [*range(0x20), 0x7F, 0x80, 0x85, 0x9B]] + [
    "\u2028", "\ufeff", "\ud800", "\udfff", "\ufffe", "\uffff", "\U0010ffff"]
CONTROL_CONTEXTS = ['"x{}y"', "'x{}y'", '"""x{}y"""', "'''x{}y'''", "1 # x{}y", "[1,{}2]"]


def with_value(literal: str) -> list[tuple[str, str]]:
    """The literal in a sample where a number, a value of an inline table, an item of a list,
    and a new key go."""
    text = SAMPLE_TEXTS[0]
    places = [
        re.sub(r"^weight_kg = .*$", lambda _: f"weight_kg = {literal}", text, count=1,
               flags=re.M),
        re.sub(r"^ast = \{ value = \d+", lambda _: f"ast = {{ value = {literal}", text,
               count=1, flags=re.M),
        text + f"\n[zz]\nitems = [1, {literal}]\n",
        f"zz = {literal}\n" + text,
    ]
    assert len(set(places)) == len(places), "a sample changed: update the places above"
    return [(f"{literal[:40]!r} {index}", place) for index, place in enumerate(places)]


def test_integers_at_the_limits() -> None:
    assert_read_as_tomllib([case for literal in INTEGERS for case in with_value(literal)])


def test_floats_at_the_limits() -> None:
    assert_read_as_tomllib([case for literal in FLOATS for case in with_value(literal)])


def test_dates_datetimes_and_times() -> None:
    assert_read_as_tomllib([case for literal in DATES_AND_TIMES for case in with_value(literal)])


def test_strings_escapes_lists_and_inline_tables() -> None:
    assert_read_as_tomllib([case for literal in STRINGS for case in with_value(literal)])


def test_control_characters_surrogates_and_marks_in_each_place() -> None:
    cases = []
    for char in CONTROL_CHARACTERS:
        for context in CONTROL_CONTEXTS:
            cases.append((f"{char!r} in {context}", f"a = {context.format(char)}\n"))
        cases += [(f"{char!r} in a key", f"x{char}y = 1"), (f"{char!r} quoted in a key",
                  f'"x{char}y" = 1'), (f"{char!r} at the start", f"{char}a = 1"),
                  (f"{char!r} between", f"a = 1{char}\nb = 2")]
    assert_read_as_tomllib(cases)


# --- documents: keys given twice, tables redefined, deep, huge -----------------------------

DOCUMENTS = [
    "a = 1\na = 2", '"a" = 1\na = 2', "a = 1\n'a' = 2", "a.b = 1\na.b = 2", "a = 1\na.b = 2",
    "[a]\nb = 1\n[a]", "[a]\n[a]", "a.b = 1\n[a.b]\nc = 1", "a.b = 1\n[a]\nc = 1",
    "[a.b]\nc = 1\n[a]\nb = 2", "[a.b]\nc = 1\n[a]\nb.d = 2", "[a]\nb.c = 1\n[a.b]\nd = 1",
    "a = {b = 1}\n[a.c]", "a = {}\na.b = 1", "a = {b = 1}\na.c = 2", "[[a]]\n[a]",
    "a = []\n[[a]]", "[a]\n[[a]]", "[[a]]\nb = 1\n[a.c]\nd = 2\n[[a]]\nb = 2",
    "[[a.b]]\n[a]\nc = 1", "[a.b.c]\n[a]\n[a.b]", "[x.y]\n[x]\ny.z = 1", "x.y = 1\n[x]",
    "[x]\ny.z = 1\n[x.y]", "[[a]]\n[[a.b]]\n[a.b.c]\n[[a]]", "a = [{b = 1}]\n[[a]]",
    "[a]\n[a.'b.c']\n[a.\"b.c\"]", "[ a . b ]\n[a. b]", "[a]]\n", "[[a]\n", "a=1 b=2",
    "a =", "= 1", "a = 1 # c\n# d\n\n", "\n\n\n", "# only a comment", "",
    "[sex]\nvalue = 'female'\n[[sex.x]]", "[a]\nb = 1\n\n[[a.c]]\nd = 1\n[[a.c]]\nd = 2",
    "[a.b]\n[x]\n[a.c]", "[a.b.c]\n[a.d]\n[a.b]", "[t]\nb.c = 1\na = 1\nb.d = 2",
    "x.y.z = 1\nw = 1\nx.y.q = 2", "[[a.b]]\n[x]\n[[a.b]]", "[[a.b]]\n[x]\n[a]",
    "[a.b.c]\n[x]\n[a.b.d]\n[a]", "b = 1\n[a.b]\n[x]\n[a]\nz = 1", "[a]\nq.r = 1\n[a.z]\n[a.q.s]",
    "[a.\"b\"]\n[x]\n['a']", "[ a . 'b.c' ]\n[x]\n[ \"a\" ]", "[[a]]\n[a.b]\n[[a]]\n[a.b]",
    "x = [\n[1],\n]\n[1.a]\n[y]\n[1]", "[a.b]\nc = 1\n[a]\nd = 2",
]


def nested(depth: int) -> list[tuple[str, str]]:
    # Away from tomllib's own limit (which depends on how deep the caller is: some 330 inline
    # tables or 500 lists when called at the top), except at 1,000 and 5,000, far past it.
    return [
        (f"{depth} lists", "a = " + "[" * depth + "]" * depth),
        (f"{depth} inline tables", "a = " + "{b = " * depth + "1" + "}" * depth),
        (f"{depth} parts of a key", ".".join(["k"] * depth) + " = 1"),
        (f"{depth} parts of a table", "[" + ".".join(["k"] * depth) + "]\nx = 1"),
    ]


def test_documents_that_redefine_tables_or_repeat_keys() -> None:
    cases = [(repr(doc), doc) for doc in DOCUMENTS]
    cases += [(f"{doc!r} after a sample", SAMPLE_TEXTS[1] + "\n" + doc) for doc in DOCUMENTS]
    assert_read_as_tomllib(cases)


def test_deep_nesting() -> None:
    cases = [case for depth in (1, 10, 50, 79, 80, 81, 100, 200) for case in nested(depth)]
    cases += [(f"{depth} lists and tables", "a = " + "[{b = " * depth + "1" + "}]" * depth)
              for depth in (10, 40, 41, 60)]
    cases += [case for depth in (1000, 5000) for case in nested(depth)[:2]]
    cases += [("arrays of tables 80 deep", "".join(
        "[[" + ".".join(["k"] * (i + 1)) + "]]\n" for i in range(80)))]
    assert_read_as_tomllib(cases)


# --- generated patients ---------------------------------------------------------------------

def test_generated_patients() -> None:
    bases = [(f"sample{index}", data, 1) for index, data in enumerate(SAMPLE_DATA)]
    made = generate(bases, 150, seed=15, accept=lambda data: True)
    assert len(made) == 150
    texts = [(g.name, tomli_w.dumps(g.data)) for g in made]
    texts += [(f"{g.name} multi-line", tomli_w.dumps(g.data, multiline_strings=True))
              for g in made[:30]]
    assert all(toml_parse.reads_with_rtoml(text) for _, text in texts[:150])
    assert_read_as_tomllib(texts)


@EXAMPLES
@given(hostile_text_patient(), st.booleans())
def test_hostile_text_patients(data: dict[str, Any], multiline: bool) -> None:
    text = tomli_w.dumps(data, multiline_strings=multiline)
    assert problems(text) == []


@EXAMPLES
@given(huge_number_sample())
def test_huge_number_patients(sample: tuple[bytes, list[str]]) -> None:
    assert problems(sample[0].decode("utf-8")) == []


@EXAMPLES
@given(edge_dated_sample())
def test_edge_dated_patients(sample: Any) -> None:
    assert problems(sample.raw.decode("utf-8")) == []


# --- random edits of the samples ------------------------------------------------------------

PIECES = ["{", "}", "[", "]", ",", "\n", "\r\n", "\r", '"', "'", '"""', "'''", "#", "=", ".",
          ":", "\\", "\\e", "\\x41", "\\u00e9", "\ufeff", "\x00", "\x1b", "\x7f", "\t", " ",
          "inf", "nan", "-", "+", "_", "e", "1e400", "07:32", "T07:32:00Z", "0", "9", "z"]


@st.composite
def edited_sample(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SAMPLE_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "insert", "delete", "line"]))
        if edit == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 5)):]
        else:  # a line given twice
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            line = text[start:end if end >= 0 else len(text)]
            text = text[:start] + line + "\n" + text[start:]
    return text


@settings(EXAMPLES, max_examples=400)
@given(edited_sample())
def test_randomly_edited_samples(text: str) -> None:
    assert problems(text) == []


# --- TOML from its grammar ------------------------------------------------------------------

SIGN = st.sampled_from(["", "", "+", "-"])
DIGITS = st.one_of(st.text("0123456789", min_size=1, max_size=30),
                   st.text("0123456789_", min_size=1, max_size=12))
INTEGER = st.one_of(
    st.integers(-(2**130), 2**130).map(str),
    st.builds(str.__add__, SIGN, DIGITS),
    st.builds(lambda prefix, n: prefix + format(n, {"0x": "x", "0o": "o", "0b": "b"}[prefix]),
              st.sampled_from(["0x", "0o", "0b"]), st.integers(0, 2**130)),
)
FLOAT = st.one_of(
    st.floats().map(repr),
    st.builds(lambda sign, whole, fraction, exponent: sign + whole + fraction + exponent,
              SIGN, DIGITS, st.one_of(st.just(""), DIGITS.map(".".__add__)),
              st.one_of(st.just(""), st.builds(lambda e, s, d: e + s + d,
                                               st.sampled_from("eE"), SIGN, DIGITS))),
    st.builds(str.__add__, SIGN, st.sampled_from(["inf", "nan", "Inf", "NaN", "infinity"])),
)
TWO = st.integers(0, 99).map("{:02d}".format)
DATE = st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 9999),
                 st.integers(0, 13), st.integers(0, 32))
TIME = st.builds(lambda h, m, s, frac: f"{h}:{m}{s}{frac}", TWO, TWO,
                 st.one_of(st.just(""), TWO.map(":".__add__)),
                 st.one_of(st.just(""), st.text("0123456789", max_size=12).map(".".__add__)))
OFFSET = st.one_of(st.sampled_from(["", "Z", "z"]),
                   st.builds(lambda s, h, m: f"{s}{h}:{m}", st.sampled_from("+-"), TWO, TWO))
DATETIME = st.builds(lambda d, sep, t, o: d + sep + t + o, DATE, st.sampled_from(["T", "t", " "]),
                     TIME, OFFSET)
ESCAPES = ["\\n", "\\t", '\\"', "\\\\", "\\e", "\\x41", "\\x0", "\\u00e9", "\\uD800",
           "\\U0001F600", "\\U00110000", "\\/", "\\ ", "\\\n"]
CHAR = st.one_of(st.characters(codec="utf-8", exclude_characters="\\\"'\n"),
                 st.sampled_from(["\n", "\r\n", "\r", "\t", "\x00", "\x1b", "\x7f", "\ufeff",
                                  '"', "'", "#", "{", "}", ":", "\ud800"]))
CONTENT = st.lists(st.one_of(CHAR, CHAR, st.sampled_from(ESCAPES)), max_size=8).map("".join)
STRING = st.one_of(
    CONTENT.map(lambda c: f'"{c}"'), CONTENT.map(lambda c: f"'{c}'"),
    st.builds(lambda c, q: f'"""{c}"""{q}', CONTENT, st.sampled_from(["", '"', '""'])),
    st.builds(lambda c, q: f"'''{c}'''{q}", CONTENT, st.sampled_from(["", "'", "''"])),
)
KEY_PART = st.one_of(st.sampled_from(["a", "b", "c", "1", "a-b", "_", '"a"', "'b'", '""']),
                     STRING.filter(lambda s: "\n" not in s and not s.startswith(('"""', "'''"))))
KEY = st.lists(KEY_PART, min_size=1, max_size=3).map(".".join)
GAP = st.sampled_from(["", " ", "\n", "\n  ", " # c\n", "\r\n"])
SCALAR = st.one_of(INTEGER, FLOAT, DATE, TIME, DATETIME, STRING, st.sampled_from(
    ["true", "false", "True"]))


def _array(items: list[str], gaps: list[str], trailing: str) -> str:
    return "[" + ",".join(gap + item for gap, item in zip(gaps, items, strict=False)) + \
        trailing + "]"


def _inline_table(pairs: list[tuple[str, str]], gap: str, trailing: str) -> str:
    return "{" + gap + ", ".join(f"{k} = {v}" for k, v in pairs) + trailing + "}"


VALUE = st.recursive(SCALAR, lambda inner: st.one_of(
    st.builds(_array, st.lists(inner, max_size=4), st.lists(GAP, min_size=4, max_size=4),
              st.sampled_from(["", ",", ", ", ",\n", "\n"])),
    st.builds(_inline_table, st.lists(st.tuples(KEY, inner), max_size=3),
              st.sampled_from(["", " ", "\n"]), st.sampled_from(["", " ", ",", "\n", ",\n"])),
), max_leaves=6)
LINE = st.one_of(
    st.builds(lambda k, v, c: f"{k} = {v}{c}", KEY, VALUE, st.sampled_from(["", " # note"])),
    KEY.map(lambda k: f"[{k}]"), KEY.map(lambda k: f"[[{k}]]"),
    st.sampled_from(["", "# comment", "  "]),
)
DOCUMENT = st.builds(lambda lines, newline, mark: mark + newline.join(lines),
                     st.lists(LINE, min_size=1, max_size=8), st.sampled_from(["\n", "\r\n"]),
                     st.sampled_from(["", "", "", "\ufeff"]))


@settings(EXAMPLES, max_examples=300)
@given(DOCUMENT)
def test_generated_toml(text: str) -> None:
    assert problems(text) == []


@settings(EXAMPLES, max_examples=400)
@given(st.one_of(INTEGER, FLOAT))
def test_generated_numbers(literal: str) -> None:
    assert problems(f"a = {literal}\nb = [{literal}]\nc = {{d = {literal}}}\n") == []


@cache
def _a_fast_path_float_is_read_by_rtoml() -> bool:
    return toml_parse.reads_with_rtoml("a = 0.1\n")


@settings(EXAMPLES, max_examples=400)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_reads_bit_for_bit(value: float) -> None:
    assert _a_fast_path_float_is_read_by_rtoml()
    text = f"a = {value!r}\n"
    assert raw_difference(text) is None
    assert problems(text) == []


def test_dates_of_every_day_of_leap_and_common_years() -> None:
    cases = [(f"{year}-{month:02d}-{day:02d}", f"a = {year:04d}-{month:02d}-{day:02d}\n")
             for year in (1, 1900, 2000, 2024, 2026, 2100, 9999) for month in range(1, 13)
             for day in (1, 28, 29, 30, 31, 32)]
    assert all(toml_parse.reads_with_rtoml(text) for _, text in cases)
    assert_read_as_tomllib(cases)
    assert date(2024, 2, 29) == toml_parse.loads("a = 2024-02-29")["a"]
