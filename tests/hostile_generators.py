"""Hostile patient files and folders for the fuzz tests (tests/test_fuzz.py).

Four classes of input an adversarial review found, each as a hypothesis strategy:

- free text and ids holding control characters, terminal escape sequences, bidi overrides,
  zero-width characters, Rich markup and spreadsheet formula prefixes;
- numbers at the edges of what Python reads: integers around its 4,300-digit limit, floats
  that overflow to inf or underflow to zero;
- dates at and beyond the ends of the 1900–2199 range a patient file may hold;
- folders of regular files, named pipes, dangling links, links to files and folders, and
  links back to a folder's own ancestors (loops), with the screening they should get worked
  out by a walk of their own (:func:`expected_screening`), independent of cartscreen's.
"""

from __future__ import annotations

import copy
import os
import shutil
import stat
import tomllib
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

import tomli_w
from hypothesis import strategies as st
from pydantic import BaseModel

from cartscreen.patient import Patient
from tests_support import SAMPLES as SAMPLE_FOLDER

CANARY = "Zq7-canary-value"  # planted as a value; must never appear in an error message
SAMPLES = sorted(SAMPLE_FOLDER.glob("*.toml"))
SAMPLE_TEXTS = [path.read_text(encoding="utf-8") for path in SAMPLES]
SAMPLE_DATA = [tomllib.loads(text) for text in SAMPLE_TEXTS]


# --- walking the models and the documents ------------------------------------------------


def annotation_types(annotation: Any) -> Iterator[Any]:
    """The types inside an annotation: Optional, unions, Annotated and list unwrapped."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        for arg in get_args(annotation):
            yield from annotation_types(arg)
    elif origin is not None and getattr(annotation, "__metadata__", None) is not None:
        yield from annotation_types(get_args(annotation)[0])
    else:
        yield annotation


KeyPath = tuple[str | int, ...]


def key_paths(node: Any, prefix: KeyPath = ()) -> Iterator[KeyPath]:
    """Every key and list index in a TOML document, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from key_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from key_paths(value, (*prefix, index))


def value_at(data: dict[str, Any], path: KeyPath) -> Any:
    node: Any = data
    for part in path:
        node = node[part]
    return node


