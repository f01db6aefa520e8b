"""Every number a trial file holds has a finite, clinically sane range, and `trials validate`
and the loader behind `check --trials` agree on it.

A value outside its range used to pass validation and then crash screening (a window of
10**9 weeks overflowing date arithmetic, exit 70), or make a criterion vacuous
(``max_x_uln = inf`` always holds). The models are walked here, so a numeric parameter added
later without a range fails this file; and every numeric value of every bundled trial is set
to each of its bounds, and just beyond, through the command line.
"""

from __future__ import annotations

import copy
import itertools
import math
import numbers
import signal
import sys
import tomllib
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import pytest
import tomli_w
from pydantic import BaseModel, Field, ValidationError
from pydantic.fields import FieldInfo

from cartscreen.checks.activity import SCORE_MAXIMA
from cartscreen.checks.base import (
    MAX_AGE_YEARS,
    MAX_DAYS,
    MAX_MONTHS,
    MAX_WEEKS,
    Params,
)
from cartscreen.checks.registry import CHECKS
from cartscreen.cli import main
from cartscreen.patient.activity import Activity
from cartscreen.patient.model import Patient
from cartscreen.trial import Trial
from tests_support import ROOT, SAMPLES, TRIAL_IDS, run

KeyPath = tuple[str | int, ...]


# --- the models: every numeric field, wherever it sits ---------------------------------------


@dataclass(frozen=True)
class Slot:
    """One numeric field of a model: its key path (0 for a list entry, "*" for a table's
    values), its number type and the constraints on it."""

    owner: type[BaseModel]
    path: KeyPath
    kind: type
    constraints: tuple[object, ...]

    @property
    def name(self) -> str:
        return next(str(p) for p in reversed(self.path) if isinstance(p, str) and p != "*")

    def bounds(self) -> tuple[float | None, bool, float | None, bool]:
        """(low, low inclusive, high, high inclusive) from the constraints."""
        low = high = None
        low_inclusive = high_inclusive = True
        for c in self.constraints:
            for attr, inclusive in (("ge", True), ("gt", False)):
                if getattr(c, attr, None) is not None:
                    low, low_inclusive = float(getattr(c, attr)), inclusive
            for attr, inclusive in (("le", True), ("lt", False)):
                if getattr(c, attr, None) is not None:
                    high, high_inclusive = float(getattr(c, attr)), inclusive
        return low, low_inclusive, high, high_inclusive


def numeric_slots(model: type[BaseModel], prefix: KeyPath = (),
                  seen: frozenset[type] = frozenset(),
                  owner: type[BaseModel] | None = None) -> Iterator[Slot]:
    """Every numeric field of the model and of the models inside it; ``owner`` is the
    outermost model, the one a slot's path starts from."""
    for name, info in model.model_fields.items():
        yield from _slots_in(owner or model, info.annotation, list(info.metadata),
                             (*prefix, name), seen | {model})


def _slots_in(owner: type[BaseModel], annotation: Any, constraints: list[object], path: KeyPath,
              seen: frozenset[type]) -> Iterator[Slot]:
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        more = [m for e in extra for m in (e.metadata if isinstance(e, FieldInfo) else [e])]
        yield from _slots_in(owner, base, constraints + more, path, seen)
    elif origin in (typing.Union, types.UnionType):
        for member in get_args(annotation):
            yield from _slots_in(owner, member, constraints, path, seen)
    elif origin in (list, tuple, set, frozenset):
        # The field's own constraints (min_length) are not its entries'.
        for arg in get_args(annotation):
            if arg is not Ellipsis:
                yield from _slots_in(owner, arg, [], (*path, 0), seen)
    elif origin is dict:
        yield from _slots_in(owner, get_args(annotation)[1], [], (*path, "*"), seen)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in seen:
            yield from numeric_slots(annotation, path, seen, owner)
    elif isinstance(annotation, type) and issubclass(annotation, numbers.Number) \
            and annotation is not bool:
        yield Slot(owner, path, annotation, tuple(constraints))


