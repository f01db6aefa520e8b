"""The explanation view: a trial's criteria, wording and rule, optionally with one patient's
outcomes and evidence."""

from __future__ import annotations

import json
from typing import TextIO

from rich.console import Console
from rich.table import Table

from cartscreen.freshness import (
    KIND_LABELS,
    RESULT_KINDS,
    ResultKind,
    describe_windows,
    resolve_windows,
)
from cartscreen.patient import DISEASE_ABBREVIATIONS
from cartscreen.render.safe import Text, safe
from cartscreen.render.styles import (
    OUTCOME_LABEL,
    OUTCOME_STYLE,
    VERDICT_STYLE,
    output_console,
)
from cartscreen.result import RESULT_SCHEMA_VERSION, PatientResult, TrialResult, dump_python
from cartscreen.trial import LoadedTrial


def _header(trial: LoadedTrial, console: Console) -> None:
    meta = trial.trial
    console.print(Text(f"{safe(meta.id)}  {safe(meta.title)}", style="bold"))
    rows = [
        ("Sponsor", meta.sponsor + (f"; {meta.site}" if meta.site and meta.site != meta.sponsor
                                     else "")),
        ("Target", "/".join(meta.targets)),
        ("Conditions", "; ".join(meta.conditions)),
        ("Ages", meta.ages + " years"),
        ("Sex", meta.sex),
        ("Phase / status", f"{meta.phase} / {meta.status}"),
        ("Record encoded", meta.record_version),
        ("Source", meta.source),
        ("Result windows", _windows_row(meta.result_windows)),
        ("File", str(trial.path)),
    ]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(Text(label), Text(safe(value)))
    for note in meta.notes:
        grid.add_row(Text("Note"), Text(safe(note, lines=True)))
    console.print(grid)


def _windows_row(overrides: dict[ResultKind, int]) -> str:
    """The trial's validity windows: its own where it sets them, else the defaults."""
    windows = resolve_windows(RESULT_KINDS, overrides)
    own = ", ".join(KIND_LABELS[kind] for kind in overrides)
    return describe_windows(windows) + (f" (this trial's own: {own})" if own else
                                        " (the defaults)")


def render_explain(trial: LoadedTrial, result: PatientResult | None, out: TextIO,
                   width: int | None) -> None:
    console = output_console(out, width)
    _header(trial, console)
    trial_result: TrialResult | None = result.trials[0] if result else None
    if result is not None and trial_result is not None:
        console.print(Text.assemble(
            "\nPatient ", (safe(result.patient_id), "bold"),
            f" ({safe(result.file)}), screening date {result.screening_date} "
            f"(from {result.screening_date_source}): ",
            (trial_result.verdict, VERDICT_STYLE[trial_result.verdict]),
        ))
    table = Table(show_lines=True)
    table.add_column("ID", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    # Folded, not cut with an ellipsis: a long word (a URL, an escaped control character)
    # is shown whole.
    table.add_column("Registry wording", ratio=3, overflow="fold")
    table.add_column("Rule applied", ratio=2, overflow="fold")
    if trial_result is not None:
        table.add_column("Outcome", no_wrap=True)
        table.add_column("Evidence", ratio=2, overflow="fold")
    for index, item in enumerate(trial.criteria):
        criterion = item.criterion
        rule = Text(safe(item.rule()))
        if criterion.diseases:
            branch = ", ".join(DISEASE_ABBREVIATIONS[d] for d in criterion.diseases)
            rule.append(f"\n[{branch} branch]", style="dim")
        if item.windows:
            rule.append(f"\nResults current within: {item.windows_text}", style="dim")
        if criterion.note:
            rule.append(f"\nNote: {safe(criterion.note, lines=True)}", style="italic dim")
        row = [Text(safe(criterion.id)), Text(criterion.kind),
               Text(safe(criterion.text, lines=True)), rule]
        if trial_result is not None:
            found = trial_result.criteria[index]
            evidence = Text(safe(found.evidence))
            for view in found.derivations:
                evidence.append(f"\n{safe(view.instrument)} from {safe(view.source)}: "
                                f"{safe(view.arithmetic)}", style="dim")
                if view.maximum > view.total:
                    evidence.append(f" (up to {view.maximum:g} with the missing items)",
                                    style="dim")
                if view.category:
                    evidence.append(f"; {safe(view.category)}", style="dim")
                elif view.possible:
                    evidence.append("; still possible: " + safe(", ".join(view.possible)),
                                    style="dim")
            for warning in found.warnings:
                evidence.append(f"\nwarning: {safe(warning)}", style="bold yellow")
            if found.missing:
                evidence.append("\nmissing: " + safe(", ".join(found.missing)),
                                style="yellow")
            row += [Text(OUTCOME_LABEL[found.outcome], style=OUTCOME_STYLE[found.outcome]),
                    evidence]
        table.add_row(*row)
    console.print(table)


def explain_json(trial: LoadedTrial, result: PatientResult | None, out: TextIO) -> None:
    data = {
        "schema_version": RESULT_SCHEMA_VERSION,
        "trial": trial.trial.model_dump(mode="json", exclude={"criteria"}),
        "criteria": [
            {**item.criterion.model_dump(mode="json", exclude={"result_windows"}),
             "rule": item.rule(), "result_windows": dict(item.windows)}
            for item in trial.criteria
        ],
        "patient": dump_python(result) if result else None,
    }
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def render_trials(trials: list[LoadedTrial], out: TextIO, width: int | None) -> None:
    console = output_console(out, width)
    table = Table(title="Loaded trials")
    for name in ("ID", "Target", "Diseases", "Ages", "Status", "Record encoded", "Criteria",
                 "File"):
        table.add_column(name, no_wrap=name in {"ID", "Ages"})
    for trial in trials:
        meta = trial.trial
        cells = (meta.id, "/".join(meta.targets),
                 ", ".join(DISEASE_ABBREVIATIONS[d] for d in meta.diseases),
                 meta.ages, meta.status, meta.record_version, str(len(trial.criteria)),
                 trial.path.name)
        table.add_row(*(Text(safe(cell)) for cell in cells))
    console.print(table)
