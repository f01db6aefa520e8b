"""Reading TOML text: with rtoml where it reads exactly as tomllib, with tomllib otherwise.

tomllib (the standard library, TOML 1.0) is the reference: its values, and its error messages
and positions for a file that fails to parse, are what users get. rtoml 0.14 (a Rust parser)
reads a patient file about ten times faster; with the checks below, ``loads`` takes ~140 µs
for a generated 4 KB patient file, against tomllib's ~670 µs.

The evidence (tests/test_toml_parsers.py: every TOML file in the repository, the generated
and hostile patients of the tests, and mutated and generated TOML): rtoml gives the same values
and types, in the same key order, or fails, except in these ways, each of which sends the text
to tomllib here:

- rtoml reads TOML 1.1, which tomllib refuses: an inline table spanning lines or ending in a
  comma, the escapes ``\\e`` and ``\\xHH``, a time or datetime without seconds;
- rtoml skips a byte-order mark at the start; tomllib refuses it;
- in a multi-line string, tomllib reads CRLF as ``\\n``, rtoml keeps ``\\r\\n``;
- an offset datetime gets rtoml's own tzinfo class (with the same offset), not
  ``datetime.timezone``;
- a table whose header follows a header inside it (``[a]`` after ``[a.b]``) comes, in its
  parent's keys, where rtoml meets the header, and where tomllib meets the first header;
- rtoml fails on what tomllib reads as inf (``1e400``), on integers outside -2**127 to
  2**128 - 1, on nesting beyond 80 levels, and on lone surrogates (which a UTF-8 file cannot
  hold); tomllib then reads the text.

So rtoml reads only a text that has no backslash (no escapes, and no escaped quote to lex),
no byte-order mark, no CRLF together with a multi-line string, table headers of bare keys each
before the headers inside its table, and, outside strings and comments, no colon (every time
and datetime has one), no inf or nan (so that ``parse_float`` sees them) and no inline table
that spans lines or ends in a comma. tomllib reads every other text, and any text rtoml fails
on; without rtoml 0.14 installed, all of them. The sample patients, and files written like
them, are rtoml's.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from typing import Any

PROVEN_RTOML = "0.14."  # the releases the evidence holds for; another is not used


def _rtoml_loads() -> Callable[[str], dict[str, Any]] | None:
    try:
        import rtoml
    except ImportError:
        return None
    return rtoml.loads if rtoml.__version__.startswith(PROVEN_RTOML) else None


_RTOML_LOADS = _rtoml_loads()

# Valid TOML is lexed exactly by these, left to right, when it holds no backslash (so no
# escaped quote): each string (a multi-line one ends at the first run of three to five quotes,
# the extra ones being its last characters), each comment.
_STRING_OR_COMMENT = re.compile(
    r'"""(?s:.*?)"{3,5}|\'\'\'(?s:.*?)\'{3,5}|"[^"\n]*"|\'[^\'\n]*\'|#[^\n]*')
# In code: a comma ending an inline table; a value inf or nan (one comes after "=", "[" or ","
# and whitespace, or after its sign, and before no letter of a key). Each is searched for on
# its own: a pattern that starts with a literal is found many times faster.
_TRAILING_COMMA = re.compile(r",[ \t]*\}")
_INF_AND_NAN = [re.compile(rf"{word}(?<=[=,\[ \t\r\n+-]{word})(?![A-Za-z0-9_-])")
                for word in ("inf", "nan")]
_ONE_LINE_INLINE_TABLE = re.compile(r"\{[^{}\n]*\}")
_RTOML_MAX_NESTING = 80
# The rest of a line that starts with "[" (a table header; or an array's item, or a line of a
# multi-line string, each taken for a header), up to the first "]".
_HEADER = re.compile(r"\n[ \t]*\[\[?([^\]\n]*)")


def reads_with_rtoml(text: str) -> bool:
    """Whether ``text`` holds none of what rtoml reads otherwise than tomllib (the module
    docstring lists it), so that rtoml reads it, or fails."""
    if "\\" in text or "\ufeff" in text:
        return False
    if "\r" in text and ('"""' in text or "'''" in text):
        return False
    if not _tables_follow_their_parents(text):
        return False
    code = _STRING_OR_COMMENT.sub("", text)
    if ":" in code or _TRAILING_COMMA.search(code):  # only times and datetimes have a colon
        return False
    if any(value.search(code) for value in _INF_AND_NAN):
        return False
    # Take out the inline tables, innermost first; rtoml refuses deeper nesting than this, and
    # a bound keeps a hostile file (a line of 100,000 nested braces) from taking a pass each.
    for _ in range(_RTOML_MAX_NESTING + 1):
        if "{" not in code and "}" not in code:
            return True
        rest = _ONE_LINE_INLINE_TABLE.sub("", code)
        if rest == code:  # one that spans lines (or braces that do not pair)
            return False
        code = rest
    return False


def _tables_follow_their_parents(text: str) -> bool:
    """Whether no table header names a table that an earlier header made implicitly (``[a]``
    after ``[a.b]``): tomllib keeps such a table where it was made, rtoml moves it to its
    header, and the key order differs. A header with a quoted key counts as one that does."""
    made: set[str] = set()
    for header in _HEADER.findall("\n" + text):
        if '"' in header or "'" in header:
            return False
        path = header.replace(" ", "").replace("\t", "")  # whitespace only around the dots
        if path in made:
            return False
        end = path.rfind(".")
        while end > 0:
            made.add(path[:end])
            end = path.rfind(".", 0, end)
    return True


def loads(text: str, *, parse_float: Callable[[str], float] = float) -> dict[str, Any]:
    """What ``tomllib.loads(text, parse_float=parse_float)`` returns, or the error it raises,
    for a ``parse_float`` that returns ``float(literal)`` (one that notes inf and nan, say):
    rtoml never reads a text holding inf or nan, nor one it would read as inf, so every
    literal that is not a finite float reaches ``parse_float``."""
    if _RTOML_LOADS is not None and reads_with_rtoml(text):
        try:
            return _RTOML_LOADS(text)
        except Exception:  # any failure: tomllib's message and position, as always
            pass
        except BaseException as exc:  # a Rust panic arrives as pyo3's PanicException
            if type(exc).__module__ != "pyo3_runtime":
                raise
    return tomllib.loads(text, parse_float=parse_float)
