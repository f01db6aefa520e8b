"""Refractoriness on generated treatment histories: an unrecorded fact never passes a rule, and a
finding that passes names facts each of which it needs.

For every generated history and every rule shaped like a trial's, each optional fact the file
gives (a course's response, route, dose, weight or end; the weight at screening; rapid
progression) is deleted in turn:

- the outcome is the same or unknown: deleting a fact never makes a rule pass, or fail;
- for a met or review finding, a fact it records in ``read`` is needed: without it the rule is
  unknown, or the new finding rests on another fact the file gives that the old one did not;
- a fact it does not record does not change its outcome.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartscreen.checks.base import Finding, Outcome

from .helpers import SCREENING, run
from .test_refractoriness import (
    GC_6M,
    HIGH_DOSE_3M,
    JDM_RULE,
    PJIA_RULE,
    SSC_RULE,
    STABLE_12_WEEKS,
    STEAM_RULE,
    TWO_IMMUNOSUPPRESSANTS,
    requirement,
    rule,
)

PSS_RULE = rule(
    requirement("glucocorticoid at 1-2 mg/kg/day", ["class:glucocorticoid"],
                min_prednisone_mg_per_kg_day=1.0),
    requirement("glucocorticoid treatment for at least 6 months", ["class:glucocorticoid"],
                min_months=6),
    requirement("immunosuppressants", ["class:immunosuppressant"], min_distinct=2,
                review_also=["class:other_immunomodulator"]),
)
TWO_TOGETHER = rule(
    requirement("immunosuppressants", ["class:immunosuppressant"], min_distinct=2),
    treated_for_more_than_months=3, intolerance_review=True,
)
RULES = {"SSc": SSC_RULE, "STEAM": STEAM_RULE, "JDM": JDM_RULE, "pJIA": PJIA_RULE,
         "pSS": PSS_RULE, "two together": TWO_TOGETHER,
         # one requirement at a time, which a generated history meets more often
         "6 months": rule(GC_6M), "3 months high dose": rule(HIGH_DOSE_3M),
         "two drugs": rule(TWO_IMMUNOSUPPRESSANTS), "12 weeks": rule(STABLE_12_WEEKS)}

DRUGS = ["prednisone", "prednisolone", "methylprednisolone", "hydrocortisone", "methotrexate",
         "mycophenolate", "azathioprine", "tacrolimus", "cyclosporine", "cyclophosphamide",
         "hydroxychloroquine", "IVIG", "tocilizumab", "etanercept", "leflunomide",
         "sulfasalazine", "voclosporin"]
FIRST_DAY = date(2024, 1, 1)


@st.composite
def courses(draw: st.DrawFn) -> dict[str, Any]:
    start = FIRST_DAY + timedelta(days=draw(st.integers(0, (SCREENING - FIRST_DAY).days)))
    item: dict[str, Any] = {"drug": draw(st.sampled_from(DRUGS)), "start": start}
    end = draw(st.one_of(st.none(), st.just("ongoing"), st.integers(0, 400)))
    if end is not None:
        item["end"] = end if isinstance(end, str) else start + timedelta(days=end)
    # Mostly recorded and qualifying, so that rules are often met and every fact matters.
    route = draw(st.sampled_from([None, "oral", "oral", "oral", "iv", "sc", "im", "topical",
                                  "other"]))
    response = draw(st.sampled_from([None, "inadequate", "inadequate", "inadequate",
                                     "intolerant", "responded"]))
    for key, value in (("route", route), ("response", response)):
        if value is not None:
            item[key] = value
    if draw(st.integers(0, 3)):
        per_kg = draw(st.booleans())
        item["dose"] = draw(st.sampled_from([0.1, 0.5, 1.0, 2.0, 2.0, 30.0] if per_kg
                                            else [5.0, 15.0, 30.0, 60.0]))
        item["dose_unit"] = "mg/kg/day" if per_kg else "mg/day"
    if draw(st.booleans()):
        item["weight_kg"] = draw(st.sampled_from([20.0, 30.0, 45.0]))
    return item


@st.composite
def patients(draw: st.DrawFn) -> dict[str, Any]:
    patient: dict[str, Any] = {"treatments": draw(st.lists(courses(), min_size=1, max_size=6))}
    weight = draw(st.sampled_from([None, 30.0, 40.0]))
    if weight is not None:
        patient["weight_kg"] = weight
    rapid = draw(st.sampled_from([None, True, False]))
    if rapid is not None:
        patient["diagnosis"] = {"features": {"rapidly_progressive": rapid}}
    return patient


def optional_facts(patient: dict[str, Any]) -> list[str]:
    """The optional facts the file gives, as the finding's ``read`` names them."""
    facts = [f"treatments[{index}].{name}" for index, course in enumerate(patient["treatments"])
             for name in ("response", "route", "dose", "weight_kg", "end") if name in course]
    if "weight_kg" in patient:
        facts.append("weight_kg")
    if "diagnosis" in patient:
        facts.append("diagnosis.features.rapidly_progressive")
    return facts


def without(patient: dict[str, Any], fact: str) -> dict[str, Any]:
    data = copy.deepcopy(patient)
    if fact == "weight_kg":
        del data["weight_kg"]
    elif fact.startswith("diagnosis"):
        del data["diagnosis"]
    else:
        entry, _, name = fact.partition(".")
        course = data["treatments"][int(entry.removeprefix("treatments[").removesuffix("]"))]
        del course[name]
        if name == "dose":  # a dose goes with its unit
            del course["dose_unit"]
    return data


def falls_back(patient: dict[str, Any], fact: str) -> bool:
    """A course's weight falls back to the weight at screening: a different value, not an
    unrecorded one."""
    return fact.endswith("].weight_kg") and "weight_kg" in patient


def new_recorded_fact(before: Finding, after: Finding, patient: dict[str, Any]) -> bool:
    given_facts = set(optional_facts(patient))
    return any(key in given_facts and key not in before.read for key in after.read)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(RULES)), patients())
def test_deleting_a_fact_never_passes_a_rule_and_a_passing_finding_needs_what_it_names(
    rule_name: str, patient: dict[str, Any]
) -> None:
    params = RULES[rule_name]
    before = run("treatment_history", params, patient)
    for fact in optional_facts(patient):
        if falls_back(patient, fact):
            continue
        data = without(patient, fact)
        after = run("treatment_history", params, data)
        assert after.outcome in (before.outcome, Outcome.UNKNOWN), (fact, before, after)
        if before.outcome not in (Outcome.MET, Outcome.REVIEW):
            continue
        if fact in before.read:
            assert after.outcome == Outcome.UNKNOWN or new_recorded_fact(before, after, data), (
                f"{fact} is named but not needed", before, after)
        else:
            assert after.outcome == before.outcome, (f"{fact} is needed but not named",
                                                     before, after)
