"""2016 ACR/EULAR primary Sjögren's classification against worked examples PSS-01..12,
its item thresholds on both sides, inclusion, exclusions
and unrecorded items."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cartscreen.scores.base import Derivation
from cartscreen.scores.pss_2016 import (
    CATEGORY_CLASSIFIED,
    CATEGORY_EXCLUDED,
    CATEGORY_INCLUSION_NOT_MET,
    CATEGORY_NOT_CLASSIFIED,
    DRYNESS_QUESTIONS,
    EXCLUSIONS,
    INCLUSION,
    Pss2016Components,
    acr_eular_2016_pss,
)

INCLUSION_KEYS = [key for key, _ in INCLUSION]
EXCLUSION_KEYS = [key for key, _ in EXCLUSIONS]

# Every item recorded and below its threshold: a normal biopsy, anti-SSA negative, normal
# ocular staining, Schirmer and saliva flow.
NEGATIVE_ITEMS: dict[str, Any] = {
    "focus_score": 0.0,
    "anti_ssa_ro": False,
    "ocular_staining_score": 0.0,
    "schirmer_mm_5_min": 20.0,
    "unstimulated_whole_saliva_ml_min": 0.5,
}


def recorded(**values: Any) -> Pss2016Components:
    """The worked examples' convention: inclusion met (dry eyes), every exclusion recorded
    absent, every item recorded negative, then the named values."""
    fields: dict[str, Any] = {key: False for key in INCLUSION_KEYS + EXCLUSION_KEYS}
    fields["dry_eyes_daily_over_3_months"] = True
    fields.update(NEGATIVE_ITEMS)
    fields.update(values)
    return Pss2016Components(**fields)


def status(derivation: Derivation, key: str) -> str:
    return next(item.status for item in derivation.items if item.key == key)


# --- worked examples ----------------------------------------------------------------------------

WORKED = [
    pytest.param(recorded(focus_score=1.5, anti_ssa_ro=True), 6, True, CATEGORY_CLASSIFIED,
                 id="PSS-01"),
    pytest.param(recorded(anti_ssa_ro=True, schirmer_mm_5_min=4.0), 4, True,
                 CATEGORY_CLASSIFIED, id="PSS-02"),
    pytest.param(recorded(anti_ssa_ro=True, schirmer_mm_5_min=8.0,
                          unstimulated_whole_saliva_ml_min=0.3), 3, False,
                 CATEGORY_NOT_CLASSIFIED, id="PSS-03"),
    # "No biopsy" as the example means it: the biopsy item does not score (recorded negative).
    # A biopsy simply not recorded is unknown instead: see test_biopsy_not_recorded_...
    pytest.param(recorded(ocular_staining_score=6.0, schirmer_mm_5_min=3.0,
                          unstimulated_whole_saliva_ml_min=0.08), 3, False,
                 CATEGORY_NOT_CLASSIFIED, id="PSS-04"),
    pytest.param(recorded(focus_score=2.0, anti_ssa_ro=True, ocular_staining_score=7.0,
                          schirmer_mm_5_min=2.0, unstimulated_whole_saliva_ml_min=0.05,
                          head_and_neck_radiation=True), 9, False, CATEGORY_EXCLUDED,
                 id="PSS-05"),
    pytest.param(recorded(anti_ssa_ro=True, schirmer_mm_5_min=5.0), 4, True,
                 CATEGORY_CLASSIFIED, id="PSS-06"),
    pytest.param(recorded(anti_ssa_ro=True, schirmer_mm_5_min=6.0), 3, False,
                 CATEGORY_NOT_CLASSIFIED, id="PSS-07"),
    pytest.param(recorded(focus_score=1.0, unstimulated_whole_saliva_ml_min=0.10), 4, True,
                 CATEGORY_CLASSIFIED, id="PSS-08"),
    pytest.param(recorded(focus_score=0.9, unstimulated_whole_saliva_ml_min=0.10,
                          ocular_staining_score=None, van_bijsterveld_score=4.0), 2, False,
                 CATEGORY_NOT_CLASSIFIED, id="PSS-09"),
    pytest.param(recorded(focus_score=3.0, anti_ssa_ro=True,
                          dry_eyes_daily_over_3_months=False), 6, False,
                 CATEGORY_INCLUSION_NOT_MET, id="PSS-10"),
    pytest.param(recorded(focus_score=2.0, anti_ssa_ro=True, ocular_staining_score=6.0,
                          schirmer_mm_5_min=3.0, unstimulated_whole_saliva_ml_min=0.05), 9, True,
                 CATEGORY_CLASSIFIED, id="PSS-11"),
    # Anti-SSB/La is not an input of the 2016 score; anti-SSA/Ro is negative.
    pytest.param(recorded(schirmer_mm_5_min=2.0, unstimulated_whole_saliva_ml_min=0.05,
                          ocular_staining_score=5.0), 3, False, CATEGORY_NOT_CLASSIFIED,
                 id="PSS-12"),
]


@pytest.mark.parametrize(("components", "total", "classified", "category"), WORKED)
def test_worked_example(components: Pss2016Components, total: int, classified: bool,
                        category: str) -> None:
    derivation = acr_eular_2016_pss(components)
    assert derivation.total == total
    assert derivation.maximum == total
    assert derivation.classified is classified
    assert derivation.category == category
    assert derivation.missing == ()


def test_excluded_by_names_the_exclusion() -> None:
    derivation = acr_eular_2016_pss(recorded(anti_ssa_ro=True, focus_score=2.0,
                                             head_and_neck_radiation=True))
    assert derivation.excluded_by == "head and neck radiation"
    assert acr_eular_2016_pss(recorded(anti_ssa_ro=True)).excluded_by is None


def test_arithmetic_shows_the_counted_items() -> None:
    derivation = acr_eular_2016_pss(recorded(focus_score=1.5, anti_ssa_ro=True))
    assert derivation.arithmetic() == "focus score ≥1 3 + anti-SSA/Ro 3 = 6"


def test_anti_ssb_la_is_not_an_input() -> None:
    with pytest.raises(ValidationError):
        Pss2016Components(anti_ssb_la=True)  # type: ignore[call-arg]


# --- item thresholds, both sides ----------------------------------------------------------------

THRESHOLDS = [
    pytest.param("focus_score", 1.0, "counted", id="focus score 1.0 counts"),
    pytest.param("focus_score", 0.99, "absent", id="focus score 0.99 does not"),
    pytest.param("ocular_staining_score", 5.0, "counted", id="OSS 5 counts"),
    pytest.param("ocular_staining_score", 4.0, "absent", id="OSS 4 does not"),
    pytest.param("schirmer_mm_5_min", 5.0, "counted", id="Schirmer 5 mm counts"),
    pytest.param("schirmer_mm_5_min", 5.5, "absent", id="Schirmer 5.5 mm does not"),
    pytest.param("unstimulated_whole_saliva_ml_min", 0.1, "counted", id="UWS 0.1 counts"),
    pytest.param("unstimulated_whole_saliva_ml_min", 0.11, "absent", id="UWS 0.11 does not"),
]


@pytest.mark.parametrize(("key", "value", "expected"), THRESHOLDS)
def test_item_threshold(key: str, value: float, expected: str) -> None:
    assert status(acr_eular_2016_pss(recorded(**{key: value})), key) == expected


@pytest.mark.parametrize(("van_bijsterveld", "expected"), [(4.0, "counted"), (3.0, "absent")])
def test_van_bijsterveld_4_counts_3_does_not(van_bijsterveld: float, expected: str) -> None:
    derivation = acr_eular_2016_pss(recorded(ocular_staining_score=None,
                                             van_bijsterveld_score=van_bijsterveld))
    assert status(derivation, "ocular_staining_score") == expected


def test_either_staining_score_at_threshold_counts() -> None:
    derivation = acr_eular_2016_pss(recorded(ocular_staining_score=3.0,
                                             van_bijsterveld_score=4.0))
    assert status(derivation, "ocular_staining_score") == "counted"


def test_score_4_classifies_and_3_does_not() -> None:
    four = acr_eular_2016_pss(recorded(anti_ssa_ro=True, ocular_staining_score=5.0))
    three = acr_eular_2016_pss(recorded(anti_ssa_ro=True, ocular_staining_score=4.0))
    assert (four.total, four.classified) == (4, True)
    assert (three.total, three.classified) == (3, False)


def test_three_minor_items_cannot_classify() -> None:
    derivation = acr_eular_2016_pss(recorded(ocular_staining_score=12.0, schirmer_mm_5_min=0.0,
                                             unstimulated_whole_saliva_ml_min=0.0))
    assert (derivation.total, derivation.classified) == (3, False)


# --- inclusion and exclusions -------------------------------------------------------------------

@pytest.mark.parametrize("question", [key for key, _ in DRYNESS_QUESTIONS])
def test_any_one_dryness_question_meets_inclusion(question: str) -> None:
    answers = {key: key == question for key, _ in DRYNESS_QUESTIONS}
    components = recorded(anti_ssa_ro=True, focus_score=2.0, **answers)
    assert acr_eular_2016_pss(components).classified is True


def test_essdai_suspicion_alone_meets_inclusion() -> None:
    components = recorded(anti_ssa_ro=True, focus_score=2.0,
                          dry_eyes_daily_over_3_months=False, essdai_suspicion=True)
    assert acr_eular_2016_pss(components).classified is True


@pytest.mark.parametrize("exclusion", EXCLUSION_KEYS)
def test_each_exclusion_prevents_classification(exclusion: str) -> None:
    derivation = acr_eular_2016_pss(recorded(anti_ssa_ro=True, focus_score=2.0,
                                             **{exclusion: True}))
    assert derivation.classified is False
    assert derivation.category == CATEGORY_EXCLUDED
    assert derivation.excluded_by == dict(EXCLUSIONS)[exclusion]


def test_exclusion_decides_even_with_everything_else_unrecorded() -> None:
    derivation = acr_eular_2016_pss(Pss2016Components(igg4_related_disease=True))
    assert derivation.classified is False
    assert derivation.excluded_by == "IgG4-related disease"
    assert derivation.missing == ()


def test_inclusion_not_met_needs_every_question_answered() -> None:
    unanswered = recorded(anti_ssa_ro=True, focus_score=2.0,
                          dry_eyes_daily_over_3_months=None, essdai_suspicion=None)
    derivation = acr_eular_2016_pss(unanswered)
    assert derivation.classified is None
    assert derivation.missing == ("dry_eyes_daily_over_3_months", "essdai_suspicion")


# --- unrecorded items ---------------------------------------------------------------------------

def test_unrecorded_item_that_could_reach_4_leaves_it_open() -> None:
    derivation = acr_eular_2016_pss(recorded(anti_ssa_ro=True, schirmer_mm_5_min=None))
    assert (derivation.total, derivation.maximum) == (3, 4)
    assert derivation.classified is None
    assert derivation.category is None
    assert derivation.missing == ("schirmer_mm_5_min",)
    assert status(derivation, "schirmer_mm_5_min") == "unknown"


def test_biopsy_not_recorded_is_unknown_not_absent() -> None:
    derivation = acr_eular_2016_pss(recorded(focus_score=None, ocular_staining_score=6.0,
                                             schirmer_mm_5_min=3.0,
                                             unstimulated_whole_saliva_ml_min=0.08))
    assert (derivation.total, derivation.maximum) == (3, 6)
    assert derivation.classified is None
    assert derivation.missing == ("focus_score",)


def test_unrecorded_items_do_not_matter_once_4_is_reached() -> None:
    derivation = acr_eular_2016_pss(recorded(anti_ssa_ro=True, focus_score=1.2,
                                             ocular_staining_score=None, schirmer_mm_5_min=None,
                                             unstimulated_whole_saliva_ml_min=None))
    assert (derivation.total, derivation.maximum) == (6, 9)
    assert derivation.classified is True
    assert derivation.missing == ()


def test_unrecorded_items_that_cannot_reach_4_decide_not_classified() -> None:
    derivation = acr_eular_2016_pss(recorded(ocular_staining_score=None,
                                             unstimulated_whole_saliva_ml_min=None))
    assert (derivation.total, derivation.maximum) == (0, 2)
    assert derivation.classified is False
    assert derivation.category == CATEGORY_NOT_CLASSIFIED
    assert derivation.missing == ()


def test_missing_names_only_the_items_that_can_tip_it() -> None:
    # Schirmer scores 1; the biopsy decides alone (1 + 3 = 4): the saliva flow cannot matter.
    derivation = acr_eular_2016_pss(recorded(schirmer_mm_5_min=4.0, focus_score=None,
                                             unstimulated_whole_saliva_ml_min=None))
    assert derivation.classified is None
    assert derivation.missing == ("focus_score",)


def test_unrecorded_staining_names_both_scores() -> None:
    derivation = acr_eular_2016_pss(recorded(anti_ssa_ro=True, ocular_staining_score=None))
    assert derivation.missing == ("ocular_staining_score", "van_bijsterveld_score")


def test_unrecorded_exclusion_keeps_a_score_of_4_open() -> None:
    derivation = acr_eular_2016_pss(recorded(anti_ssa_ro=True, focus_score=2.0,
                                             active_hepatitis_c=None))
    assert derivation.classified is None
    assert derivation.missing == ("active_hepatitis_c",)


def test_unrecorded_inclusion_and_exclusions_do_not_matter_below_4() -> None:
    derivation = acr_eular_2016_pss(Pss2016Components(**NEGATIVE_ITEMS))
    assert derivation.classified is False
    assert derivation.missing == ()


def test_nothing_recorded_names_everything_that_could_matter() -> None:
    derivation = acr_eular_2016_pss(Pss2016Components())
    assert (derivation.total, derivation.maximum) == (0, 9)
    assert derivation.classified is None
    assert derivation.missing == (
        "focus_score", "anti_ssa_ro", "ocular_staining_score", "van_bijsterveld_score",
        "schirmer_mm_5_min", "unstimulated_whole_saliva_ml_min", *INCLUSION_KEYS,
        *EXCLUSION_KEYS,
    )


# --- validation ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "value"), [
    ("ocular_staining_score", 13.0),
    ("van_bijsterveld_score", 10.0),
    ("schirmer_mm_5_min", -1.0),
    ("focus_score", -0.5),
    ("unstimulated_whole_saliva_ml_min", -0.1),
    ("anti_ssa_ro", "positive"),
])
def test_impossible_values_are_validation_errors(key: str, value: Any) -> None:
    with pytest.raises(ValidationError):
        Pss2016Components(**{key: value})
