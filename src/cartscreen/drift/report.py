"""`cartscreen trials diff` results for people (Rich tables) and for programs (JSON).

Every string from a record (and every file name) reaches a table through
:func:`~cartscreen.render.safe.safe` as a :class:`~cartscreen.render.safe.Text`: a record is
untrusted input, so its control characters are shown escaped and its markup as written.

The JSON document (``schema_version`` 1)::

    {"schema_version": 1,
     "reworded_at": 0.6,
     "records": [
       {"file": "NCT06222853.json", "trial_id": "NCT06222853",
        "outcome": "matches" | "differs" | "error",
        "trial_file": "…/NCT06222853.toml", "baseline_file": "…/registry-text/NCT06222853.txt",
        "record_date": "2026-02-04",
        "metadata": [{"field": "maximum_age", "label": "maximum age",
                      "trial": "18 years (inclusive)", "record": null, "changed": true,
                      "criteria": ["I1"], "message": "…"}, …],
        "sentences": {"kept": 33, "record": 33, "unchanged": 32, "lost_symbol_matches": 0,
                      "sections_compared": true,
                      "changes": [{"change": "reworded", "section": "inclusion",
                                   "before": "…", "after": "…", "criteria": ["I1"],
                                   "similarity": 0.71, "word_diff": "Age:[-5-18-]{+≥5+} …",
                                   "words": [{"op": "equal", "text": "Age:"}, …]}, …]},
        "notes": ["…"],
        "error": null},
       {"file": "bad.json", "trial_id": null, "outcome": "error", …,
        "error": {"kind": "unreadable", "key": null, "message": "not JSON …; …"}}],
     "summary": {"records": 2, "matches": 0, "differs": 1, "errors": 1}}

``metadata`` lists every field compared, changed or not; ``changes`` only the sentences that
changed (``section`` is "" where sections are not compared). ``before`` is null for an added
sentence and ``after`` for a removed one; ``similarity``, ``word_diff`` and ``words`` are
null except for a reworded one. Joining the ``text`` of the ``equal`` and ``delete`` words
gives ``before``, of the ``equal`` and ``insert`` words ``after`` (spacing aside). For an
error, the comparison keys are null (``metadata`` empty); ``error.kind`` is ``unreadable``,
``no_records``, ``unknown_trial``, ``other_trial`` or ``no_baseline``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol, TextIO

from rich.console import Group, RenderableType
from rich.table import Table

from cartscreen.drift.batch import DriftProblem, DriftResult
from cartscreen.drift.compare import REWORDED_AT, Drift, FieldComparison, SentenceChange
from cartscreen.drift.sentences import WordDiff
from cartscreen.render.safe import Text, safe
from cartscreen.render.styles import (
    PROSE_FLOOR,
    TableOrStacked,
    indented,
    labelled,
    output_console,
)

SCHEMA_VERSION = 1


class Summary:
    """How many records matched, differed, or could not be compared."""

    def __init__(self) -> None:
        self.matches = self.differs = self.errors = 0

    def add(self, result: DriftResult) -> None:
        if isinstance(result, DriftProblem):
            self.errors += 1
        elif result.matches:
            self.matches += 1
        else:
            self.differs += 1

    @property
    def records(self) -> int:
        return self.matches + self.differs + self.errors

    def as_data(self) -> dict[str, int]:
        return {"records": self.records, "matches": self.matches, "differs": self.differs,
                "errors": self.errors}

    def __str__(self) -> str:
        parts = [text for count, text in (
            (self.matches, f"{self.matches} match{'es' if self.matches == 1 else ''}"),
            (self.differs, f"{self.differs} differ{'s' if self.differs == 1 else ''}"),
            (self.errors, f"{self.errors} not compared")) if count]
        noun = "record" if self.records == 1 else "records"
        return f"{self.records} {noun}: " + (", ".join(parts) or "none compared")


class Reporter(Protocol):
    def __init__(self, out: TextIO, width: int | None) -> None: ...

    def add(self, result: DriftResult) -> None: ...

    def finish(self, summary: Summary) -> None: ...


# --- JSON --------------------------------------------------------------------------------------


def _words(diff: WordDiff | None) -> list[dict[str, str]] | None:
    return None if diff is None else [{"op": c.op, "text": c.text} for c in diff.changes]


def _change_data(change: SentenceChange) -> dict[str, Any]:
    diff = change.diff
    return {"change": change.change, "section": change.section, "before": change.before,
            "after": change.after, "criteria": list(change.criteria),
            "similarity": round(diff.similarity, 4) if diff else None,
            "word_diff": diff.marked() if diff else None, "words": _words(diff)}


def _field_data(field: FieldComparison) -> dict[str, Any]:
    return {"field": field.field, "label": field.label, "trial": field.trial,
            "record": field.record, "changed": field.changed,
            "criteria": list(field.criteria), "message": field.message}


def drift_data(result: DriftResult) -> dict[str, Any]:
    """One record's entry in the JSON document."""
    if isinstance(result, DriftProblem):
        return {"file": result.file, "trial_id": result.trial_id, "outcome": "error",
                "trial_file": None, "baseline_file": None, "record_date": None,
                "metadata": [], "sentences": None, "notes": [],
                "error": {"kind": result.kind, "key": result.key, "message": result.message}}
    return {
        "file": result.record_file, "trial_id": result.trial_id,
        "outcome": "matches" if result.matches else "differs",
        "trial_file": result.trial_file, "baseline_file": result.baseline_file,
        "record_date": result.record_date.isoformat(),
        "metadata": [_field_data(f) for f in result.fields],
        "sentences": {"kept": result.kept_sentences, "record": result.record_sentences,
                      "unchanged": result.unchanged_sentences,
                      "lost_symbol_matches": result.lost_symbol_matches,
                      "sections_compared": result.sections_compared,
                      "changes": [_change_data(c) for c in result.sentences]},
        "notes": list(result.notes),
        "error": None,
    }


