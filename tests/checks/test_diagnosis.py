"""Diagnosis: the disease, classification criteria, myositis features and antibodies."""

from __future__ import annotations

from typing import Any

import pytest

from cartscreen.checks.base import Outcome
from cartscreen.checks.diagnosis import MYOSITIS_SPECIFIC

from .helpers import run

# --- disease --------------------------------------------------------------------------------

JDM_TRIAL = {"diseases": ["jdm", "pjia", "ssc", "pss"], "review_diseases": ["imnm"]}


def test_jdm_is_one_of_the_multi_disease_trials_diseases() -> None:
    finding = run("disease", JDM_TRIAL, {"diagnosis": {"disease": "jdm"}})
    assert finding.outcome == Outcome.MET
    assert "JDM" in finding.evidence


def test_sle_fails_a_trial_for_other_diseases_naming_both() -> None:
    finding = run("disease", JDM_TRIAL, {"diagnosis": {"disease": "sle"}})
    assert finding.outcome == Outcome.NOT_MET
    assert "SLE is not one of" in finding.evidence
    assert "SSc" in finding.evidence


def test_imnm_admitted_only_by_judgement_goes_to_review() -> None:
    finding = run("disease", JDM_TRIAL, {"diagnosis": {"disease": "imnm"}})
    assert finding.outcome == Outcome.REVIEW
    assert "IMNM" in finding.evidence


def test_other_disease_is_not_taken_even_by_an_open_list() -> None:
    finding = run("disease", JDM_TRIAL, {"diagnosis": {"disease": "other",
                                                      "other_disease_name": "MCTD"}})
    assert finding.outcome == Outcome.NOT_MET


