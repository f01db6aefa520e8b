"""Trial files: pydantic models of a trial's metadata and ordered criteria, and their loader.

Each criterion names a registered check; its parameters are validated against that check's
parameter model when the trial is loaded, so a trial file is data and never code.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cartscreen.checks.base import Check, Params
from cartscreen.checks.registry import CHECKS
from cartscreen.errors import TrialDefinitionError, first_validation_error
from cartscreen.patient import Disease

TRIALS_ENV = "CARTSCREEN_TRIALS"
REGISTRY_ID = re.compile(r"^NCT\d{8}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Criterion(_Strict):
    id: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9.\-]+$")]
    kind: Literal["inclusion", "exclusion"]
    text: Annotated[str, Field(min_length=1, description="the registry wording")]
    check: str
    params: dict[str, Any] = Field(default_factory=dict)
    diseases: list[Disease] | None = Field(
        default=None, description="the disease branch this criterion belongs to; omit for all"
    )
    note: str | None = None


class Trial(_Strict):
    id: str
    title: str
    sponsor: str
    site: str | None = None
    targets: list[str] = Field(min_length=1)
    phase: str
    status: str
    conditions: list[str] = Field(min_length=1)
    diseases: list[Disease] = Field(min_length=1)
    min_age_years: int | None = None
    max_age_years: int | None = None
    max_age_inclusive: bool = True
    sex: Literal["all", "female", "male"] = "all"
    record_version: str = Field(min_length=1)
    source: str = Field(min_length=1, description="where the registry text was taken from")
    notes: list[str] = Field(default_factory=list)
    criteria: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Trial:
        if not REGISTRY_ID.match(self.id):
            raise ValueError("id must be a registry id such as NCT01234567")
        seen: set[str] = set()
        for criterion in self.criteria:
            if criterion.id in seen:
                raise ValueError(f"duplicate criterion id {criterion.id!r}")
            seen.add(criterion.id)
        if (
            self.min_age_years is not None
            and self.max_age_years is not None
            and self.min_age_years > self.max_age_years
        ):
            raise ValueError("min_age_years is above max_age_years")
        return self

    @property
    def ages(self) -> str:
        low = f"≥{self.min_age_years}" if self.min_age_years is not None else ""
        high = (
            f"{'≤' if self.max_age_inclusive else '<'}{self.max_age_years}"
            if self.max_age_years is not None
            else ""
        )
        return " and ".join(x for x in (low, high) if x) or "any"


@dataclass(frozen=True)
class BoundCriterion:
    """A criterion with its check looked up and its parameters validated."""

    criterion: Criterion
    check: Check[Any]
    params: Params
    rule_text: str = field(init=False, compare=False)
    finding_key: tuple[str, str, tuple[str, ...] | None] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        # The rule depends only on the check and its parameters: describe it once per load.
        object.__setattr__(self, "rule_text", self.check.describe(self.params))
        # Criteria with the same check, parameters and disease branch (often in several
        # trials) give the same finding for a patient; the engine evaluates them once.
        diseases = self.criterion.diseases
        object.__setattr__(self, "finding_key", (
            self.check.name, self.params.model_dump_json(),
            tuple(diseases) if diseases is not None else None,
        ))

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


def _bind(trial: Trial, path: Path) -> LoadedTrial:
    bound = []
    for index, criterion in enumerate(trial.criteria):
        where = f"criteria[{index}]"
        check = CHECKS.get(criterion.check)
        if check is None:
            raise TrialDefinitionError(
                str(path), f"{where}.check",
                f"unknown check {criterion.check!r}; known checks: " + ", ".join(CHECKS),
            )
        try:
            params = check.params.model_validate(criterion.params)
        except ValidationError as exc:
            key, message = first_validation_error(exc)
            raise TrialDefinitionError(
                str(path), f"{where}.params" + (f".{key}" if key else ""),
                f"{message} (criterion {criterion.id}, check {check.name})",
            ) from None
        bound.append(BoundCriterion(criterion, check, params))
    _check_age_metadata(trial, path, bound)
    return LoadedTrial(trial, path, tuple(bound))


def _check_age_metadata(trial: Trial, path: Path, bound: list[BoundCriterion]) -> None:
    """The metadata's age limits must be those of the trial's age criterion."""
    for item in bound:
        if item.check.name != "age":
            continue
        p = item.params.model_dump()
        stated = (trial.min_age_years, trial.max_age_years, trial.max_age_inclusive)
        actual = (p["min_years"], p["max_years"], p["max_inclusive"])
        if stated != actual:
            raise TrialDefinitionError(
                str(path), "min_age_years",
                f"metadata ages {stated} disagree with criterion {item.criterion.id} {actual}",
            )


def load_trial(path: Path) -> LoadedTrial:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TrialDefinitionError(str(path), None, f"cannot read file ({exc.strerror})") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TrialDefinitionError(str(path), None, f"not valid TOML: {exc}") from None
    try:
        trial = Trial.model_validate(data)
    except ValidationError as exc:
        key, message = first_validation_error(exc)
        raise TrialDefinitionError(str(path), key, message) from None
    return _bind(trial, path)


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
                    raise TrialDefinitionError(
                        str(path), "id", f"trial {loaded.id} is also defined in "
                        f"{trials[loaded.id].path.name}"
                    )
                replaced.append((loaded.id, trials[loaded.id].path, path))
            trials[loaded.id] = loaded
    return TrialSet(trials, tuple(replaced))
