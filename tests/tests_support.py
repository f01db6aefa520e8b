"""Helpers shared by the CLI test modules: run the real console script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_patients"
ELIGIBLE = SAMPLES / "sle-refractory-eligible.toml"
CARTSCREEN = Path(sys.executable).parent / "cartscreen"
SNAPSHOTS = Path(__file__).parent / "snapshots"
TRIAL_IDS = ["NCT06222853", "NCT06569472", "NCT06792344", "NCT06934447", "NCT07184450"]

DETERMINISTIC = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)
"""Hypothesis settings for the generated-input tests: the same cases on every run and machine
(no example database, no deadline), so a failure in CI is a failure locally too."""


def command_environment() -> dict[str, str]:
    """This process's environment without CARTSCREEN_TRIALS, so that only the bundled trials
    (and any --trials given) are loaded by the command under test."""
    return {k: v for k, v in os.environ.items() if k != "CARTSCREEN_TRIALS"}


def run(*args: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    variables = command_environment()
    variables.update({"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"})
    variables.update(env or {})
    return subprocess.run([str(CARTSCREEN), *map(str, args)], cwd=cwd, env=variables,
                          capture_output=True, text=True, input=stdin, timeout=60)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path




def joined_patients(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The patients of a ``check --format json`` document with each criterion's finding joined
    to its trial's criterion (wording, check, rule, windows, note): the view that schema 2 gave
    per patient, as the README's jq one-liner rebuilds it."""
    definitions = {trial["id"]: {c["id"]: c for c in trial["criteria"]}
                   for trial in document["trials"]}
    return [{**patient, "trials": [
        {**trial, "criteria": [{**definitions[trial["trial_id"]][c["id"]], **c}
                               for c in trial["criteria"]]}
        for trial in patient["trials"]]}
        for patient in document["patients"]]
