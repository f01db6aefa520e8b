"""ESSDAI against worked examples ESS-01..09, its weights, the
allowed levels of each domain, the activity-state bands and unrated domains.

clinESSDAI is not computed (its weights are not yet confirmed against Seror 2016), so the worked
examples' clinESSDAI column is not tested here.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cartscreen.scores.base import Derivation
from cartscreen.scores.essdai import (
    ARITHMETIC_MAXIMUM,
    CATEGORY_HIGH,
    CATEGORY_LOW,
    CATEGORY_MODERATE,
    DOMAINS,
    EssdaiDomains,
    essdai,
)

DOMAIN_KEYS = [key for key, _, _, _ in DOMAINS]


def rated(**levels: Any) -> EssdaiDomains:
    """Every domain rated: the named levels, the others 0 (the worked examples' convention)."""
    return EssdaiDomains(**{key: 0 for key in DOMAIN_KEYS} | levels)


def points(derivation: Derivation, key: str) -> float:
    return next(item.points for item in derivation.items if item.key == key)


# --- worked examples ----------------------------------------------------------------------------

WORKED = [
    pytest.param(rated(constitutional=1, articular=2, glandular=1, biological=2), 11,
                 CATEGORY_MODERATE, id="ESS-01"),
    pytest.param(rated(lymphadenopathy=3, hematological=2), 16, CATEGORY_HIGH, id="ESS-02"),
    pytest.param(rated(pulmonary=2, renal=1, muscular=1, peripheral_nervous_system=1,
                       central_nervous_system=2, cutaneous=2), 42, CATEGORY_HIGH, id="ESS-03"),
    pytest.param(rated(biological=1), 1, CATEGORY_LOW, id="ESS-04"),
    pytest.param(rated(articular=2, glandular=2), 8, CATEGORY_MODERATE, id="ESS-05"),
    pytest.param(rated(**{key: top for key, _, _, top in DOMAINS}), 123, CATEGORY_HIGH,
                 id="ESS-06"),
    # Fever 39 °C rates constitutional 2 and weight loss 3% rates 0; the domain takes the
    # highest level met, so the level recorded is 2.
    pytest.param(rated(constitutional=2), 6, CATEGORY_MODERATE, id="ESS-09"),
]


@pytest.mark.parametrize(("domains", "total", "category"), WORKED)
def test_worked_example(domains: EssdaiDomains, total: int, category: str) -> None:
    derivation = essdai(domains)
    assert derivation.total == total
    assert derivation.maximum == total
    assert derivation.category == category
    assert derivation.missing == ()


INVALID = [
    pytest.param([{"central_nervous_system": 1}], id="ESS-07"),
    pytest.param([{"glandular": 3}, {"constitutional": 3}, {"biological": 3}], id="ESS-08"),
]


@pytest.mark.parametrize("cases", INVALID)
def test_worked_example_validation_error(cases: list[dict[str, Any]]) -> None:
    for levels in cases:
        with pytest.raises(ValidationError):
            EssdaiDomains(**levels)


def test_arithmetic_shows_each_weighted_domain() -> None:
    derivation = essdai(rated(lymphadenopathy=3, hematological=2))
    assert derivation.arithmetic() == "lymphadenopathy 12 + hematological 4 = 16"
    assert next(i.note for i in derivation.items if i.key == "lymphadenopathy") == (
        "level 3 × weight 4"
    )


# --- weights and levels -------------------------------------------------------------------------

WEIGHTS = {
    "constitutional": 3, "lymphadenopathy": 4, "glandular": 2, "articular": 2, "cutaneous": 3,
    "pulmonary": 5, "renal": 5, "muscular": 6, "peripheral_nervous_system": 5,
    "central_nervous_system": 5, "hematological": 2, "biological": 1,
}


@pytest.mark.parametrize(("key", "weight"), WEIGHTS.items())
def test_domain_weight(key: str, weight: int) -> None:
    level = 2  # every domain allows level 2
    assert essdai(rated(**{key: level})).total == weight * level


def test_maximum_is_123() -> None:
    assert ARITHMETIC_MAXIMUM == 123


@pytest.mark.parametrize("level", [0, 2, 3])
def test_cns_allows_0_2_3(level: Any) -> None:
    assert EssdaiDomains(central_nervous_system=level).central_nervous_system == level


@pytest.mark.parametrize("key", ["constitutional", "glandular", "biological"])
def test_domains_capped_at_2_allow_0_to_2(key: str) -> None:
    for level in (0, 1, 2):
        levels: dict[str, Any] = {key: level}
        assert getattr(EssdaiDomains(**levels), key) == level


@pytest.mark.parametrize("value", [-1, 4, 2.0, 1.5, True, "2"])
def test_impossible_levels_are_validation_errors(value: Any) -> None:
    with pytest.raises(ValidationError):
        EssdaiDomains(articular=value)


def test_unknown_domain_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        EssdaiDomains(ocular=1)  # type: ignore[call-arg]


# --- activity states, both sides ----------------------------------------------------------------

STATES = [
    pytest.param(rated(articular=2), 4, CATEGORY_LOW, id="4 is low"),
    pytest.param(rated(renal=1), 5, CATEGORY_MODERATE, id="5 is moderate"),
    pytest.param(rated(pulmonary=2, articular=1, biological=1), 13, CATEGORY_MODERATE,
                 id="13 is moderate"),
    pytest.param(rated(lymphadenopathy=2, muscular=1), 14, CATEGORY_HIGH, id="14 is high"),
    pytest.param(rated(), 0, CATEGORY_LOW, id="0 is low"),
]


@pytest.mark.parametrize(("domains", "total", "category"), STATES)
def test_activity_state(domains: EssdaiDomains, total: int, category: str) -> None:
    derivation = essdai(domains)
    assert (derivation.total, derivation.category) == (total, category)


# --- unrated domains ----------------------------------------------------------------------------

def test_unrated_domain_adds_its_weight_times_top_level_to_the_maximum() -> None:
    derivation = essdai(rated(articular=2, muscular=None))
    assert (derivation.total, derivation.maximum) == (4, 22)
    assert derivation.missing == ("muscular",)
    assert points(derivation, "muscular") == 18
    assert next(i.status for i in derivation.items if i.key == "muscular") == "unknown"
    assert derivation.category is None
    assert derivation.reaches(5) is None


def test_unrated_domain_capped_at_2_adds_weight_times_2() -> None:
    derivation = essdai(rated(constitutional=None))
    assert (derivation.total, derivation.maximum) == (0, 6)


def test_nothing_rated() -> None:
    derivation = essdai(EssdaiDomains())
    assert (derivation.total, derivation.maximum) == (0, 123)
    assert derivation.missing == tuple(DOMAIN_KEYS)
    assert derivation.category is None


def test_high_activity_is_decided_by_rated_domains_alone() -> None:
    derivation = essdai(EssdaiDomains(lymphadenopathy=3, hematological=1))
    assert derivation.total == 14
    assert derivation.category == CATEGORY_HIGH
    assert derivation.reaches(14) is True


def test_low_activity_is_decided_when_unrated_domains_cannot_reach_5() -> None:
    derivation = essdai(rated(biological=None, glandular=None))
    assert (derivation.total, derivation.maximum) == (0, 6)
    assert derivation.category is None
    derivation = essdai(rated(biological=None))
    assert (derivation.total, derivation.maximum) == (0, 2)
    assert derivation.category == CATEGORY_LOW


def test_moderate_activity_is_decided_when_unrated_domains_cannot_reach_14() -> None:
    derivation = essdai(rated(renal=1, constitutional=None, biological=None))
    assert (derivation.total, derivation.maximum) == (5, 13)
    assert derivation.category == CATEGORY_MODERATE
