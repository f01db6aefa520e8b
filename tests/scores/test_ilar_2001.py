"""ILAR 2001 polyarticular JIA against worked examples JIA-01..10 and the active-joint
definition against AJ-01..05, each threshold on both sides,
the exclusions and unrecorded facts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cartscreen.scores.ilar_2001 import (
    CATEGORY_AMBIGUOUS,
    CATEGORY_EXTENDED_OLIGO,
    CATEGORY_NOT_JIA,
    CATEGORY_NOT_POLYARTHRITIS,
    CATEGORY_PERSISTENT_OLIGO,
    CATEGORY_RF_NEGATIVE,
    CATEGORY_RF_POSITIVE,
    CATEGORY_SYSTEMIC,
    EXCLUSION_LABELS,
    IlarComponents,
    active_joint,
    ilar_2001_polyarticular,
)

EXCLUSION_FIELDS = (
    "psoriasis_patient", "psoriasis_first_degree_relative", "ankylosing_spondylitis",
    "enthesitis_related_arthritis", "sacroiliitis_with_ibd", "reactive_arthritis",
    "acute_anterior_uveitis", "systemic_jia",
)
RF_NEGATIVE = [{"month": 1.0, "positive": False}]


def rf_positive_at(*months: float) -> list[dict[str, Any]]:
    return [{"month": month, "positive": True} for month in months]


def recorded(**values: Any) -> IlarComponents:
    """The worked examples' convention: a girl with onset at 8, arthritis for 12 weeks, 6 joints
    in the first 6 months, RF negative, HLA-B27 negative, every exclusion recorded absent;
    then the named values."""
    fields: dict[str, Any] = {key: False for key in EXCLUSION_FIELDS}
    fields.update(
        sex="female", age_at_onset_years=8.0, arthritis_duration_weeks=12.0,
        joints_with_arthritis_first_6_months=6, joints_with_arthritis_total=6,
        rf_tests=RF_NEGATIVE, hla_b27=False,
    )
    fields.update(values)
    return IlarComponents.model_validate(fields)


# --- worked examples ----------------------------------------------------------------------------

WORKED = [
    # (components, category, classified, exclusion letter or None)
    pytest.param(recorded(age_at_onset_years=9.25, arthritis_duration_weeks=10.0,
                          joints_with_arthritis_first_6_months=7,
                          joints_with_arthritis_total=7),
                 CATEGORY_RF_NEGATIVE, True, None, id="JIA-01"),
    pytest.param(recorded(age_at_onset_years=13.0, rf_tests=rf_positive_at(1.0, 4.5)),
                 CATEGORY_RF_POSITIVE, True, None, id="JIA-02"),
    pytest.param(recorded(age_at_onset_years=13.0, rf_tests=rf_positive_at(1.0, 2.5)),
                 CATEGORY_AMBIGUOUS, None, None, id="JIA-03"),
    pytest.param(recorded(joints_with_arthritis_first_6_months=3, joints_with_arthritis_total=8),
                 CATEGORY_EXTENDED_OLIGO, False, None, id="JIA-04"),
    pytest.param(recorded(sex="male", hla_b27=True, age_at_onset_years=10.0),
                 CATEGORY_NOT_POLYARTHRITIS, False, "b", id="JIA-05"),
    pytest.param(recorded(sex="male", hla_b27=True, age_at_onset_years=5.5),
                 CATEGORY_RF_NEGATIVE, True, None, id="JIA-06"),
    pytest.param(recorded(psoriasis_first_degree_relative=True),
                 CATEGORY_NOT_POLYARTHRITIS, False, "a", id="JIA-07"),
    pytest.param(recorded(age_at_onset_years=16 + 1 / 12), CATEGORY_NOT_JIA, False, None,
                 id="JIA-08"),
    pytest.param(recorded(arthritis_duration_weeks=5.0), CATEGORY_NOT_JIA, False, None,
                 id="JIA-09"),
    pytest.param(recorded(systemic_jia=True, joints_with_arthritis_first_6_months=8,
                          joints_with_arthritis_total=8),
                 CATEGORY_SYSTEMIC, False, "e", id="JIA-10"),
]


@pytest.mark.parametrize(("components", "category", "classified", "exclusion"), WORKED)
def test_worked_example(components: IlarComponents, category: str, classified: bool | None,
                        exclusion: str | None) -> None:
    derivation = ilar_2001_polyarticular(components)
    assert derivation.category == category
    assert derivation.classified is classified
    assert derivation.excluded_by == (EXCLUSION_LABELS[exclusion] if exclusion else None)
    assert derivation.missing == ()


def test_jia_03_ambiguous_says_the_investigator_decides() -> None:
    derivation = ilar_2001_polyarticular(recorded(rf_tests=rf_positive_at(1.0, 2.5)))
    assert any("investigator decides" in note for note in derivation.notes)


def test_jia_09_says_not_yet() -> None:
    derivation = ilar_2001_polyarticular(recorded(arthritis_duration_weeks=5.0))
    assert any("not (yet) JIA" in note for note in derivation.notes)


def test_total_is_the_joint_count_of_the_first_6_months() -> None:
    derivation = ilar_2001_polyarticular(recorded(joints_with_arthritis_first_6_months=7,
                                                  joints_with_arthritis_total=9))
    assert (derivation.total, derivation.maximum) == (7, 7)


# --- thresholds, both sides ---------------------------------------------------------------------

THRESHOLDS = [
    pytest.param({"age_at_onset_years": 15.99}, CATEGORY_RF_NEGATIVE,
                 id="onset at 15.99 y is JIA"),
    pytest.param({"age_at_onset_years": 16.0}, CATEGORY_NOT_JIA,
                 id="onset on the 16th birthday is not"),
    pytest.param({"arthritis_duration_weeks": 6.0}, CATEGORY_RF_NEGATIVE,
                 id="arthritis for 6 weeks is JIA"),
    pytest.param({"arthritis_duration_weeks": 5.9}, CATEGORY_NOT_JIA,
                 id="arthritis for 5.9 weeks is not"),
    pytest.param({"joints_with_arthritis_first_6_months": 5}, CATEGORY_RF_NEGATIVE,
                 id="5 joints is polyarthritis"),
    pytest.param({"joints_with_arthritis_first_6_months": 4}, CATEGORY_EXTENDED_OLIGO,
                 id="4 joints then 6 is extended oligoarthritis"),
    pytest.param({"joints_with_arthritis_first_6_months": 4, "joints_with_arthritis_total": 4},
                 CATEGORY_PERSISTENT_OLIGO, id="4 joints and no more is persistent"),
    pytest.param({"joints_with_arthritis_first_6_months": 3, "joints_with_arthritis_total": 5},
                 CATEGORY_EXTENDED_OLIGO, id="3 joints then 5 is extended"),
    pytest.param({"rf_tests": rf_positive_at(1.0, 4.0)}, CATEGORY_RF_POSITIVE,
                 id="RF positive exactly 3 months apart is RF-positive"),
    pytest.param({"rf_tests": rf_positive_at(1.0, 3.9)}, CATEGORY_AMBIGUOUS,
                 id="RF positive 2.9 months apart is not"),
    pytest.param({"rf_tests": rf_positive_at(3.0, 6.0)}, CATEGORY_RF_POSITIVE,
                 id="second positive at month 6 is within the first 6 months"),
    pytest.param({"rf_tests": rf_positive_at(3.0, 6.1)}, CATEGORY_NOT_POLYARTHRITIS,
                 id="second positive at month 6.1 is not: exclusion d"),
    pytest.param({"rf_tests": rf_positive_at(2.0)}, CATEGORY_AMBIGUOUS,
                 id="a single positive RF is ambiguous"),
    pytest.param({"rf_tests": [*rf_positive_at(1.0), {"month": 5.0, "positive": False}]},
                 CATEGORY_AMBIGUOUS, id="a positive then a negative RF is ambiguous"),
    pytest.param({"sex": "male", "hla_b27": True, "age_at_onset_years": 6.0},
                 CATEGORY_NOT_POLYARTHRITIS, id="B27 boy from his 6th birthday is excluded"),
    pytest.param({"sex": "male", "hla_b27": True, "age_at_onset_years": 5.99},
                 CATEGORY_RF_NEGATIVE, id="B27 boy before his 6th birthday is not"),
    pytest.param({"sex": "female", "hla_b27": True, "age_at_onset_years": 10.0},
                 CATEGORY_RF_NEGATIVE, id="exclusion b is for boys only"),
    pytest.param({"sex": "male", "hla_b27": False, "age_at_onset_years": 10.0},
                 CATEGORY_RF_NEGATIVE, id="exclusion b needs HLA-B27"),
]


@pytest.mark.parametrize(("values", "category"), THRESHOLDS)
def test_threshold(values: dict[str, Any], category: str) -> None:
    extended = {"joints_with_arthritis_total": 6, **values}
    assert ilar_2001_polyarticular(recorded(**extended)).category == category


# --- exclusions ---------------------------------------------------------------------------------


# Petty 2004 excludes (a), (b), (c) and (e) from RF-positive polyarthritis: exclusion (b) bars
# an HLA-B27-positive boy whose arthritis began from his 6th birthday, whatever his RF shows.
RF_POSITIVE_B27 = [
    pytest.param({"sex": "male", "age_at_onset_years": 6.0}, CATEGORY_NOT_POLYARTHRITIS, "b",
                 id="boy, onset on his 6th birthday: excluded by (b)"),
    pytest.param({"sex": "male", "age_at_onset_years": 6.01}, CATEGORY_NOT_POLYARTHRITIS, "b",
                 id="boy, onset just after his 6th birthday: excluded by (b)"),
    pytest.param({"sex": "male", "age_at_onset_years": 10.0}, CATEGORY_NOT_POLYARTHRITIS, "b",
                 id="boy, onset at 10: excluded by (b)"),
    pytest.param({"sex": "male", "age_at_onset_years": 5.99}, CATEGORY_RF_POSITIVE, None,
                 id="boy, onset before his 6th birthday: RF-positive stands"),
    pytest.param({"sex": "female", "age_at_onset_years": 10.0}, CATEGORY_RF_POSITIVE, None,
                 id="girl, onset at 10: RF-positive stands"),
]


@pytest.mark.parametrize(("values", "category", "exclusion"), RF_POSITIVE_B27)
def test_exclusion_b_bars_rf_positive_polyarthritis(values: dict[str, Any], category: str,
                                                    exclusion: str | None) -> None:
    derivation = ilar_2001_polyarticular(recorded(hla_b27=True, rf_tests=rf_positive_at(1.0, 5.0),
                                                  **values))
    assert derivation.category == category
    assert derivation.classified is (category == CATEGORY_RF_POSITIVE)
    assert derivation.excluded_by == (EXCLUSION_LABELS[exclusion] if exclusion else None)
    assert derivation.missing == ()


def test_rf_positive_explanation_names_exclusions_a_b_c_e() -> None:
    derivation = ilar_2001_polyarticular(recorded(rf_tests=rf_positive_at(1.0, 5.0)))
    assert derivation.category == CATEGORY_RF_POSITIVE
    assert any("no exclusion (a, b, c, e) applies" in note for note in derivation.notes)


def test_rf_positive_boy_from_6_with_hla_b27_unrecorded_is_undecided_naming_it() -> None:
    derivation = ilar_2001_polyarticular(recorded(sex="male", hla_b27=None,
                                                  age_at_onset_years=10.0,
                                                  rf_tests=rf_positive_at(1.0, 5.0)))
    assert derivation.classified is None
    assert derivation.category is None
    assert derivation.missing == ("hla_b27",)
    assert derivation.possible == (CATEGORY_RF_POSITIVE, CATEGORY_NOT_POLYARTHRITIS)


def test_rf_positive_girl_with_hla_b27_unrecorded_is_decided() -> None:
    derivation = ilar_2001_polyarticular(recorded(sex="female", hla_b27=None,
                                                  age_at_onset_years=10.0,
                                                  rf_tests=rf_positive_at(1.0, 5.0)))
    assert derivation.category == CATEGORY_RF_POSITIVE
    assert derivation.missing == ()
    assert derivation.possible == (CATEGORY_RF_POSITIVE,)


def test_psoriasis_excludes_rf_positive_polyarthritis() -> None:
    derivation = ilar_2001_polyarticular(recorded(psoriasis_patient=True,
                                                  rf_tests=rf_positive_at(1.0, 5.0)))
    assert derivation.category == CATEGORY_NOT_POLYARTHRITIS
    assert derivation.excluded_by == EXCLUSION_LABELS["a"]


@pytest.mark.parametrize("field", ["ankylosing_spondylitis", "enthesitis_related_arthritis",
                                   "sacroiliitis_with_ibd", "reactive_arthritis",
                                   "acute_anterior_uveitis"])
def test_exclusion_c(field: str) -> None:
    derivation = ilar_2001_polyarticular(recorded(**{field: True}))
    assert derivation.category == CATEGORY_NOT_POLYARTHRITIS
    assert derivation.excluded_by == EXCLUSION_LABELS["c"]
    assert derivation.classified is False


def test_repeated_rf_after_6_months_is_exclusion_d() -> None:
    derivation = ilar_2001_polyarticular(recorded(rf_tests=rf_positive_at(5.0, 9.0)))
    assert derivation.category == CATEGORY_NOT_POLYARTHRITIS
    assert derivation.excluded_by == EXCLUSION_LABELS["d"]


def test_oligoarthritis_with_psoriasis_is_not_oligoarthritis() -> None:
    derivation = ilar_2001_polyarticular(recorded(joints_with_arthritis_first_6_months=2,
                                                  joints_with_arthritis_total=2,
                                                  psoriasis_patient=True))
    assert derivation.category == CATEGORY_NOT_POLYARTHRITIS
    assert derivation.classified is False


# --- unrecorded facts ---------------------------------------------------------------------------


@pytest.mark.parametrize("rf_tests", [None, []], ids=["not recorded", "none done"])
def test_rf_not_recorded_is_missing(rf_tests: list[Any] | None) -> None:
    derivation = ilar_2001_polyarticular(recorded(rf_tests=rf_tests))
    assert derivation.classified is None
    assert derivation.category is None
    assert derivation.missing == ("rf_tests",)


def test_relative_psoriasis_not_recorded_is_missing() -> None:
    derivation = ilar_2001_polyarticular(recorded(psoriasis_first_degree_relative=None))
    assert derivation.classified is None
    assert derivation.missing == ("psoriasis_first_degree_relative",)


def test_sex_not_recorded_matters_only_for_a_b27_positive_child_from_6() -> None:
    undecided = ilar_2001_polyarticular(recorded(sex=None, hla_b27=True,
                                                 age_at_onset_years=10.0))
    assert undecided.classified is None
    assert undecided.missing == ("sex",)
    decided = ilar_2001_polyarticular(recorded(sex=None, hla_b27=False,
                                               age_at_onset_years=10.0))
    assert decided.category == CATEGORY_RF_NEGATIVE
    assert decided.missing == ()


def test_joint_count_not_recorded_is_missing() -> None:
    derivation = ilar_2001_polyarticular(recorded(joints_with_arthritis_first_6_months=None,
                                                  joints_with_arthritis_total=None))
    assert derivation.classified is None
    assert derivation.missing == ("joints_with_arthritis_first_6_months",
                                  "joints_with_arthritis_total")


def test_later_joint_count_does_not_matter_for_polyarthritis() -> None:
    derivation = ilar_2001_polyarticular(recorded(joints_with_arthritis_total=None))
    assert derivation.category == CATEGORY_RF_NEGATIVE
    assert derivation.missing == ()


def test_total_below_5_decides_the_first_6_months_too() -> None:
    derivation = ilar_2001_polyarticular(recorded(joints_with_arthritis_first_6_months=None,
                                                  joints_with_arthritis_total=4))
    assert derivation.category == CATEGORY_PERSISTENT_OLIGO
    assert derivation.missing == ()


def test_onset_from_16_decides_whatever_else_is_unrecorded() -> None:
    derivation = ilar_2001_polyarticular(IlarComponents(age_at_onset_years=17.0))
    assert derivation.category == CATEGORY_NOT_JIA
    assert derivation.classified is False
    assert derivation.missing == ()


def test_systemic_jia_decides_whatever_rf_shows() -> None:
    derivation = ilar_2001_polyarticular(recorded(systemic_jia=True, rf_tests=None))
    assert derivation.category == CATEGORY_SYSTEMIC
    assert derivation.missing == ()


def test_nothing_recorded_names_what_decides() -> None:
    derivation = ilar_2001_polyarticular(IlarComponents())
    assert derivation.classified is None
    assert {"age_at_onset_years", "arthritis_duration_weeks", "systemic_jia",
            "joints_with_arthritis_first_6_months", "rf_tests",
            "psoriasis_patient"} <= set(derivation.missing)


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("values", [
    {"joints_with_arthritis_first_6_months": 6, "joints_with_arthritis_total": 5},
    {"joints_with_arthritis_first_6_months": 0},
    {"age_at_onset_years": -1.0},
    {"rf_tests": [{"month": -1.0, "positive": True}]},
    {"rf_tests": [{"month": 1.0}]},
    {"sex": "boy"},
    {"psoriasis": True},
], ids=["total below first 6 months", "no joint", "negative age", "negative month",
        "RF result missing", "sex", "unknown key"])
def test_validation_error(values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        IlarComponents.model_validate(values)


# --- active joint -------------------------------------------------------------------------------

ACTIVE = [
    pytest.param(dict(swollen=True, limited_motion=False, pain_on_motion=False,
                      tenderness=False, bony_enlargement_only=False), True, id="AJ-01"),
    pytest.param(dict(swollen=False, limited_motion=True, pain_on_motion=True,
                      tenderness=False, bony_enlargement_only=False), True, id="AJ-02"),
    pytest.param(dict(swollen=False, limited_motion=True, pain_on_motion=False,
                      tenderness=False, bony_enlargement_only=False), False, id="AJ-03"),
    pytest.param(dict(swollen=True, limited_motion=False, pain_on_motion=False,
                      tenderness=False, bony_enlargement_only=True), False, id="AJ-04"),
    pytest.param(dict(swollen=False, limited_motion=False, pain_on_motion=False,
                      tenderness=True, bony_enlargement_only=False), False, id="AJ-05"),
    pytest.param(dict(swollen=False, limited_motion=True, pain_on_motion=False,
                      tenderness=True, bony_enlargement_only=False), True,
                 id="limited motion with tenderness is active"),
    pytest.param(dict(swollen=False, limited_motion=False, pain_on_motion=True,
                      tenderness=True, bony_enlargement_only=False), False,
                 id="pain and tenderness without limited motion is not"),
    pytest.param(dict(swollen=True, limited_motion=True, pain_on_motion=True,
                      tenderness=False, bony_enlargement_only=True), True,
                 id="bony enlargement with painful limited motion is active"),
]


@pytest.mark.parametrize(("findings", "active"), ACTIVE)
def test_active_joint(findings: dict[str, bool], active: bool) -> None:
    assert active_joint(**findings) is active
