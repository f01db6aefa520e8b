"""Screening reports: a Rich table per patient, a matrix for several, and JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from cartscreen.checks.base import Outcome
from cartscreen.patient import DISEASE_ABBREVIATIONS
from cartscreen.render.styles import VERDICT_STYLE
from cartscreen.result import PatientResult, Report, TrialResult
from cartscreen.trial import LoadedTrial


def _trial_cell(result: TrialResult, trial: LoadedTrial | None) -> Text:
    text = Text(result.trial_id, style="bold")
    if trial is not None:
        meta = trial.trial
        diseases = ", ".join(DISEASE_ABBREVIATIONS[d] for d in meta.diseases)
        text.append(f"\n{'/'.join(meta.targets)} · {diseases}\nage {meta.ages}", style="dim")
    return text


def _not_met_cell(result: TrialResult) -> Text:
    lines = [f"{c.id}: {c.evidence}" for c in result.with_outcome(Outcome.NOT_MET)]
    return Text("\n".join(lines) if lines else "—")


def _unknown_cell(result: TrialResult) -> Text:
    unknown = result.with_outcome(Outcome.UNKNOWN)
    if unknown and result.verdict == "ineligible":
        # Facts that cannot change the verdict would only bury the reason it is ineligible.
        many = len(unknown) > 1
        return Text(f"{len(unknown)} criteri{'a' if many else 'on'} unknown; "
                    f"{'they' if many else 'it'} cannot change this verdict", style="dim")
    lines = [f"{c.id}: {', '.join(c.missing)}" for c in unknown]
    return Text("\n".join(lines) if lines else "—")


def patient_table(patient: PatientResult, trials: dict[str, LoadedTrial]) -> Group:
    heading = Text.assemble(
        ("Patient ", "bold"), (patient.patient_id, "bold"), f"  ({patient.file})\n",
        f"screening date {patient.screening_date} (from {patient.screening_date_source})",
    )
    table = Table(show_lines=True, expand=False)
    table.add_column("Trial", min_width=11)
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Not met (evidence)", overflow="fold", ratio=3)
    table.add_column("Unknown (missing facts)", overflow="fold", ratio=2)
    table.add_column("Review", justify="right", no_wrap=True)
    for result in patient.trials:
        review = len(result.with_outcome(Outcome.REVIEW))
        table.add_row(
            _trial_cell(result, trials.get(result.trial_id)),
            Text(result.verdict, style=VERDICT_STYLE[result.verdict]),
            _not_met_cell(result),
            _unknown_cell(result),
            str(review),
        )
    return Group(heading, table)


def matrix_table(report: Report) -> Table:
    table = Table(title="Verdicts by patient and trial", show_lines=False)
    table.add_column("Patient", no_wrap=True)
    table.add_column("File")
    trial_ids = [t.trial_id for t in report.patients[0].trials] if report.patients else []
    for trial_id in trial_ids:
        table.add_column(trial_id, no_wrap=True)
    for patient in report.patients:
        cells = [Text(t.verdict, style=VERDICT_STYLE[t.verdict]) for t in patient.trials]
        table.add_row(patient.patient_id, patient.file, *cells)
    return table


def render_table(report: Report, out: TextIO, trials: dict[str, LoadedTrial],
                 detail: bool, width: int | None) -> None:
    console = Console(file=out, width=width, highlight=False, soft_wrap=False)
    if len(report.patients) == 1 or (detail and report.patients):
        if len(report.patients) > 1:
            console.print(matrix_table(report))
            console.print()
        for index, patient in enumerate(report.patients):
            if index:
                console.print()
            console.print(patient_table(patient, trials))
        if report.patients and len(report.patients) == 1:
            console.print(Text(
                "Review items are listed by `cartscreen explain TRIAL --patient FILE`.",
                style="dim",
            ))
    elif report.patients:
        console.print(matrix_table(report))
        console.print(Text("Per-patient reasons: add --detail.", style="dim"))


def render_json(report: Report, out: TextIO, trials: dict[str, LoadedTrial],
                detail: bool, width: int | None) -> None:
    out.write(report.model_dump_json(indent=2))
    out.write("\n")


Reporter = Callable[[Report, TextIO, dict[str, LoadedTrial], bool, int | None], None]

REPORTERS: dict[str, Reporter] = {
    "table": render_table,
    "json": render_json,
}
