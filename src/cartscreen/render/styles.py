"""Shared wording and colours for verdicts and outcomes, the console tables go to, and the
rule that decides between a table and the same facts stacked."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TextIO, cast

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table

from cartscreen.checks.base import Outcome
from cartscreen.render.safe import EncodableWriter, Text, encodes, is_unicode, safe

VERDICT_STYLE = {"eligible": "bold green", "ineligible": "bold red", "incomplete": "bold yellow"}

OUTCOME_LABEL = {
    Outcome.MET: "met",
    Outcome.NOT_MET: "not met",
    Outcome.UNKNOWN: "unknown",
    Outcome.REVIEW: "review",
    Outcome.NOT_APPLICABLE: "n/a",
}
OUTCOME_STYLE = {
    Outcome.MET: "green",
    Outcome.NOT_MET: "red",
    Outcome.UNKNOWN: "yellow",
    Outcome.REVIEW: "cyan",
    Outcome.NOT_APPLICABLE: "dim",
}


class _OutputConsole(Console):
    """A console whose broken pipe reaches the command line as a ``BrokenPipeError``, which
    gives the documented exit code (Rich's own handling exits 1, the --fail-on code), and
    which writes no control character it was given as text."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError

    def render(self, renderable: RenderableType,
               options: ConsoleOptions | None = None) -> Iterable[Segment]:
        # The renderers escape a file's text where it enters a cell (render/safe.py), so
        # that the table is measured with the escapes; this is the backstop for anything
        # that did not. Rich's own control codes (colours, cursor moves) are not text: they
        # are added when the segments are written, or travel as control segments.
        lacks_ellipsis = not encodes("…", self.encoding)
        for segment in super().render(renderable, options):
            text = segment.text
            if segment.control or text == "\n":
                yield segment
                continue
            if not text.isprintable():
                text = safe(text, lines=True)
            if lacks_ellipsis and "…" in text:
                # Rich marks a cell it cut with an ellipsis; a full stop in its place keeps
                # the columns aligned ("Recruiti."), where "..." would push the border out.
                text = text.replace("…", ".")
            yield segment if text is segment.text else Segment(text, segment.style)


def output_console(out: TextIO, width: int | None) -> Console:
    """The console every table is printed with. It reads no markup or emoji codes in text
    (a file's ``[bold]`` or ``:x:`` prints as written), and on an output whose encoding is
    not UTF it writes only characters the encoding has (see render/safe.py)."""
    if not is_unicode(getattr(out, "encoding", None)):
        out = cast(TextIO, EncodableWriter(out))
    return _OutputConsole(file=out, width=width, highlight=False, soft_wrap=False,
                          markup=False, emoji=False)


# --- a table, or the same facts stacked ---------------------------------------------

# The narrowest a column of prose (evidence, registry wording, rules, missing facts) may be
# before the table gives way to the stacked layout. Measured on the bundled trials' wording
# and rules and the sample patients' evidence (tests/test_layout.py checks it still holds):
# 97% of their words are at most 14 characters long, so a column this wide breaks about one
# word in thirty; at 10 it would break one in seven, and narrower still a cell reads a few
# letters a line. A longer word (a key path such as organ_function.dlco_percent_predicted,
# a URL) is folded onto the next line, never cut.
PROSE_FLOOR = 14
# How far the lines under a stacked block's first line are indented.
STACK_INDENT = 2


def _floor(widest: int, min_width: int | None, no_wrap: bool) -> int:
    """How narrow a column may be: as wide as its widest cell when it does not wrap (an id or
    a verdict, which are wrong once cut), else its ``min_width`` (or its widest cell, when
    that is narrower)."""
    if no_wrap:
        return widest
    return min(min_width or 1, widest)


def _widths(widest: list[int], floors: list[int], room: int) -> list[int] | None:
    """Each column's width, together at most ``room``, none below its floor (None when the
    floors do not fit). As Rich does, the widest columns give way first, down to one level,
    so that a short column keeps its width; what is left over goes one character to a
    column, from the left."""
    if sum(floors) > room:
        return None
    if sum(widest) <= room:
        return widest

    def at(level: int) -> list[int]:
        return [max(floor, min(width, level)) for width, floor in zip(widest, floors,
                                                                      strict=True)]

    level = max(widest)
    while sum(at(level)) > room:  # at level 0 every column is at its floor, which fits
        level -= 1
    widths = at(level)
    spare = room - sum(widths)
    for index, width in enumerate(widths):
        if spare and width < widest[index]:
            widths[index] += 1
            spare -= 1
    return widths


def fit_columns(table: Table, console: Console, width: int) -> bool:
    """Fix each column's width so that ``table`` is at most ``width`` wide and no column is
    narrower than it may be, and return True; return False, the table unchanged, when that
    cannot be done (the caller then shows the stacked layout).

    A column that does not wrap (ids, verdicts, counts) keeps the width of its widest cell,
    header included; a column that wraps may narrow down to its ``min_width``: the longest
    id for the trial column, :data:`PROSE_FLOOR` for prose. So the table is drawn from the
    width that is the sum of those floors, plus the cell padding and the box's vertical
    lines, and a table drawn never cuts an id nor squeezes a cell to a few letters. Where a
    table is narrower than ``width`` anyway, nothing changes.
    """
    columns = table.columns
    if not columns:
        return True
    assert not table.collapse_padding, "the padding is counted column by column"
    options = console.options.update_width(width)
    widest = []
    for column in columns:
        cells = [column.header, *column.cells] if table.show_header else list(column.cells)
        widest.append(max((Measurement.get(console, options, cell).maximum for cell in cells),
                          default=1))
    floors = [_floor(cell, column.min_width, column.no_wrap)
              for cell, column in zip(widest, columns, strict=True)]
    # What Rich adds to the cells: their padding, and a vertical line between two columns
    # and at each edge (Table._extra_width and Table._get_padding_width, Rich 13 to 15).
    _, right, _, left = table.padding
    last = len(columns) - 1
    padding = sum((left if table.pad_edge or index else 0)
                  + (right if table.pad_edge or index < last else 0)
                  for index in range(len(columns)))
    lines = (last + (2 if table.show_edge else 0)) if table.box else 0
    widths = _widths(widest, floors, width - padding - lines)
    if widths is None:
        return False
    for column, column_width in zip(columns, widths, strict=True):
        column.width = column_width
    return True


class TableOrStacked:
    """A table where it fits the width it is drawn at (see :func:`fit_columns`), else the same
    facts stacked: one block per row, each line wrapped to the width. Both are built when
    drawn, for that width."""

    def __init__(self, table: Callable[[], Table],
                 stacked: Callable[[], RenderableType]) -> None:
        self.table = table
        self.stacked = stacked

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = self.table()
        yield table if fit_columns(table, console, options.max_width) else self.stacked()


def labelled(rows: list[tuple[str, RenderableType]]) -> Table:
    """A stacked block's lines: a label, then its value, the values wrapped under one
    another ("not met: I2: diagnosis is SLE, not SSc")."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(Text(label, style="dim"), value)
    return grid


def indented(renderable: RenderableType) -> Padding:
    """The lines of a stacked block under its first line."""
    return Padding(renderable, (0, 0, 0, STACK_INDENT), expand=False)
