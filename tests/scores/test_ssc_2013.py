"""2013 ACR/EULAR SSc classification against worked examples SSC-01..09 and AB-05/AB-07,
its threshold, item caps, applicability and unknowns."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cartscreen.scores.base import Derivation
from cartscreen.scores.ssc_2013 import (
    ARITHMETIC_MAXIMUM,
    CATEGORY_CLASSIFIED,
    CATEGORY_NOT_APPLICABLE,
    ITEMS,
    SUB_ITEM_KEYS,
    SUFFICIENT_CRITERION_POINTS,
    Ssc2013Components,
    acr_eular_2013_ssc,
)

BOOL_FIELDS = [
    name for name, info in Ssc2013Components.model_fields.items()
    if info.annotation == (bool | None)
]

BOTH_HANDS = "skin_thickening_proximal_to_mcp_both_hands"
RIGHT_HAND = "skin_thickening_proximal_to_mcp_right_hand"
LEFT_HAND = "skin_thickening_proximal_to_mcp_left_hand"
SPARING = "skin_thickening_sparing_fingers"
DISORDER = "scleroderma_like_disorder_explains_findings"


def recorded(*present: str, **values: Any) -> Ssc2013Components:
    """Every finding recorded: those named present, the rest absent (the worked examples'
    convention), with any field overridden by keyword. The sufficient criterion is recorded as
    "both hands" unless a hand is named."""
    fields: dict[str, Any] = {name: False for name in BOOL_FIELDS}
    fields.update({RIGHT_HAND: None, LEFT_HAND: None})
    fields.update({name: True for name in present})
    fields.update(values)
    return Ssc2013Components(**fields)


def status(derivation: Derivation, key: str) -> str:
    return next(item.status for item in derivation.items if item.key == key)


# --- worked examples ----------------------------------------------------------------------------

WORKED = [
    pytest.param(recorded(BOTH_HANDS), 9, True, id="SSC-01"),
    pytest.param(recorded("sclerodactyly", "raynauds_phenomenon", "anticentromere"), 10, True,
                 id="SSC-02"),
    pytest.param(recorded("puffy_fingers", "raynauds_phenomenon",
                          "abnormal_nailfold_capillaries"), 7, False, id="SSC-03"),
    pytest.param(recorded("puffy_fingers", "raynauds_phenomenon",
                          "abnormal_nailfold_capillaries", "scl70"), 10, True, id="SSC-04"),
    pytest.param(recorded("puffy_fingers", "sclerodactyly", "digital_tip_ulcers",
                          "fingertip_pitting_scars", "pulmonary_arterial_hypertension",
                          "interstitial_lung_disease", "scl70", "rnap3"), 12, True, id="SSC-05"),
    pytest.param(recorded("telangiectasia", "raynauds_phenomenon", "interstitial_lung_disease"),
                 7, False, id="SSC-07"),
    pytest.param(recorded(*BOOL_FIELDS, **{SPARING: False, DISORDER: False}), 28, True,
                 id="SSC-08"),
    pytest.param(recorded(RIGHT_HAND, "sclerodactyly", "raynauds_phenomenon",
                          **{LEFT_HAND: False}), 7, False, id="SSC-09"),
]


@pytest.mark.parametrize(("components", "total", "classified"), WORKED)
def test_worked_example(components: Ssc2013Components, total: int, classified: bool) -> None:
    derivation = acr_eular_2013_ssc(components)
    assert derivation.total == total
    assert derivation.maximum == total
    assert derivation.classified is classified
    assert derivation.category == (CATEGORY_CLASSIFIED if classified else None)
    assert derivation.missing == ()
    assert derivation.excluded_by is None


@pytest.mark.parametrize("components", [
    pytest.param(recorded(SPARING), id="SSC-06"),
    pytest.param(recorded(SPARING, "raynauds_phenomenon", "scl70", "telangiectasia",
                          "abnormal_nailfold_capillaries"), id="SSC-06 (10 points)"),
])
def test_fingers_spared_means_criteria_not_applicable(components: Ssc2013Components) -> None:
    derivation = acr_eular_2013_ssc(components)
    assert derivation.classified is False
    assert derivation.category == CATEGORY_NOT_APPLICABLE
    assert derivation.excluded_by == SPARING
    assert derivation.notes == ("the criteria do not apply: skin thickening spares the fingers",)


def test_ssc_01_the_sufficient_criterion_alone_classifies() -> None:
    derivation = acr_eular_2013_ssc(recorded(BOTH_HANDS))
    assert derivation.arithmetic() == (
        "skin thickening of both hands' fingers proximal to the MCPs 9 = 9"
    )
    assert status(derivation, BOTH_HANDS) == "counted"


def test_ssc_02_arithmetic() -> None:
    derivation = acr_eular_2013_ssc(
        recorded("sclerodactyly", "raynauds_phenomenon", "anticentromere")
    )
    assert derivation.arithmetic() == (
        "sclerodactyly 4 + Raynaud's phenomenon 3 + anticentromere 3 = 10"
    )


def test_ssc_05_each_item_counts_only_its_highest_sub_item() -> None:
    derivation = acr_eular_2013_ssc(recorded(
        "puffy_fingers", "sclerodactyly", "digital_tip_ulcers", "fingertip_pitting_scars",
        "pulmonary_arterial_hypertension", "interstitial_lung_disease", "scl70", "rnap3",
    ))
    assert [(i.key, i.points) for i in derivation.items if i.status == "counted"] == [
        ("sclerodactyly", 4), ("fingertip_pitting_scars", 3),
        ("pulmonary_arterial_hypertension", 2), ("scl70", 3),
    ]
    assert {i.key for i in derivation.items if i.status == "superseded"} == {
        "puffy_fingers", "digital_tip_ulcers", "interstitial_lung_disease", "rnap3",
    }


def test_ssc_08_arithmetic_maximum_is_28_and_19_without_the_sufficient_criterion() -> None:
    assert ARITHMETIC_MAXIMUM == 28
    assert ARITHMETIC_MAXIMUM - SUFFICIENT_CRITERION_POINTS == 19
    assert acr_eular_2013_ssc(Ssc2013Components()).maximum == 28


def test_ssc_09_one_hand_proximal_to_the_mcps_is_not_the_sufficient_criterion() -> None:
    derivation = acr_eular_2013_ssc(
        recorded(RIGHT_HAND, "sclerodactyly", "raynauds_phenomenon",
                 **{LEFT_HAND: False, BOTH_HANDS: None})
    )
    assert (derivation.total, derivation.classified) == (7, False)
    item = next(i for i in derivation.items if i.key == BOTH_HANDS)
    assert item.status == "absent"
    assert item.note == "right hand only: the criterion needs both hands"


# --- antibody item (AB-05, AB-07) ---------------------------------------------------------------

ANTIBODY_KEYS = ("anticentromere", "scl70", "rnap3")


def antibody_points(derivation: Derivation) -> float:
    return sum(i.points for i in derivation.items
               if i.key in ANTIBODY_KEYS and i.status == "counted")


@pytest.mark.parametrize(("present", "points"), [
    pytest.param(("scl70",), 3, id="AB-05"),
    pytest.param(("anticentromere", "scl70"), 3, id="AB-07"),
    pytest.param(("anticentromere", "scl70", "rnap3"), 3, id="three antibodies"),
    pytest.param(("rnap3",), 3, id="anti-RNA polymerase III"),
    pytest.param((), 0, id="none"),
])
def test_ssc_antibody_item_is_capped_at_3(present: tuple[str, ...], points: int) -> None:
    derivation = acr_eular_2013_ssc(recorded(*present))
    assert antibody_points(derivation) == points
    assert derivation.total == points


# --- threshold ----------------------------------------------------------------------------------


def test_8_points_without_the_sufficient_criterion_is_not_classified() -> None:
    derivation = acr_eular_2013_ssc(
        recorded("sclerodactyly", "telangiectasia", "abnormal_nailfold_capillaries")
    )
    assert derivation.total == 8
    assert derivation.classified is False


def test_9_points_without_the_sufficient_criterion_is_classified() -> None:
    derivation = acr_eular_2013_ssc(recorded(
        "puffy_fingers", "raynauds_phenomenon", "telangiectasia", "abnormal_nailfold_capillaries"
    ))
    assert derivation.total == 9
    assert derivation.classified is True
    assert derivation.category == CATEGORY_CLASSIFIED


@pytest.mark.parametrize(("present", "points"), [
    pytest.param(("puffy_fingers", "sclerodactyly"), 4, id="finger skin: sclerodactyly 4"),
    pytest.param(("puffy_fingers",), 2, id="finger skin: puffy fingers 2"),
    pytest.param(("digital_tip_ulcers", "fingertip_pitting_scars"), 3, id="fingertip: scars 3"),
    pytest.param(("digital_tip_ulcers",), 2, id="fingertip: ulcers 2"),
    pytest.param(("pulmonary_arterial_hypertension", "interstitial_lung_disease"), 2,
                 id="PAH and ILD: 2"),
    pytest.param(("telangiectasia",), 2, id="telangiectasia 2"),
    pytest.param(("abnormal_nailfold_capillaries",), 2, id="nailfold capillaries 2"),
    pytest.param(("raynauds_phenomenon",), 3, id="Raynaud's 3"),
])
def test_item_weights(present: tuple[str, ...], points: int) -> None:
    assert acr_eular_2013_ssc(recorded(*present)).total == points


# --- applicability ------------------------------------------------------------------------------


def test_a_scleroderma_like_disorder_makes_the_criteria_not_applicable() -> None:
    derivation = acr_eular_2013_ssc(recorded(
        BOTH_HANDS, **{DISORDER: True, "scleroderma_like_disorder_name": "scleromyxedema"}
    ))
    assert derivation.total == 9
    assert derivation.classified is False
    assert derivation.category == CATEGORY_NOT_APPLICABLE
    assert derivation.excluded_by == DISORDER
    assert derivation.notes == (
        "the criteria do not apply: a scleroderma-like disorder (scleromyxedema) better "
        "explains the findings",
    )


def test_not_applicable_is_decided_even_with_unrecorded_findings() -> None:
    derivation = acr_eular_2013_ssc(Ssc2013Components(skin_thickening_sparing_fingers=True))
    assert derivation.classified is False
    assert derivation.missing == ()


def test_finger_skin_thickening_means_the_fingers_are_not_spared() -> None:
    derivation = acr_eular_2013_ssc(recorded(BOTH_HANDS, **{SPARING: None}))
    assert derivation.classified is True


def test_fingers_spared_contradicts_sclerodactyly() -> None:
    with pytest.raises(ValidationError, match="skin_thickening_sparing_fingers"):
        Ssc2013Components(skin_thickening_sparing_fingers=True, sclerodactyly=True)


@pytest.mark.parametrize("unrecorded", [SPARING, DISORDER])
def test_enough_points_but_applicability_unrecorded_is_unknown(unrecorded: str) -> None:
    derivation = acr_eular_2013_ssc(recorded(
        "puffy_fingers", "raynauds_phenomenon", "telangiectasia",
        "abnormal_nailfold_capillaries", **{unrecorded: None},
    ))
    assert derivation.total == 9
    assert derivation.classified is None
    assert derivation.missing == (unrecorded,)


def test_too_few_points_is_not_classified_whatever_the_applicability() -> None:
    derivation = acr_eular_2013_ssc(
        recorded("raynauds_phenomenon", **{SPARING: None, DISORDER: None})
    )
    assert derivation.classified is False
    assert derivation.missing == ()


# --- unrecorded findings ------------------------------------------------------------------------


def test_nothing_recorded_is_unknown_and_names_every_finding() -> None:
    derivation = acr_eular_2013_ssc(Ssc2013Components())
    assert derivation.classified is None
    assert derivation.total == 0
    assert derivation.missing == (BOTH_HANDS, *SUB_ITEM_KEYS, SPARING, DISORDER)


def test_an_unrecorded_finding_that_could_reach_9_leaves_it_unknown() -> None:
    derivation = acr_eular_2013_ssc(
        recorded("sclerodactyly", "raynauds_phenomenon", telangiectasia=None)
    )
    assert (derivation.total, derivation.maximum) == (7, 9)
    assert derivation.classified is None
    assert derivation.missing == ("telangiectasia",)
    assert status(derivation, "telangiectasia") == "unknown"


def test_an_unrecorded_finding_that_cannot_raise_its_item_is_not_missing() -> None:
    derivation = acr_eular_2013_ssc(
        recorded("sclerodactyly", "raynauds_phenomenon", puffy_fingers=None)
    )
    assert (derivation.total, derivation.maximum) == (7, 7)
    assert derivation.classified is False
    assert derivation.missing == ()


def test_unrecorded_findings_too_light_to_reach_9_decide_not_classified() -> None:
    derivation = acr_eular_2013_ssc(recorded(
        "raynauds_phenomenon", telangiectasia=None, abnormal_nailfold_capillaries=None
    ))
    assert (derivation.total, derivation.maximum) == (3, 7)
    assert derivation.classified is False
    assert derivation.missing == ()


def test_reaching_9_decides_despite_unrecorded_findings() -> None:
    derivation = acr_eular_2013_ssc(recorded(
        "sclerodactyly", "raynauds_phenomenon", "scl70", telangiectasia=None, rnap3=None,
        interstitial_lung_disease=None,
    ))
    assert derivation.total == 10
    assert derivation.maximum == 14
    assert derivation.classified is True
    assert derivation.missing == ()


def test_a_higher_unrecorded_sub_item_is_missing_a_lower_one_is_not() -> None:
    derivation = acr_eular_2013_ssc(recorded(
        "digital_tip_ulcers", "raynauds_phenomenon", "telangiectasia",
        fingertip_pitting_scars=None, puffy_fingers=None,
    ))
    assert (derivation.total, derivation.maximum) == (7, 10)
    assert derivation.classified is None
    assert derivation.missing == ("puffy_fingers", "fingertip_pitting_scars")


# --- the sufficient criterion, per hand or both hands -------------------------------------------


def test_both_hands_recorded_per_hand_is_the_sufficient_criterion() -> None:
    derivation = acr_eular_2013_ssc(recorded(RIGHT_HAND, LEFT_HAND, **{BOTH_HANDS: None}))
    assert derivation.total == 9
    assert derivation.classified is True


def test_one_hand_recorded_and_the_other_not_leaves_the_sufficient_criterion_open() -> None:
    derivation = acr_eular_2013_ssc(recorded(RIGHT_HAND, **{BOTH_HANDS: None}))
    assert (derivation.total, derivation.maximum) == (0, 9)
    assert derivation.classified is None
    assert derivation.missing == (LEFT_HAND,)
    assert status(derivation, BOTH_HANDS) == "unknown"


def test_sufficient_criterion_unrecorded_is_named_once() -> None:
    derivation = acr_eular_2013_ssc(
        recorded(**{BOTH_HANDS: None})
    )
    assert (derivation.total, derivation.maximum) == (0, 9)
    assert derivation.missing == (BOTH_HANDS,)


def test_left_hand_only_is_not_the_sufficient_criterion() -> None:
    derivation = acr_eular_2013_ssc(recorded(LEFT_HAND, **{RIGHT_HAND: False}))
    assert derivation.total == 0
    assert derivation.classified is False


@pytest.mark.parametrize("fields", [
    pytest.param({BOTH_HANDS: True, LEFT_HAND: False}, id="both hands but not the left"),
    pytest.param({BOTH_HANDS: False, RIGHT_HAND: True, LEFT_HAND: True},
                 id="not both hands but each hand"),
])
def test_contradictory_hands_are_validation_errors(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match=BOTH_HANDS):
        Ssc2013Components(**fields)


# --- explained by another cause -----------------------------------------------------------------


def test_a_finding_explained_by_another_cause_does_not_count() -> None:
    derivation = acr_eular_2013_ssc(recorded(
        "digital_tip_ulcers", "raynauds_phenomenon",
        explained_by_other_cause=["digital_tip_ulcers"],
    ))
    assert derivation.total == 3
    assert status(derivation, "digital_tip_ulcers") == "excluded"


def test_an_unrecorded_finding_explained_by_another_cause_is_not_missing() -> None:
    derivation = acr_eular_2013_ssc(recorded(
        "sclerodactyly", "raynauds_phenomenon", interstitial_lung_disease=None,
        explained_by_other_cause=["interstitial_lung_disease"],
    ))
    assert derivation.maximum == 7
    assert derivation.classified is False


def test_explained_by_other_cause_names_only_scored_findings() -> None:
    with pytest.raises(ValidationError):
        Ssc2013Components(explained_by_other_cause=["anti_th_to"])  # type: ignore[list-item]


# --- the components model -----------------------------------------------------------------------


def test_sub_item_keys_are_the_scored_items_and_model_fields() -> None:
    scored = [key for _, sub_items in ITEMS for key, _, _ in sub_items]
    assert tuple(scored) == SUB_ITEM_KEYS
    assert set(scored) <= set(Ssc2013Components.model_fields)


@pytest.mark.parametrize("fields", [
    pytest.param({"raynauds": True}, id="unknown key"),
    pytest.param({"raynauds_phenomenon": "yes"}, id="not a boolean"),
    pytest.param({"sclerodactyly": 1}, id="1 for true"),
])
def test_bad_components_are_validation_errors(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Ssc2013Components(**fields)
