"""Stated or computed: the one place that decides which value a check uses.

A patient file may give an instrument's total or category as the clinician stated it
(``activity.sledai_2k = 6``, ``diagnosis.classification.bohan_peter = "probable_dm"``), its
components (``[activity.components.sledai_2k]``), or both. The rule:

- **A stated value stands.** Partial components never erase it into unknown.
- **Components, where given, are computed.** When they are *complete*, that is, they decide the
  result on their own (for a score, no unrecorded item could change the total; for a
  classification, the result, or the category for an instrument with named categories, is
  decided), they decide, with a warning when the stated value disagrees ("stated SLEDAI-2K 14,
  computed 12 from the components given; the computed value is used").
- **Partial components consistent with the stated value** (the stated total lies within the
  range the components still allow; the stated result or category is one they still allow):
  the stated value decides, and the finding says what the components allow ("the components
  recorded allow 4 to 12").
- **Partial components irreconcilable with the stated value** (stated 6 where the components
  recorded already total 10; a stated category the components recorded no longer allow): a
  conflict. The check returns review, with both values and both keys in its evidence: two facts
  about one quantity that disagree are never settled in the patient's favour.
- **Partial components and no stated value**: a range. The criterion is decided when the whole
  range falls on one side of the threshold, and unknown otherwise, naming the missing items.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cartscreen.checks.base import Facts
from cartscreen.scores.base import Derivation, fmt_number

How = Literal["stated", "stated_within_components", "computed", "computed_so_far", "conflict",
              "not_recorded"]
#   stated                    the stated value; no components given
#   stated_within_components  the stated value, which the partial components allow (``note``)
#   computed                  computed from complete components
#   computed_so_far           computed from partial components, nothing stated: a range
#   conflict                  the stated value and the partial components cannot both be right
#                             (``note`` says how; the check returns review)
#   not_recorded              neither given (``missing`` names both)


@dataclass(frozen=True)
class Calculator:
    """A calculator and the patient-file table its components come from.

    ``categories`` is for an instrument with named categories: each value the patient file may
    state (``"probable_dm"``) mapped to the calculator's categories that agree with it
    (``{"probable DM"}``). Without it, the stated value is True or False (classified or not).
    """

    source: str
    compute: Callable[[Any, Facts], Derivation]
    categories: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    """What a check knows of one instrument: a value range, how it was obtained, what is missing.

    ``category`` is the stated value when the stated value decides, and the calculator's
    category when the components do. ``possible`` lists the calculator's categories the
    components still allow (instruments with named categories). ``note`` says what partial
    components allow beside a stated value, or, for a conflict, what disagrees with what.
    """

    low: float | None
    high: float | None
    how: How
    missing: tuple[str, ...]
    classified: bool | None = None
    category: str | None = None
    possible: tuple[str, ...] = ()
    note: str = ""

    @property
    def computed(self) -> bool:
        """Whether the components decide the value (fully or as a range)."""
        return self.how in ("computed", "computed_so_far")


def _compute(facts: Facts, calculator: Calculator | None
             ) -> tuple[Derivation, tuple[str, ...]] | None:
    """The derivation from the components table, recorded on the finding; None without one."""
    components = facts.get(calculator.source) if calculator else None
    if calculator is None or components is None:
        return None
    derivation = calculator.compute(components, facts)
    facts.derived(derivation, calculator.source)
    return derivation, tuple(f"{calculator.source}.{m}" for m in derivation.missing)


def _not_recorded(stated_path: str, calculator: Calculator | None) -> Reading:
    sources = (stated_path,) + ((calculator.source,) if calculator else ())
    return Reading(None, None, "not_recorded", sources)


def read_score(facts: Facts, stated_path: str, label: str,
               calculator: Calculator | None) -> Reading:
    """A score from its stated total and its components, by the rule of this module."""
    stated = facts.get(stated_path)
    computed = _compute(facts, calculator)
    if computed is None:
        if stated is None:
            return _not_recorded(stated_path, calculator)
        return Reading(float(stated), float(stated), "stated", ())
    assert calculator is not None
    derivation, missing = computed
    low, high = derivation.total, derivation.maximum
    if derivation.decided:
        if stated is not None and stated != low:
            facts.warn(f"stated {label} {fmt_number(stated)}, computed {fmt_number(low)} from "
                       "the components given; the computed value is used")
        return Reading(low, high, "computed", ())
    if stated is None:
        return Reading(low, high, "computed_so_far", missing)
    allowed = f"the components recorded allow {_range(low, high)}"
    if low <= stated <= high:
        return Reading(float(stated), float(stated), "stated_within_components", (),
                       note=allowed)
    found = (f"already total {fmt_number(low)} ({derivation.arithmetic()})" if stated < low
             else f"allow at most {fmt_number(high)}")
    return Reading(low, high, "conflict", missing, note=(
        f"stated {label} {fmt_number(stated)} ({stated_path}), but the components recorded "
        f"({calculator.source}) {found}; correct one of the two"))


def read_classification(facts: Facts, stated_path: str, label: str,
                        calculator: Calculator | None,
                        show: Callable[[str], str] = lambda value: value) -> Reading:
    """A classification from its stated result and its components, by the rule of this module.

    ``show`` turns a stated category (a patient-file value) into clinical words for messages.
    """
    stated = facts.get(stated_path)
    computed = _compute(facts, calculator)
    if computed is None:
        if stated is None:
            return _not_recorded(stated_path, calculator)
        if isinstance(stated, bool):
            return Reading(None, None, "stated", (), classified=stated)
        return Reading(None, None, "stated", (), category=str(stated))
    assert calculator is not None
    derivation, missing = computed
    by_category = bool(calculator.categories)
    complete = (derivation.category is not None if by_category
                else derivation.classified is not None)
    result = Reading(derivation.total, derivation.maximum,
                     "computed" if complete else "computed_so_far",
                     () if complete else missing, derivation.classified, derivation.category,
                     derivation.possible)
    if stated is None:
        return result
    if isinstance(stated, bool):
        stated_text = "met" if stated else "not met"
        consistent = derivation.classified in (None, stated)
        allowed = "the components recorded leave it open"
    else:
        stated_text = show(str(stated))
        agreeing = calculator.categories.get(str(stated), frozenset())
        consistent = not agreeing.isdisjoint(derivation.possible)
        allowed = "the components recorded allow " + " or ".join(derivation.possible)
    if complete:
        if not consistent:
            computed_text = (derivation.category if by_category and derivation.category
                             else "met" if derivation.classified else "not met")
            facts.warn(f"stated {label}: {stated_text}, computed: {computed_text} "
                       f"({derivation.arithmetic()}); the computed result is used")
        return result
    if consistent:
        if isinstance(stated, bool):
            return Reading(None, None, "stated_within_components", (), classified=stated,
                           note=allowed)
        return Reading(None, None, "stated_within_components", (), category=str(stated),
                       possible=derivation.possible, note=allowed)
    return Reading(derivation.total, derivation.maximum, "conflict", missing,
                   possible=derivation.possible, note=(
                       f"stated {label} {stated_text} ({stated_path}), but the components "
                       f"recorded ({calculator.source}) allow only "
                       + " or ".join(derivation.possible) + "; correct one of the two"))


def _range(low: float, high: float) -> str:
    if low == high:
        return fmt_number(low)
    return f"{fmt_number(low)} to {fmt_number(high)}"
