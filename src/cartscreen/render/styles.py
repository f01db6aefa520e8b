"""Shared wording and colours for verdicts and outcomes, and the console tables go to."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console

from cartscreen.checks.base import Outcome

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
    gives the documented exit code (Rich's own handling exits 1, the --fail-on code)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def output_console(out: TextIO, width: int | None) -> Console:
    """The console every table is printed with."""
    return _OutputConsole(file=out, width=width, highlight=False, soft_wrap=False)
