"""Features of refractory disease, and the JDM persistent-weakness rule (NCT07184450
2.1.1 (5))."""

from __future__ import annotations

from typing import Any

import pytest

from cartscreen.checks.base import Outcome
from cartscreen.scores.jdm_core_set import persistent_weakness

from .helpers import current, days_before, run

JDM_ITEMS = {"features": ["rapid_progression_or_organ_involvement", "calcinosis",
                          "recurrent_rash_or_skin_ulcers"],
             "organs": ["lung", "heart", "gastrointestinal"]}
ALL_ABSENT = {"rapidly_progressive": False, "organ_involvement": [], "calcinosis": False,
              "recurrent_rash_or_skin_ulcers": False}


def features(**values: Any) -> dict[str, Any]:
    return {"diagnosis": {"features": {**ALL_ABSENT, **values}}}


def test_calcinosis_alone_is_a_feature_of_refractory_jdm() -> None:
    finding = run("disease_features_any", JDM_ITEMS, current(features(calcinosis=True)))
    assert finding.outcome == Outcome.MET
    assert "calcification" in finding.evidence


def test_no_listed_feature_present_fails() -> None:
    finding = run("disease_features_any", JDM_ITEMS, current(features()))
    assert finding.outcome == Outcome.NOT_MET
    assert "no repeated rashes or skin ulcers" in finding.evidence


def test_rapid_progression_is_a_feature() -> None:
    finding = run("disease_features_any", JDM_ITEMS, current(features(rapidly_progressive=True)))
    assert finding.outcome == Outcome.MET
    assert "rapidly progressive" in finding.evidence


def test_lung_involvement_named_by_the_registry_is_a_feature() -> None:
    finding = run("disease_features_any", JDM_ITEMS, current(features(organ_involvement=["lung"])))
    assert finding.outcome == Outcome.MET
    assert "lung" in finding.evidence


def test_organ_outside_the_registrys_examples_goes_to_review() -> None:
    finding = run("disease_features_any", JDM_ITEMS,
                  current(features(organ_involvement=["kidney"])))
    assert finding.outcome == Outcome.REVIEW
    assert "kidney" in finding.evidence
    assert "lung, heart, gastrointestinal" in finding.evidence


def test_named_organ_beside_an_unnamed_one_meets() -> None:
    finding = run("disease_features_any", JDM_ITEMS,
                  current(features(organ_involvement=["kidney", "heart"])))
    assert finding.outcome == Outcome.MET


def test_unrecorded_feature_that_could_decide_leaves_it_unknown() -> None:
    patient = features()
    del patient["diagnosis"]["features"]["calcinosis"]
    finding = run("disease_features_any", JDM_ITEMS, current(patient))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("diagnosis.features.calcinosis",)


