"""Patient files derived from the sample patients, and the leaves of a patient file's data.

The delete-one-leaf property test (``test_delete_one_leaf.py``) needs many patients that are
eligible for some trial, or nearly so, and must find every leaf of a file's TOML data. Both live
here, apart from the property itself.

A *leaf* is a scalar value at any depth (a date, a unit, a flag, a list entry's field such as
``treatments[3].end``), an empty table or list, or a whole list of scalars
(``organ_involvement = ["lung"]``, ``myocardial_infarctions = [2025-01-01]``): one fact a
clinician could have left out. Its *path* is written as the loader and the checks write key
paths: ``events.infections[0].uncontrolled``.

Generated patients are derived deterministically (a fixed seed) from the samples: each takes a
sample and applies one to three small changes that move it across the trials' thresholds and
windows (a later or earlier screening date, a date moved by days or weeks, an age moved around
a birthday, a flag flipped, an answer another sample gives at the same key, a number nudged, an
end written "ongoing", a list entry taken from another sample or dropped, a fact left out). A
change that gives a file the loader would refuse is discarded. Nothing here knows the trials:
the caller says which samples to start from and how often.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

Step = str | int
Path = tuple[Step, ...]

SKIPPED_KEYS = ("format", "id", "expected_verdicts")
"""Top-level keys that are no patient facts: the file format, the id, the samples' answers."""


# --- leaves ----------------------------------------------------------------------------------

def path_text(path: Path) -> str:
    """``("events", "infections", 0, "onset")`` as ``events.infections[0].onset``."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else step
    return text


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(text: str) -> Path:
    """The inverse of :func:`path_text`."""
    return tuple(int(index) if index else name for name, index in _STEP.findall(text))


def _is_table_list(value: list[Any]) -> bool:
    return bool(value) and all(isinstance(item, dict) for item in value)


def leaves(data: dict[str, Any]) -> list[Path]:
    """Every leaf of a patient file's data, in file order (see the module docstring)."""
    found: list[Path] = []

    def walk(path: Path, value: Any) -> None:
        if isinstance(value, dict) and value:
            for key, inner in value.items():
                walk((*path, key), inner)
        elif isinstance(value, list) and _is_table_list(value):
            for index, inner in enumerate(value):
                walk((*path, index), inner)
        else:  # a scalar, an empty table or list, or a list of scalars
            found.append(path)

    for key, value in data.items():
        if key not in SKIPPED_KEYS:
            walk((key,), value)
    return found


MISSING = object()


def value_at(data: Any, path: Path) -> Any:
    """The value at ``path``, or :data:`MISSING` when the file does not give it."""
    node = data
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                return MISSING
        elif not isinstance(node, dict) or step not in node:
            return MISSING
        node = node[step]
    return node


def _copied_along(data: dict[str, Any], path: Path) -> tuple[dict[str, Any], Any]:
    """A copy of ``data`` in which the containers along ``path`` (all but its last step) are
    copies, so the last one can be changed; the rest is shared. Returns (copy, last container)."""
    root = dict(data)
    node: Any = root
    for step in path[:-1]:
        inner = node[step]
        inner = list(inner) if isinstance(inner, list) else dict(inner)
        node[step] = inner
        node = inner
    return root, node


