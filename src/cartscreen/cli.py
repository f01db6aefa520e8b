"""The command line: parse arguments, call loaders and the engine, render, choose the exit code.

No clinical logic lives here.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TextIO, TypeVar

import typer

from cartscreen import __version__
from cartscreen.errors import TrialDefinitionError, WorkerDied, one_line

if TYPE_CHECKING:
    from cartscreen.batch import SameIdCheck, Screened
    from cartscreen.result import InputProblem
    from cartscreen.trial import LoadedTrial

# Each command imports what it needs when it runs: a single-patient check should not pay
# for the funnel, the explain renderer or the worker pool (start-up latency: README, Speed).

TRIALS_ENV = "CARTSCREEN_TRIALS"  # cartscreen.trial reads the same variable

EXIT_OK = 0
EXIT_FAIL_ON = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_BAD_TRIALS = 4
EXIT_INTERNAL = 70
EXIT_CANNOT_WRITE = 74  # EX_IOERR in BSD's sysexits.h: the output could not be written
EXIT_TERMINATED = 143  # 128 + SIGTERM
EXIT_OUTPUT_CLOSED = 141  # 128 + SIGPIPE: what a shell reports for a Unix tool cut off by `| head`

EXIT_CODES_HELP = f"""Exit codes: {EXIT_OK} every patient file was screened (whatever the verdicts);
{EXIT_FAIL_ON} a --fail-on condition held; {EXIT_USAGE} usage error (bad option, unknown trial id);
{EXIT_BAD_INPUT} one or more patient files could not be read or validated (the others were
still screened and reported); {EXIT_BAD_TRIALS} a trial file is invalid; {EXIT_INTERNAL} internal
error, or a worker process was killed; {EXIT_CANNOT_WRITE} the output could not be written
(a full disk, say); 130 interrupted; {EXIT_OUTPUT_CLOSED} the output was
closed before it was complete (e.g. `| head`); {EXIT_TERMINATED} terminated."""

app = typer.Typer(
    name="cartscreen",
    help="Pre-screen children with refractory autoimmune disease against pediatric CAR-T "
    "trials, criterion by criterion.\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


P = ParamSpec("P")
R = TypeVar("R")


class _OutputClosed(Exception):
    """Whoever reads the standard output stopped reading (e.g. `| head`)."""


def _output_may_close(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a broken pipe into :class:`_OutputClosed`, which :func:`main` exits with
    EXIT_OUTPUT_CLOSED for. Left alone, Typer would exit 1, which means a --fail-on
    condition held."""
    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            raise _OutputClosed from None
    return run


class ExplainFormat(StrEnum):
    table = "table"
    json = "json"


class FailOn(StrEnum):
    incomplete = "incomplete"
    none_eligible = "none-eligible"


def _error(message: str) -> None:
    """One line on stderr, control characters escaped (file names and keys come from users)."""
    print(f"cartscreen: {one_line(message)}", file=sys.stderr)


TrialsOption = Annotated[
    list[Path] | None,
    typer.Option("--trials", help=f"Also load trial files from this folder (repeatable; or "
                 f"set ${TRIALS_ENV} to folders separated by '{os.pathsep}'). A trial there "
                 "replaces a bundled trial with the same id."),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD",
                 help="Screening date for patient files that do not state one (default today)."),
]
ScreenOnOption = Annotated[
    str | None,
    typer.Option("--screen-on", metavar="YYYY-MM-DD",
                 help="What-if: screen as of this date even when a patient file states its own "
                 "screening_date; the result says the date came from --screen-on.")]
JobsOption = Annotated[
    int, typer.Option("--jobs", min=0, help="Worker processes for large batches (default 0: "
                      "one per CPU core; 1: no workers).")
]
MIN_WIDTH = 40  # narrower, a table's columns hold a few letters each
WidthOption = Annotated[
    int | None, typer.Option("--width", min=MIN_WIDTH, help="Table width in characters, at "
                             f"least {MIN_WIDTH} (default: the terminal's).")
]


def _load_trials(extra: list[Path] | None) -> dict[str, LoadedTrial]:
    from cartscreen.trial import load_trials, trial_dirs

    trial_set = load_trials(trial_dirs(extra or []))
    for trial_id, old, new in trial_set.replaced:
        _error(f"trial {trial_id} from {new} replaces {old}")
    return trial_set.trials


