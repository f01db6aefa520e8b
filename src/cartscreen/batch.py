"""Screen a batch of patient files: inputs in a fixed order, one result or problem per file.

The core of ``check`` and ``funnel``: it yields as it goes, so a renderer can stream results
and nothing holds a whole clinic's results in memory. It never prints.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import signal
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from cartscreen.engine import screen_patient, screening_date_for
from cartscreen.errors import InputError, WorkerDied
from cartscreen.files import file_kind
from cartscreen.patient import check_against_screening_date, load_patient
from cartscreen.result import InputProblem, PatientResult, Verdict
from cartscreen.trial import LoadedTrial

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

T = TypeVar("T")
Forecasting = bool | Literal["opens"]  # see screen_patient's forecast


Identity = tuple[int, int]  # (device, inode): one file, by whatever path it is reached


def expand_paths(paths: Iterable[Path | InputProblem]) -> Iterator[Path | InputProblem]:
    """Files as given, folders as their *.toml files (recursively, sorted, hidden ones left
    out), in argument order; problems already found (in a list of paths) pass through.

    A file reached more than once (named twice, or named and inside a folder also given, by
    any path) is screened once, where it first appears: the funnel counts patients, and a
    coordinator's overlapping arguments should not count one twice.
    """
    seen: set[Identity] = set()
    for path in paths:
        if isinstance(path, InputProblem):
            yield path
        elif path.is_dir():
            found, problems = _patient_files(path)
            yield from problems
            if not found and not problems:
                yield InputProblem(file=str(path), key=None,
                                   message="folder holds no *.toml patient files")
            yield from (p for p, identity in found if _new(identity, seen))
        elif path.exists():
            if _first_time(path, seen):
                yield path
        elif path.is_symlink():
            yield _dangling(path)
        else:
            yield InputProblem(file=str(path), key=None, message="no such file")


def _dangling(path: Path) -> InputProblem:
    return InputProblem(file=str(path), key=None, message="a link to a file that does not "
                        "exist; correct or remove the link")


def _patient_files(folder: Path) -> tuple[list[tuple[Path, Identity]], list[InputProblem]]:
    """The *.toml files under a folder, sorted, and a problem for everything under it that
    looks like a patient file or a folder of them but cannot be screened: a folder that
    cannot be read, a link to nothing, a named pipe or device called *.toml, a link that
    loops (pathlib's rglob would skip all of these silently, and with them patients).

    Links are followed, to files and to folders (a clinic may link each month's folder into
    one), but never round a loop: a link to a folder that contains it is reported, not
    followed, and a folder reached by two paths is searched once.

    Hidden files and folders are not patients: the ._NAME.toml files macOS leaves on shared
    drives, .git, editors' and tools' own files. (Named alone, a hidden file is read.)

    Each file comes with its identity, from the listing's own look at it.
    """
    found: list[tuple[Path, Identity]] = []
    problems: list[InputProblem] = []

    def problem(path: Path | str, message: str) -> None:
        problems.append(InputProblem(file=str(path), key=None, message=message))

    def unreadable(path: Path | str, error: OSError) -> None:
        problem(path, f"cannot read folder ({error.strerror or type(error).__name__}); the "
                "patient files in it were not screened")

    try:
        top = folder.stat()
    except OSError as error:
        unreadable(folder, error)
        return [], problems
    searched = {(top.st_dev, top.st_ino)}
    # Each folder to search, with the identities of the folders above it (to tell a loop
    # from a folder that is merely reached twice).
    stack: list[tuple[Path, frozenset[Identity]]] = [
        (folder, frozenset(searched))]
    while stack:
        here, above = stack.pop()
        try:
            with os.scandir(here) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            unreadable(here, error)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                info = entry.stat()  # follows links
            except FileNotFoundError:
                if entry.is_symlink() and entry.name.endswith(".toml"):
                    problems.append(_dangling(path))
                elif entry.is_symlink():
                    problem(path, "a link to a folder or file that does not exist; it was "
                            "not searched; correct or remove the link")
                continue
            except OSError as error:
                if entry.name.endswith(".toml") or entry.is_symlink():
                    problem(path, f"cannot read ({error.strerror or type(error).__name__}); "
                            "check the path and its permissions")
                continue
            if stat.S_ISDIR(info.st_mode):
                identity = (info.st_dev, info.st_ino)
                if identity in above:
                    problem(path, "a link to a folder that contains it (a loop); it was not "
                            "followed")
                elif identity not in searched:
                    searched.add(identity)
                    stack.append((path, above | {identity}))
            elif entry.name.endswith(".toml"):
                if stat.S_ISREG(info.st_mode):
                    found.append((path, (info.st_dev, info.st_ino)))
                else:
                    problem(path, f"not a regular file ({file_kind(info.st_mode)}); save the "
                            "patient to an ordinary .toml file")
    return sorted(found), sorted(problems, key=lambda item: item.file)


def _first_time(path: Path, seen: set[Identity]) -> bool:
    try:
        stat = path.stat()
    except OSError:  # gone since it was listed: let reading it report that
        return True
    return _new((stat.st_dev, stat.st_ino), seen)


def _new(identity: Identity, seen: set[Identity]) -> bool:
    if identity in seen:
        return False
    seen.add(identity)
    return True


STDIN = "standard input"


def paths_from_lines(lines: Iterable[str]) -> list[Path | InputProblem]:
    """Paths listed one per line (blank lines and lines starting with # are skipped).

    A line that names no file is reported by its number, never its text: what arrives on
    standard input may be a patient file's contents (``cat patient.toml | cartscreen check
    -``), and its lines must not reach the terminal or a log. When it looks like one, that is
    said once, with how to give the file instead.
    """
    listed = [(number, line.strip()) for number, line in enumerate(lines, start=1)
              if line.strip() and not line.lstrip().startswith("#")]
    missing = [number for number, line in listed if not _exists(line)]
    if missing and len(missing) == len(listed) and any(
            _TOML_LINE.match(line) for _, line in listed):
        return [InputProblem(
            file=STDIN, key=None,
            message="holds what looks like a patient file's contents, not paths; give the "
                    "file's path instead (cartscreen check FILE), or list paths on standard "
                    "input, one per line")]
    absent = set(missing)
    return [InputProblem(file=f"{STDIN}, line {number}", key=None,
                         message="no such file (the line is not repeated here, as it may hold "
                                 "patient data); check the list of paths")
            if number in absent else Path(line)
            for number, line in listed]


# A TOML key = value line or a [table] header: what a patient file's lines look like.
_TOML_LINE = re.compile(r'^(\[\[?[\w."\s-]+\]\]?|[\w."-]+\s*=)')


def _exists(line: str) -> bool:
    try:
        path = Path(line)
        return path.exists() or path.is_symlink()
    except (OSError, ValueError):  # a name too long for a path, or holding NUL
        return False


# A what-if screening date (--screen-on) for every file of the run, set by the command line
# before any file is screened (and inherited by worker processes).
screen_on: date | None = None


def screen_file(path: Path, trials: Sequence[LoadedTrial], *, as_of: date | None,
                today: date, forecast: Forecasting = False) -> PatientResult | InputProblem:
    """One file's result, or the first problem that keeps it from being screened (read,
    validated, then checked against the screening date in effect)."""
    try:
        patient = load_patient(path)
        screening, source = screening_date_for(patient, as_of, today, screen_on)
        check_against_screening_date(patient, path, screening, source)
    except InputError as exc:
        return InputProblem(file=exc.file, key=exc.key, message=exc.message, line=exc.line)
    return screen_patient(patient, str(path), trials, as_of=as_of, today=today,
                          forecast=forecast, screen_on=screen_on)


@dataclass(frozen=True, slots=True)
class Screened(Generic[T]):
    """One patient's screening as a command consumes it, made where the patient was screened.

    ``payload`` is what the command's reporter asked for (``prepare``): rendered rows for the
    machine formats, outcome counts for the funnel, the whole result for the tables. Workers
    send back only that, so the parent process neither unpickles nor holds every criterion's
    evidence of a large batch.
    """

    file: str
    patient_id: str
    verdicts: tuple[Verdict, ...]
    warnings: tuple[str, ...]
    payload: T


# With --debug, an unexpected error is raised rather than made the file's error row, so that
# the command line can show where it happened.
raise_unexpected = False


def screen_one(path: Path, trials: Sequence[LoadedTrial], *, as_of: date | None, today: date,
               prepare: Callable[[PatientResult], T],
               forecast: Forecasting = False) -> Screened[T] | InputProblem:
    """One file screened and prepared for its reporter. Whatever goes wrong with it, even an
    error in cartscreen itself, becomes this file's problem: the rest of the batch is kept."""
    try:
        result = screen_file(path, trials, as_of=as_of, today=today, forecast=forecast)
        if isinstance(result, InputProblem):
            return result
        return Screened(
            file=result.file,
            patient_id=result.patient_id,
            verdicts=tuple(t.verdict for t in result.trials),
            warnings=tuple(dict.fromkeys(w for t in result.trials for w in t.warnings)),
            payload=prepare(result),
        )
    except Exception as exc:
        if raise_unexpected:
            raise
        # Only the error's type: its text may quote a value from the file.
        return InputProblem(
            file=str(path), key=None,
            message=f"could not be screened: an internal error ({type(exc).__name__}) in "
                    "cartscreen; the other files were screened. Please report it, and run "
                    "this file alone with --debug to see where it happened")