PARAM_MODELS = sorted({check.params for check in CHECKS.values()}, key=lambda m: m.__name__)
PARAM_SLOTS = [slot for model in PARAM_MODELS for slot in numeric_slots(model)]
TRIAL_SLOTS = list(numeric_slots(Trial))
ALL_SLOTS = PARAM_SLOTS + TRIAL_SLOTS


def _slot_id(slot: Slot) -> str:
    return f"{slot.owner.__name__}.{'.'.join(map(str, slot.path))}"


def test_the_walk_finds_the_numeric_parameters() -> None:
    # The walk must see nested models (a requirement of treatment_history), optional fields
    # and a table's values (result_windows), or the tests below could pass by seeing nothing.
    found = {_slot_id(s) for s in ALL_SLOTS}
    assert {"TreatmentParams.requirements.0.min_months", "AgeParams.min_years",
            "UlnParams.max_x_uln", "Trial.result_windows.*", "Trial.max_age_years",
            "Trial.criteria.0.result_windows.*"} <= found
    assert len(PARAM_SLOTS) >= 25


def test_the_walk_flags_a_parameter_without_a_range() -> None:
    class Unbounded(Params):
        within_days: int | None = None
        thresholds: list[float] = Field(default_factory=list)

    slots = list(numeric_slots(Unbounded))
    assert [s.path for s in slots] == [("within_days",), ("thresholds", 0)]
    assert all(s.bounds() == (None, True, None, True) for s in slots)


@pytest.mark.parametrize("slot", ALL_SLOTS, ids=_slot_id)
def test_every_numeric_field_has_a_finite_range(slot: Slot) -> None:
    low, _, high, _ = slot.bounds()
    assert low is not None and high is not None, f"{_slot_id(slot)} needs ge/gt and le/lt"
    assert math.isfinite(low) and math.isfinite(high) and low < high


# A window or duration in these units can never reach the calendar's ends from any plausible
# screening date; an age is never above the oldest a patient file holds.
_LONGEST = {"_days": MAX_DAYS, "_weeks": MAX_WEEKS, "_months": MAX_MONTHS,
            "_years": MAX_AGE_YEARS}


@pytest.mark.parametrize("slot", ALL_SLOTS, ids=_slot_id)
def test_windows_and_ages_stay_within_the_longest_of_their_unit(slot: Slot) -> None:
    _, _, high, _ = slot.bounds()
    key = "_days" if slot.path[-1] == "*" else next(
        (end for end in _LONGEST if slot.name.endswith(end)), None)
    if key is not None:
        assert high is not None and high <= _LONGEST[key]


def test_the_limits_shared_with_the_patient_file_agree() -> None:
    # A trial's age beyond the oldest a patient file holds, or an activity minimum beyond the
    # highest score it holds, could never be met.
    age = next(s for s in numeric_slots(Patient) if s.path == ("age_years",))
    assert age.bounds()[2] == MAX_AGE_YEARS
    for score, maximum in SCORE_MAXIMA.items():
        slot = next(s for s in numeric_slots(Activity) if s.path == (score,))
        assert slot.bounds()[2] == maximum, score


# Valid parameters of each check, from its documented examples, to set one value into.
def _example_params(model: type[BaseModel]) -> dict[str, Any]:
    for check in CHECKS.values():
        if check.params is model:
            return dict(max(check.examples, key=lambda e: len(str(e.params))).params)
    raise AssertionError(model)


def _put(data: dict[str, Any], path: KeyPath, value: Any) -> None:
    """Set the value at a slot path: the first entry of a list, the laboratory window of a
    table of windows."""
    target: Any = data
    for part, after in itertools.pairwise(path):
        key = "laboratory" if part == "*" else part
        if isinstance(target, dict) and key not in target:
            target[key] = [{}] if after == 0 else {}
        target = target[key]
    target["laboratory" if path[-1] == "*" else path[-1]] = value


