"""Benchmark cartscreen on this machine: single-patient latency, batch throughput, peak memory.

    .venv/bin/python bench/run.py [--patients 10000] [--repeats 3] [--jobs 0]

Generates N synthetic patients (deterministic seed) from the sample patients, with values
varied so that verdicts spread, then reports each figure as the median of several runs and
as a ratio to its floor, the two run in turn (the targets are the README's, under Speed):

- single-patient latency of `cartscreen check one.toml` / `python -c "import typer, rich,
  pydantic, tomllib"` (target ≤ 2.5);
- N-patient batch (`check DIR --format jsonl --output FILE`) / parsing the same N files with
  tomllib in one process (target ≤ 1.0);
- peak memory (largest process) for N patients / for 100 patients (target ≤ 1.5);

and the size one more patient adds to a `--format json` document (from 100 to 1,000 patients).
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "sample_patients").glob("*.toml"))
BIN = Path(sys.executable).parent
CARTSCREEN = str(BIN / "cartscreen")
SEED = 20261122


MINIMAL_TYPER_APP = """
from pathlib import Path
import typer, rich, pydantic, tomllib
app = typer.Typer()
@app.command()
def check(path: Path) -> None:
    pass
@app.command()
def other() -> None:
    pass
app()
"""

ONE_PYDANTIC_MODEL = """
import typer, rich, tomllib
from pydantic import BaseModel
class Patient(BaseModel):
    id: str