def _parse_date(value: str | None, option: str) -> date | None:
    """A date written YYYY-MM-DD and no other way (Python would also read 20261102 and
    2026-W45-1), within the years a patient file's dates may take."""
    import re

    from cartscreen.patient.plausibility import DATE_RANGE_TEXT, date_in_range

    if value is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        parsed = date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected a date as YYYY-MM-DD, got {one_line(repr(value))}",
                                 param_hint=option) from None
    if not date_in_range(parsed):
        raise typer.BadParameter(f"expected a date in the years {DATE_RANGE_TEXT}",
                                 param_hint=option)
    return parsed


def _what_if(value: str | None) -> None:
    """Set the --screen-on date for every file this run screens."""
    from cartscreen import batch

    batch.screen_on = _parse_date(value, "--screen-on")


def _select(trials: dict[str, LoadedTrial], wanted: list[str] | None) -> list[LoadedTrial]:
    if not wanted:
        return [trials[k] for k in sorted(trials)]
    unknown = [w for w in wanted if w.upper() not in trials]
    if unknown:
        raise typer.BadParameter(
            f"unknown trial {', '.join(unknown)}; loaded: {', '.join(sorted(trials))}",
            param_hint="--trial",
        )
    return [trials[w.upper()] for w in dict.fromkeys(wanted)]


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


PROGRESS_FROM = 20  # files; smaller batches finish before a bar would help


def _inputs(paths: list[Path]) -> list[Path | InputProblem]:
    """Expand the PATH arguments; "-" reads more paths from stdin, one per line."""
    from cartscreen.batch import expand_paths, paths_from_lines

    given: list[Path | InputProblem] = []
    for path in paths:
        given.extend(paths_from_lines(sys.stdin) if str(path) == "-" else [path])
    return list(expand_paths(given))


def _warn_same_id(check: SameIdCheck, item: Screened[Any]) -> None:
    warning = check.warning(item)
    if warning is not None:
        _error(f"warning: {item.file}: {warning}")


FormatT = TypeVar("FormatT", bound=StrEnum)
_EXTENSION_FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


def _format_for(output: Path | None, given: FormatT | None, formats: type[FormatT],
                default: FormatT) -> FormatT:
    """The --format given; without one, the format the --output file's extension names
    (results.json is JSON), else ``default``. A format given that the extension contradicts
    is kept, with a warning: a table in results.json would surprise whoever opens it."""
    named = _EXTENSION_FORMATS.get(output.suffix.lower(), "") if output is not None else ""
    implied = formats(named) if named in formats.__members__ else None
    if given is None:
        return implied or default
    if implied is not None and implied is not given:
        _error(f"warning: --output {one_line(str(output))} is written as --format {given.value},"
               f" as asked, not {implied.value} as its extension suggests")
    return given


def _warning_count(count: int) -> str:
    """What stderr says of a patient's warnings: their number, not their text, which quotes
    the file's values (stderr reaches logs); the results carry them in full."""
    return (f"{count} warning{'s' if count > 1 else ''} about the file's values (a stated "
            "value that disagrees with the one computed, say); read them in the results: "
            "under the patient's table (--detail for several patients), or \"warnings\" in "
            "--format json")


def _check_output(output: Path | None, inputs: list[Path | InputProblem],
                  trials: dict[str, LoadedTrial]) -> None:
    """Refuse an --output that cannot be written, before any patient is screened, and one
    that is an input (a patient file or a trial file this run loaded): cartscreen never
    changes an input file."""
    if output is None:
        return
    folder = output.parent
    problem = None
    if output.is_dir():
        problem = "is a folder; give a file name"
    elif not folder.is_dir():
        problem = f"folder {str(folder)!r} does not exist; create it first"
    elif not os.access(folder, os.W_OK):
        problem = f"folder {str(folder)!r} is not writable"
    elif output.exists() and _is_an_input(output, inputs):
        problem = "is one of the patient files being screened; write results elsewhere"
    elif output.exists() and _is_an_input(output, [t.path for t in trials.values()]):
        problem = "is one of the trial files loaded for this run; write results elsewhere"
    if problem is not None:
        raise typer.BadParameter(f"{one_line(str(output))} {problem}", param_hint="--output")


def _is_an_input(output: Path, inputs: Sequence[Path | InputProblem]) -> bool:
    """Whether the output names one of the inputs, by any path (one stat per input)."""
    target = output.stat()
    for item in inputs:
        if isinstance(item, Path):
            with contextlib.suppress(OSError):
                if os.path.samestat(item.stat(), target):
                    return True
    return False


