"""The JDM rules of the trial texts: NCT06569472's "four of six" features and the
NCT07184450 core-set rule as a derivation, each threshold on both sides, and unrecorded
values."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cartscreen.scores.jdm_core_set import persistent_weakness
from cartscreen.scores.jdm_rules import (
    CORE_SET_MET,
    CORE_SET_NOT_MET,
    CORE_SET_REVIEW,
    FOUR_OF_SIX_MET,
    FOUR_OF_SIX_NOT_MET,
    JdmFeatures,
    jdm_core_set_derivation,
    jdm_four_of_six,
)

FEATURE_KEYS = ("symmetric_proximal_weakness", "characteristic_rash", "muscle_enzymes_raised",
                "emg_myopathic", "biopsy_inflammation")


def features(present: int, *, unrecorded: int = 0) -> JdmFeatures:
    """The first `present` features present, the next `unrecorded` not recorded, the rest
    absent."""
    values: dict[str, bool | None] = {}
    for index, key in enumerate(FEATURE_KEYS):
        values[key] = True if index < present else None if index < present + unrecorded else False
    return JdmFeatures(**values)


# --- four of six --------------------------------------------------------------------------------

COUNTS = [
    # (features present among ①②③⑤⑥, antibody ④, classified, total)
    pytest.param(3, True, True, 4, id="3 features + antibody = 4: met"),
    pytest.param(4, False, True, 4, id="4 features, antibody negative = 4: met"),
    pytest.param(3, False, False, 3, id="3 features, antibody negative = 3: not met"),
    pytest.param(2, True, False, 3, id="2 features + antibody = 3: not met"),
    pytest.param(5, False, True, 5, id="5 features = 5: met"),
    pytest.param(0, False, False, 0, id="nothing: not met"),
]


@pytest.mark.parametrize(("present", "antibody", "classified", "total"), COUNTS)
def test_four_of_six_count(present: int, antibody: bool, classified: bool, total: int) -> None:
    derivation = jdm_four_of_six(features(present), antibody_positive=antibody)
    assert derivation.total == total
    assert derivation.maximum == total
    assert derivation.classified is classified
    assert derivation.category == (FOUR_OF_SIX_MET if classified else FOUR_OF_SIX_NOT_MET)
    assert derivation.missing == ()


def test_the_check_example_four_features_is_met() -> None:
    # checks/diagnosis.py MYOSITIS_FEATURE_COUNT example "four features": weakness, rash,
    # enzymes, EMG and biopsy negative, NXP2 positive.
    derivation = jdm_four_of_six(
        JdmFeatures(symmetric_proximal_weakness=True, characteristic_rash=True,
                    muscle_enzymes_raised=True, emg_myopathic=False, biopsy_inflammation=False),
        antibody_positive=True,
    )
    assert derivation.classified is True
    assert derivation.arithmetic() == (
        "symmetrical proximal muscle weakness 1 + characteristic skin changes 1 + raised serum "
        "muscle enzyme 1 + positive myositis antibody 1 = 4"
    )


def test_all_six_are_met_with_a_note_on_the_registry_wording() -> None:
    derivation = jdm_four_of_six(features(5), antibody_positive=True)
    assert derivation.total == 6
    assert derivation.classified is True
    assert any("four or five" in note for note in derivation.notes)
    assert not any(
        "four or five" in note
        for note in jdm_four_of_six(features(5), antibody_positive=False).notes
    )


def test_unrecorded_features_that_could_reach_four_are_missing() -> None:
    derivation = jdm_four_of_six(features(2, unrecorded=2), antibody_positive=None)
    assert derivation.classified is None
    assert derivation.category is None
    assert derivation.missing == ("muscle_enzymes_raised", "antibody_positive", "emg_myopathic")
    assert (derivation.total, derivation.maximum) == (2, 5)


def test_untested_antibody_is_missing_when_it_could_make_the_fourth() -> None:
    derivation = jdm_four_of_six(features(3), antibody_positive=None)
    assert derivation.classified is None
    assert derivation.missing == ("antibody_positive",)


def test_four_present_is_decided_whatever_is_unrecorded() -> None:
    derivation = jdm_four_of_six(features(4, unrecorded=1), antibody_positive=None)
    assert derivation.classified is True
    assert derivation.missing == ()


def test_too_few_even_if_every_unrecorded_is_present_is_decided() -> None:
    derivation = jdm_four_of_six(features(1, unrecorded=1), antibody_positive=None)
    assert derivation.maximum == 3
    assert derivation.classified is False
    assert derivation.missing == ()


def test_feature_four_is_not_a_field() -> None:
    with pytest.raises(ValidationError):
        JdmFeatures(antibody_positive=True)  # type: ignore[call-arg]


# --- NCT07184450 core set -----------------------------------------------------------------------

# Weakness shown by CMAS, and no core measure abnormal.
BASE: dict[str, float | bool | None] = {
    "cmas": 40.0, "muscle_mri_diffuse_edema": False, "phga_cm": 1.0, "ptga_cm": 1.0,
    "das": 1.0, "chaq": 0.0, "muscle_enzyme_max_x_uln": 1.0,
}
# One core measure abnormal besides the one under test, so the test value decides the rule.
ONE_ABNORMAL = {**BASE, "ptga_cm": 3.0}


def core(**values: Any) -> dict[str, float | bool | None]:
    return {**ONE_ABNORMAL, **values}


# Two core measures abnormal, so weakness decides the rule.
TWO_ABNORMAL = {**ONE_ABNORMAL, "phga_cm": 3.0}

CORE_BOUNDARIES = [
    pytest.param({**TWO_ABNORMAL, "cmas": 47.9}, True, id="CMAS 47.9 is weakness"),
    pytest.param({**TWO_ABNORMAL, "cmas": 48.0}, False, id="CMAS 48 is not"),
    pytest.param({**TWO_ABNORMAL, "cmas": 48.0, "muscle_mri_diffuse_edema": True}, True,
                 id="CMAS 48 with MRI diffuse edema is weakness"),
    pytest.param(core(phga_cm=2.0), True, id="PhGA 2 cm is abnormal"),
    pytest.param(core(phga_cm=1.9), False, id="PhGA 1.9 cm is not"),
    pytest.param({**BASE, "phga_cm": 2.0, "ptga_cm": 2.0}, True, id="PtGA 2 cm is abnormal"),
    pytest.param({**BASE, "phga_cm": 2.0, "ptga_cm": 1.9}, False, id="PtGA 1.9 cm is not"),
    pytest.param(core(das=2.0), True, id="DAS 2 is abnormal"),
    pytest.param(core(das=1.9), False, id="DAS 1.9 is not"),
    pytest.param(core(chaq=0.25), True, id="C-HAQ 0.25 is abnormal"),
    pytest.param(core(chaq=0.24), False, id="C-HAQ 0.24 is not"),
    pytest.param(core(muscle_enzyme_max_x_uln=1.51), True, id="enzyme 1.51 × ULN is abnormal"),
    pytest.param(core(muscle_enzyme_max_x_uln=1.5), False, id="enzyme 1.5 × ULN is not"),
]


@pytest.mark.parametrize(("values", "holds"), CORE_BOUNDARIES)
def test_core_set_threshold(values: dict[str, float | bool | None], holds: bool) -> None:
    derivation = jdm_core_set_derivation(values)
    assert derivation.classified is holds
    assert derivation.category == (CORE_SET_MET if holds else CORE_SET_NOT_MET)
    assert derivation.missing == ()
    assert persistent_weakness(values).holds is holds


def test_core_set_items_show_which_measures_count() -> None:
    derivation = jdm_core_set_derivation(core(chaq=0.25))
    assert derivation.total == 2
    assert derivation.arithmetic() == "CMAS <48 0 + PtGA ≥2 1 + C-HAQ ≥0.25 1 = 2"
    enzyme = next(item for item in derivation.items if item.key == "muscle_enzyme_max_x_uln")
    assert enzyme.label == "muscle enzyme × ULN >1.5"
    assert enzyme.status == "absent"


def test_core_set_unrecorded_measures_that_could_decide_are_missing() -> None:
    values = {"cmas": 40.0, "phga_cm": 3.0}
    derivation = jdm_core_set_derivation(values)
    assert derivation.classified is None
    # With no second abnormal measure the MRI would decide between review and not met.
    assert derivation.missing == ("muscle_mri_diffuse_edema", "ptga_cm", "das", "chaq",
                                  "muscle_enzyme_max_x_uln")
    assert (derivation.total, derivation.maximum) == (1, 5)


def test_core_set_unrecorded_weakness_is_missing() -> None:
    derivation = jdm_core_set_derivation({**BASE, "cmas": None, "muscle_mri_diffuse_edema": None,
                                          "phga_cm": 2.5, "das": 3.0})
    assert derivation.classified is None
    assert derivation.missing == ("cmas", "muscle_mri_diffuse_edema")


def test_core_set_without_weakness_is_decided_whatever_core_measures_are_missing() -> None:
    derivation = jdm_core_set_derivation({"cmas": 52.0, "muscle_mri_diffuse_edema": False})
    assert derivation.classified is False
    assert derivation.missing == ()


def test_core_set_two_abnormal_is_decided_whatever_else_is_missing() -> None:
    derivation = jdm_core_set_derivation({"muscle_mri_diffuse_edema": True, "das": 4.0,
                                          "chaq": 0.5})
    assert derivation.classified is True
    assert derivation.missing == ()


def test_core_set_met_only_under_the_second_reading_is_for_the_investigator() -> None:
    derivation = jdm_core_set_derivation({**BASE, "cmas": 50.0, "muscle_mri_diffuse_edema": True,
                                          "phga_cm": 3.0})
    assert derivation.classified is None
    assert derivation.category == CORE_SET_REVIEW
    assert derivation.missing == ()
    assert derivation.total == 1
    assert any("reads two ways" in note for note in derivation.notes)


@pytest.mark.parametrize(("values", "category"), [
    pytest.param({"phga_cm": 3.0, "das": 2.0}, CORE_SET_MET, id="two abnormal: met"),
    pytest.param({"phga_cm": 3.0, "das": 1.9}, CORE_SET_REVIEW, id="one abnormal: review"),
])
def test_core_set_with_mri_edema_on_either_side_of_two_measures(
    values: dict[str, float], category: str,
) -> None:
    derivation = jdm_core_set_derivation({**BASE, "cmas": 52.0, "muscle_mri_diffuse_edema": True,
                                          **values})
    assert derivation.category == category
