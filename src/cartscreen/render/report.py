"""Screening reports, chosen by name: Rich tables, JSON, JSON Lines and CSV.

A reporter's ``prepare`` turns one patient's result into what the reporter writes; it runs
where the patient was screened (a worker process in a large batch), so only rendered text
travels back. The reporter then receives those payloads one at a time (``patient``), input
problems (``error``), then ``finish``. The machine formats stream as they go; the tables,
which a person reads, are drawn at the end.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table

from cartscreen.actions import NextSteps, next_steps
from cartscreen.checks.base import NOT_MET, REVIEW, UNKNOWN
from cartscreen.patient import DISEASE_ABBREVIATIONS
from cartscreen.render.safe import Text, safe
from cartscreen.render.styles import (
    PROSE_FLOOR,
    STACK_INDENT,
    VERDICT_STYLE,
    TableOrStacked,
    indented,
    labelled,
    output_console,
)
from cartscreen.result import (
    RESULT_SCHEMA_VERSION,
    InputProblem,
    PatientResult,
    TrialResult,
    dump_python,
    trial_definition,
)
from cartscreen.trial import LoadedTrial


@dataclass(frozen=True)
class ReportOptions:
    trials: dict[str, LoadedTrial]
    detail: bool = False
    width: int | None = None
    screened: tuple[str, ...] = ()  # the ids of the trials every patient is screened against


class Reporter(Protocol):
    def __init__(self, out: TextIO, options: ReportOptions) -> None: ...
    @staticmethod
    def prepare(result: PatientResult) -> Any: ...
    def patient(self, payload: Any) -> None: ...
    def error(self, problem: InputProblem) -> None: ...
    def finish(self) -> None: ...


# --- table -------------------------------------------------------------------------------

PAIR_GAP = 2  # between two "TRIAL: verdict" pairs on a line of the stacked matrix


def _trial_meta(trial: LoadedTrial) -> str:
    """"CD19 · SLE": the trial's targets and diseases."""
    meta = trial.trial
    diseases = ", ".join(DISEASE_ABBREVIATIONS[d] for d in meta.diseases)
    return f"{safe('/'.join(meta.targets))} · {diseases}"


def _trial_cell(result: TrialResult, trial: LoadedTrial | None) -> Text:
    text = Text(safe(result.trial_id), style="bold")
    if trial is not None:
        text.append(f"\n{_trial_meta(trial)}\nage {trial.trial.ages}", style="dim")
    return text


def _verdict_cell(result: TrialResult) -> Text:
    text = Text(result.verdict, style=VERDICT_STYLE[result.verdict])
    if result.forecast is not None:
        text.append(f"\n{result.forecast.verdict} from\n{result.forecast.on}", style="dim")
    return text


def _not_met_cell(result: TrialResult) -> Text:
    lines = [f"{safe(c.id)}: {safe(c.evidence)}" for c in result.with_outcome(NOT_MET)]
    return Text("\n".join(lines) if lines else "—")


def _unknown_cell(result: TrialResult) -> Text:
    unknown = result.with_outcome(UNKNOWN)
    if unknown and result.verdict == "ineligible":
        # Facts that cannot change the verdict would only bury the reason it is ineligible.
        many = len(unknown) > 1
        return Text(f"{len(unknown)} criteri{'a' if many else 'on'} unknown; "
                    f"{'they' if many else 'it'} cannot change this verdict", style="dim")
    lines = [f"{safe(c.id)}: {safe(', '.join(c.missing))}" for c in unknown]
    return Text("\n".join(lines) if lines else "—")


def _longest(ids: Iterable[str]) -> int:
    """The width of the longest id, as shown: no column holding ids is narrower."""
    return max((cell_len(safe(i)) for i in ids), default=1)


def _trials_table(patient: PatientResult, trials: dict[str, LoadedTrial]) -> Table:
    table = Table(show_lines=True, expand=False)
    table.add_column("Trial", min_width=_longest(t.trial_id for t in patient.trials))
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Not met (evidence)", overflow="fold", min_width=PROSE_FLOOR)
    table.add_column("Unknown (missing facts)", overflow="fold", min_width=PROSE_FLOOR)
    table.add_column("Review", justify="right", no_wrap=True)
    for result in patient.trials:
        review = len(result.with_outcome(REVIEW))
        table.add_row(
            _trial_cell(result, trials.get(result.trial_id)),
            _verdict_cell(result),
            _not_met_cell(result),
            _unknown_cell(result),
            Text(str(review)),
        )
    return table


