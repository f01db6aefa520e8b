"""2002 AECG primary Sjögren's classification against worked examples AECG-01..07,
its rules on both sides, items derived from their
sub-findings, exclusions and unrecorded items."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cartscreen.scores.aecg_2002 import (
    AUTOANTIBODIES,
    CATEGORY_CLASSIFIED,
    CATEGORY_EXCLUDED,
    CATEGORY_NOT_CLASSIFIED,
    EXCLUSIONS,
    HISTOPATHOLOGY,
    ITEMS,
    OCULAR_SIGNS,
    OCULAR_SYMPTOMS,
    ORAL_SYMPTOMS,
    SALIVARY_GLAND_INVOLVEMENT,
    Aecg2002Components,
    aecg_2002_pss,
)
from cartscreen.scores.base import Derivation

ROMAN = {
    "I": OCULAR_SYMPTOMS, "II": ORAL_SYMPTOMS, "III": OCULAR_SIGNS, "IV": HISTOPATHOLOGY,
    "V": SALIVARY_GLAND_INVOLVEMENT, "VI": AUTOANTIBODIES,
}
EXCLUSION_KEYS = [key for key, _ in EXCLUSIONS]
NO_EXCLUSION: dict[str, Any] = {key: False for key in EXCLUSION_KEYS}


def items(*positive: str, **values: Any) -> Aecg2002Components:
    """The worked examples' convention: the named items (I–VI) present, the other items absent,
    every exclusion recorded absent, then any field overridden by keyword."""
    fields: dict[str, Any] = {key: roman in positive for roman, key in ROMAN.items()}
    fields.update(NO_EXCLUSION)
    fields.update(values)
    return Aecg2002Components(**fields)


def status(derivation: Derivation, key: str) -> str:
    return next(item.status for item in derivation.items if item.key == key)


# --- worked examples ----------------------------------------------------------------------------

WORKED = [
    pytest.param(items("I", "II", "III", "V"), 4, False, CATEGORY_NOT_CLASSIFIED, id="AECG-01"),
    pytest.param(items("I", "III", "V", "VI"), 4, True, CATEGORY_CLASSIFIED, id="AECG-02"),
    pytest.param(items("III", "IV", "V"), 3, True, CATEGORY_CLASSIFIED, id="AECG-03"),
    pytest.param(items("I", "II", "VI"), 3, False, CATEGORY_NOT_CLASSIFIED, id="AECG-04"),
    pytest.param(items("II", "IV", "VI"), 3, False, CATEGORY_NOT_CLASSIFIED, id="AECG-05"),
    pytest.param(items("I", "II", "IV", "VI", hepatitis_c=True), 4, False, CATEGORY_EXCLUDED,
                 id="AECG-06"),
    pytest.param(items("I", "II", "III", "VI"), 4, True, CATEGORY_CLASSIFIED, id="AECG-07"),
]


@pytest.mark.parametrize(("components", "total", "classified", "category"), WORKED)
def test_worked_example(components: Aecg2002Components, total: int, classified: bool,
                        category: str) -> None:
    derivation = aecg_2002_pss(components)
    assert derivation.total == total
    assert derivation.maximum == total
    assert derivation.classified is classified
    assert derivation.category == category
    assert derivation.missing == ()


def test_hepatitis_c_is_named_as_the_exclusion() -> None:
    derivation = aecg_2002_pss(items("I", "II", "IV", "VI", hepatitis_c=True))
    assert derivation.excluded_by == "hepatitis C infection"


@pytest.mark.parametrize("exclusion", EXCLUSION_KEYS)
def test_each_exclusion_prevents_classification(exclusion: str) -> None:
    derivation = aecg_2002_pss(items("III", "IV", "V", "VI", **{exclusion: True}))
    assert derivation.classified is False
    assert derivation.excluded_by == dict(EXCLUSIONS)[exclusion]


def test_notes_name_the_rule_met() -> None:
    assert aecg_2002_pss(items("III", "IV", "V")).notes == (
        "rule (b): 3 of the 4 objective items (III–VI)",
    )
    assert aecg_2002_pss(items("I", "II", "III", "IV")).notes == (
        "rule (a): 4 of 6 items, including IV or VI",
    )


# --- the two rules, both sides ------------------------------------------------------------------

RULES = [
    pytest.param(("I", "II", "III", "IV"), True, id="4 items with IV"),
    pytest.param(("I", "II", "V", "VI"), True, id="4 items with VI"),
    pytest.param(("I", "II", "III", "V"), False, id="4 items without IV or VI"),
    pytest.param(("I", "II", "IV"), False, id="3 items with IV, 1 objective"),
    pytest.param(("III", "IV", "VI"), True, id="3 objective items"),
    pytest.param(("III", "V", "VI"), True, id="3 objective items without IV"),
    pytest.param(("II", "III", "V"), False, id="2 objective items and a symptom"),
    pytest.param(("I", "II", "III", "IV", "V", "VI"), True, id="all six"),
    pytest.param((), False, id="none"),
]


@pytest.mark.parametrize(("positive", "classified"), RULES)
def test_rule(positive: tuple[str, ...], classified: bool) -> None:
    derivation = aecg_2002_pss(items(*positive))
    assert derivation.total == len(positive)
    assert derivation.classified is classified


# --- items from their sub-findings --------------------------------------------------------------

def only_sub_findings(**values: Any) -> Aecg2002Components:
    """Items left unstated, so that their sub-findings decide them."""
    return items(**{key: None for key in ROMAN.values()}, **values)


SUB_FINDINGS = [
    pytest.param(OCULAR_SYMPTOMS, {"sand_or_gravel_sensation_in_eyes": True}, "counted",
                 id="sand or gravel sensation gives I"),
    pytest.param(ORAL_SYMPTOMS, {"salivary_gland_swelling_as_adult": True}, "counted",
                 id="salivary gland swelling gives II"),
    pytest.param(OCULAR_SIGNS, {"schirmer_mm_5_min": 5.0}, "counted", id="Schirmer 5 gives III"),
    pytest.param(OCULAR_SIGNS, {"schirmer_mm_5_min": 5.5, "van_bijsterveld_score": 3.0},
                 "absent", id="Schirmer 5.5 and dye score 3 are not III"),
    pytest.param(OCULAR_SIGNS, {"schirmer_mm_5_min": 10.0, "van_bijsterveld_score": 4.0},
                 "counted", id="dye score 4 gives III"),
    pytest.param(HISTOPATHOLOGY, {"focus_score": 1.0}, "counted", id="focus score 1 gives IV"),
    pytest.param(HISTOPATHOLOGY, {"focus_score": 0.9}, "absent", id="focus score 0.9 is not IV"),
    pytest.param(SALIVARY_GLAND_INVOLVEMENT, {"unstimulated_salivary_flow_ml_15_min": 1.5},
                 "counted", id="flow 1.5 mL/15 min gives V"),
    pytest.param(SALIVARY_GLAND_INVOLVEMENT, {"unstimulated_salivary_flow_ml_15_min": 1.6,
                                              "sialography_diffuse_sialectasias": False,
                                              "scintigraphy_abnormal": False},
                 "absent", id="flow 1.6 mL/15 min is not V"),
    pytest.param(SALIVARY_GLAND_INVOLVEMENT, {"scintigraphy_abnormal": True}, "counted",
                 id="abnormal scintigraphy gives V"),
    pytest.param(AUTOANTIBODIES, {"anti_ssb_la": True, "anti_ssa_ro": False}, "counted",
                 id="anti-La alone gives VI"),
    pytest.param(AUTOANTIBODIES, {"anti_ssb_la": False, "anti_ssa_ro": False}, "absent",
                 id="neither antibody is not VI"),
    pytest.param(AUTOANTIBODIES, {"anti_ssb_la": False}, "unknown",
                 id="anti-Ro not recorded leaves VI unknown"),
    pytest.param(OCULAR_SIGNS, {"schirmer_mm_5_min": 10.0}, "unknown",
                 id="normal Schirmer without a dye score leaves III unknown"),
]


@pytest.mark.parametrize(("item", "values", "expected"), SUB_FINDINGS)
def test_item_from_sub_findings(item: str, values: dict[str, Any], expected: str) -> None:
    assert status(aecg_2002_pss(only_sub_findings(**values)), item) == expected


def test_sub_findings_classify_like_the_items() -> None:
    components = only_sub_findings(
        schirmer_mm_5_min=3.0, focus_score=2.0, unstimulated_salivary_flow_ml_15_min=1.0,
    )
    derivation = aecg_2002_pss(components)
    assert derivation.classified is True
    assert status(derivation, HISTOPATHOLOGY) == "counted"
    assert next(i.note for i in derivation.items if i.key == OCULAR_SIGNS) == (
        "Schirmer 3 mm/5 min"
    )


def test_note_names_the_positive_antibody() -> None:
    derivation = aecg_2002_pss(only_sub_findings(anti_ssb_la=True))
    assert next(i.note for i in derivation.items if i.key == AUTOANTIBODIES) == "anti-La(SSB)"


def test_stated_item_decides_when_sub_findings_do_not() -> None:
    derivation = aecg_2002_pss(items("III", schirmer_mm_5_min=10.0))
    assert status(derivation, OCULAR_SIGNS) == "counted"


@pytest.mark.parametrize("values", [
    pytest.param({OCULAR_SIGNS: False, "schirmer_mm_5_min": 4.0}, id="absent but Schirmer 4"),
    pytest.param({HISTOPATHOLOGY: True, "focus_score": 0.5}, id="present but focus score 0.5"),
    pytest.param({AUTOANTIBODIES: False, "anti_ssb_la": True}, id="absent but anti-La"),
])
def test_item_contradicting_its_sub_findings_is_a_validation_error(
        values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Aecg2002Components(**values)


@pytest.mark.parametrize(("key", "value"), [
    ("van_bijsterveld_score", 10.0), ("schirmer_mm_5_min", -1.0), ("focus_score", -1.0),
    ("unstimulated_salivary_flow_ml_15_min", -0.5), ("ocular_signs", "yes"),
])
def test_impossible_values_are_validation_errors(key: str, value: Any) -> None:
    with pytest.raises(ValidationError):
        Aecg2002Components(**{key: value})


# --- unrecorded items ---------------------------------------------------------------------------

def test_unrecorded_item_that_could_decide_leaves_it_open() -> None:
    derivation = aecg_2002_pss(items("I", "II", "III", autoantibodies=None))
    assert (derivation.total, derivation.maximum) == (3, 4)
    assert derivation.classified is None
    assert derivation.category is None
    assert derivation.missing == (AUTOANTIBODIES,)


def test_missing_names_only_items_that_can_change_the_result() -> None:
    # III and V positive, IV negative: VI alone gives rule (b); with VI negative, rule (a)
    # needs IV or VI, so ocular symptoms (I) cannot change the result.
    derivation = aecg_2002_pss(items("III", "V", ocular_symptoms=None, autoantibodies=None))
    assert derivation.classified is None
    assert derivation.missing == (AUTOANTIBODIES,)


def test_unrecorded_items_do_not_matter_once_a_rule_is_met() -> None:
    derivation = aecg_2002_pss(items("III", "IV", "V", ocular_symptoms=None,
                                     oral_symptoms=None, autoantibodies=None))
    assert (derivation.total, derivation.maximum) == (3, 6)
    assert derivation.classified is True
    assert derivation.missing == ()


def test_unrecorded_items_that_cannot_meet_a_rule_decide_not_classified() -> None:
    derivation = aecg_2002_pss(items("III", histopathology=None))
    assert (derivation.total, derivation.maximum) == (1, 2)
    assert derivation.classified is False
    assert derivation.missing == ()


def test_unrecorded_exclusion_keeps_a_met_rule_open() -> None:
    derivation = aecg_2002_pss(items("III", "IV", "V", pre_existing_lymphoma=None))
    assert derivation.classified is None
    assert derivation.missing == ("pre_existing_lymphoma",)


def test_nothing_recorded_names_every_item_and_exclusion() -> None:
    derivation = aecg_2002_pss(Aecg2002Components())
    assert (derivation.total, derivation.maximum) == (0, 6)
    assert derivation.classified is None
    assert derivation.missing == (*(item.key for item in ITEMS), *EXCLUSION_KEYS)