def key_text(path: KeyPath) -> str:
    """A key path as cartscreen's messages write it: ``events.vaccines[0].date``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _model_of(kind: Any) -> type[BaseModel] | None:
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def _list_item(kind: Any) -> Any | None:
    """The item type of ``list[X]`` (X unwrapped from Optional and Annotated), else None."""
    if get_origin(kind) is not list:
        return None
    return next(annotation_types(get_args(kind)[0]))


def _holds_text(model: type[BaseModel]) -> bool:
    for info in model.model_fields.values():
        for kind in annotation_types(info.annotation):
            inner = _model_of(kind) or _model_of(_list_item(kind))
            if kind is str or _list_item(kind) is str or (inner and _holds_text(inner)):
                return True
    return False


# A sample patient file, by its index (drawing the document itself would make hypothesis
# print every sample in a strategy's repr).
_SAMPLE_DOCUMENT = st.integers(0, len(SAMPLE_DATA) - 1).map(SAMPLE_DATA.__getitem__)


# --- 1. control characters, escape sequences, markup ---------------------------------------

# What would drive a terminal if an output passed it through: CSI and OSC sequences (an OSC 8
# hyperlink, a window title), the 8-bit CSI, cursor moves, the bell, and the C0 and C1 controls.
TERMINAL_SEQUENCES = [
    "\x1b[2J", "\x1b[31m", "\x1b[1A\x1b[2K", "\x1b]8;;http://x\x07", "\x1b]0;title\x07",
    "\x1b]8;;http://x\x1b\\", "\x9b31m", "\x9b2J", "\x1bP", "\x1bc", "\r", "\n", "\r\n",
    "\x08", "\x07", "\t", "\x0b", "\x0c", "\x00", "\x7f", "\x85", "\x9d", "\x1b",
]
# What reorders or hides text: bidi overrides and isolates (a "Trojan Source" id), zero-width
# characters, line and paragraph separators.
BIDI_AND_INVISIBLE = [
    "\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u061c",
    "\u2028", "\u2029",
]
# Printable text that a renderer or a spreadsheet could read as instructions.
RICH_MARKUP = ["[bold red]x[/]", "[link=http://x]y[/link]", "[/]", "[", "]", ":warning:",
               "\\[b]", "[reverse]", "%s", "{0}"]
FORMULA_STARTS = ["=", "+", "-", "@", "'", '=HYPERLINK("http://x","y")', "=1+1", "@SUM(A1)",
                  "-1", "+1", "=cmd|' /C calc'!A0"]

_PLAIN = st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S"]),
                 min_size=1, max_size=6)
_CONTROL = st.characters(categories=["Cc", "Cf", "Zl", "Zp"])
_PIECE = st.one_of(
    st.sampled_from(TERMINAL_SEQUENCES + BIDI_AND_INVISIBLE), _CONTROL,
    st.sampled_from(RICH_MARKUP + FORMULA_STARTS + [CANARY, " "]), _PLAIN,
)
HOSTILE_TEXT = st.lists(_PIECE, min_size=1, max_size=6).map("".join)
"""Text rich in controls, escape sequences, bidi overrides, markup and formula prefixes."""

_PRINTABLE_PIECE = st.one_of(st.sampled_from(RICH_MARKUP + FORMULA_STARTS + [CANARY]),
                             _PLAIN)
PRINTABLE_ID = st.lists(_PRINTABLE_PIECE, min_size=1, max_size=5).map("".join).filter(
    lambda text: len(text) <= 64 and text.strip() == text)
"""An id a patient file may hold that still looks like markup or a formula to an output."""
FORMULA_ID = st.tuples(st.sampled_from(FORMULA_STARTS), PRINTABLE_ID).map("".join).filter(
    lambda text: len(text) <= 64)
"""An id a patient file may hold that a spreadsheet would read as a formula."""

CONTROL_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def has_control(text: str) -> bool:
    """Whether text holds a control character, format character (bidi, zero width) or a line
    or paragraph separator."""
    return any(unicodedata.category(char) in CONTROL_CATEGORIES for char in text)


def refused_id(text: str) -> bool:
    """An id the patient file may not hold: a control character, or space at either end."""
    return has_control(text) or text != text.strip()


# A date for a list entry the generator adds: after every sample's birth, before screening.
ADDED_ENTRY_DATE = date(2026, 9, 1)


def _new_entry(model: type[BaseModel]) -> dict[str, Any]:
    """A list entry with its required fields only, text left to be filled."""
    entry: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if not info.is_required():
            continue
        kinds = list(annotation_types(info.annotation))
        if str in kinds:
            entry[name] = "text"
        elif date in kinds:
            entry[name] = ADDED_ENTRY_DATE
        else:  # a new required field: teach the generator what to put there
            raise AssertionError(f"{model.__name__}.{name}: no value for a required "
                                 f"{info.annotation} field")
    return entry


def _fill_text(model: type[BaseModel], data: dict[str, Any], one: Callable[[], str],
               some: Callable[[], list[str]]) -> None:
    """Put text from ``one`` in every text field of ``model`` in ``data`` (and ``some`` in
    every list of text), recursively, adding a table or a list entry where the document has
    none. The id is left alone."""
    for name, info in model.model_fields.items():
        if name == "id":
            continue
        for kind in annotation_types(info.annotation):
            table, entry = _model_of(kind), _model_of(_list_item(kind))
            if kind is str:
                data[name] = one()
            elif _list_item(kind) is str:
                data[name] = some()
            elif table is not None and _holds_text(table):
                if not isinstance(data.get(name), dict):
                    data[name] = {}
                _fill_text(table, data[name], one, some)
            elif entry is not None and _holds_text(entry):
                data[name] = data.get(name) or [_new_entry(entry)]
                for item in data[name]:
                    _fill_text(entry, item, one, some)
            else:
                continue
            break


def with_every_text(document: dict[str, Any], text: Callable[[], str]) -> dict[str, Any]:
    """A copy of a patient document whose every free-text value but the id is ``text()``."""
    data = copy.deepcopy(document)
    _fill_text(Patient, data, text, lambda: [text()])
    return data


@st.composite
def hostile_text_patient(draw: st.DrawFn,
                         ids: st.SearchStrategy[str] | None = None) -> dict[str, Any]:
    """A sample patient whose every free-text value (drug, vaccine, infection and malignancy
    names, descriptions, lists of conditions, ...) holds hostile text, with an id from
    ``ids`` (by default: hostile text half the time, else a printable id)."""
    data = copy.deepcopy(draw(_SAMPLE_DOCUMENT))
    used: set[str] = set()

    def one() -> str:
        # A text drawn twice gets a number in front: two treatment courses of one drug
        # that overlap would make the file an error, and it would not reach the engine.
        text = draw(HOSTILE_TEXT)
        if text in used:
            text = f"{len(used)}{text}"
        used.add(text)
        return text

    _fill_text(Patient, data, one, lambda: [one() for _ in range(draw(st.integers(1, 3)))])
    data["id"] = draw(ids if ids is not None else st.one_of(HOSTILE_TEXT, PRINTABLE_ID))
    return data


# --- 2. numbers Python cannot read, or reads as inf or zero ---------------------------------

# TOML literals, written into the file as they are (tomli_w cannot write an integer past
# Python's int-string limit of 4,300 digits, nor would it write 1e309 as such).
HUGE_NUMBERS = [
    "9" * 4299, "9" * 4300, "9" * 4301, "9" * 10_000, "-" + "9" * 4300, "-" + "9" * 4301,
    "1" + "0" * 4299, "+" + "1" * 4301, "_".join(["999"] * 1500),
    "1e308", "1e309", "-1e309", "1.7976931348623157e308", "1.7976931348623159e308",
    "-0.0", "5e-324", "4.9e-324", "1e-400", "-1e-400", "1" + "0" * 400 + ".5",
    "0." + "0" * 5000 + "1", "9" * 4301 + ".0", "inf", "-inf", "nan",
]


def python_cannot_read(literal: str) -> bool:
    """Whether an integer literal has more digits than Python reads (4,300)."""
    digits = literal.lstrip("+-").replace("_", "")
    return digits.isdigit() and len(digits) > 4300


def _numeric_fields(model: type[BaseModel], prefix: KeyPath = ()) -> Iterator[KeyPath]:
    """The number fields of the patient's tables (not those inside list entries)."""
    for name, info in model.model_fields.items():
        for kind in annotation_types(info.annotation):
            if kind in (int, float):
                yield (*prefix, name)
                break
            if _model_of(kind) is not None:
                yield from _numeric_fields(kind, (*prefix, name))
                break


