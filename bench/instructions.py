"""The batch's work per patient in instructions, which a noisy machine does not change.

    .venv/bin/python bench/instructions.py

Counts, with valgrind's callgrind, the instructions one process executes to screen a
generated patient as a batch worker does (read, parse, validate, the plausibility and
screening-date rules, the five trials, the jsonl rows) and to parse the same file with
tomllib (the batch floor's work), each as the difference between 20 and 120 patients, so
that start-up cancels out. The hash seed is fixed, so a run repeats to within a few
thousand instructions.

Time is what the targets are about and bench/run.py measures it. On a virtual machine whose
speed moves by a tenth from run to run, a change of a few per cent shows only here; and
time per instruction is not the same for all code (see the README, under Speed).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from run import generate

BATCH = """
import sys
from datetime import date
from pathlib import Path
from cartscreen.batch import screen_one
from cartscreen.render.report import JsonlReporter
from cartscreen.trial import load_trials, trial_dirs
trials = list(load_trials(trial_dirs([])).trials.values())
for path in sorted(Path(sys.argv[1]).glob("*.toml"))[:int(sys.argv[2])]:
    screen_one(path, trials, as_of=None, today=date(2026, 12, 2),
               prepare=JsonlReporter.prepare)
"""

FLOOR = """
import sys, tomllib
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("*.toml"))[:int(sys.argv[2])]:
    tomllib.loads(path.read_text(encoding="utf-8"))
"""


def instructions(script: str, folder: Path, count: int) -> int:
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         "-c", script, str(folder), str(count)],
        capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"Collected\s*:\s*([\d,]+)|I\s+refs:\s*([\d,]+)", run.stderr)
    assert found, run.stderr[-2000:]
    return int((found.group(1) or found.group(2)).replace(",", ""))


def per_patient(script: str, folder: Path) -> float:
    return (instructions(script, folder, 120) - instructions(script, folder, 20)) / 100


def main() -> None:
    if shutil.which("valgrind") is None:
        sys.exit("bench/instructions.py needs valgrind (callgrind), which is not installed")
    with tempfile.TemporaryDirectory(prefix="cartscreen-instructions-") as scratch:
        folder = Path(scratch)
        generate(folder, 120)
        batch = per_patient(BATCH, folder)
        floor = per_patient(FLOOR, folder)
    print("instructions per patient (callgrind, 100 generated patients, one process):")
    print(f"  a batch worker's work (screen_one, jsonl rows)  {batch / 1e6:6.2f} M")
    print(f"  tomllib parse (the batch floor's work)           {floor / 1e6:6.2f} M")
    print(f"  ratio                                            {batch / floor:6.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