class JsonReporter:
    """The whole document at the end (see the module's docstring)."""

    def __init__(self, out: TextIO, width: int | None) -> None:
        self.out = out
        self.records: list[dict[str, Any]] = []

    def add(self, result: DriftResult) -> None:
        self.records.append(drift_data(result))

    def finish(self, summary: Summary) -> None:
        document = {"schema_version": SCHEMA_VERSION, "reworded_at": REWORDED_AT,
                    "records": self.records, "summary": summary.as_data()}
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        # A file name may hold bytes that are not UTF-8 (kept by Python as lone surrogates):
        # written as JSON's \udcXX escapes, which read back the same.
        self.out.write(text.encode("utf-8", "backslashreplace").decode("utf-8"))


# --- tables ------------------------------------------------------------------------------------

_CHANGE_STYLE = {"added": "green", "removed": "red", "reworded": "yellow"}
_DELETED = "red strike"
_INSERTED = "green underline"


def _diff_text(diff: WordDiff) -> Text:
    """The word diff, its markers kept for a reader without colour (``[-old-]{+new+}``)."""
    text = Text()
    styles = {"[-{}-]": _DELETED, "{{+{}+}}": _INSERTED}
    for space, mark, body in diff.pieces():
        text.append(space)
        text.append(safe(mark.format(body)), style=styles.get(mark, ""))
    return text


def _sentence_text(change: SentenceChange) -> Text:
    if change.diff is not None:
        return _diff_text(change.diff)
    if change.change == "removed":
        return Text(f"[-{safe(change.before or '')}-]", style=_DELETED)
    return Text(f"{{+{safe(change.after or '')}+}}", style=_INSERTED)


def _criteria_text(criteria: tuple[str, ...], none: str = "none") -> Text:
    return Text(", ".join(criteria)) if criteria else Text(none, style="bold")


def _field_value(field: FieldComparison, value: str | None, side: str) -> Text:
    if value is not None:
        return Text(safe(value))
    if field.field in ("minimum_age", "maximum_age"):
        return Text("none (no limit)" if side == "record" else "none")
    return Text("not stated", style="dim")


Row = tuple[Text, ...]
Columns = tuple[tuple[str, bool], ...]  # name, and whether it is shown whole


def _rows_view(columns: Columns, rows: list[Row]) -> TableOrStacked:
    def table() -> Table:
        grid = Table(show_edge=False, pad_edge=False)
        for name, whole in columns:
            grid.add_column(name, no_wrap=whole, overflow="fold",
                            min_width=None if whole else PROSE_FLOOR)
        for row in rows:
            grid.add_row(*row)
        return grid

    def stacked() -> Group:
        labels = [f"{name.lower()}:" for name, _ in columns[1:]]
        blocks: list[RenderableType] = []
        for first, *rest in rows:
            lines: list[tuple[str, RenderableType]] = [
                (label, cell) for label, cell in zip(labels, rest, strict=True) if cell.plain]
            blocks += [Text(first.plain, style="bold"), indented(labelled(lines))]
        return Group(*blocks)

    return TableOrStacked(table, stacked)


_FIELD_COLUMNS: Columns = (("Field", True), ("Trial file", False), ("Record", False),
                           ("Criteria", False))
_SENTENCE_COLUMNS: Columns = (("Change", True), ("Section", True), ("Sentence", False),
                              ("Criteria", False))


