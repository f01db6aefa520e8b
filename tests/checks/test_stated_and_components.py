"""A stated total or category beside its components, through the checks that read them.

The rule (checks/derive.py): a stated value stands; complete components decide, with a warning
when the stated value disagrees; partial components consistent with the stated value leave it
standing; partial components irreconcilable with it send the criterion to review, naming both
keys; partial components alone give a range.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cartscreen.checks.base import Outcome

from .helpers import run

SLEDAI_8 = {"scores": ["sledai_2k"], "minimum": 8}
ASSESSED = date(2026, 10, 30)

# SLEDAI-2K descriptors recorded at the clinic, the six lab-read ones (hematuria, proteinuria,
# pyuria, fever, thrombocytopenia, leukopenia: 4 + 4 + 4 + 1 + 1 + 1 = 15) left out.
CLINICAL_ABSENT = {key: False for key in (
    "seizure", "psychosis", "organic_brain_syndrome", "visual_disturbance",
    "cranial_nerve_disorder", "lupus_headache", "cerebrovascular_accident", "vasculitis",
    "arthritis", "myositis", "urinary_casts", "rash", "alopecia", "mucosal_ulcers", "pleurisy",
    "pericarditis", "low_complement", "increased_dna_binding")}
LABS_ABSENT = {"hematuria": False, "proteinuria": False, "pyuria": False, "fever": False,
               "thrombocytopenia": False, "leukopenia": False}


def sledai(stated: int | None, *present: str, dated: bool = True,
           **values: Any) -> dict[str, Any]:
    """A patient with a stated SLEDAI-2K (or none) and its descriptors: the clinical ones
    recorded (those named present, the rest absent), the lab ones left out unless given."""
    activity: dict[str, Any] = {"components": {"sledai_2k": {
        **CLINICAL_ABSENT, **{name: True for name in present}, **values}}}
    if stated is not None:
        activity["sledai_2k"] = stated
    if dated:
        activity["assessed_on"] = ASSESSED
    return {"activity": activity}


# --- a stated SLEDAI-2K and partial components ----------------------------------------------------


def test_stated_6_with_partial_components_that_allow_it_is_short_of_8() -> None:
    # Rash, low complement and anti-dsDNA: 6 recorded, up to 21 with the lab descriptors.
    finding = run("activity_score", SLEDAI_8,
                  sledai(6, "rash", "low_complement", "increased_dna_binding"))
    assert finding.outcome == Outcome.NOT_MET
    assert finding.evidence == ("assessed 2026-10-30: SLEDAI-2K 6 < 8 (stated; the components "
                                "recorded allow 6 to 21)")
    assert finding.missing == ()
    assert finding.warnings == ()


def test_stated_6_above_what_partial_components_total_so_far_still_stands() -> None:
    finding = run("activity_score", SLEDAI_8, sledai(6, "arthritis"))
    assert finding.outcome == Outcome.NOT_MET
    assert "the components recorded allow 4 to 19" in finding.evidence


def test_stated_14_with_partial_components_that_allow_it_meets_8() -> None:
    finding = run("activity_score", SLEDAI_8,
                  sledai(14, "rash", "low_complement", "increased_dna_binding"))
    assert finding.outcome == Outcome.MET
    assert finding.evidence == ("SLEDAI-2K 14 ≥ 8 (stated; the components recorded allow 6 to "
                                "21; assessed 2026-10-30)")


@pytest.mark.parametrize(("stated", "outcome"), [
    pytest.param(5, Outcome.REVIEW, id="one below the recorded total: conflict"),
    pytest.param(6, Outcome.NOT_MET, id="the recorded total: stands"),
    pytest.param(21, Outcome.MET, id="the most the components allow: stands"),
    pytest.param(22, Outcome.REVIEW, id="one above the most they allow: conflict"),
])
def test_stated_total_against_the_range_partial_components_allow(stated: int,
                                                                 outcome: Outcome) -> None:
    finding = run("activity_score", SLEDAI_8,
                  sledai(stated, "rash", "low_complement", "increased_dna_binding"))
    assert finding.outcome == outcome


def test_stated_6_where_partial_components_already_total_10_is_review_naming_both() -> None:
    finding = run("activity_score", SLEDAI_8,
                  sledai(6, "arthritis", "rash", "low_complement", "increased_dna_binding"))
    assert finding.outcome == Outcome.REVIEW
    assert finding.evidence == (
        "stated SLEDAI-2K 6 (activity.sledai_2k), but the components recorded "
        "(activity.components.sledai_2k) already total 10 (arthritis 4 + rash 2 + low "
        "complement 2 + increased DNA binding 2 = 10); correct one of the two; 8 needed; "
        "assessed 2026-10-30")
    assert finding.missing == ()


def test_stated_total_above_what_partial_components_allow_is_review() -> None:
    finding = run("activity_score", SLEDAI_8, sledai(22, "rash"))
    assert finding.outcome == Outcome.REVIEW
    assert "stated SLEDAI-2K 22 (activity.sledai_2k)" in finding.evidence
    assert "(activity.components.sledai_2k) allow at most 17" in finding.evidence


def test_a_conflict_without_an_assessment_date_is_unknown_naming_the_date() -> None:
    finding = run("activity_score", SLEDAI_8,
                  sledai(6, "arthritis", "rash", "low_complement", "increased_dna_binding",
                         dated=False))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("activity.assessed_on",)
    assert "already total 10" in finding.evidence


def test_a_conflict_on_one_score_does_not_hold_back_another_that_reaches() -> None:
    patient = sledai(6, "arthritis", "rash", "low_complement", "increased_dna_binding")
    patient["activity"]["mrss"] = 20
    finding = run("activity_score", {"scores": ["sledai_2k", "mrss"], "minimum": 8}, patient)
    assert finding.outcome == Outcome.MET
    assert "mRSS 20 ≥ 8" in finding.evidence
    assert any("already total 10" in warning for warning in finding.warnings)


def test_a_conflict_beside_a_score_not_recorded_is_review() -> None:
    patient = sledai(6, "arthritis", "rash", "low_complement", "increased_dna_binding")
    finding = run("activity_score", {"scores": ["sledai_2k", "mrss"], "minimum": 8}, patient)
    assert finding.outcome == Outcome.REVIEW
    assert "mRSS not recorded" in finding.evidence


# --- complete components ------------------------------------------------------------------------


def test_complete_components_disagreeing_with_the_stated_total_decide_with_a_warning() -> None:
    finding = run("activity_score", SLEDAI_8,
                  sledai(10, "rash", "low_complement", "increased_dna_binding", **LABS_ABSENT))
    assert finding.outcome == Outcome.NOT_MET
    assert "SLEDAI-2K 6 < 8 (computed)" in finding.evidence
    assert finding.warnings == (
        "stated SLEDAI-2K 10, computed 6 from the components given; the computed value is used",
    )


def test_complete_components_agreeing_with_the_stated_total_are_not_warned() -> None:
    finding = run("activity_score", SLEDAI_8,
                  sledai(6, "rash", "low_complement", "increased_dna_binding", **LABS_ABSENT))
    assert finding.outcome == Outcome.NOT_MET
    assert finding.warnings == ()


# --- partial components, nothing stated: as before ------------------------------------------------


def test_partial_components_alone_that_cannot_reach_8_decide() -> None:
    finding = run("activity_score", SLEDAI_8,
                  sledai(None, "rash", proteinuria=False, hematuria=False, pyuria=False))
    assert finding.outcome == Outcome.NOT_MET
    assert "SLEDAI-2K 2 < 8 (at most 5 with the missing components)" in finding.evidence


def test_partial_components_alone_that_could_reach_8_are_unknown_naming_the_lab_keys() -> None:
    finding = run("activity_score", SLEDAI_8, sledai(None, "rash"))
    assert finding.outcome == Outcome.UNKNOWN
    assert "SLEDAI-2K 2 so far, up to 17" in finding.evidence
    assert "activity.components.sledai_2k.proteinuria" in finding.missing
    assert "activity.components.sledai_2k.highest_proteinuria_g_per_24h" not in finding.missing


def test_partial_components_alone_reaching_8_already_meet() -> None:
    finding = run("activity_score", SLEDAI_8, sledai(None, "seizure"))
    assert finding.outcome == Outcome.MET
    assert "reached already by the components recorded" in finding.evidence


# --- ILAR 2001 category ---------------------------------------------------------------------------

POLY = {"accepted": ["polyarticular_rf_negative", "polyarticular_rf_positive"]}
ILAR_EXCLUSIONS_ABSENT = {key: False for key in (
    "psoriasis_patient", "psoriasis_first_degree_relative", "ankylosing_spondylitis",
    "enthesitis_related_arthritis", "sacroiliitis_with_ibd", "reactive_arthritis",
    "acute_anterior_uveitis", "systemic_jia")}
# A girl with onset at 8, 6 joints in the first 6 months, RF negative: RF-negative
# polyarthritis once every exclusion is recorded.
ILAR_RF_NEGATIVE = {
    "sex": "female", "age_at_onset_years": 8.0, "arthritis_duration_weeks": 12.0,
    "joints_with_arthritis_first_6_months": 6, "rf_tests": [{"month": 1.0, "positive": False}],
    "hla_b27": False, **ILAR_EXCLUSIONS_ABSENT,
}


def ilar(stated: str | None, **components: Any) -> dict[str, Any]:
    diagnosis: dict[str, Any] = {"disease": "pjia",
                                 "components": {"ilar_2001": {**ILAR_RF_NEGATIVE, **components}}}
    if stated is not None:
        diagnosis["classification"] = {"ilar_2001": stated}
    return {"diagnosis": diagnosis}


def test_stated_ilar_category_that_partial_components_allow_decides() -> None:
    # The relatives' psoriasis is not recorded: RF-negative polyarthritis or not polyarthritis.
    finding = run("ilar_2001", POLY,
                  ilar("polyarticular_rf_negative", psoriasis_first_degree_relative=None))
    assert finding.outcome == Outcome.MET
    assert finding.evidence == (
        "ILAR 2001 category: polyarticular RF negative (stated; the components recorded allow "
        "polyarticular RF-negative or not polyarthritis)")
    assert finding.warnings == ()


def test_stated_non_polyarticular_category_that_partial_components_allow_decides() -> None:
    finding = run("ilar_2001", POLY, ilar("psoriatic", psoriasis_first_degree_relative=None))
    assert finding.outcome == Outcome.NOT_MET
    assert "ILAR 2001 category: psoriatic (stated;" in finding.evidence


@pytest.mark.parametrize("stated", ["polyarticular_rf_positive", "oligoarticular_extended"])
def test_stated_ilar_category_that_partial_components_no_longer_allow_is_review(
    stated: str,
) -> None:
    finding = run("ilar_2001", POLY, ilar(stated, psoriasis_first_degree_relative=None))
    assert finding.outcome == Outcome.REVIEW
    label = stated.replace("_", " ").replace("rf", "RF")
    assert finding.evidence == (
        f"stated ILAR 2001 category {label} (diagnosis.classification.ilar_2001), but the "
        "components recorded (diagnosis.components.ilar_2001) allow only polyarticular "
        "RF-negative or not polyarthritis; correct one of the two")


def test_complete_ilar_components_disagreeing_with_the_stated_category_decide_with_a_warning(
) -> None:
    finding = run("ilar_2001", POLY, ilar("oligoarticular_extended"))
    assert finding.outcome == Outcome.MET
    assert "(computed)" in finding.evidence
    assert len(finding.warnings) == 1
    assert finding.warnings[0].startswith("stated ILAR 2001 category: oligoarticular extended, "
                                          "computed: polyarticular RF-negative")


def test_stated_rf_negative_beside_a_single_positive_rf_goes_to_the_investigator() -> None:
    finding = run("ilar_2001", POLY, ilar("polyarticular_rf_negative",
                                          rf_tests=[{"month": 2.0, "positive": True}]))
    assert finding.outcome == Outcome.REVIEW
    assert finding.warnings and "computed: ambiguous" in finding.warnings[0]


def test_partial_ilar_components_alone_are_unknown_naming_what_decides() -> None:
    finding = run("ilar_2001", POLY, ilar(None, psoriasis_first_degree_relative=None))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("diagnosis.components.ilar_2001.psoriasis_first_degree_relative",)
    assert finding.evidence == ("ILAR 2001 category not yet decided (the components recorded "
                                "allow polyarticular RF-negative or not polyarthritis)")


# --- Bohan and Peter ------------------------------------------------------------------------------

BOHAN = {"accepted": ["definite_dm", "probable_dm"], "review": ["possible_dm"]}
BP_EXCLUSIONS_ABSENT = {key: False for key in (
    "neurologic_disease", "muscular_dystrophy", "granulomatous_or_infectious_myositis",
    "metabolic_or_endocrine_myopathy", "myasthenia_gravis", "drug_or_toxin_myopathy")}


def bohan(stated: str | None, **components: Any) -> dict[str, Any]:
    diagnosis: dict[str, Any] = {"disease": "jdm", "components": {"bohan_peter": components}}
    if stated is not None:
        diagnosis["classification"] = {"bohan_peter": stated}
    return {"diagnosis": diagnosis}


def test_stated_not_classified_where_recorded_findings_already_classify_is_review() -> None:
    # Rash, weakness and raised enzymes, no exclusion: probable DM at least, definite DM with
    # the EMG or biopsy, never "not classified".
    finding = run("bohan_peter", BOHAN, bohan(
        "not_classified", typical_dm_rash=True, symmetric_proximal_weakness=True,
        muscle_enzymes_raised=True, **BP_EXCLUSIONS_ABSENT))
    assert finding.outcome == Outcome.REVIEW
    assert finding.evidence == (
        "stated Bohan and Peter classification not classified "
        "(diagnosis.classification.bohan_peter), but the components recorded "
        "(diagnosis.components.bohan_peter) allow only definite DM or probable DM; correct "
        "one of the two")


def test_stated_level_that_partial_findings_allow_decides() -> None:
    # Exclusions not recorded: definite DM or not classified.
    finding = run("bohan_peter", BOHAN, bohan(
        "definite_dm", typical_dm_rash=True, symmetric_proximal_weakness=True,
        muscle_enzymes_raised=True, emg_myopathic_triad=True))
    assert finding.outcome == Outcome.MET
    assert finding.evidence == ("Bohan and Peter: definite DM (stated; the components recorded "
                                "allow definite DM or not classified)")


def test_complete_findings_disagreeing_with_the_stated_level_decide_with_a_warning() -> None:
    finding = run("bohan_peter", BOHAN, bohan(
        "definite_dm", typical_dm_rash=True, symmetric_proximal_weakness=True,
        muscle_enzymes_raised=False, emg_myopathic_triad=False, muscle_biopsy_myositis=False,
        **BP_EXCLUSIONS_ABSENT))
    assert finding.outcome == Outcome.REVIEW  # possible DM: the trial's review level
    assert "possible DM (computed)" in finding.evidence
    assert finding.warnings and finding.warnings[0].startswith(
        "stated Bohan and Peter classification: definite DM, computed: possible DM")


def test_partial_findings_alone_are_unknown_listing_the_levels_still_possible() -> None:
    finding = run("bohan_peter", BOHAN, bohan(
        None, typical_dm_rash=True, symmetric_proximal_weakness=True,
        muscle_enzymes_raised=True, **BP_EXCLUSIONS_ABSENT))
    assert finding.outcome == Outcome.UNKNOWN
    assert "allow definite DM or probable DM" in finding.evidence
    assert set(finding.missing) == {"diagnosis.components.bohan_peter.emg_myopathic_triad",
                                    "diagnosis.components.bohan_peter.muscle_biopsy_myositis"}


# --- a stated yes/no classification ---------------------------------------------------------------

SLE_2019 = {"instruments": ["eular_acr_2019_sle"]}


@pytest.mark.parametrize(("stated", "outcome"), [(True, Outcome.MET), (False, Outcome.NOT_MET)])
def test_stated_classification_stands_beside_components_that_leave_it_open(
    stated: bool, outcome: Outcome,
) -> None:
    finding = run("classification", SLE_2019, {"diagnosis": {
        "disease": "sle", "classification": {"eular_acr_2019_sle": stated},
        "components": {"eular_acr_2019_sle": {"ana_titre": 160, "joint_involvement": True}}}})
    assert finding.outcome == outcome
    assert "(stated; the components recorded leave it open)" in finding.evidence
    assert finding.warnings == ()


def test_components_that_leave_the_classification_open_are_unknown_without_a_stated_one() -> None:
    finding = run("classification", SLE_2019, {"diagnosis": {
        "disease": "sle",
        "components": {"eular_acr_2019_sle": {"ana_titre": 160, "joint_involvement": True}}}})
    assert finding.outcome == Outcome.UNKNOWN
