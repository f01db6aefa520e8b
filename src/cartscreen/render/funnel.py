"""The cohort attrition funnel as Rich tables (one per trial) or as JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from rich.table import Table

from cartscreen.funnel import CriterionAttrition, Funnel, TrialFunnel
from cartscreen.render.safe import Text, safe
from cartscreen.render.styles import VERDICT_STYLE, output_console

WORDING_WIDTH = 60

LEGEND = (
    "Excludes alone: patients for whom it is the only criterion not met. "
    "Unknown alone: patients with nothing not met for whom it is the only unknown, "
    "the one missing fact keeping them incomplete."
)


def short_wording(text: str, width: int = WORDING_WIDTH) -> str:
    """The registry sentence on one line, cut to ``width`` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _attrition_order(criterion: CriterionAttrition) -> tuple[int, int, int, int]:
    # Most decisive first; the sort is stable, so ties keep the trial's own order.
    return (-criterion.excludes_alone, -criterion.not_met, -criterion.unknown_alone,
            -criterion.unknown)


def _trial_heading(trial: TrialFunnel) -> Text:
    return Text.assemble(
        (safe(trial.trial_id), "bold"), f"  {safe(trial.title)}\n",
        (f"{trial.eligible} eligible", VERDICT_STYLE["eligible"]), " / ",
        (f"{trial.ineligible} ineligible", VERDICT_STYLE["ineligible"]), " / ",
        (f"{trial.incomplete} incomplete", VERDICT_STYLE["incomplete"]),
        f" of {_plural(trial.patients, 'patient')}",
        (f"\nif nothing else changes, eligible within 30 days: {trial.eligible_within_30_days}"
         f"; within 90 days: {trial.eligible_within_90_days}"
         if trial.eligible_within_90_days else ""),
    )


def trial_attrition_table(trial: TrialFunnel) -> Table | None:
    """One row per criterion that excluded or left unknown at least one patient, if any."""
    decisive = sorted((c for c in trial.criteria if c.affects_anyone), key=_attrition_order)
    if not decisive:
        return None
    table = Table(show_lines=False)
    table.add_column("ID", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    # The only column Rich may narrow; each cell stays one line, cut shorter on a narrow
    # terminal (the Text's own no_wrap wins over the column's when drawn).
    table.add_column("Registry wording")
    for name in ("Not met", "Excludes alone", "Unknown", "Unknown alone"):
        table.add_column(name, justify="right", no_wrap=True)
    for criterion in decisive:
        counts = (criterion.not_met, criterion.excludes_alone, criterion.unknown,
                  criterion.unknown_alone)
        table.add_row(
            Text(safe(criterion.id)), Text(criterion.kind),
            # Escaped first, so that a line break in the wording is folded like any other.
            Text(short_wording(safe(criterion.text, lines=True)), no_wrap=True,
                 overflow="ellipsis"),
            *(Text(str(count)) for count in counts),
        )
    return table


def render_funnel_table(funnel: Funnel, out: TextIO, width: int | None) -> None:
    console = output_console(out, width)
    summary = Text.assemble(("Cohort funnel", "bold"),
                            f": {_plural(funnel.patients, 'patient')} screened")
    if funnel.errors:
        summary.append(f"; {_plural(funnel.errors, 'input file')} could not be screened",
                       style="bold red")
    console.print(summary)
    for trial in funnel.trials:
        console.print()
        console.print(_trial_heading(trial))
        table = trial_attrition_table(trial)
        if table is not None:
            console.print(table)
        quiet = sum(1 for c in trial.criteria if not c.affects_anyone)
        if quiet:
            other = "other " if table is not None else ""
            console.print(Text(
                f"{quiet} {other}criteri{'on' if quiet == 1 else 'a'} excluded no patient "
                "and left none unknown.", style="dim",
            ))
    if funnel.actions:
        console.print()
        console.print(Text("Next steps that would decide the most incomplete results",
                           style="bold"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(overflow="fold")
        grid.add_column(justify="right", no_wrap=True)
        for action in funnel.actions:
            grid.add_row(Text(safe(action.action)), Text(
                f"{_plural(action.patients, 'patient')}, {_plural(action.results, 'result')}"))
        console.print(grid)
    if funnel.trials:
        console.print()
        console.print(Text(LEGEND, style="dim"))


def render_funnel_json(funnel: Funnel, out: TextIO) -> None:
    out.write(funnel.model_dump_json(indent=2) + "\n")


FUNNEL_RENDERERS: dict[str, Callable[[Funnel, TextIO, int | None], None]] = {
    "table": render_funnel_table,
    "json": lambda funnel, out, width: render_funnel_json(funnel, out),
}
"""Funnel output formats by name, for the CLI's ``--format``."""