def _field_rows(fields: list[FieldComparison]) -> list[Row]:
    return [(Text(f.label), _field_value(f, f.trial, "trial"), _field_value(f, f.record, "record"),
             _criteria_text(f.criteria, "")) for f in fields]


def _sentence_rows(changes: tuple[SentenceChange, ...]) -> list[Row]:
    return [(Text(c.change, style=_CHANGE_STYLE[c.change]), Text(c.section or "-"),
             _sentence_text(c), _criteria_text(c.criteria)) for c in changes]


def _counts(drift: Drift) -> str:
    changed = {kind: sum(c.change == kind for c in drift.sentences)
               for kind in ("reworded", "removed", "added")}
    told = "".join(f", {count} {kind}" for kind, count in changed.items() if count)
    return (f"Eligibility sentences: {drift.kept_sentences} in the kept text, "
            f"{drift.record_sentences} in the record: {drift.unchanged_sentences} unchanged"
            f"{told}")


def _advice(drift: Drift) -> list[str]:
    """What the trial's author should do, in the order they would do it."""
    lines = []
    unquoted = [c for c in drift.sentences if c.change == "added" and not c.criteria]
    if unquoted:
        lines.append(f"{len(unquoted)} added sentence{' is' if len(unquoted) == 1 else 's are'}"
                     " quoted by no criterion: the screen does not apply "
                     f"{'it' if len(unquoted) == 1 else 'them'}.")
    quoted = list(dict.fromkeys(
        [c for field in drift.fields if field.changed for c in field.criteria]
        + [c for change in drift.sentences if change.change != "added" for c in change.criteria]))
    if quoted:
        lines.append(f"Criteria to review against the record: {', '.join(quoted)}.")
    lines.append(f"To encode this record: update {drift.trial_file} (its criteria and metadata), "
                 f"save the record's eligibility text as {drift.baseline_file}, set "
                 f"record_version to name it (\"updated {drift.record_date.isoformat()}\"), then "
                 "run cartscreen trials validate, and diff again.")
    return lines


def _heading(drift_or_problem: DriftResult) -> Text:
    if isinstance(drift_or_problem, DriftProblem):
        trial = f"{drift_or_problem.trial_id}  " if drift_or_problem.trial_id else ""
        return Text.assemble((trial, "bold"), ("not compared", "bold magenta"),
                             f"  {safe(drift_or_problem.file)}")
    verdict = "matches" if drift_or_problem.matches else "differs"
    return Text.assemble((drift_or_problem.trial_id, "bold"), "  ",
                         (verdict, "bold green" if drift_or_problem.matches else "bold red"),
                         f"  {safe(drift_or_problem.record_file)}")


def drift_view(drift: Drift) -> Group:
    """One record against its trial: the heading, then (when it differs) the fields and
    sentences that changed and what to do."""
    parts: list[RenderableType] = [_heading(drift)]
    if drift.matches:
        parts.append(indented(Text(
            f"record updated {drift.record_date.isoformat()}: ages, sex, status, conditions "
            f"and all {drift.unchanged_sentences} eligibility sentences are as encoded")))
    else:
        parts.append(indented(Text(
            f"record updated {drift.record_date.isoformat()}; trial file "
            f"{safe(drift.trial_file)}; kept text {safe(drift.baseline_file)}", style="dim")))
        changed = [f for f in drift.fields if f.changed]
        if changed:
            parts += [Text(), _rows_view(_FIELD_COLUMNS, _field_rows(changed))]
        parts += [Text(), Text(_counts(drift))]
        if drift.sentences:
            parts.append(_rows_view(_SENTENCE_COLUMNS, _sentence_rows(drift.sentences)))
        parts += [Text(), *(Text(line) for line in _advice(drift))]
    parts += [indented(Text(f"Note: {safe(note)}", style="dim")) for note in drift.notes]
    return Group(*parts)


def problem_view(problem: DriftProblem) -> Group:
    return Group(_heading(problem), indented(Text(safe(problem.message))))


class TableReporter:
    """Each record as it is compared: a heading line, then what changed."""

    def __init__(self, out: TextIO, width: int | None) -> None:
        self.console = output_console(out, width)
        self.first = True

    def add(self, result: DriftResult) -> None:
        if not self.first:
            self.console.print()
        self.first = False
        self.console.print(problem_view(result) if isinstance(result, DriftProblem)
                           else drift_view(result))

    def finish(self, summary: Summary) -> None:
        """Nothing more: the summary goes to stderr."""


REPORTERS: dict[str, Callable[[TextIO, int | None], Reporter]] = {
    "table": TableReporter, "json": JsonReporter}