class SameIdCheck:
    """Notice a patient id already seen in the batch under another file (an old and a new
    version of one patient's file, say), which the funnel would count as two patients."""

    def __init__(self) -> None:
        self._first_file: dict[str, str] = {}

    def warning(self, item: Screened[Any]) -> str | None:
        first = self._first_file.setdefault(item.patient_id, item.file)
        if first == item.file:
            return None
        # Name the files, not the id: warnings go to stderr and logs.
        return (f"the same patient id as {first}; each file is screened and counted as a "
                "patient, so remove the one that is out of date")


def screen_all(inputs: Iterable[Path | InputProblem], trials: Sequence[LoadedTrial], *,
               as_of: date | None, today: date, prepare: Callable[[PatientResult], T],
               forecast: Forecasting = False) -> Iterator[Screened[T] | InputProblem]:
    for item in inputs:
        if isinstance(item, InputProblem):
            yield item
        else:
            yield screen_one(item, trials, as_of=as_of, today=today, prepare=prepare,
                             forecast=forecast)


# --- parallel screening ------------------------------------------------------------------
# Worker processes are forked after the trials are loaded, so they inherit them (and the
# imported modules) instead of loading them again, and screen files in chunks; results come
# back in input order, so the output is the same whatever the number of jobs.

PARALLEL_FROM = 200  # files; below this, starting processes costs more than it saves

