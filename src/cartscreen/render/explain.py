"""The explanation view: a trial's criteria, wording and rule, optionally with one patient's
outcomes and evidence."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console, Group, RenderableType
from rich.table import Table

from cartscreen.checks.base import Outcome
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
    PROSE_FLOOR,
    VERDICT_STYLE,
    TableOrStacked,
    indented,
    labelled,
    output_console,
)
from cartscreen.result import (
    RESULT_SCHEMA_VERSION,
    CriterionResult,
    PatientResult,
    TrialResult,
    criterion_definition,
    dump_python,
)
from cartscreen.trial import BoundCriterion, LoadedTrial

if TYPE_CHECKING:
    from cartscreen.samples import Sample


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


# The outcomes a person still has to act on: what `explain` shows with ``only`` set to them.
OPEN_OUTCOMES = frozenset({Outcome.NOT_MET, Outcome.UNKNOWN, Outcome.REVIEW})

# "12 criteria met or not applicable are not shown".
_OUTCOME_WORDS = {
    Outcome.MET: "met",
    Outcome.NOT_MET: "not met",
    Outcome.UNKNOWN: "unknown",
    Outcome.REVIEW: "for review",
    Outcome.NOT_APPLICABLE: "not applicable",
}

Row = tuple[BoundCriterion, CriterionResult | None]


def _either(outcomes: Iterable[Outcome]) -> str:
    """"met or not applicable", "not met, unknown or for review" (in the order of Outcome)."""
    present = set(outcomes)
    words = [_OUTCOME_WORDS[outcome] for outcome in Outcome if outcome in present]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _split(trial: LoadedTrial, trial_result: TrialResult | None,
           only: frozenset[Outcome] | None) -> tuple[list[Row], list[CriterionResult]]:
    """The criteria to show, each with the patient's result when there is one, and the
    results that ``only`` leaves out."""
    if only is not None and trial_result is None:
        raise ValueError("only selects criteria by a patient's outcomes: give a patient")
    if trial_result is None:
        return [(item, None) for item in trial.criteria], []
    rows = list(zip(trial.criteria, trial_result.criteria, strict=True))
    if only is None:
        return list(rows), []
    return ([(item, found) for item, found in rows if found.outcome in only],
            [found for _, found in rows if found.outcome not in only])


def _not_shown(hidden: list[CriterionResult]) -> str:
    """"12 criteria met or not applicable are not shown"."""
    many = len(hidden) != 1
    return (f"{len(hidden)} criteri{'a' if many else 'on'} "
            f"{_either(found.outcome for found in hidden)} {'are' if many else 'is'} not shown")


def _rule_cell(item: BoundCriterion) -> Text:
    criterion = item.criterion
    rule = Text(safe(item.rule()))
    if criterion.diseases:
        branch = ", ".join(DISEASE_ABBREVIATIONS[d] for d in criterion.diseases)
        rule.append(f"\n[{branch} branch]", style="dim")
    if item.windows:
        rule.append(f"\nResults current within: {item.windows_text}", style="dim")
    if criterion.note:
        rule.append(f"\nNote: {safe(criterion.note, lines=True)}", style="italic dim")
    return rule


def _evidence_cell(found: CriterionResult) -> Text:
    evidence = Text(safe(found.evidence))
    for view in found.derivations:
        evidence.append(f"\n{safe(view.instrument)} from {safe(view.source)}: "
                        f"{safe(view.arithmetic)}", style="dim")
        if view.maximum > view.total:
            evidence.append(f" (up to {view.maximum:g} with the missing items)", style="dim")
        if view.category:
            evidence.append(f"; {safe(view.category)}", style="dim")
        elif view.possible:
            evidence.append("; still possible: " + safe(", ".join(view.possible)),
                            style="dim")
    for warning in found.warnings:
        evidence.append(f"\nwarning: {safe(warning)}", style="bold yellow")
    if found.missing:
        evidence.append("\nmissing: " + safe(", ".join(found.missing)), style="yellow")
    return evidence


def _outcome_cell(found: CriterionResult) -> Text:
    return Text(OUTCOME_LABEL[found.outcome], style=OUTCOME_STYLE[found.outcome])


def _criteria_table(rows: list[Row], with_patient: bool) -> Table:
    table = Table(show_lines=True)
    table.add_column("ID", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    # Folded, not cut with an ellipsis: a long word (a URL, an escaped control character)
    # is shown whole.
    table.add_column("Registry wording", overflow="fold", min_width=PROSE_FLOOR)
    table.add_column("Rule applied", overflow="fold", min_width=PROSE_FLOOR)
    if with_patient:
        table.add_column("Outcome", no_wrap=True)
        table.add_column("Evidence", overflow="fold", min_width=PROSE_FLOOR)
    for item, found in rows:
        criterion = item.criterion
        cells = [Text(safe(criterion.id)), Text(criterion.kind),
                 Text(safe(criterion.text, lines=True)), _rule_cell(item)]
        if found is not None:
            cells += [_outcome_cell(found), _evidence_cell(found)]
        table.add_row(*cells)
    return table


def _criteria_stacked(rows: list[Row]) -> Group:
    """The table of criteria, one block per criterion: its id, kind and outcome on the first
    line, then the registry wording, the rule and the evidence."""
    blocks: list[RenderableType] = []
    for item, found in rows:
        criterion = item.criterion
        heading = Text.assemble((safe(criterion.id), "bold"), f"  {criterion.kind}")
        if found is not None:
            heading.append("  ")
            heading.append_text(_outcome_cell(found))
        lines: list[tuple[str, RenderableType]] = [
            ("wording:", Text(safe(criterion.text, lines=True))), ("rule:", _rule_cell(item))]
        if found is not None:
            lines.append(("evidence:", _evidence_cell(found)))
        blocks += [Text(), heading, indented(labelled(lines))]
    return Group(*blocks)


def render_explain(trial: LoadedTrial, result: PatientResult | None, out: TextIO,
                   width: int | None, *, only: frozenset[Outcome] | None = None) -> None:
    """The trial's header and its criteria (wording, rule, notes), with the patient's
    outcome and evidence for each when ``result`` is given: a table where it fits the width,
    else one block per criterion (see :func:`cartscreen.render.styles.fit_columns`).

    ``only`` (with a patient only; ValueError without): show just the criteria whose outcome
    is in the set, e.g. :data:`OPEN_OUTCOMES`, and say how many others are not shown."""
    console = output_console(out, width)
    _header(trial, console)
    trial_result: TrialResult | None = result.trials[0] if result else None
    rows, hidden = _split(trial, trial_result, only)
    if result is not None and trial_result is not None:
        console.print(Text.assemble(
            "\nPatient ", (safe(result.patient_id), "bold"),
            f" ({safe(result.file)}), screening date {result.screening_date} "
            f"(from {result.screening_date_source}): ",
            (trial_result.verdict, VERDICT_STYLE[trial_result.verdict]),
        ))
    if rows:
        with_patient = trial_result is not None
        console.print(TableOrStacked(lambda: _criteria_table(rows, with_patient),
                                     lambda: _criteria_stacked(rows)))
    elif only is not None:
        console.print(Text(f"No criterion is {_either(only)}."))
    if hidden:
        console.print(Text(_not_shown(hidden), style="dim"))


def explain_json(trial: LoadedTrial, result: PatientResult | None, out: TextIO, *,
                 only: frozenset[Outcome] | None = None) -> None:
    """The trial, its criteria and the patient's result as one JSON document, in the shape of
    ``check --format json`` (same ``schema_version``): each of ``criteria`` is as in the
    document's ``trials``, and ``patient`` as one of its ``patients`` (without the next
    steps), its criteria holding the findings, joined to ``criteria`` by id. With ``only``
    (as in :func:`render_explain`), ``criteria`` and the patient's criteria keep just those
    whose outcome is in the set; ``only`` lists the set and ``not_shown`` counts the rest."""
    trial_result = result.trials[0] if result else None
    rows, hidden = _split(trial, trial_result, only)
    data: dict[str, Any] = {
        "schema_version": RESULT_SCHEMA_VERSION,
        "trial": trial.trial.model_dump(mode="json", exclude={"criteria"}),
        "criteria": [criterion_definition(item) for item, _ in rows],
    }
    if result is not None and trial_result is not None and only is not None:
        kept = tuple(found for _, found in rows if found is not None)
        result = dataclasses.replace(
            result, trials=(dataclasses.replace(trial_result, criteria=kept),))
    data["patient"] = dump_python(result) if result else None
    if only is not None:
        data["only"] = [outcome.value for outcome in Outcome if outcome in only]
        data["not_shown"] = len(hidden)
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


TRIALS_TITLE = "Loaded trials"
# The columns of the trials table: name, and whether it holds an id or a number (shown
# whole, never wrapped) or prose.
_TRIAL_COLUMNS = (("ID", True), ("Target", False), ("Diseases", False), ("Ages", True),
                  ("Status", False), ("Record encoded", False), ("Criteria", True),
                  ("File", True))


def _trial_cells(trial: LoadedTrial) -> tuple[str, ...]:
    meta = trial.trial
    return (meta.id, "/".join(meta.targets),
            ", ".join(DISEASE_ABBREVIATIONS[d] for d in meta.diseases),
            meta.ages, meta.status, meta.record_version, str(len(trial.criteria)),
            trial.path.name)


Columns = tuple[tuple[str, bool], ...]  # name, and whether it is shown whole (never wrapped)


Cell = str | Text  # a string is shown escaped; a Text is already safe (see render.safe)


def _cell(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(safe(cell))


def _listing_table(title: str, columns: Columns, rows: Sequence[Sequence[Cell]]) -> Table:
    table = Table(title=title)
    for name, whole in columns:
        table.add_column(name, no_wrap=whole, overflow="fold",
                         min_width=None if whole else PROSE_FLOOR)
    for row in rows:
        table.add_row(*(_cell(cell) for cell in row))
    return table


def _listing_stacked(title: str, columns: Columns, rows: Sequence[Sequence[Cell]]) -> Group:
    """A listing, one block per row: its first cell first, then a line per column."""
    blocks: list[RenderableType] = [Text(title, style="bold")]
    labels = [f"{name.lower()}:" for name, _ in columns[1:]]
    for first, *rest in rows:
        lines: list[tuple[str, RenderableType]] = [
            (label, _cell(cell)) for label, cell in zip(labels, rest, strict=True)]
        heading = _cell(first)
        heading.stylize("bold")
        blocks += [Text(), heading, indented(labelled(lines))]
    return Group(*blocks)


def listing(title: str, columns: Columns, rows: Sequence[Sequence[Cell]]) -> TableOrStacked:
    """A table where it fits, else one block per row."""
    return TableOrStacked(lambda: _listing_table(title, columns, rows),
                          lambda: _listing_stacked(title, columns, rows))


def render_trials(trials: list[LoadedTrial], out: TextIO, width: int | None) -> None:
    """The loaded trials: a table where it fits, else one block per trial."""
    console = output_console(out, width)
    console.print(listing(TRIALS_TITLE, _TRIAL_COLUMNS, [_trial_cells(t) for t in trials]))


TRIALS_SCHEMA_VERSION = 1


def trials_json(trials: list[LoadedTrial], out: TextIO) -> None:
    """The loaded trials as data: each file's metadata (criteria counted, not listed:
    `cartscreen explain ID --format json` gives them)."""
    data = [
        {**t.trial.model_dump(mode="json", exclude={"criteria", "result_windows"}),
         "ages": t.trial.ages,
         "result_windows": dict(t.trial.result_windows),
         "criteria": {"inclusion": sum(b.criterion.kind == "inclusion" for b in t.criteria),
                      "exclusion": sum(b.criterion.kind == "exclusion" for b in t.criteria)},
         "file": str(t.path)}
        for t in trials
    ]
    out.write(json.dumps({"schema_version": TRIALS_SCHEMA_VERSION, "trials": data}, indent=2,
                         ensure_ascii=False) + "\n")


_SAMPLE_COLUMNS = (("File", True), ("Disease", True), ("About", False), ("Expected", False))


def _expected(verdicts: dict[str, str]) -> str:
    """"eligible: NCT…; incomplete: NCT…", or that every trial is ineligible."""
    parts = []
    for verdict in ("eligible", "incomplete"):
        trials = sorted(t for t, v in verdicts.items() if v == verdict)
        if trials:
            parts.append(f"{verdict}: {', '.join(trials)}")
    return "; ".join(parts) or "ineligible for every trial"


def render_samples(folder: Path, samples: list[Sample], out: TextIO, width: int | None) -> None:
    """The sample patients, with the folder they are in and the verdicts each should get."""
    rows: list[tuple[str, ...]] = [
        (s.path.name, DISEASE_ABBREVIATIONS.get(s.disease, s.disease), s.about,
         _expected(s.expected)) for s in samples]
    console = output_console(out, width)
    console.print(listing("Sample patients", _SAMPLE_COLUMNS, rows))
    console.print(Text(f"\nIn {safe(str(folder))}. Each file states the verdict it should get "
                       "for every trial ([expected_verdicts]); `cartscreen check FOLDER` "
                       "screens them all."))
