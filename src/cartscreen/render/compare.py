"""`cartscreen compare` drawn: one table per topic, one row per trial."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from rich.console import Group, RenderableType

from cartscreen.checks.base import Outcome
from cartscreen.compare import Comparison, Rule
from cartscreen.patient import DISEASE_ABBREVIATIONS
from cartscreen.render.explain import Cell, Columns, listing
from cartscreen.render.safe import Text, safe
from cartscreen.render.styles import OUTCOME_LABEL, output_console
from cartscreen.result import PatientResult

NO_CRITERION = "— (no criterion on this)"


def _line(rule: Rule) -> str:
    branch = (", " + "/".join(DISEASE_ABBREVIATIONS.get(d, d) for d in rule.diseases)
              if rule.diseases else "")
    outcome = f" → {OUTCOME_LABEL[Outcome(rule.outcome)]}" if rule.outcome else ""
    return f"{rule.criterion} ({rule.kind}{branch}): {rule.rule}{outcome}"


def _lines(lines: list[str]) -> Text:
    """One cell of several lines, each escaped (a line break inside one is shown, not
    obeyed)."""
    cell = Text()
    for index, line in enumerate(lines):
        cell.append(("\n" if index else "") + safe(line))
    return cell


def render_compare(comparisons: Sequence[Comparison], patient: PatientResult | None,
                   out: TextIO, width: int | None) -> None:
    console = output_console(out, width)
    parts: list[RenderableType] = []
    if patient is not None:
        verdicts = ", ".join(f"{t.trial_id} {t.verdict}" for t in patient.trials)
        parts += [Text(f"Patient {safe(patient.patient_id)} ({safe(patient.file)}), screened "
                       f"{patient.screening_date}: {verdicts}", style="bold"), Text()]
    columns: Columns = (("Trial", True), ("Rule each criterion applies" + (
        " → the patient's outcome" if patient is not None else ""), False))
    for comparison in comparisons:
        rows: list[tuple[Cell, ...]] = [
            (row.trial, _lines([_line(r) for r in row.rules]) if row.rules else NO_CRITERION)
            for row in comparison.rows]
        parts += [listing(comparison.topic.label, columns, rows), Text()]
    console.print(Group(*parts))
