"""Screen a batch of patient files: inputs in a fixed order, one result or problem per file.

The core of ``check`` and ``funnel``: it yields as it goes, so a renderer can stream results
and nothing holds a whole clinic's results in memory. It never prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path

from cartscreen.engine import screen_patient
from cartscreen.errors import InputError
from cartscreen.patient import load_patient
from cartscreen.result import InputProblem, PatientResult
from cartscreen.trial import LoadedTrial


def expand_paths(paths: Iterable[Path]) -> Iterator[Path | InputProblem]:
    """Files as given, folders as their *.toml files (recursively, sorted), in argument order."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.toml") if p.is_file())
            if not found:
                yield InputProblem(file=str(path), key=None,
                                   message="folder holds no *.toml patient files")
            yield from found
        elif path.exists():
            yield path
        else:
            yield InputProblem(file=str(path), key=None, message="no such file")


def paths_from_lines(lines: Iterable[str]) -> list[Path]:
    """Paths listed one per line (blank lines and lines starting with # are skipped)."""
    return [Path(line.strip()) for line in lines
            if line.strip() and not line.lstrip().startswith("#")]


def screen_file(path: Path, trials: Sequence[LoadedTrial], *, as_of: date | None,
                today: date) -> PatientResult | InputProblem:
    try:
        patient = load_patient(path)
    except InputError as exc:
        return InputProblem(file=exc.file, key=exc.key, message=exc.message)
    return screen_patient(patient, str(path), trials, as_of=as_of, today=today)


def screen_all(inputs: Iterable[Path | InputProblem], trials: Sequence[LoadedTrial], *,
               as_of: date | None, today: date) -> Iterator[PatientResult | InputProblem]:
    for item in inputs:
        if isinstance(item, InputProblem):
            yield item
        else:
            yield screen_file(item, trials, as_of=as_of, today=today)


# --- parallel screening ------------------------------------------------------------------
# Each worker process loads the trials once (initializer) and screens files in chunks; results
# come back in input order, so the output is the same whatever the number of jobs.

PARALLEL_FROM = 200  # files; below this, starting processes costs more than it saves

_worker_trials: list[LoadedTrial] = []
_worker_dates: tuple[date | None, date] = (None, date.min)


def _init_worker(trial_dirs: list[Path], trial_ids: list[str], as_of: date | None,
                 today: date) -> None:
    from cartscreen.trial import load_trials

    global _worker_trials, _worker_dates
    loaded = load_trials(trial_dirs).trials
    _worker_trials = [loaded[trial_id] for trial_id in trial_ids]
    _worker_dates = (as_of, today)


def _screen_chunk(paths: list[Path]) -> list[PatientResult | InputProblem]:
    as_of, today = _worker_dates
    return [screen_file(path, _worker_trials, as_of=as_of, today=today) for path in paths]


def screen_parallel(inputs: Sequence[Path | InputProblem], trials: Sequence[LoadedTrial],
                    trial_dirs: list[Path], *, as_of: date | None, today: date,
                    jobs: int) -> Iterator[PatientResult | InputProblem]:
    """Like :func:`screen_all`, over ``jobs`` processes when the batch is large enough.

    Only a few chunks per worker are in flight at a time, so memory stays flat however large
    the batch: a new chunk is submitted only when a finished one has been consumed.
    """
    files = [item for item in inputs if isinstance(item, Path)]
    if jobs <= 1 or len(files) < PARALLEL_FROM:
        yield from screen_all(inputs, trials, as_of=as_of, today=today)
        return
    import multiprocessing
    from collections import deque
    from multiprocessing.pool import AsyncResult

    size = max(1, min(64, len(files) // (jobs * 8)))
    chunks = (files[start:start + size] for start in range(0, len(files), size))
    with multiprocessing.get_context("fork").Pool(
        jobs, initializer=_init_worker,
        initargs=(trial_dirs, [t.id for t in trials], as_of, today),
    ) as pool:
        in_flight: deque[AsyncResult[list[PatientResult | InputProblem]]] = deque()

        def submit() -> None:
            chunk = next(chunks, None)
            if chunk is not None:
                in_flight.append(pool.apply_async(_screen_chunk, (chunk,)))

        for _ in range(jobs * 3):
            submit()
        ready: deque[PatientResult | InputProblem] = deque()
        for item in inputs:
            if isinstance(item, InputProblem):
                yield item
                continue
            if not ready:
                ready.extend(in_flight.popleft().get())
                submit()
            yield ready.popleft()