def _trials_stacked(patient: PatientResult, trials: dict[str, LoadedTrial]) -> Group:
    """The table of :func:`patient_table`, one block per trial: the trial and its verdict
    on the first line, then what was not met, what is unknown and the review count."""
    blocks: list[RenderableType] = []
    for result in patient.trials:
        heading = Text.assemble((safe(result.trial_id), "bold"), "  ",
                                (result.verdict, VERDICT_STYLE[result.verdict]))
        rows: list[tuple[str, RenderableType]] = []
        if result.forecast is not None:
            rows.append(("then:", Text(f"{result.forecast.verdict} from {result.forecast.on}",
                                       style="dim")))
        trial = trials.get(result.trial_id)
        if trial is not None:
            rows.append(("trial:", Text(f"{_trial_meta(trial)}, age {trial.trial.ages}",
                                        style="dim")))
        rows += [("not met:", _not_met_cell(result)), ("unknown:", _unknown_cell(result)),
                 ("review:", Text(str(len(result.with_outcome(REVIEW)))))]
        blocks += [Text(), heading, indented(labelled(rows))]
    return Group(*blocks)


def patient_table(patient: PatientResult, trials: dict[str, LoadedTrial]) -> Group:
    """One patient's verdict for each trial, with what was not met, what is unknown and how
    many criteria need review: a table where it fits, else one block per trial (see
    :func:`cartscreen.render.styles.fit_columns` for where one gives way to the other)."""
    heading = Text.assemble(
        ("Patient ", "bold"), (safe(patient.patient_id), "bold"), f"  ({safe(patient.file)})\n",
        f"screening date {patient.screening_date} (from {patient.screening_date_source})",
    )
    body = TableOrStacked(lambda: _trials_table(patient, trials),
                          lambda: _trials_stacked(patient, trials))
    warnings = list(dict.fromkeys(w for result in patient.trials for w in result.warnings))
    if not warnings:
        return Group(heading, body)
    lines = Text("\n").join(Text.assemble(("warning: ", "bold yellow"), safe(warning))
                            for warning in warnings)
    return Group(heading, body, lines)


def forecast_text(result: TrialResult) -> str | None:
    """"eligible from 2026-11-10 (E9: no live vaccine in the 4 weeks before screening)"."""
    forecast = result.forecast
    if forecast is None:
        return None
    ids = ", ".join(criterion for criterion, _, _ in forecast.because)
    first = forecast.because[0][2]
    return f"{forecast.verdict} from {forecast.on} ({ids}: {first})"


def forecasts_view(patient: PatientResult) -> Group:
    """When each trial's verdict changes if nothing else does."""
    lines: list[RenderableType] = []
    for result in patient.trials:
        text = forecast_text(result)
        if text is not None:
            lines.append(Text.assemble((f"{safe(result.trial_id)} ", "bold"),
                                       (result.verdict, VERDICT_STYLE[result.verdict]),
                                       " now; ", safe(text)))
    if lines:
        lines.insert(0, Text("\nDates that change a verdict (if nothing else changes)",
                             style="bold"))
    return Group(*lines)