NUMERIC_FIELDS = sorted(_numeric_fields(Patient))


def _numbers_in(data: dict[str, Any]) -> list[KeyPath]:
    return [path for path in key_paths(data)
            if type(value_at(data, path)) in (int, float)]


def _set(data: dict[str, Any], path: KeyPath, value: Any) -> None:
    node: Any = data
    for part in path[:-1]:
        if isinstance(node, dict) and not isinstance(node.get(part), dict | list):
            node[part] = {}
        node = node[part]
    node[path[-1]] = value


@st.composite
def huge_number_sample(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """A sample patient file with one to three numbers (ones it holds, or number fields of
    the model) written as huge, overflowing or underflowing literals; and those literals."""
    data = draw(_SAMPLE_DOCUMENT)
    places = sorted(set(_numbers_in(data)) | set(NUMERIC_FIELDS), key=repr)
    chosen = draw(st.lists(st.sampled_from(places), min_size=1, max_size=3, unique=True))
    return with_numbers(data, {path: draw(st.sampled_from(HUGE_NUMBERS)) for path in chosen})


def _holds(data: dict[str, Any], path: KeyPath) -> bool:
    try:
        value_at(data, path[:-1])
    except (KeyError, IndexError, TypeError):
        return False
    return True


def number_fields_in_context() -> list[tuple[dict[str, Any], KeyPath]]:
    """Every number field a sample holds or the model declares outside lists, each with the
    first sample that holds the table it belongs to (so that the rest of the file is valid
    and the rules behind the model reach the number)."""
    places = set(NUMERIC_FIELDS).union(*(_numbers_in(data) for data in SAMPLE_DATA))
    return [(next((data for data in SAMPLE_DATA if _holds(data, path)), SAMPLE_DATA[0]), path)
            for path in sorted(places, key=repr)]


def with_numbers(document: dict[str, Any],
                 literals: dict[KeyPath, str]) -> tuple[bytes, list[str]]:
    """A patient document written as TOML with number literals at the given key paths; and
    the literals."""
    data = copy.deepcopy(document)
    for index, path in enumerate(literals):
        _set(data, path, f"@@number-{index}@@")
    text = tomli_w.dumps(data)
    for index, literal in enumerate(literals.values()):
        text = text.replace(f'"@@number-{index}@@"', literal)
    return text.encode("utf-8"), list(literals.values())


# --- 3. dates at the ends of the calendar and of the range ----------------------------------

EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
EDGE_DATES = [date(1, 1, 1), date(1, 2, 1), date(1899, 12, 31), EARLIEST, LATEST,
              date(2200, 1, 1), date(9999, 12, 1), date(9999, 12, 31)]
IN_RANGE_EDGES = [EARLIEST, LATEST]
AS_OF = [None, EARLIEST, LATEST]


@dataclass(frozen=True)
class EdgeDated:
    how: str  # "each", "each in range", "all late" or "all early"
    raw: bytes
    as_of: date | None
    out_of_range: frozenset[str]  # key paths of the dates outside 1900–2199


def _date_paths(data: dict[str, Any]) -> list[KeyPath]:
    return [path for path in key_paths(data)
            if isinstance(value := value_at(data, path), date)
            and not isinstance(value, datetime)]


@st.composite
def edge_dated_sample(draw: st.DrawFn) -> EdgeDated:
    """A sample patient with its dates at the edges, screened at an --as-of (its
    screening_date left out half the time, so that --as-of or today is the screening date).

    The dates are either each kept or set to an edge (half the time only to the in-range
    edges), or all moved together, keeping their order, so that the latest lies on the last
    day of the range or the day after, or the earliest on the first day or the day before: a
    patient who loads, and whose dates the trials' windows then reach past the range from.
    """
    data = copy.deepcopy(draw(_SAMPLE_DOCUMENT))
    paths = _date_paths(data)
    how = draw(st.sampled_from(["each", "each in range", "all late", "all early"]))
    if how.startswith("each"):
        edges = IN_RANGE_EDGES if how == "each in range" else EDGE_DATES
        for path in paths:
            choice = draw(st.sampled_from([None, *edges]))
            if choice is not None:
                _set(data, path, choice)
    else:
        dates = [value_at(data, path) for path in paths]
        beyond = timedelta(days=draw(st.sampled_from([0, 1])))
        shift = (LATEST - max(dates) + beyond if how == "all late"
                 else EARLIEST - min(dates) - beyond)
        for path, day in zip(paths, dates, strict=True):
            _set(data, path, day + shift)
    if draw(st.booleans()):
        data.pop("screening_date", None)
    out_of_range = frozenset(key_text(path) for path in _date_paths(data)
                             if not EARLIEST <= value_at(data, path) <= LATEST)
    return EdgeDated(how, tomli_w.dumps(data).encode("utf-8"), draw(st.sampled_from(AS_OF)),
                     out_of_range)


# --- 4. folders of files that are not regular, and links ------------------------------------

# A folder's entries: ("sample", i) a copy of sample i; ("sample_link", i) a link to it;
# ("fifo",) a named pipe; ("dangling",) a link to nothing; ("loop", n) a link to the folder
# n levels up (0: the folder itself; clamped to the tree's top); ("outside", i) a link to
# outside folder i (in the clinic's folders only); ("folder", [entries]) a subfolder.
Entry = tuple[Any, ...]


def folder_entries(sample_count: int, *, outside: bool) -> st.SearchStrategy[list[Entry]]:
    leaves: list[st.SearchStrategy[Entry]] = [
        st.tuples(st.just("sample"), st.integers(0, sample_count - 1)),
        st.tuples(st.just("sample_link"), st.integers(0, sample_count - 1)),
        st.just(("fifo",)), st.just(("dangling",)),
        st.tuples(st.just("loop"), st.integers(0, 3)),
    ]
    if outside:
        leaves.append(st.tuples(st.just("outside"), st.integers(0, 1)))
    entry = st.recursive(
        st.one_of(leaves),
        lambda inner: st.tuples(st.just("folder"), st.lists(inner, max_size=4)),
        max_leaves=8,
    )
    return st.lists(entry, min_size=1, max_size=6)


@dataclass
class Tree:
    """A clinic folder and two folders beside it (reached only through links from it)."""

    clinic: list[Entry]
    outside: list[list[Entry]] = field(default_factory=list)


CLINIC_TREE = st.builds(Tree, folder_entries(len(SAMPLES), outside=True),
                        st.lists(folder_entries(len(SAMPLES), outside=False),
                                 min_size=2, max_size=2))


def build_tree(tree: Tree, base: Path, samples: Sequence[Path] = SAMPLES) -> Path:
    """Make the tree under ``base``; return the clinic folder. The clinic always holds one
    ordinary patient file, so that it is never a folder of nothing."""
    outside = [base / f"outside{index}" for index in range(len(tree.outside))]
    for folder, entries in zip(outside, tree.outside, strict=True):
        _build(entries, [folder], samples, outside)
    clinic = base / "clinic"
    _build([("sample", 0), *tree.clinic], [clinic], samples, outside)
    return clinic


def _build(entries: list[Entry], chain: list[Path], samples: Sequence[Path],
           outside: list[Path]) -> None:
    folder = chain[-1]
    folder.mkdir(parents=True)
    for index, entry in enumerate(entries):
        kind = entry[0]
        name = f"{kind}{index}"
        if kind == "sample":
            shutil.copyfile(samples[entry[1]], folder / f"{name}.toml")
        elif kind == "sample_link":
            (folder / f"{name}.toml").symlink_to(samples[entry[1]])
        elif kind == "fifo":
            os.mkfifo(folder / f"{name}.toml")
        elif kind == "dangling":
            (folder / f"{name}.toml").symlink_to(folder / f"nowhere{index}.toml")
        elif kind == "loop":
            up = chain[-1 - min(entry[1], len(chain) - 1)]
            (folder / name).symlink_to(up, target_is_directory=True)
        elif kind == "outside":
            (folder / name).symlink_to(outside[entry[1]], target_is_directory=True)
        else:
            _build(entry[1], [*chain, folder / name], samples, outside)


Identity = tuple[int, int]  # device and inode
Place = tuple[Identity, str]  # the folder an entry is in, and its name


@dataclass
class Expected:
    patient_files: set[Identity] = field(default_factory=set)
    problems: dict[Place, str] = field(default_factory=dict)  # "fifo", "dangling", "loop"


def identity(info: os.stat_result) -> Identity:
    return info.st_dev, info.st_ino


def place(path: Path) -> Place:
    return identity(os.stat(path.parent)), path.name


def expected_screening(top: Path) -> Expected:
    """What screening the folder ``top`` should give, worked out with os.stat: every regular
    *.toml file reachable through folders and links, once; every named pipe, dangling link
    named *.toml, and link to a folder that contains it, as a problem. A folder reached by
    two paths is searched once. (The trees :func:`build_tree` makes have no link into the
    clinic but its loops, so what is a loop does not depend on the order of the walk.)"""
    expected = Expected()
    searched = {identity(os.stat(top))}
    pending = [(top, frozenset(searched))]
    while pending:
        folder, above = pending.pop()
        here = identity(os.stat(folder))
        for name in os.listdir(folder):
            if name.startswith("."):
                continue
            path = folder / name
            try:
                info = os.stat(path)
            except FileNotFoundError:
                if os.path.islink(path) and name.endswith(".toml"):
                    expected.problems[here, name] = "dangling"
                continue
            if stat.S_ISDIR(info.st_mode):
                if identity(info) in above:
                    expected.problems[here, name] = "loop"
                elif identity(info) not in searched:
                    searched.add(identity(info))
                    pending.append((path, above | {identity(info)}))
            elif name.endswith(".toml"):
                if stat.S_ISREG(info.st_mode):
                    expected.patient_files.add(identity(info))
                elif stat.S_ISFIFO(info.st_mode):
                    expected.problems[here, name] = "fifo"
    return expected


PROBLEM_MESSAGES = {
    "fifo": "not a regular file (a named pipe)",
    "dangling": "a link to a file that does not exist",
    "loop": "a link to a folder that contains it (a loop); it was not followed",
}