@contextlib.contextmanager
def _destination(output: Path | None, *, machine: bool = False) -> Iterator[TextIO]:
    """Where a command writes: the --output file (atomically, in UTF-8) or standard output.
    A failed write raises :class:`~cartscreen.atomic.CannotWrite`. Machine formats (``machine``)
    are UTF-8 on standard output too, whatever the locale: JSON and CSV readers expect it."""
    from cartscreen.atomic import atomic_text_file, guarded

    if output is None:
        if machine and (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
            with contextlib.suppress(AttributeError, ValueError):  # not a reconfigurable stream
                sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        yield guarded(sys.stdout, "standard output")
    else:
        with atomic_text_file(output) as handle:
            yield handle


def _progress(total: int) -> contextlib.AbstractContextManager[Callable[[], None]]:
    """A progress bar on stderr for long batches, only when stderr is a terminal."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        return contextlib.nullcontext(lambda: None)
    return _rich_progress(total)


@contextlib.contextmanager
def _rich_progress(total: int) -> Iterator[Callable[[], None]]:
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=sys.stderr), transient=True) as bar:
        task = bar.add_task("screening", total=total)
        yield lambda: bar.advance(task)


@app.command()
@_output_may_close
def check(
    paths: Annotated[list[Path], typer.Argument(
        metavar="PATH", help="Patient files (.toml), folders of them (searched recursively), "
        "or - to read paths from stdin, one per line.")],
    trial: Annotated[list[str] | None, typer.Option(
        "--trial", help="Only this trial id (repeatable).")] = None,
    as_of: AsOfOption = None,
    output_format: Annotated[Format | None, typer.Option(
        "--format", help="table: Rich tables; json: every patient × trial × criterion "
        "(schema_version 3); jsonl and csv: one row per patient × trial. Default: from the "
        "--output file's extension (.json, .jsonl, .csv), else table.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", help="Write results to this file (atomically) instead of stdout.")] = None,
    detail: Annotated[bool, typer.Option(
        "--detail", help="With several patients, also show each patient's table.")] = False,
    fail_on: Annotated[list[FailOn] | None, typer.Option(
        "--fail-on", help="Exit 1 when any result is incomplete, or when a patient is "
        "eligible for none of the selected trials (repeatable: either condition).")] = None,
    trials_dir: TrialsOption = None,
    jobs: JobsOption = 0,
    width: WidthOption = None,
    screen_on: ScreenOnOption = None,
) -> None:
    """Screen patient files against every trial (or the --trial ones)."""
    from cartscreen.batch import SameIdCheck, screen_parallel
    from cartscreen.render.report import REPORTERS, ReportOptions
    from cartscreen.result import InputProblem

    as_of_date = _parse_date(as_of, "--as-of")
    _what_if(screen_on)
    output_format = _format_for(output, output_format, Format, Format.table)
    trials = _load_trials(trials_dir)
    selected = _select(trials, trial)
    inputs = _inputs(paths)
    _check_output(output, inputs, trials)
    bad_input = any_incomplete = any_none_eligible = False
    same_id = SameIdCheck()
    options = ReportOptions(trials=trials, detail=detail, width=width,
                            screened=tuple(t.id for t in selected))
    machine = output_format is not Format.table
    with _destination(output, machine=machine) as out, _progress(len(inputs)) as advance:
        reporter_type = REPORTERS[output_format.value]
        reporter = reporter_type(out, options)
        # The tables a person reads and the JSON say when each verdict changes; the row
        # formats, made for large batches, do not pay for it.
        files = sum(isinstance(item, Path) for item in inputs)
        forecast = output_format is Format.json or (
            output_format is Format.table and (detail or files == 1))
        for item in screen_parallel(inputs, selected, as_of=as_of_date, today=date.today(),
                                    jobs=jobs or os.cpu_count() or 1,
                                    prepare=reporter_type.prepare, forecast=forecast):
            advance()
            if isinstance(item, InputProblem):
                bad_input = True
                _error(str(item))
                reporter.error(item)
                continue
            if item.warnings:
                _error(f"warning: {item.file}: {_warning_count(len(item.warnings))}")
            _warn_same_id(same_id, item)
            any_incomplete |= "incomplete" in item.verdicts
            any_none_eligible |= "eligible" not in item.verdicts
            reporter.patient(item.payload)
        reporter.finish()
    if bad_input:
        raise typer.Exit(EXIT_BAD_INPUT)
    conditions = set(fail_on or ())
    if (FailOn.incomplete in conditions and any_incomplete) or (
        FailOn.none_eligible in conditions and any_none_eligible
    ):
        raise typer.Exit(EXIT_FAIL_ON)


@app.command()
@_output_may_close
def funnel(
    paths: Annotated[list[Path], typer.Argument(
        metavar="PATH", help="Patient files, folders, or - to read paths from stdin.")],
    trial: Annotated[list[str] | None, typer.Option(
        "--trial", help="Only this trial id (repeatable).")] = None,
    as_of: AsOfOption = None,
    output_format: Annotated[ExplainFormat | None, typer.Option(
        "--format", help="table or json (schema_version 1). Default: json for an --output "
        "file ending .json, else table.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", help="Write to this file (atomically) instead of stdout.")] = None,
    trials_dir: TrialsOption = None,
    jobs: JobsOption = 0,
    width: WidthOption = None,
) -> None:
    """Cohort attrition: per trial, how many patients are eligible, ineligible and incomplete,
    and for each criterion how many it excludes (alone) and leaves unknown."""
    from cartscreen.batch import SameIdCheck, screen_parallel
    from cartscreen.funnel import FunnelBuilder, outcomes
    from cartscreen.render.funnel import FUNNEL_RENDERERS
    from cartscreen.result import InputProblem

    as_of_date = _parse_date(as_of, "--as-of")
    output_format = _format_for(output, output_format, ExplainFormat, ExplainFormat.table)
    trials = _load_trials(trials_dir)
    selected = _select(trials, trial)
    inputs = _inputs(paths)
    _check_output(output, inputs, trials)
    builder = FunnelBuilder()
    same_id = SameIdCheck()
    errors = 0
    with _progress(len(inputs)) as advance:
        for item in screen_parallel(inputs, selected, as_of=as_of_date, today=date.today(),
                                    jobs=jobs or os.cpu_count() or 1, prepare=outcomes,
                                    forecast="opens"):
            advance()
            if isinstance(item, InputProblem):
                errors += 1
                _error(str(item))
            else:
                _warn_same_id(same_id, item)
                builder.add_outcomes(item.payload)
    with _destination(output, machine=output_format is ExplainFormat.json) as out:
        FUNNEL_RENDERERS[output_format.value](builder.build(errors), out, width)
    if errors:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
@_output_may_close
def explain(
    trial_id: Annotated[str, typer.Argument(metavar="TRIAL_ID", help="Registry id, e.g. "
                                            "NCT06792344.")],
    patient: Annotated[Path | None, typer.Option(
        "--patient", help="Show this patient's outcome and evidence for each criterion.")] = None,
    as_of: AsOfOption = None,
    output_format: Annotated[ExplainFormat, typer.Option("--format")] = ExplainFormat.table,
    trials_dir: TrialsOption = None,
    width: WidthOption = None,
    only_open: Annotated[bool, typer.Option(
        "--only-open", help="With --patient: show only the criteria that still matter (not "
        "met, unknown, review), and count the others.")] = False,
) -> None:
    """Show a trial's criteria: registry wording, the rule applied, and its notes."""
    from cartscreen.engine import screen_patient, screening_date_for
    from cartscreen.errors import InputError
    from cartscreen.patient import check_against_screening_date, load_patient
    from cartscreen.render.explain import OPEN_OUTCOMES, explain_json, render_explain

    as_of_date = _parse_date(as_of, "--as-of")
    if only_open and patient is None:
        raise typer.BadParameter("needs --patient FILE: it hides the criteria the patient "
                                 "meets", param_hint="--only-open")
    trials = _load_trials(trials_dir)
    (trial,) = _select(trials, [trial_id])
    result = None
    if patient is not None:
        today = date.today()
        try:
            loaded = load_patient(patient)
            screening, source = screening_date_for(loaded, as_of_date, today)
            check_against_screening_date(loaded, patient, screening, source)
        except InputError as exc:
            _error(str(exc))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        result = screen_patient(loaded, str(patient), [trial], as_of=as_of_date, today=today)
    with _destination(None, machine=output_format is ExplainFormat.json) as out:
        only = OPEN_OUTCOMES if only_open else None
        if output_format is ExplainFormat.json:
            explain_json(trial, result, out, only=only)
        else:
            render_explain(trial, result, out, width, only=only)


@app.command("next")
@_output_may_close
def next_command(
    patient: Annotated[Path, typer.Argument(metavar="FILE", help="One patient file.")],
    trial: Annotated[list[str] | None, typer.Option(
        "--trial", help="Only this trial id (repeatable).")] = None,
    as_of: AsOfOption = None,
    output_format: Annotated[ExplainFormat, typer.Option(
        "--format", help="table or json.")] = ExplainFormat.table,
    trials_dir: TrialsOption = None,
    width: WidthOption = None,
    screen_on: ScreenOnOption = None,
) -> None:
    """What to do next for one patient: every test to order and fact to record that would
    decide a trial still open, ranked by how many trials it decides, and each trial's review
    items for the investigator."""
    from cartscreen.actions import next_steps
    from cartscreen.batch import screen_file
    from cartscreen.render.report import forecasts_view, next_steps_view
    from cartscreen.render.styles import output_console
    from cartscreen.result import InputProblem

    as_of_date = _parse_date(as_of, "--as-of")
    _what_if(screen_on)
    selected = _select(_load_trials(trials_dir), trial)
    result = screen_file(patient, selected, as_of=as_of_date, today=date.today(),
                         forecast=True)
    if isinstance(result, InputProblem):
        _error(str(result))
        raise typer.Exit(EXIT_BAD_INPUT)
    steps = next_steps(result)
    with _destination(None, machine=output_format is ExplainFormat.json) as out:
        if output_format is ExplainFormat.json:
            import json

            document = {"schema_version": 1, "patient_id": result.patient_id,
                        "file": result.file,
                        "screening_date": result.screening_date.isoformat(),
                        "verdicts": {t.trial_id: t.verdict for t in result.trials},
                        "forecasts": {t.trial_id: t.forecast.as_data() if t.forecast else None
                                      for t in result.trials},
                        **steps.as_data()}
            out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
            return
        from cartscreen.render.safe import Text, safe

        console = output_console(out, width)
        console.print(Text(f"Patient {safe(result.patient_id)}  ({safe(result.file)})",
                           style="bold"))
        console.print(Text(f"screening date {result.screening_date} (from "
                           f"{result.screening_date_source}); "
                           + ", ".join(f"{t.trial_id} {t.verdict}" for t in result.trials)))
        console.print(forecasts_view(result))
        if not steps.actions and not steps.review:
            console.print(Text("\nNothing to do: every trial is decided (see cartscreen "
                               "check)."))
        console.print(next_steps_view(steps, limit=None))


@app.command("validate")
@_output_may_close
def validate_patients(
    paths: Annotated[list[Path], typer.Argument(
        metavar="PATH", help="Patient files, folders of them, or - to read paths from stdin.")],
    as_of: AsOfOption = None,
) -> None:
    """Check patient files and report every problem in each, one line each on stdout:
    FILE:LINE: KEY: problem; fix (check reports only a file's first). A summary goes to
    stderr.

    Exit codes: 0 every file is valid; 2 usage error; 3 a problem was found."""
    from cartscreen.engine import screening_date_for
    from cartscreen.patient.loader import file_problems
    from cartscreen.result import InputProblem

    as_of_date = _parse_date(as_of, "--as-of")
    today = date.today()
    files = bad = lines = 0
    with _destination(None) as out:
        for item in _inputs(paths):
            files += 1
            if isinstance(item, InputProblem):
                found = [str(item)]
            else:
                found = [str(problem) for problem in file_problems(
                    item, lambda patient: screening_date_for(patient, as_of_date, today))]
            bad += bool(found)
            lines += len(found)
            for line in found:
                out.write(line + "\n")
    _error(f"{files} patient file{'s' if files != 1 else ''}: "
           + ("all valid" if not bad else f"{lines} problem{'s' if lines != 1 else ''} in {bad}"))
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
@_output_may_close
def compare(
    topics: Annotated[list[str] | None, typer.Argument(
        metavar="[TOPIC]…", help="Topics to show (default: all); `cartscreen compare --topics` "
        "lists them.")] = None,
    trial: Annotated[list[str] | None, typer.Option(
        "--trial", help="Only this trial id (repeatable).")] = None,
    patient: Annotated[Path | None, typer.Option(
        "--patient", help="Also show this patient's outcome for each criterion.")] = None,
    list_topics: Annotated[bool, typer.Option("--topics", help="List the topics and exit.")]
    = False,
    output_format: Annotated[ExplainFormat, typer.Option("--format")] = ExplainFormat.table,
    as_of: AsOfOption = None,
    trials_dir: TrialsOption = None,
    width: WidthOption = None,
) -> None:
    """The trials side by side, topic by topic (ages, diseases, refractoriness, activity,
    B cells, organ thresholds, each infection, prior CAR-T, other studies, transplant, live
    vaccines, CNS disease, pregnancy…): one row per trial with the rule each of its criteria
    on the topic applies, from the trial files' checks and parameters.

    Exit codes: 0 shown; 2 usage error (unknown topic or trial); 3 the --patient file could not
    be read or validated; 4 a trial file is invalid."""
    from cartscreen.compare import TOPIC_IDS, TOPICS, as_data
    from cartscreen.compare import compare as side_by_side

    if list_topics:
        with _destination(None) as out:
            for topic in TOPICS:
                out.write(f"{topic.id:15} {topic.label}\n")
        return
    unknown = [t for t in topics or [] if t not in TOPIC_IDS]
    if unknown:
        raise typer.BadParameter(f"unknown topic {unknown[0]!r}; the topics are "
                                 f"{', '.join(TOPIC_IDS)}", param_hint="TOPIC")
    chosen = [t for t in TOPICS if not topics or t.id in topics]
    selected = _select(_load_trials(trials_dir), trial)
    result = None
    if patient is not None:
        from cartscreen.batch import screen_file
        from cartscreen.result import InputProblem

        screened = screen_file(patient, selected, as_of=_parse_date(as_of, "--as-of"),
                               today=date.today())
        if isinstance(screened, InputProblem):
            _error(str(screened))
            raise typer.Exit(EXIT_BAD_INPUT)
        result = screened
    comparisons = side_by_side(chosen, selected, result)
    with _destination(None, machine=output_format is ExplainFormat.json) as out:
        if output_format is ExplainFormat.json:
            import json

            out.write(json.dumps(as_data(comparisons, result), indent=2, ensure_ascii=False)
                      + "\n")
        else:
            from cartscreen.render.compare import render_compare

            render_compare(comparisons, result, out, width)


@app.command("checks")
@_output_may_close
def checks_command(
    name: Annotated[str | None, typer.Argument(
        metavar="[NAME]", help="A check's name (default: list them all).")] = None,
    output_format: Annotated[ExplainFormat, typer.Option("--format")] = ExplainFormat.table,
    trials_dir: TrialsOption = None,
    width: WidthOption = None,
) -> None:
    """List the built-in checks a trial file's criteria can use; with NAME, one check's
    summary, the patient-file keys it reads, its parameters (kind, range, default) and its
    worked examples, and the loaded criteria that use it. For people who write trial files."""
    import difflib

    from cartscreen.checks.registry import CHECKS
    from cartscreen.render.checks import check_data, checks_json, render_check, render_checks

    trials = _load_trials(trials_dir).values()
    if name is not None and name not in CHECKS:
        close = difflib.get_close_matches(name, CHECKS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "; `cartscreen checks` lists them"
        raise typer.BadParameter(f"no check named {name!r}{hint}", param_hint="NAME")
    names = [name] if name is not None else sorted(CHECKS)
    data = [check_data(CHECKS[n], trials) for n in names]
    with _destination(None, machine=output_format is ExplainFormat.json) as out:
        if output_format is ExplainFormat.json:
            checks_json(data, out)
        elif name is not None:
            render_check(data[0], out, width)
        else:
            render_checks(data, out, width)


class SchemaKind(StrEnum):
    patient = "patient"
    trial = "trial"


@app.command()
@_output_may_close
def schema(kind: Annotated[SchemaKind, typer.Argument(
        metavar="patient|trial", help="Which file kind.")]) -> None:
    """Print the JSON Schema (draft 2020-12) of patient files or trial files, for editors
    (a `#:schema` line in a TOML file) and tools. The same files ship in the package."""
    from cartscreen.schema import as_text

    with _destination(None, machine=True) as out:
        out.write(as_text(kind.value))


class Disease(StrEnum):
    sle = "sle"
    jdm = "jdm"
    ssc = "ssc"
    pjia = "pjia"
    pss = "pss"


@app.command()
@_output_may_close
def init(
    disease: Annotated[Disease, typer.Option(
        "--disease", case_sensitive=False,
        help="The patient's disease: sle, jdm (juvenile dermatomyositis), ssc (systemic "
        "sclerosis), pjia (polyarticular JIA) or pss (primary Sjögren's).")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the template to this file (default: standard output). "
        "An existing file is kept unless --force is given.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --output file.")]
    = False,
    trials_dir: TrialsOption = None,
) -> None:
    """Write a patient-file template for one disease: every key that the criteria of the
    trials taking that disease read, commented out with its meaning, kind of value, unit and
    range. Fill in what is known; leave the rest commented out (unknown).

    Exit codes: 0 written; 2 usage error, or --output exists without --force; 4 a trial file
    is invalid; 74 the file could not be written."""
    from cartscreen.template import template

    trials = _load_trials(trials_dir)
    text = template(disease.value, trials.values(), today=date.today())
    if output is not None and output.exists() and not force:
        raise typer.BadParameter(f"{output} exists; give --force to replace it",
                                 param_hint="--output")
    with _destination(output, machine=True) as out:
        out.write(text)
    if output is not None:
        _error(f"wrote {output}: fill it in, then `cartscreen validate {output}`")


@app.command()
@_output_may_close
def samples(
    path: Annotated[bool, typer.Option(
        "--path", help="Print only the folder that holds them (for scripts).")] = False,
    width: WidthOption = None,
) -> None:
    """List the sample patients shipped with cartscreen: hand-checked files to learn the
    patient file from and to try the commands on, each with the verdicts it should get.

    `cartscreen check "$(cartscreen samples --path)"` screens them all."""
    from cartscreen.samples import samples_dir

    if path:
        with _destination(None, machine=True) as out:
            out.write(f"{samples_dir()}\n")
        return
    from cartscreen.render.explain import render_samples
    from cartscreen.samples import samples as all_samples

    with _destination(None) as out:
        render_samples(samples_dir(), all_samples(), out, width)


from cartscreen.fhir.command import import_app  # noqa: E402  (typer only: see that module)

app.add_typer(import_app, name="import")

trials_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                         rich_markup_mode=None)
app.add_typer(trials_app, name="trials")


