"""The command line: parse arguments, call loaders and the engine, render, choose the exit code.

No clinical logic lives here.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cartscreen import __version__
from cartscreen.engine import screen_patient
from cartscreen.errors import InputError, TrialDefinitionError
from cartscreen.patient import load_patient
from cartscreen.render.explain import explain_json, render_explain, render_trials
from cartscreen.render.report import REPORTERS
from cartscreen.result import InputProblem, PatientResult, Report
from cartscreen.trial import TRIALS_ENV, LoadedTrial, load_trials, trial_dirs

EXIT_OK = 0
EXIT_FAIL_ON = 1
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_BAD_TRIALS = 4
EXIT_INTERNAL = 70

EXIT_CODES_HELP = f"""Exit codes: {EXIT_OK} every patient file was screened (whatever the verdicts);
{EXIT_FAIL_ON} a --fail-on condition held; {EXIT_USAGE} usage error (bad option, unknown trial id);
{EXIT_BAD_INPUT} one or more patient files could not be read or validated (the others were
still screened and reported); {EXIT_BAD_TRIALS} a trial file is invalid; {EXIT_INTERNAL} internal
error."""

app = typer.Typer(
    name="cartscreen",
    help="Pre-screen children with refractory autoimmune disease against pediatric CAR-T "
    "trials, criterion by criterion.\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(StrEnum):
    table = "table"
    json = "json"


class FailOn(StrEnum):
    incomplete = "incomplete"
    none_eligible = "none-eligible"


def _error(message: str) -> None:
    print(f"cartscreen: {message}", file=sys.stderr)


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
WidthOption = Annotated[
    int | None, typer.Option("--width", help="Table width in characters (default: terminal).")
]


def _load_trials(extra: list[Path] | None) -> dict[str, LoadedTrial]:
    trial_set = load_trials(trial_dirs(extra or []))
    for trial_id, old, new in trial_set.replaced:
        _error(f"trial {trial_id} from {new} replaces {old}")
    return trial_set.trials


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"expected a date as YYYY-MM-DD, got {value!r}",
                                 param_hint=option) from None


def _patient_files(paths: list[Path]) -> tuple[list[Path], list[InputProblem]]:
    files: list[Path] = []
    problems: list[InputProblem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.toml") if p.is_file())
            if not found:
                problems.append(InputProblem(file=str(path), key=None,
                                             message="folder holds no *.toml patient files"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(InputProblem(file=str(path), key=None, message="no such file"))
    return files, problems


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


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(
        metavar="PATH", help="Patient files (.toml) and folders of them.")],
    trial: Annotated[list[str] | None, typer.Option(
        "--trial", help="Only this trial id (repeatable).")] = None,
    as_of: AsOfOption = None,
    output_format: Annotated[Format, typer.Option(
        "--format", help="table: Rich tables; json: every patient × trial × criterion "
        "(schema_version 1).")] = Format.table,
    detail: Annotated[bool, typer.Option(
        "--detail", help="With several patients, also show each patient's table.")] = False,
    fail_on: Annotated[FailOn | None, typer.Option(
        "--fail-on", help="Exit 1 when any result is incomplete, or when a patient is "
        "eligible for none of the selected trials.")] = None,
    trials_dir: TrialsOption = None,
    width: WidthOption = None,
) -> None:
    """Screen patient files against every trial (or the --trial ones)."""
    as_of_date = _parse_date(as_of, "--as-of")
    trials = _load_trials(trials_dir)
    selected = _select(trials, trial)
    files, problems = _patient_files(paths)
    results: list[PatientResult] = []
    today = date.today()
    for path in files:
        try:
            patient = load_patient(path)
        except InputError as exc:
            problems.append(InputProblem(file=exc.file, key=exc.key, message=exc.message))
            continue
        result = screen_patient(patient, str(path), selected, as_of=as_of_date, today=today)
        for warning in dict.fromkeys(w for t in result.trials for w in t.warnings):
            _error(f"warning: {path}: {warning}")
        results.append(result)
    for problem in problems:
        where = f"{problem.file}: {problem.key}" if problem.key else problem.file
        _error(f"{where}: {problem.message}")
    report = Report(patients=tuple(results), errors=tuple(problems))
    REPORTERS[output_format.value](report, sys.stdout, trials, detail, width)
    if problems:
        raise typer.Exit(EXIT_BAD_INPUT)
    if fail_on is FailOn.incomplete and any(
        t.verdict == "incomplete" for p in results for t in p.trials
    ):
        raise typer.Exit(EXIT_FAIL_ON)
    if fail_on is FailOn.none_eligible and any(
        all(t.verdict != "eligible" for t in p.trials) for p in results
    ):
        raise typer.Exit(EXIT_FAIL_ON)


@app.command()
def explain(
    trial_id: Annotated[str, typer.Argument(metavar="TRIAL_ID", help="Registry id, e.g. "
                                            "NCT06792344.")],
    patient: Annotated[Path | None, typer.Option(
        "--patient", help="Show this patient's outcome and evidence for each criterion.")] = None,
    as_of: AsOfOption = None,
    output_format: Annotated[Format, typer.Option("--format")] = Format.table,
    trials_dir: TrialsOption = None,
    width: WidthOption = None,
) -> None:
    """Show a trial's criteria: registry wording, the rule applied, and its notes."""
    as_of_date = _parse_date(as_of, "--as-of")
    trials = _load_trials(trials_dir)
    (trial,) = _select(trials, [trial_id])
    result = None
    if patient is not None:
        try:
            loaded = load_patient(patient)
        except InputError as exc:
            _error(str(exc))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        result = screen_patient(loaded, str(patient), [trial], as_of=as_of_date,
                                today=date.today())
    if output_format is Format.json:
        explain_json(trial, result, sys.stdout)
    else:
        render_explain(trial, result, sys.stdout, width)


@app.command("trials")
def list_trials(trials_dir: TrialsOption = None, width: WidthOption = None) -> None:
    """List the loaded trials: id, target, diseases, ages, status, record version."""
    trials = _load_trials(trials_dir)
    render_trials([trials[k] for k in sorted(trials)], sys.stdout, width)


def _version(value: bool) -> None:
    if value:
        print(f"cartscreen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    pass


def main() -> None:
    """Console entry point: one line per error, never a traceback with patient data."""
    try:
        app(standalone_mode=True)
    except TrialDefinitionError as exc:
        _error(f"invalid trial file: {exc}")
        sys.exit(EXIT_BAD_TRIALS)
    except KeyboardInterrupt:
        _error("interrupted")
        sys.exit(130)
    except Exception as exc:
        _error(f"internal error ({type(exc).__name__}); please report it with the command used")
        sys.exit(EXIT_INTERNAL)