def _base(slot: Slot) -> dict[str, Any]:
    if slot.owner is Trial:
        return tomllib.loads((ROOT / "trials" / "NCT06792344.toml").read_text("utf-8"))
    return copy.deepcopy(_example_params(slot.owner))


def _rejected_at(model: type[BaseModel], data: dict[str, Any], path: KeyPath) -> bool:
    concrete = tuple("laboratory" if p == "*" else p for p in path)
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return any(tuple(e["loc"])[:len(concrete)] == concrete for e in exc.errors())
    return False


@pytest.mark.parametrize("slot", ALL_SLOTS, ids=_slot_id)
@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan], ids=["inf", "-inf", "nan"])
def test_every_numeric_field_refuses_inf_and_nan(slot: Slot, value: float) -> None:
    data = _base(slot)
    _put(data, slot.path, value)
    assert _rejected_at(slot.owner, data, slot.path)


@pytest.mark.parametrize("slot", ALL_SLOTS, ids=_slot_id)
def test_every_numeric_field_refuses_a_value_just_beyond_either_bound(slot: Slot) -> None:
    low, low_inclusive, high, high_inclusive = slot.bounds()
    assert low is not None and high is not None
    step = 1 if slot.kind is int else 0.01
    for beyond in (low - step if low_inclusive else low, high + step if high_inclusive else high):
        data = _base(slot)
        _put(data, slot.path, int(beyond) if slot.kind is int else beyond)
        assert _rejected_at(slot.owner, data, slot.path), beyond
    huge = _base(slot)
    _put(huge, slot.path, 10**12)
    assert _rejected_at(slot.owner, huge, slot.path)


