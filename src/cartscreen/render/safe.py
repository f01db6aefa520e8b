"""Text from patient and trial files, made safe to show a person.

Three rules for every human-readable output (the Rich tables of ``check``, ``explain``,
``funnel`` and ``trials``):

- **Control characters from a file are shown, never obeyed.** :func:`safe` escapes each one
  as Python writes it (ESC as the four characters ``\\x1b``, a carriage return as ``\\r``,
  U+202E RIGHT-TO-LEFT OVERRIDE as ``\\u202e``), like :func:`cartscreen.errors.one_line` does
  for stderr. A file's text is one line everywhere except a trial's registry wording and
  notes, which may span lines (``lines=True`` keeps their line feeds); the other line breaks
  in a table are our own.
- **Markup in a file is text.** A file's text enters Rich as a :class:`Text` (never as a str,
  which Rich would read for ``[bold]`` markup and ``:emoji:`` codes), and the output console
  reads no markup either way.
- **Only what the output can encode is written.** When stdout's encoding is not UTF (cp1252
  on Windows, ``PYTHONIOENCODING=ascii``), :class:`Text` lays itself out in that encoding
  before the table measures it, so columns stay aligned: common symbols are transliterated
  (``≥`` to ``>=``, ``—`` to ``-``, ``×10⁹/L`` to ``x10^9/L``), letters lose their accents,
  and what is left becomes ``?``. Rich draws its boxes in ASCII there by itself; the
  ellipsis it puts on a cell it cuts becomes a full stop (render/styles.py), and anything
  else is written through :class:`EncodableWriter`, so nothing raises
  ``UnicodeEncodeError``.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, TextIO

from rich.text import Span
from rich.text import Text as RichText

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions
    from rich.measure import Measurement
    from rich.segment import Segment
    from rich.style import StyleType


# --- control characters ----------------------------------------------------------------------


def _escape(char: str) -> str:
    return char.encode("unicode_escape").decode("ascii")


def _shown(char: str) -> str:
    # Spaces other than " " (a no-break space, say) move no cursor: shown as they are.
    if char.isprintable() or unicodedata.category(char) == "Zs":
        return char
    return _escape(char)


def safe(text: str, *, lines: bool = False) -> str:
    """``text`` from a file with every control character escaped visibly: categories Cc
    (ESC, CR, BEL, backspace, DEL, C1 controls such as CSI U+009B) and Cf (bidi overrides
    and isolates, zero-width characters), line and paragraph separators, lone surrogates
    (bytes of a file name that are not UTF-8), private-use and unassigned code points:
    whatever Python does not count as printable, spaces apart. With ``lines``, line feeds
    are kept as line breaks (a trial's registry wording and notes); otherwise they show as
    ``\\n`` too. A backslash is left as it is, so a file that holds the text ``\\x1b``
    looks the same as one holding ESC; neither drives the terminal."""
    if text.isprintable():
        return text
    if lines:
        return "\n".join(safe(line) for line in text.split("\n"))
    return "".join(_shown(char) for char in text)


def _shown_keeping_lines(char: str) -> str:
    return char if char == "\n" else _shown(char)


# --- what the output can encode --------------------------------------------------------------

# Symbols the screen's wording uses, as ASCII (their meaning kept: "≥5" must not become "5").
TRANSLITERATIONS = {
    "—": "-", "–": "-", "‐": "-", "‑": "-", "−": "-",
    "≥": ">=", "≤": "<=", "≠": "!=", "≈": "~", "±": "+/-",
    "·": "-", "•": "*", "…": "...",
    "×": "x", "÷": "/", "µ": "u", "μ": "u", "°": "deg",
    "→": "->", "←": "<-", "↔": "<->", "⇒": "=>",
    "‘": "'", "’": "'", "“": '"', "”": '"', "′": "'", "″": '"',
    "α": "alpha", "β": "beta", "γ": "gamma", "κ": "kappa", "λ": "lambda",
    "⁄": "/", "½": "1/2",
}
# A run of superscripts is an exponent: "10⁹" is "10^9" and "10¹²" is "10^12".
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-", strict=True))


def is_unicode(encoding: str | None) -> bool:
    """Whether a stream in this encoding can write any text (None: an in-memory stream)."""
    if not encoding:
        return True
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


@lru_cache(maxsize=4096)
def encodes(char: str, encoding: str) -> bool:
    """Whether ``encoding`` can write ``char``."""
    try:
        char.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _box_drawing(char: str) -> str | None:
    if not "\u2500" <= char <= "\u257f":
        return None
    name = unicodedata.name(char, "")
    return "-" if "HORIZONTAL" in name else "|" if "VERTICAL" in name else "+"


def _substitute(char: str, encoding: str, after_superscript: bool) -> str:
    """What to write for a character the encoding cannot encode."""
    if char in SUPERSCRIPTS:
        return SUPERSCRIPTS[char] if after_superscript else "^" + SUPERSCRIPTS[char]
    for candidate in (TRANSLITERATIONS.get(char), _box_drawing(char),
                      "".join(c for c in unicodedata.normalize("NFKD", char)
                              if not unicodedata.combining(c))):
        if candidate and all(encodes(c, encoding) for c in candidate):
            return candidate
    return "?"


def _encodable_pieces(text: str, encoding: str) -> list[str]:
    """Each character of ``text`` as the encoding can write it."""
    pieces: list[str] = []
    previous = ""
    for char in text:
        if encodes(char, encoding):
            pieces.append(char)
        else:
            pieces.append(_substitute(char, encoding, previous in SUPERSCRIPTS))
        previous = char
    return pieces


def encodable(text: str, encoding: str | None) -> str:
    """``text`` as ``encoding`` can write it: transliterated to ASCII where it cannot,
    ``?`` where there is nothing close; unchanged for UTF encodings."""
    if is_unicode(encoding):
        return text
    assert encoding is not None
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return "".join(_encodable_pieces(text, encoding))
    return text


class EncodableWriter:
    """A text stream that writes only what its stream's encoding can encode (see
    :func:`encodable`): the last resort for characters Rich adds itself, such as the
    ellipsis of a cut cell, so that a table never stops with ``UnicodeEncodeError``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.encoding = codecs.lookup(stream.encoding or "utf-8").name

    def write(self, text: str) -> int:
        self.stream.write(encodable(text, self.encoding))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()


