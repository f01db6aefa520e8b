"""`cartscreen trials diff`: the command line of the drift check.

Only typer and the standard library are imported here; the rest loads when the command runs,
so that `cartscreen check` does not pay for it.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

_TRIAL_ID = re.compile(r"^NCT\d{8}$", re.IGNORECASE)
_LOOKS_LIKE_AN_ID = re.compile(r"^NCT[^/\\.]*$", re.IGNORECASE)


class DiffFormat(StrEnum):
    table = "table"
    json = "json"


def _split_id(arguments: list[Path]) -> tuple[str | None, list[Path]]:
    """The trial id, when the first argument is one (NCT and 8 digits, and no file or folder
    of that name exists), and the record paths."""
    first = str(arguments[0])
    if _TRIAL_ID.match(first) and not arguments[0].exists():
        return first.upper(), arguments[1:]
    if _LOOKS_LIKE_AN_ID.match(first) and not arguments[0].exists():
        raise typer.BadParameter(f"{first!r} is neither a trial id (NCT and 8 digits) nor a "
                                 "file or folder", param_hint="[ID] RECORD…")
    return None, arguments


def diff(
    ctx: typer.Context,
    arguments: Annotated[list[Path], typer.Argument(
        metavar="[ID] RECORD…",
        help="A loaded trial's id (optional), then ClinicalTrials.gov API v2 study records "
        "(.json), or folders of them (their *.json files). Without ID, each record is "
        "compared with the trial its nctId names.")],
    output_format: Annotated[DiffFormat, typer.Option(
        "--format", help="table, or json (schema_version 1; the README gives its shape).")]
    = DiffFormat.table,
    width: Annotated[int | None, typer.Option(
        "--width", min=40, help="Table width in characters, at least 40 (default: the "
        "terminal's).")] = None,
) -> None:
    """Compare encoded trials with ClinicalTrials.gov records you downloaded: metadata that
    changed (ages, sex, status, conditions, record date) and eligibility sentences added,
    removed or reworded against the kept registry text (registry-text/ID.txt beside the
    trial file), each with the criteria that quote it and, when reworded, a word diff
    ([-old-]{+new+}). Nothing is fetched: download a record with

    \b
      curl -o NCT06222853.json https://clinicaltrials.gov/api/v2/studies/NCT06222853

    A removed and an added sentence of the same section are one sentence reworded when
    their similarity (difflib's ratio on their words, punctuation and symbols aside) is at
    least 0.6.
    `cartscreen trials --trials DIR diff …` also loads the trials in DIR.

    Exit codes: 0 every record matches its trial's encoding; 1 a record differs; 2 usage
    error (an unknown trial id, a record of another trial than ID or of a trial not loaded,
    no records); 3 a record could not be read (not JSON, not one v2 study record); 4 a trial
    file, or its kept registry text, is invalid. A record that cannot be compared is one line
    on stderr, and the others are still compared; the exit code is then the first of 4, 3,
    2 that applies."""
    import sys

    from cartscreen.cli import (
        EXIT_BAD_INPUT,
        EXIT_BAD_TRIALS,
        EXIT_FAIL_ON,
        EXIT_USAGE,
        _destination,
        _error,
        _load_trials,
    )
    from cartscreen.drift.batch import DriftProblem, diff_records, record_files
    from cartscreen.drift.report import REPORTERS, Summary

    extra: list[Path] = ctx.obj or []
    trial_id, paths = _split_id(arguments)
    trials = _load_trials(extra)
    if trial_id is not None and trial_id not in trials:
        raise typer.BadParameter(f"unknown trial {trial_id}; loaded: {', '.join(sorted(trials))}",
                                 param_hint="ID")
    if not paths:
        raise typer.BadParameter(f"no record given; download {trial_id}'s (curl -o "
                                 f"{trial_id}.json https://clinicaltrials.gov/api/v2/studies/"
                                 f"{trial_id}), then give the file after the id",
                                 param_hint="RECORD")
    exit_differs = EXIT_FAIL_ON  # 1, as diff(1) exits when its files differ
    exit_for_problem = {"unreadable": EXIT_BAD_INPUT, "no_records": EXIT_USAGE,
                        "unknown_trial": EXIT_USAGE, "other_trial": EXIT_USAGE,
                        "no_baseline": EXIT_BAD_TRIALS}
    codes: set[int] = set()
    summary = Summary()
    with _destination(None, machine=output_format is DiffFormat.json) as out:
        reporter = REPORTERS[output_format.value](out, width)
        for result in diff_records(record_files(paths), trials, trial_id):
            summary.add(result)
            if isinstance(result, DriftProblem):
                _error(str(result))
                codes.add(exit_for_problem[result.kind])
            elif not result.matches:
                codes.add(exit_differs)
            reporter.add(result)
        reporter.finish(summary)
    print(summary, file=sys.stderr)
    for code in (EXIT_BAD_TRIALS, EXIT_BAD_INPUT, EXIT_USAGE, exit_differs):
        if code in codes:
            raise typer.Exit(code)