# --- through the command line: every bundled trial's numbers at and beyond their bounds -------


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
        ) -> Callable[..., Ran]:
    """The console entry point (cartscreen.cli:main) called in this process: the same
    command, options and exit codes as the installed script, a few hundred times faster.
    test_the_in_process_command_matches_the_script checks that the two agree."""
    monkeypatch.delenv("CARTSCREEN_TRIALS", raising=False)
    for name, value in {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(ROOT)

    def call(*args: str | Path) -> Ran:
        monkeypatch.setattr(sys, "argv", ["cartscreen", *map(str, args)])
        previous = signal.getsignal(signal.SIGTERM)
        code: int | str | None = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code
        finally:
            signal.signal(signal.SIGTERM, previous)
        out, err = capsys.readouterr()
        return Ran(code if isinstance(code, int) else (0 if code is None else 1), out, err)

    return call


@dataclass(frozen=True)
class Leaf:
    """A number in a bundled trial file: its key path and the parameter slot it fills."""

    path: KeyPath
    key: str  # as trials validate names it: criteria[3].params.requirements[0].min_months
    slot: Slot
    criterion: dict[str, Any] | None


def _key(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _slot_for(model: type[BaseModel], path: KeyPath) -> Slot:
    generic = tuple(0 if isinstance(p, int) else p for p in path)
    return next(s for s in numeric_slots(model) if s.path == generic)


def _leaves(data: dict[str, Any]) -> list[Leaf]:
    leaves = [Leaf((key,), key, _slot_for(Trial, (key,)), None)
              for key in ("min_age_years", "max_age_years") if key in data]
    for index, criterion in enumerate(data["criteria"]):
        model = CHECKS[criterion["check"]].params

        def walk(value: Any, path: KeyPath, criterion: dict[str, Any] = criterion,
                 model: type[BaseModel] = model, index: int = index) -> None:
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(v, (*path, k))
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    walk(v, (*path, i))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                full = ("criteria", index, "params", *path)
                leaves.append(Leaf(full, _key(full), _slot_for(model, path), criterion))

        walk(criterion.get("params", {}), ())
        for kind in criterion.get("result_windows", {}):
            full = ("criteria", index, "result_windows", kind)
            leaves.append(Leaf(full, _key(full), _slot_for(Trial, ("criteria", 0,
                                                                   "result_windows", "*")),
                               None))
    for kind in data.get("result_windows", {}):
        leaves.append(Leaf(("result_windows", kind), f"result_windows.{kind}",
                           _slot_for(Trial, ("result_windows", "*")), None))
    return leaves


def _set(data: dict[str, Any], path: KeyPath, value: Any) -> None:
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def _highest(leaf: Leaf) -> tuple[float, bool]:
    """The upper bound that applies to this value: the field's, or, for an activity score's
    minimum, the highest the listed scores can reach."""
    _, _, high, inclusive = leaf.slot.bounds()
    assert high is not None
    if leaf.criterion is not None and leaf.criterion["check"] == "activity_score":
        return min(SCORE_MAXIMA[s] for s in leaf.criterion["params"]["scores"]), True
    return high, inclusive


def _sides(leaf: Leaf) -> list[tuple[str, int | float, int | float]]:
    """(side, the value at the bound, the value just beyond it) for both bounds."""
    low, low_inclusive, _, _ = leaf.slot.bounds()
    high, high_inclusive = _highest(leaf)
    assert low is not None
    step: int | float = 1 if leaf.slot.kind is int else 0.1

    def number(x: float) -> int | float:
        return int(x) if leaf.slot.kind is int else round(x, 6)

    return [
        ("low", number(low if low_inclusive else low + step),
         number(low - step if low_inclusive else low)),
        ("high", number(high if high_inclusive else high - step),
         number(high + step if high_inclusive else high)),
    ]


_AGE_METADATA = {"min_years": "min_age_years", "max_years": "max_age_years"}
_PARTNER = {"min_years": "max_years", "max_years": "min_years",
            "min_count": "max_count", "max_count": "min_count"}


def _at_bound(data: dict[str, Any], leaf: Leaf, value: int | float) -> dict[str, Any]:
    """The trial with this value at its bound, and what must move with it to stay a valid
    trial: the other end of a min/max pair when the value passes it, and the ages the trial
    states beside its age criterion."""
    mutant = copy.deepcopy(data)
    _set(mutant, leaf.path, value)
    if leaf.criterion is None and leaf.path[-1] in ("min_age_years", "max_age_years"):
        age = next(i for i, c in enumerate(mutant["criteria"]) if c["check"] == "age")
        name = {v: k for k, v in _AGE_METADATA.items()}[str(leaf.path[-1])]
        return _at_bound(mutant, Leaf(("criteria", age, "params", name), "", leaf.slot,
                                      mutant["criteria"][age]), value)
    params = mutant["criteria"][leaf.path[1]]["params"] if leaf.criterion is not None else {}
    name = str(leaf.path[-1])
    partner = _PARTNER.get(name)
    if partner is not None and params.get(partner) is not None:
        low_end, high_end = (value, params[partner]) if name.startswith("min") \
            else (params[partner], value)
        if low_end > high_end:
            params[partner] = value
    if leaf.criterion is not None and leaf.criterion["check"] == "age":
        for param, stated in _AGE_METADATA.items():
            if params.get(param) is not None:
                mutant[stated] = params[param]
    return mutant


def _beyond(data: dict[str, Any], leaf: Leaf, value: int | float) -> dict[str, Any]:
    mutant = copy.deepcopy(data)
    _set(mutant, leaf.path, value)
    return mutant


def _samples_for(data: dict[str, Any]) -> list[Path]:
    """Sample patients eligible for a trial, else of its diseases: their screening reads the
    trial's criteria, not only its disease."""
    samples = []
    for path in sorted(SAMPLES.glob("*.toml")):
        patient = tomllib.loads(path.read_text("utf-8"))
        if patient.get("expected_verdicts", {}).get(data["id"]) == "eligible" \
                and "--components" not in path.name:
            samples.append(path)
    return samples


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("trial_id", TRIAL_IDS)
def test_each_number_beyond_its_bound_is_refused_by_validate_and_by_check(
    trial_id: str, tmp_path: Path, cli: Callable[..., Ran],
) -> None:
    data = tomllib.loads((ROOT / "trials" / f"{trial_id}.toml").read_text("utf-8"))
    cases: list[tuple[Path, Leaf, int | float]] = []
    for leaf in _leaves(data):
        for side, _, beyond in _sides(leaf):
            folder = tmp_path / f"{len(cases):03d}-{side}"
            cases.append((_write(folder / f"{trial_id}.toml", _beyond(data, leaf, beyond)),
                          leaf, beyond))
    assert len(cases) >= 20
    validated = cli("trials", "validate", *(path for path, _, _ in cases))
    assert validated.returncode == 4, validated.stderr
    assert "Traceback" not in validated.stderr
    lines = validated.stdout.splitlines()
    for path, leaf, beyond in cases:
        # Exactly the one line for this file, naming the key, the value and the range.
        found = [line for line in lines if line.startswith(f"{path}:")]
        assert len(found) == 1, (leaf.key, beyond, found)
        assert f": {leaf.key}: out of range: {beyond} is not " in found[0], found[0]
        assert "; give a " in found[0] and (" from " in found[0] or " and " in found[0])
        checked = cli("check", "--jobs", "1", "--trials", path.parent, SAMPLES / "sle-age-19.toml")
        assert checked.returncode == 4, (leaf.key, beyond, checked.stderr)
        assert checked.stderr.splitlines()[-1] == f"cartscreen: invalid trial file: {found[0]}"


@pytest.mark.parametrize("trial_id", TRIAL_IDS)
def test_each_number_at_its_bound_validates_and_screens(
    trial_id: str, tmp_path: Path, cli: Callable[..., Ran],
) -> None:
    data = tomllib.loads((ROOT / "trials" / f"{trial_id}.toml").read_text("utf-8"))
    folder = tmp_path / "at-bounds"
    count = 0
    for leaf in _leaves(data):
        for _, at, _ in _sides(leaf):
            mutant = _at_bound(data, leaf, at)
            count += 1
            mutant["id"] = f"NCT9{count:07d}"  # one folder, one id each
            _write(folder / f"bound-{count:03d}.toml", mutant)
    validated = cli("trials", "validate", folder)
    assert validated.returncode == 0, validated.stdout
    assert validated.stderr == f"{count} trial files valid\n"
    samples = _samples_for(data)
    assert samples
    checked = cli("check", "--jobs", "1", "--format", "jsonl", "--trials", folder, *samples)
    # A crash while screening is reported per patient file (exit 3), or as exit 70.
    assert checked.returncode == 0, checked.stderr
    assert "internal error" not in checked.stderr
    # Every mutant was screened for every sample patient (one JSON line each).
    assert checked.stdout.count('"trial_id": "NCT9') == count * len(samples)


# --- inf, -inf and nan, through the installed script --------------------------------------------


_NON_FINITE = {"inf": "inf", "-inf": "-inf", "nan": "nan"}
_FLOAT_PARAMS = [  # (trial, check, parameter)
    ("NCT06222853", "within_uln", "max_x_uln"),
    ("NCT06222853", "activity_score", "minimum"),
    ("NCT07184450", "b_cell_count", "above_per_ul"),
]


def _with(trial_id: str, check: str, param: str, value: float) -> tuple[dict[str, Any], str]:
    data = tomllib.loads((ROOT / "trials" / f"{trial_id}.toml").read_text("utf-8"))
    index = next(i for i, c in enumerate(data["criteria"]) if c["check"] == check)
    data["criteria"][index]["params"][param] = value
    return data, f"criteria[{index}].params.{param}"


@pytest.mark.parametrize(("trial_id", "check", "param"), _FLOAT_PARAMS,
                         ids=[p for _, _, p in _FLOAT_PARAMS])
def test_inf_and_nan_are_refused_by_validate_and_by_check(
    trial_id: str, check: str, param: str, tmp_path: Path, cli: Callable[..., Ran],
) -> None:
    paths: dict[str, tuple[Path, str]] = {}
    for name, literal in _NON_FINITE.items():
        data, key = _with(trial_id, check, param, float(literal))
        paths[name] = _write(tmp_path / name / f"{trial_id}.toml", data), key
        assert f"{param} = {literal}" in paths[name][0].read_text("utf-8")
    validated = run("trials", "validate", *(p for p, _ in paths.values()))
    assert validated.returncode == 4, validated.stderr
    lines = validated.stdout.splitlines()
    assert len(lines) == len(_NON_FINITE)
    for (name, (path, key)), line in zip(paths.items(), lines, strict=True):
        assert line.startswith(f"{path}:")
        assert f": {key}: not a finite number (got {name}); give a number " in line
        checked = cli("check", "--trials", path.parent, SAMPLES / "sle-age-19.toml")
        assert checked.returncode == 4, checked.stderr
        assert checked.stderr.splitlines()[-1] == f"cartscreen: invalid trial file: {line}"


def test_a_number_too_large_to_overflow_a_window_is_refused_not_crashed(
    tmp_path: Path, cli: Callable[..., Ran],
) -> None:
    # The review's cases: each used to validate, then crash `check` with exit 70.
    data = tomllib.loads((ROOT / "trials" / "NCT06222853.toml").read_text("utf-8"))
    cases = {"live_vaccine": ("within_weeks", 10**9), "gvhd": ("within_days", 10**12),
             "renal_replacement_therapy": ("within_months", 99999999),
             "age": ("max_years", 10**12)}
    for check, (param, value) in cases.items():
        mutant = copy.deepcopy(data)
        criterion = next(c for c in mutant["criteria"] if c["check"] == check)
        criterion["params"][param] = value
        if check == "age":
            mutant["max_age_years"] = value
        path = _write(tmp_path / check / "NCT06222853.toml", mutant)
        validated = cli("trials", "validate", path)
        assert validated.returncode == 4, (check, validated.stdout)
        assert f"out of range: {value} is not ≤ " in validated.stdout
        checked = cli("check", "--trials", path.parent, SAMPLES / "sle-age-19.toml")
        assert checked.returncode == 4, (check, checked.stderr)


def test_an_integer_of_thousands_of_digits_is_a_finding_not_an_internal_error(
    tmp_path: Path, cli: Callable[..., Ran],
) -> None:
    # int() refuses to read more than 4300 decimal digits: validate used to crash (exit 70).
    text = (ROOT / "trials" / "NCT06222853.toml").read_text("utf-8")
    assert "max_years = 18," in text
    path = tmp_path / "long" / "NCT06222853.toml"
    path.parent.mkdir()
    path.write_text(text.replace("max_years = 18,", f"max_years = {'9' * 5000},"), "utf-8")
    line = text[:text.index("max_years = 18,")].count("\n") + 1
    validated = run("trials", "validate", path)
    assert validated.returncode == 4, validated.stderr
    assert validated.stdout.startswith(f"{path}:{line}: a number too long to read")
    checked = cli("check", "--trials", path.parent, SAMPLES / "sle-age-19.toml")
    assert checked.returncode == 4, checked.stderr
    # A hexadecimal integer is read whatever its length, and is then out of range.
    path.write_text(text.replace("max_years = 18,", f"max_years = 0x{'f' * 5000},"), "utf-8")
    hexadecimal = cli("trials", "validate", path)
    assert hexadecimal.returncode == 4, hexadecimal.stderr
    assert "criteria[0].params.max_years: out of range: a number of about" in hexadecimal.stdout
    assert len(hexadecimal.stdout.splitlines()[0]) < 300


def test_the_in_process_command_matches_the_script(tmp_path: Path,
                                                    cli: Callable[..., Ran]) -> None:
    data, _ = _with("NCT06222853", "within_uln", "max_x_uln", 20.1)
    path = _write(tmp_path / "x" / "NCT06222853.toml", data)
    for args in (("trials", "validate", path),
                 ("check", "--trials", path.parent, SAMPLES / "sle-age-19.toml")):
        script, here = run(*args), cli(*args)
        assert (here.returncode, here.stdout, here.stderr) == \
            (script.returncode, script.stdout, script.stderr)
        assert here.returncode == 4