def test_unrecorded_progression_and_organs_are_both_named() -> None:
    finding = run("disease_features_any", {"features": ["rapid_progression_or_organ_involvement"],
                                           "organs": ["lung"]}, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert set(finding.missing) == {"diagnosis.features.rapidly_progressive",
                                    "diagnosis.features.organ_involvement"}


def test_one_feature_present_settles_it_even_with_others_unrecorded() -> None:
    finding = run("disease_features_any", JDM_ITEMS,
                  current({"diagnosis": {"features": {"recurrent_rash_or_skin_ulcers": True}}}))
    assert finding.outcome == Outcome.MET
    assert finding.missing == ()


@pytest.mark.parametrize("feature", ["recurrent_parotid_swelling", "hematologic_involvement",
                                     "cryoglobulinemia"])
def test_sjogren_features_each_count(feature: str) -> None:
    params = {"features": [feature]}
    assert run("disease_features_any", params,
               current({"diagnosis": {"features": {feature: True}}})).outcome == Outcome.MET
    assert run("disease_features_any", params,
               current({"diagnosis": {"features": {feature: False}}})).outcome == Outcome.NOT_MET


# --- the persistent-weakness rule -----------------------------------------------------------
# MRI diffuse edema or CMAS < 48, AND at least 2 of: PhGA ≥2 cm, PtGA ≥2 cm, DAS ≥2,
# C-HAQ ≥0.25, muscle enzyme > 1.5 × ULN.

NORMAL_CORE = {"phga_cm": 1.0, "ptga_cm": 1.0, "das": 1.0, "chaq": 0.0,
               "muscle_enzyme_max_x_uln": 1.0}


def rule(**values: float | bool | None) -> dict[str, float | bool | None]:
    return {"cmas": 40.0, "muscle_mri_diffuse_edema": False, **NORMAL_CORE, **values}


def test_cmas_just_under_48_with_two_abnormal_measures_is_persistent_weakness() -> None:
    result = persistent_weakness(rule(cmas=47.9, phga_cm=2.5, das=3.0))
    assert result.holds is True
    assert "CMAS 47.9" in result.explanation
    assert "2 of 5" in result.explanation


def test_cmas_of_48_without_mri_edema_is_not_weakness() -> None:
    result = persistent_weakness(rule(cmas=48.0, phga_cm=2.5, das=3.0))
    assert result.holds is False


def test_mri_diffuse_edema_counts_as_weakness_whatever_the_cmas() -> None:
    result = persistent_weakness(rule(cmas=52.0, muscle_mri_diffuse_edema=True,
                                      phga_cm=2.5, das=3.0))
    assert result.holds is True
    assert "MRI diffuse edema" in result.explanation


def test_phga_of_exactly_2_cm_is_abnormal() -> None:
    assert persistent_weakness(rule(phga_cm=2.0, das=2.0)).holds is True
    assert persistent_weakness(rule(phga_cm=1.9, das=2.0)).holds is False


def test_ptga_of_exactly_2_cm_is_abnormal() -> None:
    assert persistent_weakness(rule(ptga_cm=2.0, das=2.0)).holds is True
    assert persistent_weakness(rule(ptga_cm=1.9, das=2.0)).holds is False


def test_das_of_exactly_2_is_abnormal() -> None:
    assert persistent_weakness(rule(das=2.0, phga_cm=2.0)).holds is True
    assert persistent_weakness(rule(das=1.9, phga_cm=2.0)).holds is False


def test_chaq_of_exactly_0_25_is_abnormal() -> None:
    assert persistent_weakness(rule(chaq=0.25, phga_cm=2.0)).holds is True
    assert persistent_weakness(rule(chaq=0.24, phga_cm=2.0)).holds is False


def test_muscle_enzyme_exactly_1_5_times_uln_does_not_count() -> None:
    result = persistent_weakness(rule(muscle_enzyme_max_x_uln=1.5, phga_cm=2.0))
    assert result.holds is False
    assert "1 of 5" in result.explanation


def test_muscle_enzyme_1_51_times_uln_counts() -> None:
    result = persistent_weakness(rule(muscle_enzyme_max_x_uln=1.51, phga_cm=2.0))
    assert result.holds is True
    assert "muscle enzyme × ULN 1.51" in result.explanation


def test_one_abnormal_core_measure_is_not_enough() -> None:
    result = persistent_weakness(rule(cmas=30.0, phga_cm=8.0))
    assert result.holds is False
    assert "1 of 5" in result.explanation


def test_unrecorded_cmas_and_mri_leave_weakness_unknown() -> None:
    result = persistent_weakness(rule(cmas=None, muscle_mri_diffuse_edema=None,
                                      phga_cm=2.5, das=3.0))
    assert result.holds is None
    assert set(result.missing) == {"activity.jdm.cmas", "activity.jdm.muscle_mri_diffuse_edema"}


def test_cmas_48_with_mri_not_done_is_unknown_naming_the_mri() -> None:
    result = persistent_weakness(rule(cmas=48.0, muscle_mri_diffuse_edema=None,
                                      phga_cm=2.5, das=3.0))
    assert result.holds is None
    assert result.missing == ("activity.jdm.muscle_mri_diffuse_edema",)


def test_one_abnormal_and_unrecorded_core_measures_are_unknown() -> None:
    # Another abnormal measure would meet the rule; with none, the unrecorded MRI decides
    # between the second reading (review) and not met, so it is named too.
    result = persistent_weakness({"cmas": 40.0, "phga_cm": 3.0, "ptga_cm": 1.0})
    assert result.holds is None
    assert result.status == "unknown"
    assert set(result.missing) == {"activity.jdm.das", "activity.jdm.chaq",
                                   "activity.jdm.muscle_enzyme_max_x_uln",
                                   "activity.jdm.muscle_mri_diffuse_edema"}


def test_no_weakness_settles_the_rule_even_with_core_measures_unrecorded() -> None:
    result = persistent_weakness({"cmas": 50.0, "muscle_mri_diffuse_edema": False})
    assert result.holds is False


WEAKNESS_ONLY = {"features": ["jdm_persistent_weakness"]}


def test_persistent_weakness_through_the_check() -> None:
    patient = {"activity": {"jdm": {"cmas": 47.9, "muscle_mri_diffuse_edema": False,
                                    "phga_cm": 2.0, "chaq": 0.25, "ptga_cm": 0.0, "das": 0.0,
                                    "muscle_enzyme_max_x_uln": 1.0}}}
    finding = run("disease_features_any", WEAKNESS_ONLY, current(patient))
    assert finding.outcome == Outcome.MET
    assert "persistent weakness rule" in finding.evidence


def test_persistent_weakness_check_names_unrecorded_jdm_measures() -> None:
    finding = run("disease_features_any", WEAKNESS_ONLY,
                  current({"activity": {"jdm": {"cmas": 40.0, "phga_cm": 3.0}}}))
    assert finding.outcome == Outcome.UNKNOWN
    assert "activity.jdm.das" in finding.missing
    assert "activity.jdm.chaq" in finding.missing


def test_persistent_weakness_check_fails_with_strong_muscles() -> None:
    finding = run("disease_features_any", WEAKNESS_ONLY,
                  current({"activity": {"jdm": {"cmas": 52.0, "muscle_mri_diffuse_edema": False}}}))
    assert finding.outcome == Outcome.NOT_MET
    assert "CMAS 52" in finding.evidence


# --- the persistent-weakness rule read two ways -----------------------------------------------
# Reading A: (MRI edema or CMAS <48) and ≥2 core measures abnormal. Reading B: MRI edema, or
# (CMAS <48 and ≥2 core measures abnormal). A met → met; only B met → review; neither → not met.

EDEMA_ONE_ABNORMAL = rule(cmas=50.0, muscle_mri_diffuse_edema=True, phga_cm=3.0)


def test_mri_edema_with_one_abnormal_measure_meets_only_the_second_reading() -> None:
    result = persistent_weakness(EDEMA_ONE_ABNORMAL)
    assert result.status == "review"
    assert result.holds is None
    assert result.missing == ()
    assert "(MRI diffuse edema or CMAS <48) and ≥2 of 5 core measures abnormal (not met)" \
        in result.explanation
    assert "MRI diffuse edema alone, or CMAS <48 with ≥2 of 5 core measures abnormal (met)" \
        in result.explanation
    assert "1 of 5 core measures abnormal (PhGA 3)" in result.explanation


def test_mri_edema_with_no_abnormal_measure_meets_only_the_second_reading() -> None:
    assert persistent_weakness(rule(muscle_mri_diffuse_edema=True)).status == "review"


def test_mri_edema_with_two_abnormal_measures_meets_both_readings() -> None:
    result = persistent_weakness(rule(cmas=50.0, muscle_mri_diffuse_edema=True, phga_cm=3.0,
                                      das=2.0))
    assert result.status == "met"
    assert "reads two ways" not in result.explanation


@pytest.mark.parametrize("cmas", [47.9, 30.0])
def test_low_cmas_with_one_abnormal_measure_and_no_edema_meets_neither_reading(
    cmas: float,
) -> None:
    result = persistent_weakness(rule(cmas=cmas, muscle_mri_diffuse_edema=False, phga_cm=3.0))
    assert result.status == "not_met"


def test_mri_edema_with_a_second_measure_unrecorded_is_unknown_naming_the_measures() -> None:
    # The unrecorded measures decide between met (A) and review (only B).
    result = persistent_weakness({"muscle_mri_diffuse_edema": True, "cmas": 50.0,
                                  "phga_cm": 3.0, "ptga_cm": 1.0, "das": 1.0})
    assert result.status == "unknown"
    assert result.missing == ("activity.jdm.chaq", "activity.jdm.muscle_enzyme_max_x_uln")


def test_one_abnormal_measure_and_mri_unrecorded_is_unknown_naming_the_mri() -> None:
    # All core measures known, fewer than 2 abnormal: reading A fails; reading B holds only if
    # the MRI shows edema, which is not recorded.
    result = persistent_weakness(rule(cmas=40.0, muscle_mri_diffuse_edema=None, phga_cm=3.0))
    assert result.status == "unknown"
    assert result.missing == ("activity.jdm.muscle_mri_diffuse_edema",)


def test_the_second_reading_goes_to_review_through_the_check() -> None:
    finding = run("disease_features_any", WEAKNESS_ONLY, current({"activity": {"jdm": {
        "cmas": 50.0, "muscle_mri_diffuse_edema": True, "phga_cm": 3.0, "ptga_cm": 1.0,
        "das": 1.0, "chaq": 0.0, "muscle_enzyme_max_x_uln": 1.0}}}))
    assert finding.outcome == Outcome.REVIEW
    assert finding.missing == ()
    assert "the investigator decides" in finding.evidence
    (view,) = finding.derivations
    assert view.classified is None and view.missing == ()


def test_a_feature_present_wins_over_the_second_reading() -> None:
    finding = run("disease_features_any",
                  {"features": ["calcinosis", "jdm_persistent_weakness"]},
                  current({"diagnosis": {"features": {"calcinosis": True}},
                   "activity": {"jdm": {**EDEMA_ONE_ABNORMAL}}}))
    assert finding.outcome == Outcome.MET
    assert "persistent weakness" not in finding.evidence


def test_the_second_reading_beside_absent_features_is_review() -> None:
    finding = run("disease_features_any",
                  {"features": ["calcinosis", "jdm_persistent_weakness"]},
                  current({"diagnosis": {"features": {"calcinosis": False}},
                   "activity": {"jdm": {**EDEMA_ONE_ABNORMAL}}}))
    assert finding.outcome == Outcome.REVIEW


def test_the_second_reading_beside_an_unrecorded_feature_is_review() -> None:
    # Whatever the unrecorded calcinosis turns out to be, the criterion is met or goes to the
    # investigator: it can no longer fail, so it is review, not unknown.
    finding = run("disease_features_any",
                  {"features": ["calcinosis", "jdm_persistent_weakness"]},
                  current({"activity": {"jdm": {**EDEMA_ONE_ABNORMAL}}}))
    assert finding.outcome == Outcome.REVIEW
    assert "calcification of subcutaneous or muscle and joint tissue: not recorded" \
        in finding.evidence


FULL_CORE_SET = {"cmas": 30.0, "muscle_mri_diffuse_edema": True, "phga_cm": 5.0, "ptga_cm": 5.0,
                 "das": 10.0, "chaq": 1.0, "muscle_enzyme_max_x_uln": 3.0}


@pytest.mark.parametrize(("days", "outcome"), [(28, Outcome.MET), (29, Outcome.UNKNOWN)])
def test_core_set_measures_must_be_current_at_screening(days: int, outcome: Outcome) -> None:
    finding = run("disease_features_any", WEAKNESS_ONLY, {"activity": {
        "assessed_on": days_before(days), "jdm": FULL_CORE_SET}})
    assert finding.outcome == outcome
    if outcome == Outcome.UNKNOWN:
        assert finding.missing == ("activity.jdm",)
        assert "repeat the disease activity assessment" in finding.evidence


def test_core_set_measures_without_assessed_on_are_unknown() -> None:
    # The review's case: CMAS, PhGA, PtGA, DAS, C-HAQ and enzymes were used undated.
    finding = run("disease_features_any", WEAKNESS_ONLY, {"activity": {"jdm": FULL_CORE_SET}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("activity.assessed_on",)
