"""Where the time goes: each stage of checking a patient, measured in one process.

    .venv/bin/python bench/stages.py [--patients 2000]

Generates patients as bench/run.py does and times, per patient, each stage of what
`cartscreen check` does for a file (median of three passes, milliseconds of one core), and,
for one patient, where a run's start-up goes. The benchmark's ratios say whether a target is
met; this says which stage a change would have to shrink.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from run import CARTSCREEN, generate


def each(stage: Callable[[Any], object], items: Sequence[Any]) -> None:
    """Run a stage on every item, keeping no result (a batch keeps none either: holding
    thousands of results would time the garbage collector instead)."""
    for item in items:
        stage(item)


def per_patient(label: str, run: Callable[[], object], count: int) -> None:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    print(f"  {label:<52} {statistics.median(times) * 1000 / count:6.3f} ms")


def startup(one: Path) -> None:
    """A single patient's run, split: the floor, the patient model, cartscreen's other modules,
    the trials, and the rest (interpreter start, screening with the forecast, the table,
    exit)."""
    probe = (
        "import time; t0 = time.perf_counter()\n"
        "import typer, rich, pydantic, tomllib; t1 = time.perf_counter()\n"
        "import cartscreen.patient; t2 = time.perf_counter()\n"
        "import cartscreen.cli, cartscreen.batch, cartscreen.render.report, cartscreen.actions,"
        " cartscreen.timeline, cartscreen.checks.registry; t3 = time.perf_counter()\n"
        "from cartscreen.trial import load_trials, trial_dirs\n"
        "trials = load_trials(trial_dirs([])).trials; t4 = time.perf_counter()\n"
        "print(f'{t1 - t0:.4f} {t2 - t1:.4f} {t3 - t2:.4f} {t4 - t3:.4f}')\n"
    )
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True).stdout.split() for _ in range(7)]
    floor, model, ours, trials = (statistics.median(float(r[i]) for r in runs)
                                  for i in range(4))
    whole = []
    for _ in range(7):
        start = time.perf_counter()
        subprocess.run([CARTSCREEN, "check", str(one)], capture_output=True, check=True)
        whole.append(time.perf_counter() - start)
    total = statistics.median(whole)
    print("one patient, `cartscreen check FILE` (median of 7 runs):")
    print(f"  whole run{'':<43} {total * 1000:6.0f} ms")
    print(f"  import typer, rich, pydantic, tomllib (the floor){'':<2} {floor * 1000:6.0f} ms")
    print(f"  import cartscreen.patient (the patient model){'':<6} {model * 1000:6.0f} ms")
    print(f"  import cartscreen's other modules (checks, output){'':<2} {ours * 1000:6.0f} ms")
    print(f"  load and validate the five trials{'':<18} {trials * 1000:6.0f} ms")
    print(f"  interpreter start, screening, table, exit{'':<10} "
          f"{(total - floor - model - ours - trials) * 1000:6.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=2000)
    args = parser.parse_args()

    from cartscreen.batch import screen_file
    from cartscreen.engine import screen_patient, screening_date_for
    from cartscreen.patient import Patient
    from cartscreen.patient.loader import check_against_screening_date, load_patient
    from cartscreen.patient.plausibility import implausible_facts
    from cartscreen.render.report import JsonlReporter
    from cartscreen.toml_parse import loads
    from cartscreen.trial import load_trials, trial_dirs

    trials = list(load_trials(trial_dirs([])).trials.values())
    today = date(2026, 12, 2)
    with tempfile.TemporaryDirectory(prefix="cartscreen-stages-") as scratch:
        files = generate(Path(scratch), args.patients)
        texts = [p.read_text(encoding="utf-8") for p in files]
        data = [loads(t) for t in texts]
        patients = [load_patient(p) for p in files]
        n = len(files)
        print(f"per patient, {n} generated patients, one process (median of 3 passes):")
        per_patient("read the files", lambda: each(Path.read_bytes, files), n)
        per_patient("parse with tomllib (the batch floor's parser)",
                    lambda: each(tomllib.loads, texts), n)
        per_patient("parse as the loader does (rtoml where proven)", lambda: each(loads, texts),
                    n)
        per_patient("validate against the patient model",
                    lambda: each(Patient.model_validate, data), n)
        per_patient("plausibility rules", lambda: each(
            lambda p: list(implausible_facts(p)), patients), n)
        per_patient("rules of the screening date", lambda: each(
            lambda pf: check_against_screening_date(
                pf[0], pf[1], screening_date_for(pf[0], None, today)[0]),
            list(zip(patients, files, strict=True))), n)
        per_patient("screen the five trials", lambda: each(
            lambda p: screen_patient(p, "x", trials, as_of=None, today=today), patients), n)
        results = [screen_patient(p, "x", trials, as_of=None, today=today)
                   for p in patients[:200]]
        per_patient("render the jsonl rows", lambda: each(JsonlReporter.prepare, results), 200)
        per_patient("all of it (batch.screen_file)", lambda: each(
            lambda f: screen_file(f, trials, as_of=None, today=today), files), n)
        startup(files[0])


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
