"""Bohan and Peter (1975) against worked examples BP-01..08,
each level on both sides of its count, the MRI-substitute option, exclusions and unrecorded
findings."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cartscreen.scores.base import Derivation
from cartscreen.scores.bohan_peter import (
    CATEGORY_NOT_CLASSIFIED,
    EXCLUSIONS,
    INSTRUMENT,
    INSTRUMENT_MODIFIED,
    BohanPeterComponents,
    bohan_peter,
)

EXCLUSION_KEYS = [key for key, _ in EXCLUSIONS]
WEAKNESS = "symmetric_proximal_weakness"
ENZYMES = "muscle_enzymes_raised"
EMG = "emg_myopathic_triad"
BIOPSY = "muscle_biopsy_myositis"
RASH = "typical_dm_rash"
MRI = "muscle_mri_edema"
# The worked examples number the criteria 1 weakness, 2 enzymes, 3 EMG, 4 biopsy, 5 rash.
CRITERION = {1: WEAKNESS, 2: ENZYMES, 3: EMG, 4: BIOPSY, 5: RASH}


def recorded(*criteria: int, **values: Any) -> BohanPeterComponents:
    """The worked examples' convention: the listed criteria present, every other criterion,
    the MRI and every exclusion recorded absent; then the named values."""
    fields: dict[str, Any] = {key: False for key in (*CRITERION.values(), MRI, *EXCLUSION_KEYS)}
    fields.update({CRITERION[number]: True for number in criteria})
    fields.update(values)
    return BohanPeterComponents(**fields)


def status(derivation: Derivation, key: str) -> str:
    return next(item.status for item in derivation.items if item.key == key)


# --- worked examples ----------------------------------------------------------------------------

WORKED = [
    # (components, category strict, category with the MRI substitute)
    pytest.param(recorded(5, 1, 2, 3, 4), "definite DM", "definite DM", id="BP-01"),
    pytest.param(recorded(5, 1, 2), "probable DM", "probable DM", id="BP-02"),
    pytest.param(recorded(5, 2), "possible DM", "possible DM", id="BP-03"),
    pytest.param(recorded(1, 2, 3, 4), "definite PM", "definite PM", id="BP-04"),
    pytest.param(recorded(1, 2), "possible PM", "possible PM", id="BP-05"),
    pytest.param(recorded(5), CATEGORY_NOT_CLASSIFIED, CATEGORY_NOT_CLASSIFIED, id="BP-06"),
    pytest.param(recorded(5, 1, 2, muscle_mri_edema=True), "probable DM", "definite DM",
                 id="BP-07"),
    pytest.param(recorded(5, 1, 2, 3, 4, muscular_dystrophy=True), CATEGORY_NOT_CLASSIFIED,
                 CATEGORY_NOT_CLASSIFIED, id="BP-08"),
]


@pytest.mark.parametrize(("components", "strict", "modified"), WORKED)
def test_worked_example(components: BohanPeterComponents, strict: str, modified: str) -> None:
    for mri_substitutes, expected in ((False, strict), (True, modified)):
        derivation = bohan_peter(components, mri_substitutes=mri_substitutes)
        assert derivation.category == expected
        assert derivation.classified is (expected != CATEGORY_NOT_CLASSIFIED)
        assert derivation.missing == ()
        assert derivation.decided


def test_bp_08_names_the_exclusion() -> None:
    derivation = bohan_peter(recorded(5, 1, 2, 3, 4, muscular_dystrophy=True))
    assert derivation.excluded_by == "muscular dystrophy"
    assert derivation.classified is False
    assert any("muscular dystrophy" in note for note in derivation.notes)


def test_bp_06_rash_alone_is_amyopathic_and_not_classified() -> None:
    derivation = bohan_peter(recorded(5))
    assert derivation.excluded_by is None
    assert any("amyopathic" in note for note in derivation.notes)


@pytest.mark.parametrize(("exclusion", "label"), EXCLUSIONS)
def test_every_exclusion_leaves_definite_dm_not_classified(exclusion: str, label: str) -> None:
    derivation = bohan_peter(recorded(5, 1, 2, 3, 4, **{exclusion: True}))
    assert derivation.category == CATEGORY_NOT_CLASSIFIED
    assert derivation.classified is False
    assert derivation.excluded_by == label


def test_arithmetic_counts_the_criteria_met() -> None:
    derivation = bohan_peter(recorded(5, 1, 2))
    assert derivation.total == 3
    assert derivation.arithmetic() == (
        "typical DM rash 1 + symmetric proximal weakness 1 + raised muscle enzymes 1 = 3"
    )


def test_the_result_names_the_version_applied() -> None:
    assert bohan_peter(recorded(5, 1)).instrument == INSTRUMENT
    modified = bohan_peter(recorded(5, 1), mri_substitutes=True)
    assert modified.instrument == INSTRUMENT_MODIFIED
    assert any("modified" in note for note in modified.notes)


# --- each level on both sides of its count ------------------------------------------------------

LEVELS = [
    pytest.param((5, 1, 2, 3), "definite DM", id="rash + 3 is definite DM"),
    pytest.param((5, 1, 3), "probable DM", id="rash + 2 is probable DM"),
    pytest.param((5, 4), "possible DM", id="rash + 1 is possible DM"),
    pytest.param((5,), CATEGORY_NOT_CLASSIFIED, id="rash + 0 is not classified"),
    pytest.param((1, 2, 3, 4), "definite PM", id="no rash, 4 is definite PM"),
    pytest.param((1, 2, 4), "probable PM", id="no rash, 3 is probable PM"),
    pytest.param((3, 4), "possible PM", id="no rash, 2 is possible PM"),
    pytest.param((1,), CATEGORY_NOT_CLASSIFIED, id="no rash, 1 is not classified"),
    pytest.param((), CATEGORY_NOT_CLASSIFIED, id="nothing is not classified"),
]


@pytest.mark.parametrize(("criteria", "category"), LEVELS)
def test_level(criteria: tuple[int, ...], category: str) -> None:
    assert bohan_peter(recorded(*criteria)).category == category


# --- the MRI substitute -------------------------------------------------------------------------


def test_mri_is_ignored_by_the_strict_criteria() -> None:
    derivation = bohan_peter(recorded(1, 2, muscle_mri_edema=True))
    assert derivation.category == "possible PM"
    assert status(derivation, MRI) == "excluded"


def test_mri_counts_in_place_of_a_missing_emg() -> None:
    derivation = bohan_peter(recorded(1, 2, 4, muscle_mri_edema=True), mri_substitutes=True)
    assert derivation.category == "definite PM"
    assert status(derivation, MRI) == "counted"


def test_mri_cannot_replace_both_emg_and_biopsy() -> None:
    derivation = bohan_peter(recorded(1, 2, muscle_mri_edema=True), mri_substitutes=True)
    assert derivation.category == "probable PM"
    assert derivation.total == 3


def test_mri_adds_nothing_when_emg_and_biopsy_both_count() -> None:
    derivation = bohan_peter(recorded(5, 3, 4, muscle_mri_edema=True), mri_substitutes=True)
    assert derivation.category == "probable DM"
    assert derivation.total == 3
    assert status(derivation, MRI) == "superseded"


# --- unrecorded findings ------------------------------------------------------------------------


def test_unrecorded_criterion_that_could_raise_the_level_is_missing() -> None:
    derivation = bohan_peter(recorded(5, 1, 2, emg_myopathic_triad=None))
    assert derivation.classified is None
    assert derivation.category is None
    assert derivation.missing == (EMG,)
    assert (derivation.total, derivation.maximum) == (3, 4)


def test_unrecorded_criterion_that_cannot_change_the_level_is_not_missing() -> None:
    # Rash + 3 is definite DM whatever the biopsy shows.
    derivation = bohan_peter(recorded(5, 1, 2, 3, muscle_biopsy_myositis=None))
    assert derivation.category == "definite DM"
    assert derivation.classified is True
    assert derivation.missing == ()
    assert status(derivation, BIOPSY) == "unknown"


def test_unrecorded_rash_decides_between_dm_and_pm() -> None:
    derivation = bohan_peter(recorded(1, 2, 3, 4, typical_dm_rash=None))
    assert derivation.classified is None
    assert derivation.missing == (RASH,)
    assert any("definite DM" in note and "definite PM" in note for note in derivation.notes)


def test_unrecorded_exclusions_hold_back_a_classification() -> None:
    derivation = bohan_peter(recorded(5, 1, 2, 3, 4, myasthenia_gravis=None,
                                      neurologic_disease=None))
    assert derivation.classified is None
    assert derivation.category is None
    assert derivation.missing == ("neurologic_disease", "myasthenia_gravis")


def test_unrecorded_exclusions_do_not_matter_when_nothing_is_classified() -> None:
    derivation = bohan_peter(BohanPeterComponents(
        typical_dm_rash=False, symmetric_proximal_weakness=True, muscle_enzymes_raised=False,
        emg_myopathic_triad=False, muscle_biopsy_myositis=False,
    ))
    assert derivation.category == CATEGORY_NOT_CLASSIFIED
    assert derivation.classified is False
    assert derivation.missing == ()


def test_an_exclusion_present_decides_whatever_else_is_unrecorded() -> None:
    derivation = bohan_peter(BohanPeterComponents(muscular_dystrophy=True))
    assert derivation.classified is False
    assert derivation.excluded_by == "muscular dystrophy"
    assert derivation.missing == ()


def test_unrecorded_mri_matters_only_with_the_substitute() -> None:
    components = recorded(5, 1, 2, muscle_mri_edema=None)
    assert bohan_peter(components).category == "probable DM"
    modified = bohan_peter(components, mri_substitutes=True)
    assert modified.classified is None
    assert modified.missing == (MRI,)


def test_nothing_recorded_names_every_criterion_and_exclusion() -> None:
    derivation = bohan_peter(BohanPeterComponents())
    assert derivation.classified is None
    assert set(derivation.missing) == {*CRITERION.values(), *EXCLUSION_KEYS}
    assert (derivation.total, derivation.maximum) == (0, 5)


# --- validation ---------------------------------------------------------------------------------


def test_unknown_key_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        BohanPeterComponents(gottron_papules=True)  # type: ignore[call-arg]


def test_text_for_a_finding_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        BohanPeterComponents.model_validate({RASH: "yes"})