def without(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """The data with the key (or list entry) at ``path`` left out; ``data`` is not changed."""
    root, parent = _copied_along(data, path)
    del parent[path[-1]]
    return root


def replaced(data: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """The data with ``value`` at ``path``; ``data`` is not changed."""
    root, parent = _copied_along(data, path)
    parent[path[-1]] = value
    return root


def without_all(data: dict[str, Any], paths: Sequence[Path]) -> dict[str, Any]:
    """The data with every leaf in ``paths`` left out at once, and every table, list or list
    entry that this empties left out too: nothing of those facts stays, not even an empty
    ``[]`` that would say "none"."""
    copied = copy.deepcopy(data)
    for path in paths:
        parent = value_at(copied, path[:-1])
        if parent is not MISSING:
            del parent[path[-1]]
    _prune(copied, data)
    return copied


def _prune(node: Any, original: Any) -> None:
    """Leave out the containers under ``node`` that are empty now but were not in
    ``original`` (the same structure before the deletions, so keys and indexes match)."""
    def emptied(value: Any, before: Any) -> bool:
        return isinstance(value, dict | list) and not value and bool(before)

    if isinstance(node, dict):
        for key in list(node):
            _prune(node[key], original[key])
            if emptied(node[key], original[key]):
                del node[key]
    elif isinstance(node, list):
        for index in reversed(range(len(node))):
            _prune(node[index], original[index])
            if emptied(node[index], original[index]):
                del node[index]


def pattern(text: str) -> re.Pattern[str]:
    """A leaf-path pattern: ``*`` is one key, ``[*]`` any list index, ``**`` anything deeper
    (``treatments[*].**``, ``diagnosis.features.*``); otherwise the path as written."""
    escaped = re.escape(text)
    escaped = escaped.replace(r"\[\*\]", r"\[\d+\]")
    escaped = escaped.replace(r"\*\*", ".+").replace(r"\*", r"[^.\[\]]+")
    return re.compile(escaped + r"\Z")


def general_path(path: Path) -> str:
    """The path with its list indexes written ``[*]``: the same fact in any entry."""
    return path_text(tuple(-1 if isinstance(step, int) else step for step in path)).replace(
        "[-1]", "[*]")


# --- generated patients ----------------------------------------------------------------------

@dataclass(frozen=True)
class Generated:
    name: str
    base: str
    changes: tuple[str, ...]
    data: dict[str, Any]


Mutation = Callable[[random.Random, dict[str, Any]], tuple[dict[str, Any], str] | None]

_PROTECTED = {"screening_date", "birth_date"}  # moved by their own mutations


class _Pool:
    """What the samples give at each general path: scalar values, and entries of lists."""

    def __init__(self, samples: Sequence[dict[str, Any]]) -> None:
        self.values: dict[str, list[Any]] = {}
        self.entries: dict[str, list[dict[str, Any]]] = {}
        for data in samples:
            for path in leaves(data):
                value = value_at(data, path)
                found = self.values.setdefault(general_path(path), [])
                if not any(_same(value, v) for v in found):
                    found.append(value)
            for path, entry in _list_entries(data):
                self.entries.setdefault(general_path(path), []).append(entry)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _list_entries(data: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Each list of tables in the file (its path) with each of its entries."""
    def walk(path: Path, value: Any) -> Iterator[tuple[Path, dict[str, Any]]]:
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from walk((*path, key), inner)
        elif isinstance(value, list) and _is_table_list(value):
            for index, entry in enumerate(value):
                yield path, entry
                yield from walk((*path, index), entry)

    for key, value in data.items():
        if key not in SKIPPED_KEYS:
            yield from walk((key,), value)


def _leaves_where(data: dict[str, Any], keep: Callable[[Path, Any], bool]) -> list[Path]:
    return [p for p in leaves(data) if keep(p, value_at(data, p))]


def _pick(rng: random.Random, paths: list[Path]) -> Path | None:
    return rng.choice(paths) if paths else None


def _later_screening(rng: random.Random, data: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    day = data.get("screening_date")
    if not isinstance(day, date):
        return None
    days = rng.choice((1, 2, 3, 5, 7, 10, 14, 21, 28, 30, 45, 60, 90, 120, 183))
    return replaced(data, ("screening_date",), day + timedelta(days=days)), \
        f"screening_date +{days} days"


def _earlier_screening(rng: random.Random, data: dict[str, Any]
                       ) -> tuple[dict[str, Any], str] | None:
    day = data.get("screening_date")
    if not isinstance(day, date):
        return None
    days = rng.choice((1, 2, 3, 4, 5, 7, 14))
    return replaced(data, ("screening_date",), day - timedelta(days=days)), \
        f"screening_date -{days} days"


def _move_date(rng: random.Random, data: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    path = _pick(rng, _leaves_where(data, lambda p, v: isinstance(v, date)
                                    and path_text(p) not in _PROTECTED))
    if path is None:
        return None
    days = rng.choice((-120, -60, -30, -14, -7, -3, -1, 1, 3, 7, 14, 30, 60, 120))
    day = value_at(data, path)
    return replaced(data, path, day + timedelta(days=days)), f"{path_text(path)} {days:+d} days"


def _move_birth(rng: random.Random, data: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    day = data.get("birth_date")
    if not isinstance(day, date):
        return None
    days = rng.choice((-1100, -400, -365, -200, -30, -1, 1, 30, 200, 365, 400, 1100))
    return replaced(data, ("birth_date",), day + timedelta(days=days)), f"birth_date {days:+d} days"


def _flip(rng: random.Random, data: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    path = _pick(rng, _leaves_where(data, lambda p, v: isinstance(v, bool)))
    if path is None:
        return None
    value = not value_at(data, path)
    return replaced(data, path, value), f"{path_text(path)} = {str(value).lower()}"


def _other_answer(pool: _Pool) -> Mutation:
    def mutate(rng: random.Random, data: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
        candidates = []
        for path in leaves(data):
            value = value_at(data, path)
            others = [v for v in pool.values.get(general_path(path), [])
                      if not _same(v, value) and not isinstance(v, date)]
            if others and path_text(path) not in _PROTECTED:
                candidates.append((path, others))
        if not candidates:
            return None
        path, others = rng.choice(candidates)
        value = rng.choice(others)
        return replaced(data, path, copy.deepcopy(value)), f"{path_text(path)} = {value!r}"
    return mutate


def _nudge(rng: random.Random, data: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    path = _pick(rng, _leaves_where(data, lambda p, v: isinstance(v, int | float)
                                    and not isinstance(v, bool) and v != 0))
    if path is None:
        return None
    value = value_at(data, path)
    factor = rng.choice((0.5, 0.7, 0.8, 0.9, 0.95, 1.05, 1.1, 1.25, 1.5, 2.0))
    nudged: int | float = round(value * factor) if isinstance(value, int) \
        else round(value * factor, 2)
    if nudged == value:
        nudged = value + (1 if factor > 1 else -1)
    return replaced(data, path, nudged), f"{path_text(path)} {value!r} -> {nudged!r}"


def _add_entry(pool: _Pool) -> Mutation:
    def mutate(rng: random.Random, data: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
        lists = [(path, entries) for path, entries in
                 ((p, pool.entries.get(general_path(p), [])) for p in _list_paths(data))
                 if entries]
        if not lists:
            return None
        path, entries = rng.choice(lists)
        entry = copy.deepcopy(rng.choice(entries))
        current = value_at(data, path)
        return replaced(data, path, [*current, entry]), \
            f"{path_text(path)} += {_entry_label(entry)}"
    return mutate


def _list_paths(data: dict[str, Any]) -> list[Path]:
    """The lists of tables the file gives (empty ones too, and nested ones)."""
    found: list[Path] = []

    def walk(path: Path, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk((*path, key), inner)
        elif isinstance(value, list) and (not value or _is_table_list(value)):
            found.append(path)
            for index, inner in enumerate(value):
                walk((*path, index), inner)

    for key, value in data.items():
        if key not in SKIPPED_KEYS:
            walk((key,), value)
    return found


def _entry_label(entry: dict[str, Any]) -> str:
    for key in ("drug", "name", "type", "target", "description"):
        if key in entry:
            return f"{{{key} = {entry[key]!r}, ...}}"
    return "{...}"


_END_KEYS = ("end", "resolved", "treatment_end", "intervention_end")


def _ongoing(rng: random.Random, data: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """An end date (or a course or study without one) written "ongoing", as the format allows."""
    targets = _leaves_where(data, lambda p, v: isinstance(p[-1], str) and p[-1] in _END_KEYS
                            and v != "ongoing")
    targets += [(*path, index, "end") for path in _list_paths(data)
                for index, entry in enumerate(value_at(data, path))
                if "start" in entry and "end" not in entry]
    path = _pick(rng, targets)
    if path is None:
        return None
    return replaced(data, path, "ongoing"), f'{path_text(path)} = "ongoing"'


def _drop_entry(rng: random.Random, data: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    entries = [(*path, index) for path in _list_paths(data)
               for index in range(len(value_at(data, path)))]
    path = _pick(rng, entries)
    if path is None:
        return None
    return without(data, path), f"{path_text(path)} left out ({_entry_label(value_at(data, path))})"


def _drop_leaf(rng: random.Random, data: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    path = _pick(rng, leaves(data))
    if path is None:
        return None
    return without(data, path), f"{path_text(path)} left out"


def generate(
    bases: Sequence[tuple[str, dict[str, Any], int]],
    count: int,
    *,
    seed: int,
    accept: Callable[[dict[str, Any]], bool],
) -> list[Generated]:
    """``count`` distinct patients derived from ``bases`` (name, data, weight: how often a base
    is drawn), each with one to three changes, each accepted by ``accept`` (the loader's rules).

    Deterministic for a given seed and bases. Gives fewer than ``count`` only if far more
    candidates than that are refused."""
    rng = random.Random(seed)
    pool = _Pool([data for _, data, _ in bases])
    weighted: list[Mutation] = [
        *[_later_screening] * 3, _earlier_screening, *[_move_date] * 4, *[_move_birth] * 2,
        *[_flip] * 4, *[_other_answer(pool)] * 4, *[_nudge] * 3, *[_add_entry(pool)] * 2,
        _ongoing, _drop_entry, _drop_leaf,
    ]
    draws = [(name, data) for name, data, weight in bases for _ in range(weight)]
    seen = {repr(data) for _, data, _ in bases}
    made: list[Generated] = []
    attempts = 0
    while len(made) < count and attempts < count * 30:
        attempts += 1
        base_name, data = rng.choice(draws)
        changes: list[str] = []
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            changed = rng.choice(weighted)(rng, data)
            if changed is not None:
                data, change = changed
                changes.append(change)
        key = repr(data)
        if not changes or key in seen or not accept(data):
            continue
        seen.add(key)
        name = f"gen{len(made):03d}-{base_name}"
        data = {**data, "id": f"GEN-{len(made):03d}"}
        data.pop("expected_verdicts", None)  # the sample's answers are not this patient's
        made.append(Generated(name, base_name, tuple(changes), data))
    return made