@trials_app.callback(invoke_without_command=True)
@_output_may_close
def list_trials(ctx: typer.Context, trials_dir: TrialsOption = None,
                width: WidthOption = None,
                output_format: Annotated[ExplainFormat, typer.Option(
                    "--format", help="table, or json: each trial's metadata, its criteria "
                    "counted, and its file")] = ExplainFormat.table) -> None:
    """List the loaded trials: id, target, diseases, ages, status, record version.

    `cartscreen trials validate` checks trial files and reports every problem;
    `cartscreen trials diff` compares one with its ClinicalTrials.gov record."""
    from cartscreen.render.explain import render_trials, trials_json

    if ctx.invoked_subcommand is not None:
        ctx.obj = trials_dir or []  # `trials --trials DIR validate` validates DIR too
        return
    trials = _load_trials(trials_dir)
    listed = [trials[k] for k in sorted(trials)]
    with _destination(None, machine=output_format is ExplainFormat.json) as out:
        if output_format is ExplainFormat.json:
            trials_json(listed, out)
        else:
            render_trials(listed, out, width)


@trials_app.command("validate")
@_output_may_close
def validate_trials(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="PATH", help="Trial files, or folders whose *.toml files are trials "
        f"(default: the bundled trials, the ${TRIALS_ENV} folders and any --trials "
        "folder given before validate).")] = None,
) -> None:
    """Check trial files beyond their schema and report every problem, one line each on
    stdout: FILE:LINE: KEY: problem; fix. A summary goes to stderr.

    Exit codes: 0 every file is valid; 2 a path does not exist or holds no trial file;
    4 a problem was found."""
    from cartscreen.trial import trial_dirs
    from cartscreen.validate import trial_files, validate

    extra: list[Path] = ctx.obj or []
    given = [*paths, *extra] if paths else trial_dirs(extra)
    missing = [str(p) for p in given if not p.exists()]
    if missing:
        raise typer.BadParameter(f"no such file or folder: {', '.join(missing)}",
                                 param_hint="PATH")
    files = trial_files(given)
    if not files:
        raise typer.BadParameter(f"no *.toml trial files in {', '.join(map(str, given))}",
                                 param_hint="PATH")
    result = validate(files)
    for finding in result.findings:
        print(finding)
    print(result.summary, file=sys.stderr)
    if result.findings:
        raise typer.Exit(EXIT_BAD_TRIALS)