_worker: tuple[Sequence[LoadedTrial], date | None, date, Callable[[PatientResult], Any],
               Forecasting] | None
_worker = None


def _screen_chunk(paths: list[Path]) -> list[Screened[Any] | InputProblem]:
    assert _worker is not None, "worker started without its trials"
    trials, as_of, today, prepare, forecast = _worker
    return [screen_one(path, trials, as_of=as_of, today=today, prepare=prepare,
                       forecast=forecast)
            for path in paths]


def _worker_start(parent: int) -> None:
    """In each worker: leave Ctrl-C to the parent, which stops the pool and cleans up; die at
    once when terminated; and, on Linux, die with the parent if it is killed outright, rather
    than wait for work for ever holding the terminal's or a pipe's stderr open."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(Exception):  # prctl is Linux's; elsewhere the parent must stop us
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _fork_context() -> BaseContext | None:
    import multiprocessing  # only large batches pay for importing it

    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: screen in this process
        return None


def screen_parallel(inputs: Sequence[Path | InputProblem], trials: Sequence[LoadedTrial], *,
                    as_of: date | None, today: date, jobs: int,
                    prepare: Callable[[PatientResult], T],
                    forecast: Forecasting = False) -> Iterator[Screened[T] | InputProblem]:
    """Like :func:`screen_all`, over ``jobs`` processes when the batch is large enough.

    Only a few chunks per worker are in flight at a time, so memory stays flat however large
    the batch: a new chunk is submitted only when a finished one has been consumed.
    """
    global _worker
    files = [item for item in inputs if isinstance(item, Path)]
    context = None if jobs <= 1 or len(files) < PARALLEL_FROM else _fork_context()
    if context is None:
        yield from screen_all(inputs, trials, as_of=as_of, today=today, prepare=prepare,
                              forecast=forecast)
        return

    from concurrent.futures import Future, ProcessPoolExecutor  # large batches only
    from concurrent.futures.process import BrokenProcessPool

    size = max(1, min(64, len(files) // (jobs * 8)))
    chunks = (files[start:start + size] for start in range(0, len(files), size))
    _worker = (trials, as_of, today, prepare, forecast)  # inherited by the forked workers
    # A process pool that notices a worker dying (killed, out of memory) and says so, where
    # multiprocessing.Pool would wait for the lost chunk for ever.
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_start,
                               initargs=(os.getpid(),))
    # The objects the workers inherit (modules, trials) are left out of garbage collection
    # while they run: a collection in a worker would otherwise walk them all and write to
    # their pages, which the fork shares until written (about a fifth fewer page copies).
    gc.freeze()
    try:
        in_flight: deque[Future[list[Screened[Any] | InputProblem]]] = deque()

        def submit() -> None:
            chunk = next(chunks, None)
            if chunk is not None:
                in_flight.append(pool.submit(_screen_chunk, chunk))

        for _ in range(jobs * 3):
            submit()
        ready: deque[Screened[Any] | InputProblem] = deque()
        for item in inputs:
            if isinstance(item, InputProblem):
                yield item
                continue
            if not ready:
                try:
                    ready.extend(in_flight.popleft().result())
                except BrokenProcessPool:
                    raise WorkerDied from None
                submit()
            yield ready.popleft()
    finally:
        _worker = None
        gc.unfreeze()
        # Drop the chunks still queued when the batch ends early (an error, a closed pipe, an
        # interrupt) and wait for the few running, a fraction of a second. Waiting also matters
        # when the batch is complete: without it, the executor's exit hook can race its own
        # manager thread and print a traceback (EBADF on its wake-up pipe) as Python exits.
        pool.shutdown(wait=True, cancel_futures=True)
