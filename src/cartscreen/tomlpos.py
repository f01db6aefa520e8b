"""Where a key is defined in TOML text: the line number for an error message.

``tomllib`` gives values, not positions, so an error found after parsing (a wrong type, a value
out of range, an unknown key) would otherwise name the key path but not the line. This module
scans the text once more, with a small lenient scanner that records the line where each key
path, table header, array-of-tables entry and array element starts. It never raises: on text it
cannot follow it returns what it found so far, and the caller prints the error without a line.

Key paths are written as in the error messages: dotted keys with 0-based list indices,
``organ_function.alt.uln``, ``treatments[2].dose``, ``criteria[3].params.min_years``.
"""

from __future__ import annotations

import bisect
import contextlib
import re

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_VALUE_END = ",]}\n#"


def parse_key_path(key: str) -> KeyPath:
    """``"treatments[2].dose"`` -> ``("treatments", 2, "dose")``."""
    parts: list[str | int] = []
    for index, name in _PATH_PART.findall(key):
        parts.append(int(index) if index else name)
    return tuple(parts)


def key_line(text: str, key: str) -> int | None:
    """1-based line where the dotted key path is defined in TOML text, falling back to the
    nearest enclosing table or array entry; None if not even the first part is found."""
    lines = key_lines(text)
    path = parse_key_path(key)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


def key_lines(text: str) -> dict[KeyPath, int]:
    """Every key path defined in the text, with the 1-based line where it starts."""
    scanner = _Scanner(text)
    # Malformed or absurdly nested text: keep what was found before the problem.
    with contextlib.suppress(IndexError, ValueError, RecursionError):
        scanner.document()
    return scanner.lines


class _Scanner:
    """Walks TOML text the way a parser does, recording positions instead of values."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[KeyPath, int] = {}
        self._newlines = [i for i, char in enumerate(text) if char == "\n"]
        # Arrays of tables seen so far (path without index) -> index of their last entry.
        self._table_arrays: dict[KeyPath, int] = {}

    # --- positions -------------------------------------------------------------------------

    def _line(self, pos: int) -> int:
        return bisect.bisect_left(self._newlines, pos) + 1

    def _record(self, path: KeyPath, pos: int, *, exact: bool) -> None:
        line = self._line(pos)
        for end in range(1, len(path)):
            self.lines.setdefault(path[:end], line)  # implicitly defined parents
        if exact:
            self.lines[path] = line
        else:
            self.lines.setdefault(path, line)

    # --- lexing ----------------------------------------------------------------------------

    def _peek(self, count: int = 1) -> str:
        return self.text[self.pos:self.pos + count]

    def _skip_blank(self, *, newlines: bool) -> None:
        """Skip spaces and comments (and newlines when asked)."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def _skip_line(self) -> None:
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end + 1

    def _key(self) -> list[str]:
        """A bare, quoted or dotted key."""
        parts: list[str] = []
        while True:
            self._skip_blank(newlines=False)
            char = self._peek()
            if char in ('"', "'"):
                parts.append(self._string_body())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    raise ValueError("not a key")
                parts.append(match.group())
                self.pos = match.end()
            self._skip_blank(newlines=False)
            if self._peek() != ".":
                return parts
            self.pos += 1

    def _string_body(self) -> str:
        """A one-line basic or literal string starting at pos; returns its raw content."""
        quote = self.text[self.pos]
        start = self.pos + 1
        pos = start
        while True:
            char = self.text[pos]
            if char == "\\" and quote == '"':
                pos += 2
                continue
            if char == quote:
                break
            if char == "\n":
                raise ValueError("unterminated string")
            pos += 1
        self.pos = pos + 1
        raw = self.text[start:pos]
        if quote == '"':  # keys are names: the two escapes they could need are enough
            raw = raw.replace('\\"', '"').replace("\\\\", "\\")
        return raw

    # --- structure -------------------------------------------------------------------------

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self._skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            start = self.pos
            if self._peek(2) == "[[":
                self.pos += 2
                table = self._table_array_header(self._key(), start)
                self._skip_line()
            elif self._peek() == "[":
                self.pos += 1
                table = self._resolve(self._key())
                self._record(table, start, exact=True)
                self._skip_line()
            else:
                parts = self._key()
                self._record(table + tuple(parts), start, exact=True)
                self._skip_blank(newlines=False)
                if self._peek() != "=":
                    raise ValueError("expected '='")
                self.pos += 1
                self._value(table + tuple(parts))

    def _resolve(self, parts: list[str]) -> KeyPath:
        """A header's key as a path: an array of tables on the way means its last entry."""
        path: KeyPath = ()
        for part in parts:
            path += (part,)
            if path in self._table_arrays:
                path += (self._table_arrays[path],)
        return path

    def _table_array_header(self, parts: list[str], start: int) -> KeyPath:
        parent = self._resolve(parts[:-1])
        array = (*parent, parts[-1])
        index = self._table_arrays.get(array, -1) + 1
        self._table_arrays[array] = index
        path = (*array, index)
        self._record(path, start, exact=True)
        return path

    def _value(self, path: KeyPath) -> None:
        self._skip_blank(newlines=False)
        if self._peek(3) in ('"""', "'''"):
            end = self.text.find(self._peek(3), self.pos + 3)
            if end < 0:
                raise ValueError("unterminated string")
            self.pos = end + 3
            while self._peek() == self.text[end]:  # up to two quotes may close the content
                self.pos += 1
        elif self._peek() in ('"', "'"):
            self._string_body()
        elif self._peek() == "[":
            self._array(path)
        elif self._peek() == "{":
            self._inline_table(path)
        else:
            start = self.pos
            while self.pos < len(self.text) and self.text[self.pos] not in _VALUE_END:
                self.pos += 1
            if self.pos == start:
                raise ValueError("missing value")

    def _array(self, path: KeyPath) -> None:
        self.pos += 1
        index = 0
        while True:
            self._skip_blank(newlines=True)
            if self._peek() == "]":
                self.pos += 1
                return
            if self.pos >= len(self.text):
                raise ValueError("unclosed array")
            self._record((*path, index), self.pos, exact=True)
            before = self.pos
            self._value((*path, index))
            self._skip_blank(newlines=True)
            if self._peek() == ",":
                self.pos += 1
                index += 1
            elif self._peek() != "]" or self.pos == before:
                raise ValueError("malformed array")

    def _inline_table(self, path: KeyPath) -> None:
        self.pos += 1
        while True:
            self._skip_blank(newlines=True)
            if self._peek() == "}":
                self.pos += 1
                return
            start = self.pos
            parts = self._key()
            self._record(path + tuple(parts), start, exact=True)
            self._skip_blank(newlines=False)
            if self._peek() != "=":
                raise ValueError("expected '='")
            self.pos += 1
            self._value(path + tuple(parts))
            self._skip_blank(newlines=True)
            if self._peek() == ",":
                self.pos += 1
            elif self._peek() != "}":
                raise ValueError("malformed inline table")
