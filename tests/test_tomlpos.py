"""key_line: the line where a key path is defined, for error messages."""

from __future__ import annotations

import tomllib

import pytest

from cartscreen.tomlpos import key_line, key_lines, parse_key_path

DOCUMENT = """\
# a comment with = and [brackets] and "quotes"
id = "P-1"
site.name = "ward 3"   # a dotted key
site . room = 12

[organ_function]
lvef_percent = 64
alt = { value = 35, uln = 40 }
creatinine = { value = 0.6, unit = "mg/dL" }
bilirubin = [0.6,
  0.7]

[[treatments]]
drug = "prednisone"
start = 2025-11-03

[[treatments]]
drug = "mycophenolate mofetil"
note = '''
a multi-line literal
[not_a_table]
'''
dose = 2000

[treatments.extra]
route = "oral"

[events]
infections = [
  { name = "a", onset = 2026-06-02 },
  { name = "b", onset = 2026-07-01 },
]
vaccines = [{ name = "flu", date = 2026-10-01 }]
"quoted.key" = true

[criteria.params]
min_years = 5
"""


def test_the_document_is_valid_toml() -> None:
    tomllib.loads(DOCUMENT)


@pytest.mark.parametrize(("key", "line"), [
    ("id", 2),
    ("site.name", 3),
    ("site.room", 4),
    ("site", 3),  # a table made by dotted keys: where it first appears
    ("organ_function", 6),
    ("organ_function.lvef_percent", 7),
    ("organ_function.alt", 8),
    ("organ_function.alt.uln", 8),  # inline table
    ("organ_function.creatinine.unit", 9),
    ("organ_function.bilirubin[1]", 11),  # an array over two lines
    ("treatments[0]", 13),
    ("treatments[0].start", 15),
    ("treatments[1]", 17),
    ("treatments[1].drug", 18),
    ("treatments[1].dose", 23),  # after a multi-line string holding a [header]
    ("treatments[1].extra.route", 26),  # a sub-table of the last array entry
    ("events.infections[0]", 30),
    ("events.infections[1].name", 31),
    ("events.infections[1].onset", 31),
    ("events.vaccines[0].date", 33),
    ("criteria.params.min_years", 37),
])
def test_line_of_a_key(key: str, line: int) -> None:
    assert key_line(DOCUMENT, key) == line


@pytest.mark.parametrize(("key", "line"), [
    ("organ_function.spo2_percent", 6),  # missing key: its table
    ("organ_function.alt.x_uln", 8),  # missing key of an inline table: the inline table
    ("treatments[1].start", 17),  # missing key of an array entry: that entry's header
    ("events.infections[0].resolved", 30),
    ("events.infections[7]", 29),  # an entry beyond the list: the list
    ("treatments[0].dose_unit", 13),
    ("criteria[3].params.min_years", 36),  # not an array here: the nearest defined part
])
def test_falls_back_to_the_enclosing_table_or_entry(key: str, line: int) -> None:
    assert key_line(DOCUMENT, key) == line


def test_inline_tables_over_several_lines_are_followed_too() -> None:
    # Not TOML 1.0, but the scanner is lenient: a line is still better than none.
    assert key_line("a = { b = 1,\n  c = 2 }\n", "a.c") == 2


@pytest.mark.parametrize("key", ["sex", "history.cardiac", "", "[0]"])
def test_none_when_not_even_the_first_part_is_there(key: str) -> None:
    assert key_line(DOCUMENT, key) is None


def test_quoted_keys_are_found_by_their_name() -> None:
    text = '[t]\n"a b" = 1\n\'c.d\' = 2\n'
    assert key_lines(text)[("t", "a b")] == 2
    assert key_lines(text)[("t", "c.d")] == 3


@pytest.mark.parametrize("text", [
    "", "\x00\x01", "[unclosed", 'a = "unterminated\nb = 1', "a = [1, 2", "a = {", "= 1",
    "[" * 10_000, "a = " + "[" * 100_000, "a.b.c.", "[[x]]\n[[x",
])
def test_never_raises_on_malformed_text(text: str) -> None:
    key_line(text, "a.b")
    key_line(text, "x[0].y")


def test_keeps_what_it_found_before_a_syntax_error() -> None:
    assert key_line('id = "P"\nsex = "female"\nweight_kg = \n', "sex") == 2


def test_parse_key_path() -> None:
    assert parse_key_path("treatments[2].dose") == ("treatments", 2, "dose")
    assert parse_key_path("criteria[3].params.min_years") == ("criteria", 3, "params",
                                                              "min_years")
    assert parse_key_path("a[0][1]") == ("a", 0, 1)
