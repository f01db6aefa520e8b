"""Shared wording and colours for verdicts and outcomes, and the console tables go to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO, cast

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from cartscreen.checks.base import Outcome
from cartscreen.render.safe import EncodableWriter, encodes, is_unicode, safe

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
