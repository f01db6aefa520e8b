"""Trial files: pydantic models of a trial's metadata and ordered criteria, and their loader.

Each criterion names a registered check; its parameters are validated against that check's
parameter model when the trial is loaded, so a trial file is data and never code. The rules a
trial file must meet beyond these models (ids, ages, disease branches, metadata agreeing with
the criteria) live in :mod:`cartscreen.validate`, which the loader uses.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cartscreen.checks.base import MAX_AGE_YEARS, Check, Params
from cartscreen.errors import TrialDefinitionError
from cartscreen.freshness import (
    MAX_WINDOW_DAYS,
    ResultKind,
    describe_windows,
    resolve_windows,
    result_kinds,
)
from cartscreen.patient import Disease

TRIALS_ENV = "CARTSCREEN_TRIALS"
REGISTRY_ID = re.compile(r"^NCT\d{8}$")
CRITERION_ID = r"^[A-Za-z0-9.\-]+$"


class _Strict(BaseModel):
    # Every number in a trial file is finite and bounded, as in the checks' parameters
    # (:class:`cartscreen.checks.base.Params`).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


WindowDays = Annotated[int, Field(ge=0, le=MAX_WINDOW_DAYS)]
ResultWindows = dict[ResultKind, WindowDays]


class Criterion(_Strict):
    id: Annotated[str, Field(min_length=1, pattern=CRITERION_ID)]
    kind: Literal["inclusion", "exclusion"]
    text: Annotated[str, Field(min_length=1, description="the registry wording")]
    check: str
    params: dict[str, Any] = Field(default_factory=dict)
    diseases: list[Disease] | None = Field(
        default=None, description="the disease branch this criterion belongs to; omit for all"
    )
    result_windows: ResultWindows = Field(
        default_factory=dict,
        description="days a result of each kind stays current for this criterion, replacing "
        "the trial's and the defaults",
    )
    note: str | None = None


class Trial(_Strict):
    """A trial file's schema. Rules across keys (unique criterion ids, ages in order, the
    metadata agreeing with the criteria) are :mod:`cartscreen.validate`'s, so that all of a
    file's problems can be reported at once."""

    id: str
    title: str
    sponsor: str
    site: str | None = None
    targets: list[str] = Field(min_length=1)
    phase: str
    status: str
    conditions: list[str] = Field(min_length=1)
    diseases: list[Disease] = Field(min_length=1)
    min_age_years: int | None = Field(default=None, ge=0, le=MAX_AGE_YEARS)
    max_age_years: int | None = Field(default=None, ge=0, le=MAX_AGE_YEARS)
    max_age_inclusive: bool = True
    sex: Literal["all", "female", "male"] = "all"
    record_version: str = Field(min_length=1)
    source: str = Field(min_length=1, description="where the registry text was taken from")
    notes: list[str] = Field(default_factory=list)
    result_windows: ResultWindows = Field(
        default_factory=dict,
        description="days a result of each kind stays current, replacing the defaults",
    )
    criteria: list[Criterion] = Field(min_length=1)

    @property
    def ages(self) -> str:
        low = f"≥{self.min_age_years}" if self.min_age_years is not None else ""
        high = (
            f"{'≤' if self.max_age_inclusive else '<'}{self.max_age_years}"
            if self.max_age_years is not None
            else ""
        )
        return " and ".join(x for x in (low, high) if x) or "any"


FindingKey = int
"""The same number for criteria that give the same finding for a patient."""
_FINDING_KEYS: dict[tuple[str, str, tuple[str, ...] | None, tuple[tuple[ResultKind, int], ...]],
                    FindingKey] = {}


