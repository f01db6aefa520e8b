"""Stated or computed: the one place that decides which value a check uses.

A patient file may give an instrument's total (``activity.sledai_2k = 14``), its components
(``[activity.components.sledai_2k]``), or both. Given components, cartscreen computes the value
and uses it; given both, it uses the components and warns when the stated value is not one the
components allow ("stated SLEDAI-2K 14, computed 12 from the components given"). A
components table with unrecorded items gives a range: the criterion is decided when the whole
range falls on one side of the threshold, and unknown otherwise, naming the missing items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cartscreen.checks.base import Facts
from cartscreen.scores.base import Derivation, fmt_number


@dataclass(frozen=True)
class Calculator:
    """A calculator and the patient-file table its components come from."""

    source: str
    compute: Callable[[Any, Facts], Derivation]


@dataclass(frozen=True)
class Reading:
    """What a check knows of one instrument: a value range, how it was obtained, what is missing."""

    low: float | None
    high: float | None
    how: str
    missing: tuple[str, ...]
    classified: bool | None = None
    category: str | None = None


def _compute(facts: Facts, calculator: Calculator | None
             ) -> tuple[Derivation, tuple[str, ...]] | None:
    """The derivation from the components table, recorded on the finding; None without one."""
    components = facts.get(calculator.source) if calculator else None
    if calculator is None or components is None:
        return None
    derivation = calculator.compute(components, facts)
    facts.derived(derivation, calculator.source)
    return derivation, tuple(f"{calculator.source}.{m}" for m in derivation.missing)


def read_score(facts: Facts, stated_path: str, label: str,
               calculator: Calculator | None) -> Reading:
    """A score from its components when given, else the stated total."""
    stated = facts.get(stated_path)
    computed = _compute(facts, calculator)
    if computed is not None:
        derivation, missing = computed
        if stated is not None and not derivation.total <= stated <= derivation.maximum:
            facts.warn(f"stated {label} {fmt_number(stated)}, computed "
                       f"{_range(derivation.total, derivation.maximum)} from the components "
                       "given; the computed value is used")
        how = "computed" if derivation.decided else "computed so far"
        return Reading(derivation.total, derivation.maximum, how, missing)
    if stated is not None:
        return Reading(float(stated), float(stated), "stated", ())
    sources = (stated_path,) + ((calculator.source,) if calculator else ())
    return Reading(None, None, "not recorded", sources)


def read_classification(facts: Facts, stated_path: str, label: str,
                        calculator: Calculator | None) -> Reading:
    """A classification from its components when given, else the stated result."""
    stated = facts.get(stated_path)
    computed = _compute(facts, calculator)
    if computed is not None:
        derivation, missing = computed
        if (
            isinstance(stated, bool)
            and derivation.classified is not None
            and stated != derivation.classified
        ):
            facts.warn(f"stated {label}: {'met' if stated else 'not met'}, computed: "
                       f"{'met' if derivation.classified else 'not met'} "
                       f"({derivation.arithmetic()}); the computed result is used")
        return Reading(derivation.total, derivation.maximum, "computed", missing,
                       derivation.classified, derivation.category)
    if stated is not None:
        return Reading(None, None, "stated", (), stated if isinstance(stated, bool) else None,
                       None if isinstance(stated, bool) else str(stated))
    sources = (stated_path,) + ((calculator.source,) if calculator else ())
    return Reading(None, None, "not recorded", sources)


def _range(low: float, high: float) -> str:
    if low == high:
        return fmt_number(low)
    return f"{fmt_number(low)} to {fmt_number(high)}"
