"""Eligibility text as sentences, the unit `cartscreen trials diff` compares, and the word diff
of a reworded sentence.

The kept registry text (``trials/registry-text/<id>.txt``, scraped from a registry page: one
line, ``<br>`` line breaks, or an indented list) and a ClinicalTrials.gov API v2 record's
``eligibilityCriteria`` (markdown: ``Inclusion Criteria:\\n\\n* …``, ``1. …``, ``\\>`` for
``>``) are read the same way, so that the same wording gives the same sentences:

1. ``<br>`` is a line break; HTML entities (``&gt;``) and markdown escapes (``\\>``) are the
   characters they stand for.
2. "Inclusion Criteria:" and "Exclusion Criteria:" (any case; ending in a colon, or alone on
   a line) open the two sections. Where one text has no such heading, sections are not
   compared (every sentence is in one section).
3. A line that starts with a list marker (a bullet ``•``, ``*``, ``-``; a number ``1.``,
   ``1)``, ``(1)``; a letter ``a)``) starts an item; any other line continues the item before
   it, since registry pages wrap lines in mid-sentence.
4. An item is cut into sentences after each ``;``, after a ``.`` that ends a sentence (a space
   and a capital letter or a bracket follow), and before a list marker written inside a line
   after ``:``, ``;`` or ``.`` (``…normal: 1. Cardiac function``).
5. A sentence loses the list markers it starts with and the ``; , . :`` it ends with, and its
   whitespace is collapsed.
6. Sentences are compared as tokens: a run of letters and digits, or any other character on
   its own. So spacing next to punctuation ("Age:5" and "Age: 5") is no change; a word is.
7. Symbols the scrape lost: in the kept text, ``=`` may stand for ``≥`` or ``≤`` and ``?`` for
   ``γ`` or a circled numeral ``①``–``⑨`` (``tests/test_trial_fidelity.py`` reads the kept
   text the same way). A kept ``=`` or ``?`` therefore matches the record's symbol; the
   other way round it does not (a kept ``≥`` against the record's ``≤`` or ``=`` is a change).
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

INCLUSION = "inclusion"
EXCLUSION = "exclusion"
NO_SECTION = ""  # a text without section headings, or the lines before the first heading

# What a symbol lost in the scrape became (see 7. above).
LOST_SYMBOLS: dict[str, str] = {"≥": "=", "≤": "=", "γ": "?",
                                **{c: "?" for c in "①②③④⑤⑥⑦⑧⑨"}}
_LOST = str.maketrans(LOST_SYMBOLS)

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# CommonMark: a backslash before ASCII punctuation writes that character.
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_HEADING = re.compile(r"(?:\bkey\s+)?\b(inclusion|exclusion)\s+criteria\s*:", re.IGNORECASE)
_HEADING_LINE = re.compile(r"^\W*(?:key\s+)?(inclusion|exclusion)\s+criteria\W*$",
                           re.IGNORECASE)
_MARKER = (r"(?:[•·▪◦●○■□➢►‣⁃]|[-*+](?=\s)|\(?\d{1,2}[a-z]?[.)](?=\s|$|[^\W\d])"
           r"|\(?[a-z]\)(?=\s)|[a-z]\.(?=\s))")
_LEADING_MARKERS = re.compile(rf"^(?:\s*{_MARKER})+\s*")
_SENTENCE_BREAK = re.compile(
    r"(?<=[;；。])"  # after a semicolon
    r"|(?<![\s(:;]\d)(?<![\s(:;]\d\d)(?<=\.)\s+(?=[A-Z(])"  # after a full stop (not "1.")
    r"|(?<=[:;.])\s+(?=\(?\d{1,2}[a-z]?[.)]\s)"  # before a list marker inside a line
)
_TRAILING = " ;,.:；。："  # stripped from a sentence's end (with str.rstrip: linear)
# A run of letters and digits, or any other character alone. The lost symbols' stand-ins
# that count as letters (γ, ①) are tokens of their own, as "?" is.
_TOKEN = re.compile(r"[^\W\u03b3\u2460-\u2468]+|\S")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Sentence:
    """One sentence of an eligibility text: its section, its text (whitespace collapsed,
    markers and closing punctuation removed) and its tokens."""

    section: str
    text: str
    tokens: tuple[str, ...]

    @cached_property
    def flat(self) -> str:
        """The sentence without whitespace, lost symbols read as the scrape wrote them: what
        :func:`flatten` makes of any text, for finding one text in another."""
        return flatten(self.text)

    @cached_property
    def key(self) -> tuple[str, ...]:
        """The tokens with every lost symbol read as its stand-in: equal for two sentences
        that may be the same (see :func:`same_wording`)."""
        return tuple(LOST_SYMBOLS.get(token, token) for token in self.tokens)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """The words of :attr:`key` (runs of letters and digits; the stand-ins of lost
        symbols are not words)."""
        return tuple(token for token in self.key if token[0].isalnum())


def readable(text: str) -> str:
    """Line breaks, HTML entities and markdown escapes as the characters they stand for."""
    return _MARKDOWN_ESCAPE.sub(r"\1", html.unescape(_BREAK.sub("\n", text)))


def flatten(text: str) -> str:
    """A :func:`readable` text without whitespace, bullets or the difference between a lost
    symbol and its stand-in: two texts that quote each other, however spaced, contain each
    other here."""
    return "".join(text.translate(_LOST).replace("•", "").replace("·", "").split())


def tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text))


def _sections(text: str) -> Iterator[tuple[str, str]]:
    """(section, text) in order: what comes before the first heading, then each section."""
    lines = []
    for line in text.split("\n"):
        heading = _HEADING_LINE.match(line)
        lines.append(f"{heading.group(1)} criteria:" if heading else line)
    parts = _HEADING.split("\n".join(lines))
    yield NO_SECTION, parts[0]
    for index in range(1, len(parts) - 1, 2):
        yield parts[index].lower(), parts[index + 1]


def _items(text: str) -> Iterator[str]:
    """The list items of a section: a line with a list marker starts one; any other line
    continues the item before it."""
    current: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        marker = _LEADING_MARKERS.match(stripped)
        if marker and marker.end() > 0:
            if current:
                yield " ".join(current)
            current = [stripped[marker.end():]]
        else:
            current.append(stripped)
    if current:
        yield " ".join(current)


def _clean(sentence: str) -> str:
    sentence = _SPACE.sub(" ", sentence).strip()
    sentence = _LEADING_MARKERS.sub("", sentence)
    return sentence.rstrip(_TRAILING)


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of an eligibility text, in order (the rules are the module's)."""
    found: list[Sentence] = []
    for section, part in _sections(readable(text)):
        for item in _items(part):
            for piece in _SENTENCE_BREAK.split(item):
                cleaned = _clean(piece)
                if any(char.isalnum() for char in cleaned):
                    found.append(Sentence(section, cleaned, tokens(cleaned)))
    return found


