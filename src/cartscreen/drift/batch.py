"""Records in, one result per record out: each record read, matched to its loaded trial by
its nctId, and compared with that trial's file and kept registry text. A record that cannot
be compared is a :class:`DriftProblem` in its place; the batch goes on."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cartscreen.drift.compare import Drift, compare
from cartscreen.drift.record import RecordProblem, read_record
from cartscreen.errors import error_line
from cartscreen.files import NotARegularFile, read_regular_file
from cartscreen.trial import LoadedTrial

# A kept registry text is a few kilobytes; the registry allows 20,000 characters.
BASELINE_LIMIT_BYTES = 1024 * 1024
BASELINE_FOLDER = "registry-text"

# What kept a record from being compared:
# unreadable: not a readable v2 study record; no_records: a folder without any;
# unknown_trial: a record of a trial that is not loaded; other_trial: a record of another
# trial than the one named; no_baseline: the trial's kept registry text cannot be read.
ProblemKind = Literal["unreadable", "no_records", "unknown_trial", "other_trial",
                      "no_baseline"]


@dataclass(frozen=True)
class DriftProblem:
    """A record (or folder) that was not compared, and why: one line, ``FILE: problem; fix``."""

    kind: ProblemKind
    file: str
    message: str
    key: str | None = None
    trial_id: str | None = None

    def __str__(self) -> str:
        return error_line(self.file, None, self.key, self.message)


DriftResult = Drift | DriftProblem


def record_files(paths: Iterable[Path]) -> Iterator[Path | DriftProblem]:
    """The records named: files as given; a folder as the *.json files in it (not its
    subfolders, nor hidden files), sorted; a file reached twice is compared once."""
    seen: set[str] = set()

    def first_time(path: Path) -> bool:
        real = os.path.realpath(path)  # a link that loops is itself, not an error
        if real in seen:
            return False
        seen.add(real)
        return True

    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.json")
                           if not p.name.startswith(".") and not p.is_dir())
            if not found:
                yield DriftProblem("no_records", str(path),
                                   "holds no *.json records; download them into it (see "
                                   "cartscreen trials diff --help)")
            yield from (file for file in found if first_time(file))
        elif first_time(path):
            yield path


def baseline_path(trial: LoadedTrial) -> Path:
    """The kept registry text of a trial: ``registry-text/<id>.txt`` beside its file."""
    return trial.path.parent / BASELINE_FOLDER / f"{trial.id}.txt"


class BaselineProblem(Exception):
    """A trial's kept registry text cannot be read: ``problem; fix``, naming the file."""


def read_baseline(trial: LoadedTrial) -> str:
    """The kept registry text of a trial, or :class:`BaselineProblem`."""
    path = baseline_path(trial)
    fix = (f"save {trial.id}'s registry eligibility text there, as its criteria quote it: "
           "records are compared with it")
    try:
        raw = read_regular_file(path, BASELINE_LIMIT_BYTES + 1)
    except FileNotFoundError:
        problem = "does not exist"
    except NotARegularFile as exc:
        problem = f"is not a regular file ({exc.kind})"
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror or type(exc).__name__})"
    else:
        if len(raw) > BASELINE_LIMIT_BYTES:
            problem = f"is larger than {BASELINE_LIMIT_BYTES // 2**20} MiB"
        else:
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                problem = "is not UTF-8 text"
    raise BaselineProblem(f"the kept registry text {path} {problem}; {fix}")


def diff_records(items: Iterable[Path | DriftProblem], trials: Mapping[str, LoadedTrial],
                 only: str | None = None) -> Iterator[DriftResult]:
    """Each record compared with its trial (with ``only``: every record must be of that
    trial), in the order given."""
    baselines: dict[str, str | BaselineProblem] = {}
    for item in items:
        if isinstance(item, DriftProblem):
            yield item
            continue
        try:
            record = read_record(item)
        except RecordProblem as problem:
            yield DriftProblem("unreadable", problem.file, problem.message, problem.key)
            continue
        if only is not None and record.nct_id != only:
            yield DriftProblem(
                "other_trial", record.file,
                f"the record is of {record.nct_id}, not {only}; give {only}'s record, or leave "
                "out the trial id to compare each record with the trial it names",
                trial_id=record.nct_id)
            continue
        trial = trials.get(record.nct_id)
        if trial is None:
            yield DriftProblem(
                "unknown_trial", record.file,
                f"the record is of {record.nct_id}, which is not a loaded trial (loaded: "
                f"{', '.join(sorted(trials))}); load its trial file with cartscreen trials "
                "--trials DIR diff …, or leave the record out", trial_id=record.nct_id)
            continue
        if trial.id not in baselines:
            try:
                baselines[trial.id] = read_baseline(trial)
            except BaselineProblem as problem:
                baselines[trial.id] = problem
        baseline = baselines[trial.id]
        if isinstance(baseline, BaselineProblem):
            yield DriftProblem("no_baseline", record.file, str(baseline), trial_id=trial.id)
            continue
        yield compare(trial, baseline, str(baseline_path(trial)), record)