# --- Text ------------------------------------------------------------------------------------


def _mapped(text: RichText, pieces: Iterable[str]) -> RichText:
    """A copy of ``text`` whose characters are replaced by ``pieces`` (one string per
    character), its styles moved with them."""
    pieces = list(pieces)
    starts = list(accumulate((len(piece) for piece in pieces), initial=0))
    copy = text.blank_copy("".join(pieces))
    copy.spans = [Span(starts[span.start], starts[min(span.end, len(pieces))], span.style)
                  for span in text.spans]
    return copy


class Text(RichText):
    """The Text every renderer in this package draws with (the modules import it in place
    of Rich's). It measures and draws itself as the console can show it: any control
    character that did not go through :func:`safe` is escaped all the same (line feeds
    apart, which may be ours), and on a console whose encoding is not UTF the characters it
    cannot encode are transliterated. Both happen before a table measures the cell, so the
    columns stay aligned."""

    @classmethod
    def assemble(cls, *parts: str | RichText | tuple[str, StyleType],
                 **options: Any) -> Text:
        text = super().assemble(*parts, **options)
        assert isinstance(text, Text)  # Rich builds it with cls
        return text

    def _for(self, console: Console) -> RichText:
        text: RichText = self
        plain = self.plain
        if not plain.replace("\n", "").isprintable():
            text = _mapped(text, map(_shown_keeping_lines, plain))
            plain = text.plain
        encoding = console.encoding
        if not is_unicode(encoding) and encodable(plain, encoding) != plain:
            text = _mapped(text, _encodable_pieces(plain, encoding))
        return text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[Segment]:
        text = self._for(console)
        if text is self:
            return super().__rich_console__(console, options)
        return text.__rich_console__(console, options)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        text = self._for(console)
        if text is self:
            return super().__rich_measure__(console, options)
        return text.__rich_measure__(console, options)