Patient(id="x")
"""


def generate(folder: Path, count: int) -> list[Path]:
    """Synthetic patients: a sample's facts with a new id and some values varied."""
    rng = random.Random(SEED)
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        text = rng.choice(texts)
        text = re.sub(r'^id = "[^"]+"', f'id = "SYN-{index:05}"', text, count=1, flags=re.M)
        text = re.sub(r"^lvef_percent = \d+", f"lvef_percent = {rng.randint(48, 72)}", text,
                      count=1, flags=re.M)
        text = re.sub(r"^sledai_2k = \d+", f"sledai_2k = {rng.randint(2, 24)}", text,
                      count=1, flags=re.M)
        text = re.sub(r"^count_per_ul = \d+", f"count_per_ul = {rng.choice([3, 40, 250])}",
                      text, count=1, flags=re.M)
        path = folder / f"p{index:05}.toml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def timed(command: list[str]) -> tuple[float, int]:
    """Wall time in seconds and peak resident memory in KiB of the command's largest process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1, 3):
        raise SystemExit(f"benchmark command failed ({process.returncode}): {' '.join(command)}")
    return elapsed, usage.ru_maxrss


def median_time(command: list[str], repeats: int) -> float:
    return statistics.median(timed(command)[0] for _ in range(repeats))


def paired_medians(first: list[str], second: list[str], repeats: int) -> tuple[float, float]:
    """The median times of two commands run in turn: on a shared or virtual machine whose
    speed drifts, a ratio of two medians taken minutes apart measures the drift too."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for command, kept in zip((first, second), times, strict=True):
            kept.append(timed(command)[0])
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0, help="0: one per core")
    args = parser.parse_args()
    jobs = str(args.jobs or os.cpu_count() or 1)
    # The floor's libraries run from the bytecode pip compiled when it installed them; compile
    # cartscreen's modules too, as an installed copy would be (with PYTHONDONTWRITEBYTECODE
    # set, as on this project's machines, an editable install is otherwise recompiled from
    # source on every run). The bytecode goes to __pycache__, which git ignores.
    import cartscreen

    compileall.compile_dir(Path(cartscreen.__file__).parent, quiet=1)
    # Importing cartscreen switched pydantic plugins off in this process's environment; the
    # commands timed start from the user's environment, and cartscreen's switches it itself.
    os.environ.pop("PYDANTIC_DISABLE_PLUGINS", None)
    with tempfile.TemporaryDirectory(prefix="cartscreen-bench-") as scratch:
        base = Path(scratch)
        files = generate(base / "cohort", args.patients)
        small = base / "cohort-100"
        small.mkdir()
        for path in files[:100]:
            (small / path.name).write_bytes(path.read_bytes())
        out = str(base / "out.jsonl")

        floor_import, single = paired_medians(
            [sys.executable, "-c", "import typer, rich, pydantic, tomllib"],
            [CARTSCREEN, "check", str(files[0])], args.repeats * 5)
        # Reference points for the latency target: what the stack itself costs beyond the
        # floor, before cartscreen does anything.
        typer_app = median_time([sys.executable, "-c", MINIMAL_TYPER_APP, "check", "x"],
                                args.repeats * 3)
        one_model = median_time([sys.executable, "-c", ONE_PYDANTIC_MODEL], args.repeats * 3)
        # And what validating any patient file needs before cartscreen does anything else: the
        # floor's imports and the patient model (built at import).
        floor_again, patient_model = paired_medians(
            [sys.executable, "-c", "import typer, rich, pydantic, tomllib"],
            [sys.executable, "-c", "import typer, rich, pydantic, tomllib, cartscreen.patient"],
            args.repeats * 5)
        parse_all = ("import tomllib, pathlib\n"
                     f"for p in sorted(pathlib.Path({str(base / 'cohort')!r}).glob('*.toml')):\n"
                     "    tomllib.loads(p.read_text(encoding='utf-8'))")
        batch_command = [CARTSCREEN, "check", str(base / "cohort"), "--format", "jsonl",
                         "--output", out, "--jobs", jobs]
        floor_parse, batch = paired_medians([sys.executable, "-c", parse_all], batch_command,
                                            args.repeats)
        memory_small = max(timed([CARTSCREEN, "check", str(small), "--format", "jsonl",
                                  "--output", out, "--jobs", jobs])[1] for _ in range(2))
        memory_large = max(timed(batch_command)[1] for _ in range(2))
        # JSON size per patient: what one more patient adds to a --format json document (the
        # growth from 100 to 1,000 patients, so the once-per-document parts cancel out).
        thousand = base / "cohort-1000"
        thousand.mkdir()
        for path in files[:1000]:
            (thousand / path.name).write_bytes(path.read_bytes())
        json_sizes = []
        for folder in (small, thousand):
            document = base / f"{folder.name}.json"
            timed([CARTSCREEN, "check", str(folder), "--format", "json", "--output",
                   str(document), "--jobs", jobs])
            json_sizes.append(document.stat().st_size)
        json_per_patient = (json_sizes[1] - json_sizes[0]) / (min(1000, len(files)) - 100)

    ratios = [
        ("single-patient latency / import floor", single / floor_import, 2.5,
         f"{single * 1000:.0f} ms vs {floor_import * 1000:.0f} ms"),
        (f"{args.patients}-patient batch / tomllib parse floor", batch / floor_parse, 1.0,
         f"{batch:.2f} s vs {floor_parse:.2f} s ({args.patients / batch:.0f} patients/s, "
         f"{jobs} jobs)"),
        (f"peak memory {args.patients} / 100 patients", memory_large / memory_small, 1.5,
         f"{memory_large / 1024:.0f} MiB vs {memory_small / 1024:.0f} MiB"),
    ]
    print(f"cartscreen benchmark: {args.patients} synthetic patients, seed {SEED}, "
          f"median of {args.repeats}+ runs, {os.cpu_count()} cores")
    for name, ratio, target, detail in ratios:
        verdict = "meets" if ratio <= target else "MISSES"
        print(f"  {name}: {ratio:.2f} (target ≤ {target}; {verdict})  [{detail}]")
    print(f"  --format json size per patient: {json_per_patient / 1024:.1f} KiB "
          f"[{json_sizes[0] / 1024:.0f} KiB for 100 patients, {json_sizes[1] / 1024:.0f} KiB "
          "for 1000]")
    print("  reference, not cartscreen: the stack alone / import floor")
    print(f"    a two-command Typer app run with a Path argument: {typer_app / floor_import:.2f}"
          f"  [{typer_app * 1000:.0f} ms]")
    print(f"    defining and validating one pydantic model: {one_model / floor_import:.2f}"
          f"  [{one_model * 1000:.0f} ms]")
    print("  reference: the floor and the patient model, which every check run builds before "
          "it reads a file")
    print(f"    import typer, rich, pydantic, tomllib, cartscreen.patient: "
          f"{patient_model / floor_again:.2f}  [{patient_model * 1000:.0f} ms vs "
          f"{floor_again * 1000:.0f} ms, run in turn]")


if __name__ == "__main__":
    main()