from cartscreen.drift.command import diff as _diff  # noqa: E402  (typer only: see that module)

trials_app.command("diff")(_output_may_close(_diff))


def _version(value: bool) -> None:
    if value:
        print(f"cartscreen {__version__}")
        raise typer.Exit()


_debug = False  # set by --debug: show where an internal error happened


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option(
        "--debug", help="On an internal error, also print its traceback: the code locations "
        "only, never the error's text or a value from a patient file.")] = False,
) -> None:
    global _debug
    _debug = debug
    if debug:
        from cartscreen import batch

        batch.raise_unexpected = True


def _print_code_locations(exc: BaseException) -> None:
    """A traceback without messages or locals: an exception's text may quote patient data
    (pydantic's and Python's own errors embed the input), its code locations cannot.

    cartscreen's frames are shown in full; runs of other packages' frames are counted, except
    the innermost frame, where the error was raised.
    """
    import traceback

    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__)
    package = str(Path(__file__).resolve().parent)
    lines = []
    for index, error in enumerate(reversed(chain)):
        if index:
            lines.append("which led to:")
        lines.append(f"Traceback (code locations only; {type(error).__name__}):")
        frames = traceback.extract_tb(error.__traceback__)
        skipped = 0
        for number, frame in enumerate(frames):
            if not frame.filename.startswith(package) and number < len(frames) - 1:
                skipped += 1
                continue
            if skipped:
                lines.append(f"  … {skipped} frame{'s' if skipped > 1 else ''} in other packages")
                skipped = 0
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line}")
    print("\n".join(lines), file=sys.stderr)


