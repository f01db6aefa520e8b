"""Infections: tuberculosis, hepatitis B and C, HIV, syphilis, CMV, active infections."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cartscreen.checks.base import Outcome

from .helpers import RECENT, current, days_before, run

# --- tuberculosis ----------------------------------------------------------------------------


def test_latent_tuberculosis_excludes_where_the_trial_excludes_latent() -> None:
    finding = run("tuberculosis", {"exclude_latent": True},
                  current({"tuberculosis": {"status": "latent"}}))
    assert finding.outcome == Outcome.NOT_MET
    assert "latent tuberculosis" in finding.evidence


def test_latent_tuberculosis_does_not_exclude_where_only_active_does() -> None:
    finding = run("tuberculosis", {"exclude_latent": False},
                  current({"tuberculosis": {"status": "latent"}}))
    assert finding.outcome == Outcome.MET


@pytest.mark.parametrize("exclude_latent", [True, False])
def test_active_tuberculosis_always_excludes(exclude_latent: bool) -> None:
    finding = run("tuberculosis", {"exclude_latent": exclude_latent},
                  current({"tuberculosis": {"status": "active"}}))
    assert finding.outcome == Outcome.NOT_MET


def test_negative_tuberculosis_screen_meets() -> None:
    assert run("tuberculosis", {"exclude_latent": True},
               current({"tuberculosis": {"status": "negative"}})).outcome == Outcome.MET


def test_tuberculosis_status_unrecorded_is_unknown() -> None:
    finding = run("tuberculosis", {"exclude_latent": True}, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("tuberculosis.status",)


# --- hepatitis B and C -----------------------------------------------------------------------

HBV = {"marker": "hbv"}
HCV = {"marker": "hcv"}


def serology(**values: str) -> dict[str, Any]:
    """Serology results, all current (tested 3 days before screening)."""
    return current({"serology": values})


def test_hbcab_positive_with_undetectable_hbv_dna_does_not_exclude() -> None:
    finding = run("viral_marker", HBV,
                  serology(hbsag="negative", hbcab="positive", hbv_dna="undetectable"))
    assert finding.outcome == Outcome.MET
    assert "HBcAb positive" in finding.evidence


def test_hbsag_positive_with_hbv_dna_above_normal_excludes() -> None:
    finding = run("viral_marker", HBV,
                  serology(hbsag="positive", hbcab="negative", hbv_dna="above_normal"))
    assert finding.outcome == Outcome.NOT_MET
    assert "HBsAg positive" in finding.evidence


def test_hbsag_positive_without_hbv_dna_is_unknown_naming_hbv_dna() -> None:
    finding = run("viral_marker", HBV, serology(hbsag="positive"))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("serology.hbv_dna",)


def test_hbv_dna_within_normal_range_does_not_exclude() -> None:
    finding = run("viral_marker", HBV, serology(hbsag="positive", hbv_dna="within_normal"))
    assert finding.outcome == Outcome.MET


def test_hbsag_and_hbcab_negative_meets() -> None:
    assert run("viral_marker", HBV,
               serology(hbsag="negative", hbcab="negative")).outcome == Outcome.MET


def test_hbsag_negative_with_hbcab_not_done_is_unknown_naming_hbcab() -> None:
    finding = run("viral_marker", HBV, serology(hbsag="negative"))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("serology.hbcab",)


def test_no_hepatitis_b_serology_is_unknown() -> None:
    finding = run("viral_marker", HBV, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert set(finding.missing) == {"serology.hbsag", "serology.hbcab"}


def test_undetectable_hbv_dna_rules_out_the_exclusion_without_serology() -> None:
    # The exclusion needs a positive serology AND DNA above normal; with DNA undetectable
    # the serology cannot change the outcome.
    finding = run("viral_marker", HBV, serology(hbv_dna="undetectable"))
    assert finding.outcome == Outcome.MET


def test_hcv_antibody_positive_with_undetectable_rna_does_not_exclude() -> None:
    finding = run("viral_marker", HCV, serology(hcv_ab="positive", hcv_rna="undetectable"))
    assert finding.outcome == Outcome.MET


def test_hcv_antibody_positive_with_rna_above_normal_excludes() -> None:
    finding = run("viral_marker", HCV, serology(hcv_ab="positive", hcv_rna="above_normal"))
    assert finding.outcome == Outcome.NOT_MET
    assert "HCV RNA above" in finding.evidence


def test_hcv_antibody_positive_without_rna_is_unknown_naming_hcv_rna() -> None:
    finding = run("viral_marker", HCV, serology(hcv_ab="positive"))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("serology.hcv_rna",)


def test_hcv_antibody_negative_meets_and_unrecorded_is_unknown() -> None:
    assert run("viral_marker", HCV, serology(hcv_ab="negative")).outcome == Outcome.MET
    unknown = run("viral_marker", HCV, {})
    assert unknown.outcome == Outcome.UNKNOWN
    assert unknown.missing == ("serology.hcv_ab",)


@pytest.mark.parametrize(("marker", "key"), [("hiv", "hiv_ab"), ("syphilis", "syphilis"),
                                             ("cmv_dna", "cmv_dna")])
def test_positive_hiv_syphilis_or_cmv_dna_excludes(marker: str, key: str) -> None:
    params = {"marker": marker}
    assert run("viral_marker", params, serology(**{key: "positive"})).outcome == Outcome.NOT_MET
    assert run("viral_marker", params, serology(**{key: "negative"})).outcome == Outcome.MET
    unknown = run("viral_marker", params, {})
    assert unknown.outcome == Outcome.UNKNOWN
    assert unknown.missing == (f"serology.{key}",)


def test_active_hepatitis_b_is_active_viral_hepatitis_even_with_hcv_untested() -> None:
    finding = run("active_viral_hepatitis", {},
                  serology(hbsag="positive", hbv_dna="above_normal"))
    assert finding.outcome == Outcome.NOT_MET
    assert "active viral hepatitis" in finding.evidence


def test_no_active_hepatitis_when_b_and_c_are_negative() -> None:
    finding = run("active_viral_hepatitis", {},
                  serology(hbsag="negative", hbcab="negative", hcv_ab="negative"))
    assert finding.outcome == Outcome.MET


def test_active_hepatitis_with_hcv_unrecorded_is_unknown() -> None:
    finding = run("active_viral_hepatitis", {}, serology(hbsag="negative", hbcab="negative"))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("serology.hcv_ab",)


# --- active infection --------------------------------------------------------------------------

WITHIN_A_WEEK = {"systemic_treatment_within_days": 7}
AT_SCREENING_REVIEW = {"systemic_treatment_within_days": 0,
                       "active_without_systemic_treatment": "review", "serious_excludes": True}


NO_TB = {"tuberculosis": {"status": "negative", "tested_on": RECENT}}


def infections(*items: dict[str, Any]) -> dict[str, Any]:
    """An infection history, with a current negative tuberculosis test."""
    return {**NO_TB, "events": {"infections": list(items)}}


def pneumonia(**values: Any) -> dict[str, Any]:
    """A pneumonia still active at screening unless ``resolved`` says otherwise."""
    return {"name": "pneumonia", "onset": date(2026, 10, 10), "resolved": "ongoing", **values}


def test_systemic_treatment_ending_7_days_before_screening_excludes() -> None:
    finding = run("active_infection", WITHIN_A_WEEK, infections(pneumonia(
        resolved=days_before(7), systemic_treatment=True, treatment_end=days_before(7))))
    assert finding.outcome == Outcome.NOT_MET
    assert "within 7 days before screening" in finding.evidence


def test_systemic_treatment_ending_8_days_before_screening_does_not_exclude() -> None:
    finding = run("active_infection", WITHIN_A_WEEK, infections(pneumonia(
        resolved=days_before(8), systemic_treatment=True, treatment_end=days_before(8))))
    assert finding.outcome == Outcome.MET


def test_uncontrolled_infection_excludes_without_systemic_treatment() -> None:
    finding = run("active_infection", WITHIN_A_WEEK, infections(pneumonia(
        systemic_treatment=False, uncontrolled=True)))
    assert finding.outcome == Outcome.NOT_MET
    assert "uncontrolled" in finding.evidence


@pytest.mark.parametrize("params", [WITHIN_A_WEEK, AT_SCREENING_REVIEW])
def test_uncontrolled_infection_always_excludes(params: dict[str, Any]) -> None:
    finding = run("active_infection", params, infections(pneumonia(uncontrolled=True)))
    assert finding.outcome == Outcome.NOT_MET


@pytest.mark.parametrize(("handling", "outcome"), [
    ("met", Outcome.MET), ("review", Outcome.REVIEW), ("not_met", Outcome.NOT_MET)])
def test_active_untreated_infection_follows_the_registry_wording(
    handling: str, outcome: Outcome
) -> None:
    params = {"systemic_treatment_within_days": 0, "active_without_systemic_treatment": handling}
    finding = run("active_infection", params, infections(
        {"name": "otitis", "onset": days_before(2), "resolved": "ongoing",
         "systemic_treatment": False, "uncontrolled": False}))
    assert finding.outcome == outcome


def test_infection_under_systemic_treatment_at_screening_excludes() -> None:
    finding = run("active_infection", AT_SCREENING_REVIEW, infections(pneumonia(
        systemic_treatment=True)))
    assert finding.outcome == Outcome.NOT_MET
    assert "active and needing systemic treatment" in finding.evidence


def test_serious_active_infection_excludes_where_serious_ones_do() -> None:
    finding = run("active_infection", AT_SCREENING_REVIEW, infections(pneumonia(
        systemic_treatment=False, serious=True)))
    assert finding.outcome == Outcome.NOT_MET
    assert "serious" in finding.evidence


def test_active_infection_with_nothing_else_recorded_is_unknown() -> None:
    finding = run("active_infection", WITHIN_A_WEEK, infections(pneumonia()))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.infections[0].uncontrolled",
                               "events.infections[0].systemic_treatment")


def test_active_infection_whose_control_is_unrecorded_is_unknown_not_met() -> None:
    # The review's case: infections[i].uncontrolled unrecorded passed the exclusion.
    finding = run("active_infection", WITHIN_A_WEEK, infections(pneumonia(
        systemic_treatment=False)))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.infections[0].uncontrolled",)


def test_infection_whose_resolution_is_unrecorded_is_unknown() -> None:
    finding = run("active_infection", WITHIN_A_WEEK, infections(
        {"name": "otitis", "onset": days_before(40), "systemic_treatment": False}))
    assert finding.outcome == Outcome.UNKNOWN
    # whether it is still active, and if so whether it is controlled
    assert finding.missing == ("events.infections[0].resolved",
                               "events.infections[0].uncontrolled")


def test_treatment_end_unrecorded_is_unknown_not_over() -> None:
    # The review's case: an unrecorded treatment_end was taken as the resolution date, though
    # treatment often continues after an infection resolves.
    finding = run("active_infection", WITHIN_A_WEEK, infections(
        {"name": "osteomyelitis", "onset": days_before(60), "resolved": days_before(30),
         "systemic_treatment": True}))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.infections[0].treatment_end",)


def test_treatment_of_an_infection_that_began_in_the_window_was_in_the_window() -> None:
    finding = run("active_infection", WITHIN_A_WEEK, infections(
        {"name": "cystitis", "onset": days_before(6), "resolved": days_before(3),
         "systemic_treatment": True}))
    assert finding.outcome == Outcome.NOT_MET


def test_ongoing_treatment_of_a_resolved_infection_excludes() -> None:
    finding = run("active_infection", WITHIN_A_WEEK, infections(
        {"name": "osteomyelitis", "onset": days_before(60), "resolved": days_before(30),
         "systemic_treatment": True, "treatment_end": "ongoing"}))
    assert finding.outcome == Outcome.NOT_MET


@pytest.mark.parametrize(("details", "outcome"), [
    ({"systemic_treatment": False}, Outcome.MET),
    ({"systemic_treatment": True, "treatment_end": date(2024, 3, 20)}, Outcome.MET),
    ({"systemic_treatment": True}, Outcome.UNKNOWN),
    ({}, Outcome.UNKNOWN),
])
def test_old_resolved_infection_needs_its_treatment_recorded(details: dict[str, Any],
                                                             outcome: Outcome) -> None:
    finding = run("active_infection", WITHIN_A_WEEK, infections(
        {"name": "varicella", "onset": date(2024, 3, 1), "resolved": date(2024, 3, 15),
         **details}))
    assert finding.outcome == outcome


def test_no_infection_history_is_unknown_and_an_empty_one_meets() -> None:
    unknown = run("active_infection", WITHIN_A_WEEK, NO_TB)
    assert unknown.outcome == Outcome.UNKNOWN
    assert unknown.missing == ("events.infections",)
    assert run("active_infection", WITHIN_A_WEEK, infections()).outcome == Outcome.MET


# --- tuberculosis in the infection exclusion -------------------------------------------------


@pytest.mark.parametrize("params", [WITHIN_A_WEEK, AT_SCREENING_REVIEW])
def test_active_tuberculosis_is_an_active_infection_needing_systemic_treatment(
    params: dict[str, Any]
) -> None:
    # The review's case: tuberculosis.status = "active" was eligible for both SLE trials.
    finding = run("active_infection", params, {
        "tuberculosis": {"status": "active", "tested_on": RECENT},
        "events": {"infections": []}})
    assert finding.outcome == Outcome.NOT_MET
    assert "active tuberculosis" in finding.evidence


def test_latent_tuberculosis_is_not_an_active_infection() -> None:
    finding = run("active_infection", WITHIN_A_WEEK, {
        "tuberculosis": {"status": "latent", "tested_on": RECENT},
        "events": {"infections": []}})
    assert finding.outcome == Outcome.MET


@pytest.mark.parametrize(("tuberculosis", "missing"), [
    ({}, "tuberculosis.status"),
    ({"status": "negative", "tested_on": days_before(29)}, "tuberculosis.status"),
    ({"status": "negative"}, "tuberculosis.tested_on"),
])
def test_infection_exclusion_needs_a_current_tuberculosis_test(
    tuberculosis: dict[str, Any], missing: str
) -> None:
    finding = run("active_infection", WITHIN_A_WEEK, {
        "tuberculosis": tuberculosis, "events": {"infections": []}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == (missing,)


# --- freshness and contradictions of the serology ---------------------------------------------


@pytest.mark.parametrize(("days", "outcome"), [(28, Outcome.MET), (29, Outcome.UNKNOWN)])
def test_serology_is_current_for_28_days(days: int, outcome: Outcome) -> None:
    finding = run("viral_marker", HBV, {"serology": {
        "hbsag": "negative", "hbcab": "negative", "tested_on": days_before(days)}})
    assert finding.outcome == outcome


def test_a_five_year_old_hbsag_is_unknown_naming_it() -> None:
    # The review's case: a 5-year-old HBsAg passed.
    finding = run("viral_marker", HBV, {"serology": {
        "hbsag": "negative", "hbcab": "negative", "tested_on": date(2021, 11, 2)}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("serology.hbsag", "serology.hbcab")
    assert "HBsAg of 2021-11-02 is older than 28 days before screening" in finding.evidence


def test_a_result_with_its_own_date_wins_over_tested_on() -> None:
    finding = run("viral_marker", HBV, {"serology": {
        "hbsag": "negative", "hbcab": "negative", "hbcab_on": date(2025, 6, 1),
        "tested_on": RECENT}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("serology.hbcab",)


@pytest.mark.parametrize(("marker", "values"), [
    (HBV, {"hbsag": "negative", "hbcab": "negative", "hbv_dna": "above_normal"}),
    (HCV, {"hcv_ab": "negative", "hcv_rna": "above_normal"}),
])
def test_viral_load_above_normal_with_negative_serology_goes_to_review(
    marker: dict[str, str], values: dict[str, str]
) -> None:
    # The review's case: eligible today; occult infection exists, so at least review.
    finding = run("viral_marker", marker, serology(**values))
    assert finding.outcome == Outcome.REVIEW
    assert "occult" in finding.evidence


def test_occult_hepatitis_makes_active_viral_hepatitis_review() -> None:
    finding = run("active_viral_hepatitis", {}, serology(
        hbsag="negative", hbcab="negative", hbv_dna="above_normal", hcv_ab="negative"))
    assert finding.outcome == Outcome.REVIEW


def test_viral_load_above_normal_with_serology_untested_is_unknown() -> None:
    finding = run("viral_marker", HBV, serology(hbv_dna="above_normal"))
    assert finding.outcome == Outcome.UNKNOWN
    assert set(finding.missing) == {"serology.hbsag", "serology.hbcab"}


def test_stale_viral_load_leaves_positive_serology_unknown() -> None:
    finding = run("viral_marker", HBV, {"serology": {
        "hbsag": "positive", "hbcab": "positive", "tested_on": RECENT,
        "hbv_dna": "undetectable", "hbv_dna_on": days_before(45)}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("serology.hbv_dna",)


@pytest.mark.parametrize(("days", "outcome"), [(28, Outcome.NOT_MET), (29, Outcome.UNKNOWN)])
def test_tuberculosis_status_is_current_for_28_days(days: int, outcome: Outcome) -> None:
    # The review's case: a 10-year-old IGRA passed.
    finding = run("tuberculosis", {"exclude_latent": True},
                  {"tuberculosis": {"status": "latent", "tested_on": days_before(days)}})
    assert finding.outcome == outcome