def without_sections(sentences: Iterable[Sentence]) -> list[Sentence]:
    return [Sentence(NO_SECTION, s.text, s.tokens) for s in sentences]


def has_sections(sentences: Iterable[Sentence]) -> bool:
    return any(s.section != NO_SECTION for s in sentences)


# --- comparing ---------------------------------------------------------------------------------


def _same_token(kept: str, record: str) -> bool:
    return kept == record or LOST_SYMBOLS.get(record) == kept


def same_wording(kept: Sentence, record: Sentence) -> bool:
    """Whether the record's sentence says what the kept one says, reading the kept text's
    ``=`` and ``?`` as the symbols the scrape lost."""
    return len(kept.tokens) == len(record.tokens) and all(
        _same_token(a, b) for a, b in zip(kept.tokens, record.tokens, strict=True))


Op = Literal["equal", "delete", "insert"]


@dataclass(frozen=True)
class WordChange:
    """A piece of a word diff: kept (equal), only in the kept text (delete) or only in the
    record (insert). ``text`` starts with a space where the words it follows were spaced."""

    op: Op
    text: str


@dataclass(frozen=True)
class WordDiff:
    changes: tuple[WordChange, ...]
    similarity: float

    def marked(self) -> str:
        """The diff as text: ``[-removed-]`` and ``{+added+}``, as ``git diff --word-diff``."""
        return "".join(space + mark.format(body) for space, mark, body in self.pieces())

    def pieces(self) -> Iterator[tuple[str, str, str]]:
        """Each change as (space before it, its marker with ``{}`` for the text, the text),
        a replacement written ``[-old-]{+new+}``, with no space between."""
        previous: Op | None = None
        for change in self.changes:
            body = change.text.lstrip(" ")
            space = change.text[:len(change.text) - len(body)]
            if change.op == "insert" and previous == "delete":
                space = ""
            mark = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}[change.op]
            yield space, mark, body
            previous = change.op