def _flush_output() -> None:
    from cartscreen.atomic import writing

    try:
        with writing("standard output"):
            sys.stdout.flush()
    except BrokenPipeError:
        raise _OutputClosed from None


def _discard_output() -> None:
    """Send what is still buffered for standard output nowhere, so that the interpreter's own
    flush on exit does not fail again (and print a traceback) after the error is reported."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class _Terminated(BaseException):
    """SIGTERM, raised where the program is so that cleanup runs (no half-written --output
    temporary file, no worker processes left behind)."""


class _Interrupted(BaseException):
    """Ctrl-C, raised as our own exception: Typer turns a KeyboardInterrupt into a silent exit,
    and a user who pressed Ctrl-C should read that the run stopped and left nothing behind."""


def _on_terminate(signum: int, frame: object) -> None:
    raise _Terminated


def _on_interrupt(signum: int, frame: object) -> None:
    raise _Interrupted


def main() -> None:
    """Console entry point: one line per error, never a traceback with patient data."""
    import signal

    from cartscreen.atomic import CannotWrite

    signal.signal(signal.SIGTERM, _on_terminate)
    signal.signal(signal.SIGINT, _on_interrupt)
    try:
        try:
            app(standalone_mode=True)
        finally:
            _flush_output()
    except _OutputClosed:
        # Nothing more can reach the reader: stop as `| head` expects.
        _discard_output()
        sys.exit(EXIT_OUTPUT_CLOSED)
    except CannotWrite as exc:
        _error(f"{exc}; the results are incomplete (free some space, or write elsewhere)")
        _discard_output()
        sys.exit(EXIT_CANNOT_WRITE)
    except WorkerDied:
        _error("a worker process stopped before finishing its files (killed, or out of "
               "memory), so the results are incomplete and --output was not written; run "
               "again, or with --jobs 1")
        sys.exit(EXIT_INTERNAL)
    except TrialDefinitionError as exc:
        _error(f"invalid trial file: {exc}")
        sys.exit(EXIT_BAD_TRIALS)
    except (KeyboardInterrupt, _Interrupted):
        _error("interrupted")
        sys.exit(130)
    except _Terminated:
        _error("terminated")
        sys.exit(EXIT_TERMINATED)
    except Exception as exc:
        _error(f"internal error ({type(exc).__name__}); please report it with the command used"
               + ("" if _debug else " (and --debug to see where it happened)"))
        if _debug:
            _print_code_locations(exc)
        sys.exit(EXIT_INTERNAL)