@dataclass(frozen=True)
class BoundCriterion:
    """A criterion with its check looked up and its parameters validated."""

    criterion: Criterion
    check: Check[Any]
    params: Params
    trial_windows: Mapping[ResultKind, int] = field(default_factory=dict, compare=False)
    rule_text: str = field(init=False, compare=False)
    windows: tuple[tuple[ResultKind, int], ...] = field(init=False, compare=False)
    window_days: Mapping[ResultKind, int] = field(init=False, compare=False)
    finding_key: FindingKey = field(init=False, compare=False)
    # The finding key of the same rule without a disease branch: where the branch applies,
    # the criterion's finding is that rule's, whatever the branch (see engine).
    rule_key: FindingKey = field(init=False, compare=False)
    # The key of the finding of its disease branch where the branch does not apply, or where
    # the diagnosis is not recorded: the same for every criterion of that branch.
    branch_key: FindingKey = field(init=False, compare=False)

    def __post_init__(self) -> None:
        # The rule depends only on the check and its parameters: describe it once per load.
        object.__setattr__(self, "rule_text", self.check.describe(self.params))
        # The validity window of each kind of result the check reads: the default, else the
        # trial's, else the criterion's own.
        kinds = result_kinds(self.check.results(self.params))
        object.__setattr__(self, "windows", resolve_windows(
            kinds, self.trial_windows, self.criterion.result_windows))
        object.__setattr__(self, "window_days", dict(self.windows))
        # Criteria with the same check, parameters, disease branch and windows (often in
        # several trials) give the same finding for a patient; the engine evaluates them once.
        # A number stands for them (the engine looks a finding up ~200 times per patient).
        diseases = self.criterion.diseases
        rule = (self.check.name, self.params.model_dump_json())
        same = (*rule, tuple(diseases) if diseases is not None else None, self.windows)
        object.__setattr__(self, "finding_key",
                           _FINDING_KEYS.setdefault(same, len(_FINDING_KEYS)))
        unbranched = (*rule, None, self.windows)
        object.__setattr__(self, "rule_key",
                           _FINDING_KEYS.setdefault(unbranched, len(_FINDING_KEYS)))
        branch_only = ("", "", same[2], ())  # no check, no windows: the branch alone
        object.__setattr__(self, "branch_key",
                           _FINDING_KEYS.setdefault(branch_only, len(_FINDING_KEYS)))

    @property
    def windows_text(self) -> str:
        """The validity windows this criterion applies, in words ("" when it reads none)."""
        return describe_windows(self.windows)

    def rule(self) -> str:
        return self.rule_text


@dataclass(frozen=True)
class LoadedTrial:
    trial: Trial
    path: Path
    criteria: tuple[BoundCriterion, ...]

    @property
    def id(self) -> str:
        return self.trial.id


def load_trial(path: Path) -> LoadedTrial:
    """Load one trial file, raising its first problem as one line with its line number
    (``cartscreen trials validate`` reports them all)."""
    from cartscreen.validate import inspect_file  # validate builds on this module's models

    inspection = inspect_file(path)
    if inspection.trial is None:
        raise inspection.findings[0].error()
    return inspection.trial


def bundled_trials_dir() -> Path:
    """The trials shipped with the package, or the repository's trials/ in a source checkout."""
    packaged = Path(str(resources.files("cartscreen"))) / "_bundled_trials"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "trials"


def trial_dirs(extra: Iterable[Path] = ()) -> list[Path]:
    """Bundled trials first, then folders from the environment variable, then --trials."""
    dirs = [bundled_trials_dir()]
    env = os.environ.get(TRIALS_ENV)
    if env:
        dirs.extend(Path(p) for p in env.split(os.pathsep) if p)
    dirs.extend(extra)
    return dirs


@dataclass(frozen=True)
class TrialSet:
    trials: dict[str, LoadedTrial]
    replaced: tuple[tuple[str, Path, Path], ...] = ()


def load_trials(dirs: Iterable[Path]) -> TrialSet:
    """Load every *.toml trial in the folders; a later folder's trial replaces an earlier one."""
    trials: dict[str, LoadedTrial] = {}
    replaced: list[tuple[str, Path, Path]] = []
    for folder in dirs:
        if not folder.is_dir():
            raise TrialDefinitionError(str(folder), None, "trial folder does not exist")
        for path in sorted(folder.glob("*.toml")):
            loaded = load_trial(path)
            if loaded.id in trials:
                if trials[loaded.id].path.parent == path.parent:
                    from cartscreen.validate import duplicate_trial

                    raise duplicate_trial(path, trials[loaded.id].path, loaded.id).error()
                replaced.append((loaded.id, trials[loaded.id].path, path))
            trials[loaded.id] = loaded
    return TrialSet(trials, tuple(replaced))
