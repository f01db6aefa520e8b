"""`cartscreen import fhir`: the command line of the FHIR import.

Only typer is imported here; the FHIR models load when the command runs, so `check` stays fast.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from cartscreen.fhir.mapping import ImportResult

import_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                         rich_markup_mode=None, no_args_is_help=True,
                         help="Write patient files from other formats.")

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_BAD_INPUT = 3
EXIT_CANNOT_WRITE = 74

REPORT_NAME = "import-report.json"


def _say(line: str) -> None:
    print(line, file=sys.stderr)


@import_app.command("fhir")
def import_fhir(
    paths: Annotated[list[Path], typer.Argument(
        metavar="PATH", help="FHIR R4 JSON: Bundle files, single-resource files, or Bulk Data "
        "export folders of .ndjson files (one resource per line).")],
    output_dir: Annotated[Path, typer.Option(
        "--output-dir", help="Folder for the patient files, one <Patient.id>.toml each "
        "(default: the current folder; created if missing).")] = Path("."),
    report: Annotated[Path | None, typer.Option(
        "--report", help=f"Write the JSON import report here (default: {REPORT_NAME} in "
        "--output-dir): per patient, every key written and the resources it came from, "
        "everything not mapped, and the facts left for the clinician.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace patient files and the report that already exist.")] = False,
) -> None:
    """Write one patient file per FHIR Patient, mapping coded resources (SNOMED CT, ICD-10-CM,
    LOINC, RxNorm, CVX) to the patient file's keys. What the record does not code stays out
    (unknown); facts for the clinician are listed in each file's header and in the report.
    Problems go to stderr, one line each (FILE: WHERE: problem; fix); the files written are
    listed on stdout.

    Exit codes: 0 every Patient's file was written and all input was read (resources not
    mapped, such as unknown codes or undated results, are reported but do not change it); 3
    some input could not be read, a resource was invalid or refers to no Patient of the input,
    or a result was in a unit the patient file does not accept (the rest was still imported);
    2 usage error; 74 a file could not be written (it exists and --force was not given, or the
    disk refused it)."""
    if output_dir.exists() and not output_dir.is_dir():
        _say(f"cartscreen: --output-dir {_escaped(output_dir)}: not a folder; name a folder "
             "(it is created if missing)")
        raise typer.Exit(EXIT_USAGE)
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _say(f"cartscreen: --output-dir {_escaped(output_dir)}: cannot create it "
             f"({exc.strerror or type(exc).__name__})")
        raise typer.Exit(EXIT_CANNOT_WRITE) from None
    from cartscreen.fhir.mapping import import_paths

    today = date.today()
    result = import_paths(paths, today)
    raise typer.Exit(_write_all(result, output_dir, report or output_dir / REPORT_NAME, force,
                                today))


def _escaped(path: Path) -> str:
    from cartscreen.errors import one_line

    return one_line(str(path))


def _write_all(result: ImportResult, output_dir: Path, report_path: Path, force: bool,
               today: date) -> int:
    import json

    from cartscreen.atomic import CannotWrite, atomic_text_file
    from cartscreen.errors import InputError
    from cartscreen.fhir.report import (
        all_problems,
        patient_file_text,
        problem_line,
        report_document,
        summary_lines,
    )
    from cartscreen.patient.loader import load_patient

    for problem in all_problems(result):
        _say(problem_line(problem))
    errors = sum(1 for problem in all_problems(result) if problem.error)
    cannot_write = False
    files: dict[str, str | None] = {}
    not_written: dict[str, str] = {}
    if not result.patients:
        _say(problem_line_for("", "no Patient resource in the input; a patient file is made "
                              "per Patient, so include the Patient resources"))
        errors += 1
    for patient in result.patients:
        target = output_dir / f"{patient.id}.toml"
        reason: str | None = None
        if patient.invalid is not None:
            reason = ("the record's facts could not be made into a valid patient file ("
                      + patient.invalid.partition(":")[0] + ")")
            errors += 1
        elif patient.id.startswith("."):
            reason = "a Patient id starting with '.' would make a hidden file; rename it"
            errors += 1
        elif target.exists() and not force:
            reason = "the file exists; give --force to replace it, or another --output-dir"
            cannot_write = True
        if reason is None:
            try:
                with atomic_text_file(target) as handle:
                    handle.write(patient_file_text(patient, today))
                load_patient(target)  # the file must load as every patient file does
                files[patient.id] = str(target)
                print(_escaped(target))
                continue
            except CannotWrite as exc:
                reason = str(exc)
                cannot_write = True
            except InputError as exc:  # cannot happen: the data was validated before writing
                target.unlink(missing_ok=True)
                reason = f"the written file did not load ({exc.message}); please report it"
                errors += 1
        assert reason is not None
        not_written[patient.id] = reason
        files[patient.id] = None
        _say(problem_line_for(str(target), f"Patient/{patient.id}: not written: {reason}"))
    report_name: str | None = str(report_path)
    if report_path.exists() and not force:
        _say(problem_line_for(str(report_path), "the report exists; give --force to replace "
                              "it, or --report elsewhere"))
        cannot_write, report_name = True, None
    else:
        try:
            document = report_document(result, files, not_written, today)
            with atomic_text_file(report_path) as handle:
                handle.write(json.dumps(document, indent=2, ensure_ascii=False, default=str)
                             + "\n")
        except CannotWrite as exc:
            _say(problem_line_for("", str(exc)))
            cannot_write, report_name = True, None
    written = sum(1 for name in files.values() if name is not None)
    for line in summary_lines(result, written, len(not_written), errors, report_name):
        _say(line)
    if cannot_write:
        return EXIT_CANNOT_WRITE
    return EXIT_BAD_INPUT if errors else EXIT_OK


def problem_line_for(file: str, message: str) -> str:
    from cartscreen.errors import one_line

    return one_line(f"{file}: {message}" if file else f"cartscreen: {message}")
