"""Infections: tuberculosis, hepatitis B and C, HIV, syphilis, CMV, active infections."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cartscreen.checks.base import Outcome

from .helpers import days_before, run

# --- tuberculosis ----------------------------------------------------------------------------


def test_latent_tuberculosis_excludes_where_the_trial_excludes_latent() -> None:
    finding = run("tuberculosis", {"exclude_latent": True}, {"tuberculosis": {"status": "latent"}})
    assert finding.outcome == Outcome.NOT_MET
    assert "latent tuberculosis" in finding.evidence


def test_latent_tuberculosis_does_not_exclude_where_only_active_does() -> None:
    finding = run("tuberculosis", {"exclude_latent": False},
                  {"tuberculosis": {"status": "latent"}})
    assert finding.outcome == Outcome.MET


@pytest.mark.parametrize("exclude_latent", [True, False])
def test_active_tuberculosis_always_excludes(exclude_latent: bool) -> None:
    finding = run("tuberculosis", {"exclude_latent": exclude_latent},
                  {"tuberculosis": {"status": "active"}})
    assert finding.outcome == Outcome.NOT_MET


def test_negative_tuberculosis_screen_meets() -> None:
    assert run("tuberculosis", {"exclude_latent": True},
               {"tuberculosis": {"status": "negative"}}).outcome == Outcome.MET


def test_tuberculosis_status_unrecorded_is_unknown() -> None:
    finding = run("tuberculosis", {"exclude_latent": True}, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("tuberculosis.status",)


# --- hepatitis B and C -----------------------------------------------------------------------

HBV = {"marker": "hbv"}
HCV = {"marker": "hcv"}


def serology(**values: str) -> dict[str, Any]:
    return {"serology": values}


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


def infections(*items: dict[str, Any]) -> dict[str, Any]:
    return {"events": {"infections": list(items)}}


def pneumonia(**values: Any) -> dict[str, Any]:
    return {"name": "pneumonia", "onset": date(2026, 10, 10), **values}


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
        {"name": "otitis", "onset": days_before(2), "systemic_treatment": False}))
    assert finding.outcome == outcome


def test_infection_under_systemic_treatment_at_screening_excludes() -> None:
    finding = run("active_infection", AT_SCREENING_REVIEW, infections(pneumonia(
        systemic_treatment=True)))
    assert finding.outcome == Outcome.NOT_MET
    assert "at screening" in finding.evidence


def test_serious_active_infection_excludes_where_serious_ones_do() -> None:
    finding = run("active_infection", AT_SCREENING_REVIEW, infections(pneumonia(
        systemic_treatment=False, serious=True)))
    assert finding.outcome == Outcome.NOT_MET
    assert "serious" in finding.evidence


def test_recent_infection_without_treatment_recorded_is_unknown() -> None:
    finding = run("active_infection", WITHIN_A_WEEK, infections(pneumonia()))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.infections[0].systemic_treatment",)


def test_old_resolved_infection_does_not_matter() -> None:
    finding = run("active_infection", WITHIN_A_WEEK, infections(
        {"name": "varicella", "onset": date(2024, 3, 1), "resolved": date(2024, 3, 15)}))
    assert finding.outcome == Outcome.MET


def test_no_infection_history_is_unknown_and_an_empty_one_meets() -> None:
    unknown = run("active_infection", WITHIN_A_WEEK, {})
    assert unknown.outcome == Outcome.UNKNOWN
    assert unknown.missing == ("events.infections",)
    assert run("active_infection", WITHIN_A_WEEK, infections()).outcome == Outcome.MET