def test_unrecorded_disease_is_unknown() -> None:
    finding = run("disease", JDM_TRIAL, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("diagnosis.disease",)


# --- classification -------------------------------------------------------------------------

SLE_2019 = {"instruments": ["eular_acr_2019_sle"]}
PSS_EITHER = {"instruments": ["aecg_2002_pss", "acr_eular_2016_pss"]}


def test_meets_2019_sle_classification() -> None:
    finding = run("classification", SLE_2019, {"diagnosis": {
        "disease": "sle", "classification": {"eular_acr_2019_sle": True}}})
    assert finding.outcome == Outcome.MET
    assert "2019 EULAR/ACR SLE" in finding.evidence


def test_does_not_meet_2019_sle_classification() -> None:
    finding = run("classification", SLE_2019, {"diagnosis": {
        "disease": "sle", "classification": {"eular_acr_2019_sle": False}}})
    assert finding.outcome == Outcome.NOT_MET


def test_sle_classification_not_assessed_is_unknown() -> None:
    finding = run("classification", SLE_2019, {"diagnosis": {"disease": "sle"}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("diagnosis.classification.eular_acr_2019_sle",
                               "diagnosis.components.eular_acr_2019_sle")


@pytest.mark.parametrize("classified", [False, None])
def test_classification_of_the_wrong_disease_fails_naming_the_diagnosis(
    classified: bool | None
) -> None:
    stated = {} if classified is None else {"eular_acr_2019_sle": classified}
    finding = run("classification", SLE_2019, {"diagnosis": {
        "disease": "ssc", "classification": stated}})
    assert finding.outcome == Outcome.NOT_MET
    assert "diagnosis is SSc" in finding.evidence
    assert "SLE" in finding.evidence


def test_another_recorded_disease_that_meets_the_criteria_goes_to_review() -> None:
    # An SSc patient who meets the SLE criteria: an overlap, or a wrong record. Neither fact
    # may be settled in the patient's favour, nor against it on a reading the registry does
    # not force.
    finding = run("classification", SLE_2019, {"diagnosis": {
        "disease": "ssc", "classification": {"eular_acr_2019_sle": True}}})
    assert finding.outcome == Outcome.REVIEW
    assert "diagnosis recorded as SSc" in finding.evidence


def test_either_sjogren_classification_suffices() -> None:
    finding = run("classification", PSS_EITHER, {"diagnosis": {
        "disease": "pss", "classification": {"aecg_2002_pss": False, "acr_eular_2016_pss": True}}})
    assert finding.outcome == Outcome.MET
    assert "2016 ACR/EULAR" in finding.evidence


def test_one_sjogren_classification_failed_and_other_unassessed_is_unknown() -> None:
    finding = run("classification", PSS_EITHER, {"diagnosis": {
        "disease": "pss", "classification": {"aecg_2002_pss": False}}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("diagnosis.classification.acr_eular_2016_pss",
                               "diagnosis.components.acr_eular_2016_pss")


def test_both_sjogren_classifications_failed() -> None:
    finding = run("classification", PSS_EITHER, {"diagnosis": {
        "disease": "pss",
        "classification": {"aecg_2002_pss": False, "acr_eular_2016_pss": False}}})
    assert finding.outcome == Outcome.NOT_MET


# --- Bohan and Peter, ILAR ------------------------------------------------------------------

BOHAN = {"accepted": ["definite_dm", "probable_dm"], "review": ["possible_dm"]}


@pytest.mark.parametrize("level", ["definite_dm", "probable_dm"])
def test_definite_or_probable_dermatomyositis_is_accepted(level: str) -> None:
    finding = run("bohan_peter", BOHAN, {"diagnosis": {
        "disease": "jdm", "classification": {"bohan_peter": level}}})
    assert finding.outcome == Outcome.MET
    assert "DM" in finding.evidence


def test_possible_dermatomyositis_goes_to_review() -> None:
    finding = run("bohan_peter", BOHAN, {"diagnosis": {
        "disease": "jdm", "classification": {"bohan_peter": "possible_dm"}}})
    assert finding.outcome == Outcome.REVIEW


@pytest.mark.parametrize("level", ["not_classified", "definite_pm"])
def test_unaccepted_bohan_peter_level_fails(level: str) -> None:
    finding = run("bohan_peter", BOHAN, {"diagnosis": {
        "disease": "jdm", "classification": {"bohan_peter": level}}})
    assert finding.outcome == Outcome.NOT_MET


def test_bohan_peter_not_recorded_is_unknown() -> None:
    finding = run("bohan_peter", BOHAN, {"diagnosis": {"disease": "jdm"}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("diagnosis.classification.bohan_peter",
                               "diagnosis.components.bohan_peter")


def test_bohan_peter_for_a_lupus_patient_fails_naming_the_diagnosis() -> None:
    finding = run("bohan_peter", BOHAN, {"diagnosis": {
        "disease": "sle", "classification": {"bohan_peter": "not_classified"}}})
    assert finding.outcome == Outcome.NOT_MET
    assert "diagnosis is SLE" in finding.evidence


def test_a_lupus_patient_with_definite_dermatomyositis_goes_to_review() -> None:
    finding = run("bohan_peter", BOHAN, {"diagnosis": {
        "disease": "sle", "classification": {"bohan_peter": "definite_dm"}}})
    assert finding.outcome == Outcome.REVIEW


POLY = {"accepted": ["polyarticular_rf_negative", "polyarticular_rf_positive"]}


def test_rf_positive_polyarthritis_is_polyarticular_jia() -> None:
    finding = run("ilar_2001", POLY, {"diagnosis": {
        "disease": "pjia", "classification": {"ilar_2001": "polyarticular_rf_positive"}}})
    assert finding.outcome == Outcome.MET
    assert "RF positive" in finding.evidence


# A boy with onset at 10, 6 joints in the first 6 months, RF positive at months 1 and 5, every
# exclusion but (b) recorded absent.
RF_POSITIVE_BOY = {
    "sex": "male", "age_at_onset_years": 10.0, "arthritis_duration_weeks": 12.0,
    "joints_with_arthritis_first_6_months": 6,
    "rf_tests": [{"month": 1.0, "positive": True}, {"month": 5.0, "positive": True}],
    **{key: False for key in (
        "psoriasis_patient", "psoriasis_first_degree_relative", "ankylosing_spondylitis",
        "enthesitis_related_arthritis", "sacroiliitis_with_ibd", "reactive_arthritis",
        "acute_anterior_uveitis", "systemic_jia")},
}


@pytest.mark.parametrize(("hla_b27", "outcome"), [(True, Outcome.NOT_MET), (False, Outcome.MET)])
def test_exclusion_b_bars_rf_positive_polyarthritis_through_the_check(hla_b27: bool,
                                                                      outcome: Outcome) -> None:
    finding = run("ilar_2001", POLY, {"diagnosis": {
        "disease": "pjia", "components": {"ilar_2001": {**RF_POSITIVE_BOY, "hla_b27": hla_b27}}}})
    assert finding.outcome == outcome


def test_rf_positive_boy_with_hla_b27_unrecorded_is_unknown_naming_it() -> None:
    finding = run("ilar_2001", POLY, {"diagnosis": {
        "disease": "pjia", "components": {"ilar_2001": RF_POSITIVE_BOY}}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("diagnosis.components.ilar_2001.hla_b27",)


def test_extended_oligoarthritis_is_not_polyarticular_jia() -> None:
    finding = run("ilar_2001", POLY, {"diagnosis": {
        "disease": "pjia", "classification": {"ilar_2001": "oligoarticular_extended"}}})
    assert finding.outcome == Outcome.NOT_MET


def test_ilar_category_not_recorded_is_unknown() -> None:
    finding = run("ilar_2001", POLY, {"diagnosis": {"disease": "pjia"}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("diagnosis.classification.ilar_2001",
                               "diagnosis.components.ilar_2001")


def test_ilar_for_a_systemic_sclerosis_patient_fails() -> None:
    finding = run("ilar_2001", POLY, {"diagnosis": {
        "disease": "ssc", "classification": {"ilar_2001": "systemic"}}})
    assert finding.outcome == Outcome.NOT_MET
    assert "diagnosis is SSc" in finding.evidence
    overlap = run("ilar_2001", POLY, {"diagnosis": {
        "disease": "ssc", "classification": {"ilar_2001": "polyarticular_rf_negative"}}})
    assert overlap.outcome == Outcome.REVIEW


# --- myositis feature count (NCT06569472 item 2: "4 or 5" of 6) -----------------------------

FOUR_OR_FIVE = {"min_count": 4, "max_count": 5}
FEATURES = ("symmetric_proximal_weakness", "characteristic_rash", "muscle_enzymes_raised",
            "emg_myopathic", "biopsy_inflammation")


def myositis(present: int, antibodies: dict[str, str] | None = None,
             unrecorded: tuple[str, ...] = ()) -> dict[str, Any]:
    """The first ``present`` of the five clinical features true, the rest false."""
    features = {name: index < present for index, name in enumerate(FEATURES)
                if name not in unrecorded}
    patient: dict[str, Any] = {"diagnosis": {"myositis_features": features}}
    if antibodies is not None:
        patient["antibodies"] = antibodies
    return patient


# A negative panel: every myositis-specific antibody tested and negative.
NEGATIVE_PANEL = {name: "negative" for name in MYOSITIS_SPECIFIC}


def test_three_features_with_a_negative_antibody_panel_fail() -> None:
    finding = run("myositis_feature_count", FOUR_OR_FIVE, myositis(3, NEGATIVE_PANEL))
    assert finding.outcome == Outcome.NOT_MET
    assert "3 of 6" in finding.evidence
    assert "4 needed" in finding.evidence


def test_three_features_plus_a_positive_myositis_antibody_make_four() -> None:
    finding = run("myositis_feature_count", FOUR_OR_FIVE, myositis(3, {"nxp2": "positive"}))
    assert finding.outcome == Outcome.MET
    assert "4 of 6" in finding.evidence
    assert "nxp2" in finding.evidence


def test_four_clinical_features_with_negative_panel_meet() -> None:
    finding = run("myositis_feature_count", FOUR_OR_FIVE, myositis(4, NEGATIVE_PANEL))
    assert finding.outcome == Outcome.MET
    assert "4 of 6" in finding.evidence


def test_five_features_meet() -> None:
    finding = run("myositis_feature_count", FOUR_OR_FIVE, myositis(4, {"mda5": "positive"}))
    assert finding.outcome == Outcome.MET
    assert "5 of 6" in finding.evidence


def test_all_six_features_go_to_review_because_the_registry_says_4_or_5() -> None:
    finding = run("myositis_feature_count", FOUR_OR_FIVE, myositis(5, {"tif1g": "positive"}))
    assert finding.outcome == Outcome.REVIEW
    assert "6 of 6" in finding.evidence


def test_myositis_associated_antibody_counts_as_the_antibody_feature() -> None:
    finding = run("myositis_feature_count", FOUR_OR_FIVE, myositis(3, {"ro52": "positive"}))
    assert finding.outcome == Outcome.MET
    assert "ro52" in finding.evidence


def test_three_features_with_antibodies_not_tested_is_unknown_naming_the_panel() -> None:
    finding = run("myositis_feature_count", FOUR_OR_FIVE, myositis(3))
    assert finding.outcome == Outcome.UNKNOWN
    assert set(finding.missing) == {f"antibodies.{name}" for name in MYOSITIS_SPECIFIC}
    assert "3 of 6" in finding.evidence


def test_negative_panel_differs_from_an_untested_one() -> None:
    tested = run("myositis_feature_count", FOUR_OR_FIVE, myositis(3, NEGATIVE_PANEL))
    untested = run("myositis_feature_count", FOUR_OR_FIVE, myositis(3))
    assert (tested.outcome, untested.outcome) == (Outcome.NOT_MET, Outcome.UNKNOWN)


def test_a_single_negative_myositis_antibody_is_not_a_negative_panel() -> None:
    # Anti-Jo-1 negative says nothing about NXP2, MDA5 or TIF1-γ; the antibody feature is still
    # unknown (antibody_positive likewise needs every listed antibody tested to fail).
    finding = run("myositis_feature_count", FOUR_OR_FIVE, myositis(3, {"jo1": "negative"}))
    assert finding.outcome == Outcome.UNKNOWN


def test_two_features_with_antibodies_untested_cannot_reach_four() -> None:
    finding = run("myositis_feature_count", FOUR_OR_FIVE, myositis(2))
    assert finding.outcome == Outcome.NOT_MET


def test_unrecorded_emg_and_biopsy_leave_the_count_open() -> None:
    finding = run("myositis_feature_count", FOUR_OR_FIVE,
                  myositis(2, {"nxp2": "positive"},
                           unrecorded=("emg_myopathic", "biopsy_inflammation")))
    assert finding.outcome == Outcome.UNKNOWN
    assert set(finding.missing) == {"diagnosis.myositis_features.emg_myopathic",
                                    "diagnosis.myositis_features.biopsy_inflammation"}


# --- antibody_positive ----------------------------------------------------------------------

SRP_OR_HMGCR = {"any_of": ["srp", "hmgcr"], "label": "SRP or HMGCR antibody"}


def test_hmgcr_positive_meets_srp_or_hmgcr() -> None:
    finding = run("antibody_positive", SRP_OR_HMGCR, {"antibodies": {"hmgcr": "positive"}})
    assert finding.outcome == Outcome.MET
    assert "hmgcr positive" in finding.evidence


def test_srp_and_hmgcr_both_negative_fail() -> None:
    finding = run("antibody_positive", SRP_OR_HMGCR,
                  {"antibodies": {"srp": "negative", "hmgcr": "negative"}})
    assert finding.outcome == Outcome.NOT_MET
    assert "all tested negative" in finding.evidence


def test_srp_negative_and_hmgcr_untested_is_unknown_naming_hmgcr() -> None:
    finding = run("antibody_positive", SRP_OR_HMGCR, {"antibodies": {"srp": "negative"}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("antibodies.hmgcr",)
    assert "hmgcr" in finding.evidence


def test_no_antibodies_tested_names_each_untested_one() -> None:
    finding = run("antibody_positive", SRP_OR_HMGCR, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("antibodies.srp", "antibodies.hmgcr")