def next_steps_view(steps: NextSteps, *, limit: int | None = 10) -> Group:
    """What to do next: the ranked actions (the first ``limit``, the rest counted) with the
    trials and criteria each decides, and the investigator's review agenda per trial."""
    parts: list[RenderableType] = []
    if steps.actions:
        parts.append(Text("\nNext steps (for the trials still open)", style="bold"))
        shown = steps.actions if limit is None else steps.actions[:limit]
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(overflow="fold")
        for number, action in enumerate(shown, start=1):
            decides = "; ".join(f"{trial} {', '.join(ids)}"
                                for trial, ids in action.decides.items())
            grid.add_row(Text(f"{number}."), Text.assemble(
                safe(action.text), (f"\ndecides {safe(decides)}", "dim")))
        parts.append(grid)
        if len(shown) < len(steps.actions):
            rest = len(steps.actions) - len(shown)
            parts.append(Text(f"and {rest} more: cartscreen next FILE lists them all",
                              style="dim"))
    if steps.review:
        parts.append(Text("\nFor the investigator (review)", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for trial, items in steps.review.items():
            for index, item in enumerate(items):
                grid.add_row(Text(safe(trial) if index == 0 else "", style="bold"),
                             Text.assemble((f"{safe(item.id)}: ", "bold"), safe(item.text)))
        parts.append(grid)
    return Group(*parts)


MATRIX_TITLE = "Verdicts by patient and trial"


def _matrix_table(patients: list[PatientResult]) -> Table:
    table = Table(title=MATRIX_TITLE, show_lines=False)
    table.add_column("Patient", no_wrap=True)
    table.add_column("File", overflow="fold", min_width=PROSE_FLOOR)
    trial_ids = [t.trial_id for t in patients[0].trials] if patients else []
    for trial_id in trial_ids:
        table.add_column(Text(safe(trial_id)), no_wrap=True)
    for patient in patients:
        cells = [Text(t.verdict, style=VERDICT_STYLE[t.verdict]) for t in patient.trials]
        table.add_row(Text(safe(patient.patient_id)), Text(safe(patient.file)), *cells)
    return table


class _MatrixStacked:
    """The matrix, one block per patient: the patient id, the file, then ``TRIAL: verdict``
    for each trial, as many to a line as the width holds, at the same places in every block
    so that a trial's verdicts still read down the page."""

    def __init__(self, patients: list[PatientResult]) -> None:
        self.patients = patients

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        pairs = [[Text.assemble((f"{safe(t.trial_id)}:", "bold"), " ",
                                (t.verdict, VERDICT_STYLE[t.verdict])) for t in p.trials]
                 for p in self.patients]
        pair_width = max((p.cell_len for row in pairs for p in row), default=1)
        room = options.max_width - STACK_INDENT
        per_line = max(1, (room + PAIR_GAP) // (pair_width + PAIR_GAP))
        yield Text(MATRIX_TITLE, style="bold")
        for patient, row in zip(self.patients, pairs, strict=True):
            verdicts = Table.grid(padding=(0, PAIR_GAP, 0, 0))
            for _ in range(min(per_line, len(row))):
                verdicts.add_column(width=min(pair_width, room), overflow="fold")
            for start in range(0, len(row), per_line):
                verdicts.add_row(*row[start:start + per_line])
            yield Text(safe(patient.patient_id), style="bold")
            yield indented(Group(Text(safe(patient.file), style="dim"), verdicts))


def matrix_table(patients: list[PatientResult]) -> TableOrStacked:
    """Each patient's verdict for each trial: a table where it fits, else one block per
    patient (see :func:`cartscreen.render.styles.fit_columns`)."""
    return TableOrStacked(lambda: _matrix_table(patients), lambda: _MatrixStacked(patients))


class TableReporter:
    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        self.console = output_console(out, options.width)
        self.options = options
        self.patients: list[PatientResult] = []

    @staticmethod
    def prepare(result: PatientResult) -> PatientResult:
        return result

    def patient(self, payload: PatientResult) -> None:
        self.patients.append(payload)

    def error(self, problem: InputProblem) -> None:
        pass  # the CLI has reported it on stderr

    def finish(self) -> None:
        patients, console = self.patients, self.console
        if not patients:
            return
        if len(patients) > 1:
            console.print(matrix_table(patients))
            if not self.options.detail:
                console.print(Text("Per-patient reasons: add --detail.", style="dim"))
                return
            console.print()
        for index, patient in enumerate(patients):
            if index:
                console.print()
            console.print(patient_table(patient, self.options.trials))
            console.print(next_steps_view(next_steps(patient)))


# --- JSON (one document, streamed) --------------------------------------------------------


# How deep a patient's entry is laid out a line per item; anything nested deeper is written on
# one line: each criterion's finding (patient > trials > trial > criteria > finding), a
# forecast's reasons, the criteria an action decides. Indenting those too took as many bytes
# as the findings themselves.
PATIENT_LAYOUT_DEPTH = 4


def _json_text(value: Any, prefix: str = "", depth: int = 0) -> str:
    """``value`` (JSON data) as JSON indented by two spaces a level to ``PATIENT_LAYOUT_DEPTH``
    and on one line below it, every line after the first indented by ``prefix``."""
    if depth < PATIENT_LAYOUT_DEPTH and value and isinstance(value, dict | list):
        inner = prefix + "  "
        if isinstance(value, dict):
            items = [f"{json.dumps(key, ensure_ascii=False)}: "
                     f"{_json_text(item, inner, depth + 1)}" for key, item in value.items()]
            brackets = "{}"
        else:
            items = [_json_text(item, inner, depth + 1) for item in value]
            brackets = "[]"
        return f"{brackets[0]}\n{inner}" + f",\n{inner}".join(items) + f"\n{prefix}{brackets[1]}"
    # allow_nan=False: the data is the result model dumped (non-finite numbers become null);
    # anything else would not be JSON.
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def patient_data(result: PatientResult) -> dict[str, Any]:
    """One patient's entry in the JSON document as data: the result (per trial the verdict,
    the forecast and each criterion's finding; what each criterion is, the document's
    ``trials`` says once), then the next steps and the review agenda (per trial, the ids of
    the criteria to judge)."""
    steps = next_steps(result)
    return {**dump_python(result),
            "next_steps": [action.as_data() for action in steps.actions],
            "review": {trial: [item.id for item in items] for trial, items in steps.review.items()}}


def patient_json(result: PatientResult, prefix: str = "") -> str:
    """:func:`patient_data` as JSON text, every line after the first indented by ``prefix``."""
    return _json_text(patient_data(result), prefix)


def _indented(data: Any, prefix: str) -> str:
    """``data`` as indented JSON, every line after the first indented by ``prefix``."""
    return json.dumps(data, indent=2, ensure_ascii=False).replace("\n", "\n" + prefix)


class JsonReporter:
    """One document, written as it goes::

        {"schema_version", "trials": [...], "patients": [...], "errors": [...]}

    ``trials`` states each trial the patients were screened against once, with its criteria
    (wording, rule, note, windows: :func:`cartscreen.result.trial_definition`); a patient's
    entry holds only what depends on the patient (:func:`patient_json`), its criteria
    joined to the trial's by id. The trials are those of the first patient's result, written
    when it arrives: every patient of a run is screened against the same trials (those of the
    options, when no patient is). Only the errors are held until the end; no patient is."""

    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        self.out = out
        self.trials = options.trials
        self.selected = options.screened
        self.screened_against: tuple[str, ...] | None = None  # once ``trials`` is written
        self.count = 0
        self.errors: list[InputProblem] = []
        out.write(f'{{\n  "schema_version": {RESULT_SCHEMA_VERSION},')

    @staticmethod
    def prepare(result: PatientResult) -> tuple[tuple[str, ...], str]:
        """The ids of the trials screened, and the patient's entry, indented in place."""
        return (tuple(t.trial_id for t in result.trials),
                patient_json(result, "    "))

    def _begin_patients(self, trial_ids: tuple[str, ...]) -> None:
        trials = [trial_definition(self.trials[trial_id]) for trial_id in trial_ids]
        self.out.write(f'\n  "trials": {_indented(trials, "  ")},\n  "patients": [')
        self.screened_against = trial_ids

    def patient(self, payload: tuple[tuple[str, ...], str]) -> None:
        trial_ids, entry = payload
        if self.screened_against is None:
            self._begin_patients(trial_ids)
        # A patient screened against other trials would be joined to the wrong criteria.
        assert trial_ids == self.screened_against, "one document, one set of trials"
        self.out.write(("," if self.count else "") + "\n    " + entry)
        self.count += 1

    def error(self, problem: InputProblem) -> None:
        self.errors.append(problem)

    def finish(self) -> None:
        if self.screened_against is None:  # no patient was screened: the trials selected
            self._begin_patients(self.selected)
        errors = _indented([e.model_dump() for e in self.errors], "  ")
        self.out.write(("\n  " if self.count else "") + f'],\n  "errors": {errors}\n}}\n')


# --- JSON Lines and CSV: one row per patient × trial --------------------------------------

ROW_COLUMNS = (
    "patient_id", "file", "screening_date", "trial_id", "verdict", "criteria_not_met",
    "unknown_fields", "review_count", "error_key", "error_line", "error_message",
)


def rows(result: PatientResult) -> list[dict[str, Any]]:
    """One flat row per trial for a patient (the jsonl and csv formats)."""
    screening_date = result.screening_date.isoformat()
    return [_row(result, screening_date, trial) for trial in result.trials]


def _row(result: PatientResult, screening_date: str, trial: TrialResult) -> dict[str, Any]:
    # One pass over the trial's criteria (a batch makes five rows per patient): the ids not
    # met, the facts the unknown ones miss, and how many are for review, as
    # TrialResult.with_outcome and missing_fields give them.
    not_met: list[str] = []
    missing: dict[str, None] = {}
    review = 0
    for criterion in trial.criteria:
        finding = criterion.finding
        outcome = finding.outcome
        if outcome == NOT_MET:
            not_met.append(criterion.id)
        elif outcome == UNKNOWN:
            missing.update(dict.fromkeys(finding.missing))
        elif outcome == REVIEW:
            review += 1
    return {
        "patient_id": result.patient_id,
        "file": result.file,
        "screening_date": screening_date,
        "trial_id": trial.trial_id,
        "verdict": trial.verdict,
        "criteria_not_met": not_met,
        "unknown_fields": list(missing),
        "review_count": review,
        "error_key": None,
        "error_line": None,
        "error_message": None,
    }


def error_row(problem: InputProblem) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(ROW_COLUMNS)
    row.update(file=problem.file, verdict="error", criteria_not_met=[], unknown_fields=[],
               error_key=problem.key, error_line=problem.line, error_message=problem.message)
    return row


# json.dumps with an option builds a new encoder for every call; one serves every row.
_ROW_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _jsonl(row: dict[str, Any]) -> str:
    return _ROW_ENCODER.encode(row) + "\n"


class JsonlReporter:
    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        self.out = out

    @staticmethod
    def prepare(result: PatientResult) -> str:
        return "".join(_jsonl(row) for row in rows(result))

    def patient(self, payload: str) -> None:
        self.out.write(payload)

    def error(self, problem: InputProblem) -> None:
        self.out.write(_jsonl(error_row(problem)))

    def finish(self) -> None:
        pass


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV
# Injection": = + - @ tab and carriage return; OWASP ASVS 5.0 requirement 1.2.10 adds NUL;
# line feed for the same reason as carriage return). A leading quote is in the list too, so
# that the rule can be undone exactly: a cell that starts with ' had one put in front.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "'")


def csv_cell(value: object) -> str:
    """A row's value as its CSV cell: a list joined with "; ", None empty, and a leading
    single quote on a cell that starts with one of ``FORMULA_TRIGGERS``."""
    if value is None:
        return ""
    text = "; ".join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_text(rows: list[dict[str, Any]], *, header: bool = False) -> str:
    """CSV text for rows (see :class:`CsvReporter`)."""
    text = io.StringIO()
    writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n")
    if header:
        writer.writerow(ROW_COLUMNS)
    for row in rows:
        writer.writerow(csv_cell(row[column]) for column in ROW_COLUMNS)
    return text.getvalue()


class CsvReporter:
    """CSV with a header row (the columns of ``ROW_COLUMNS``), one row per patient × trial
    and one per file that could not be screened.

    - List columns (``criteria_not_met``, ``unknown_fields``) are joined with "; "; a value
      that is absent is an empty cell.
    - Every cell is in double quotes, and a double quote inside a cell is doubled (RFC 4180).
      A line break, carriage return, comma or semicolon in a patient id, a file name or an
      error's key therefore stays inside its cell: any CSV reader (Python's ``csv`` module
      with its default dialect, a spreadsheet) reads back exactly the rows written.
    - Rows end with a line feed. Inside quotes a line ending cannot split a row, so the
      choice is free; a line feed is what a text-mode stream turns into the RFC's CR LF on
      Windows, where a written CR LF would become CR CR LF (blank rows in a spreadsheet).
    - Formula injection (OWASP, "CSV Injection"): a cell that begins with ``=``, ``+``,
      ``-``, ``@``, a tab, a carriage return, a line feed or NUL gets a single quote
      (``'``) in front, so that a spreadsheet shows it as text instead of running it as a
      formula; so does a cell that already begins with ``'``. To recover the value in a
      script, remove the first character of a cell that begins with ``'``. Only data can
      begin that way: dates, counts and line numbers never do. The jsonl and json formats
      write values as they are.
    """

    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        self.out = out
        out.write(csv_text([], header=True))

    @staticmethod
    def prepare(result: PatientResult) -> str:
        return csv_text(rows(result))

    def patient(self, payload: str) -> None:
        self.out.write(payload)

    def error(self, problem: InputProblem) -> None:
        self.out.write(csv_text([error_row(problem)]))

    def finish(self) -> None:
        pass


REPORTERS: dict[str, type[Reporter]] = {
    "table": TableReporter,
    "json": JsonReporter,
    "jsonl": JsonlReporter,
    "csv": CsvReporter,
}