def _spaced(text: str) -> list[str]:
    """Each token of ``text`` with a space before it where the text has whitespace there."""
    return [(" " if match.start() and text[match.start() - 1].isspace() else "") + match.group()
            for match in _TOKEN.finditer(text)]


def _pieces(op: Op, spaced: list[str]) -> Iterator[WordChange]:
    if spaced:
        yield WordChange(op, "".join(spaced))


def similarity(kept: Sentence, record: Sentence) -> float:
    """How alike two sentences are: difflib's ratio on their words, 2 × words in common /
    words of both (1.0 the same words in the same order, 0.0 none in common). Punctuation and
    symbols are left out, so that a short sentence is not paired or unpaired by its commas;
    the word diff shows them."""
    return difflib.SequenceMatcher(None, kept.words, record.words, autojunk=False).ratio()


def word_diff(kept: Sentence, record: Sentence) -> WordDiff:
    """The word-level diff of two sentences, with their :func:`similarity`.

    Tokens are aligned with the lost symbols read as their stand-ins, then each aligned pair
    is checked the strict way round (a kept ``≥`` against the record's ``≤`` is a change)."""
    a, b = kept.tokens, record.tokens
    spaced_a, spaced_b = _spaced(kept.text), _spaced(record.text)
    matcher = difflib.SequenceMatcher(None, kept.key, record.key, autojunk=False)
    changes: list[WordChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            changes += _pieces("delete", spaced_a[i1:i2])
            changes += _pieces("insert", spaced_b[j1:j2])
            continue
        start = 0
        length = i2 - i1
        while start < length:
            # A run of pairs that agree, then a run that differ only by a lost symbol's reading.
            end = start
            agree = _same_token(a[i1 + start], b[j1 + start])
            while end < length and _same_token(a[i1 + end], b[j1 + end]) == agree:
                end += 1
            if agree:
                changes += _pieces("equal", spaced_b[j1 + start:j1 + end])
            else:
                changes += _pieces("delete", spaced_a[i1 + start:i1 + end])
                changes += _pieces("insert", spaced_b[j1 + start:j1 + end])
            start = end
    return WordDiff(tuple(_merged(changes)), similarity(kept, record))


def _merged(changes: list[WordChange]) -> Iterator[WordChange]:
    """Neighbouring pieces of one kind as one; deletions before insertions in a run of
    changes, so a replacement reads ``[-old-]{+new+}``."""
    run: list[WordChange] = []

    def flush() -> Iterator[WordChange]:
        for op in ("delete", "insert"):
            text = "".join(c.text for c in run if c.op == op)
            if text:
                yield WordChange(op, text)
        run.clear()

    previous: WordChange | None = None
    for change in changes:
        if change.op == "equal":
            yield from flush()
            if previous is not None and previous.op == "equal":
                previous = WordChange("equal", previous.text + change.text)
                continue
            if previous is not None:
                yield previous
            previous = change
            continue
        if previous is not None:
            yield previous
            previous = None
        run.append(change)
    if previous is not None:
        yield previous
    yield from flush()


def quick_similarity_bound(kept: Sentence, record: Sentence) -> float:
    """An upper bound of :func:`similarity` from the numbers of words alone (difflib's
    real_quick_ratio), to skip pairs that cannot reach a threshold."""
    a, b = len(kept.words), len(record.words)
    return 2 * min(a, b) / (a + b) if a + b else 1.0
