"""Organ function: LVEF, SpO2, DLCO, FVC, eGFR, liver tests, ECG, pulmonary pressure, lungs."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from cartscreen.checks.base import Outcome

from .helpers import RECENT, SCREENING, current, days_before, run


def organ(**values: Any) -> dict[str, Any]:
    """An organ_function table whose results are current (dated 3 days before screening)."""
    return current({"organ_function": values})


@pytest.mark.parametrize(("measure", "minimum", "below", "at"), [
    ("lvef_percent", 55, 54.9, 55),
    ("spo2_percent", 92, 91.9, 92),
    ("dlco_percent_predicted", 40, 39, 40),
    ("fvc_percent_predicted", 50, 49.9, 50),
])
def test_minimum_is_met_at_the_threshold_and_not_just_below(
    measure: str, minimum: float, below: float, at: float
) -> None:
    params = {"measure": measure, "minimum": minimum}
    under = run("measure_at_least", params, organ(**{measure: below}))
    exactly = run("measure_at_least", params, organ(**{measure: at}))
    assert under.outcome == Outcome.NOT_MET
    assert exactly.outcome == Outcome.MET
    assert f"< {minimum}" in under.evidence
    assert f"≥ {minimum}" in exactly.evidence


def test_lvef_54_9_percent_fails_55() -> None:
    finding = run("measure_at_least", {"measure": "lvef_percent", "minimum": 55},
                  organ(lvef_percent=54.9))
    assert finding.outcome == Outcome.NOT_MET
    assert "LVEF 54.9% < 55%" in finding.evidence


def test_measure_not_recorded_is_unknown_naming_it() -> None:
    finding = run("measure_at_least", {"measure": "dlco_percent_predicted", "minimum": 40}, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("organ_function.dlco_percent_predicted",)


# --- eGFR ------------------------------------------------------------------------------------

EGFR_30 = {"minimum": 30}


@pytest.mark.parametrize(("egfr", "outcome"), [(29.9, Outcome.NOT_MET), (30, Outcome.MET)])
def test_stated_egfr_threshold_of_30_is_inclusive(egfr: float, outcome: Outcome) -> None:
    finding = run("egfr_at_least", EGFR_30, organ(egfr_ml_min_1_73m2=egfr))
    assert finding.outcome == outcome


GIRL_OF_12 = {"sex": "female", "birth_date": date(2014, 11, 2), "height_cm": 150}


def test_stated_egfr_far_from_the_one_computed_from_creatinine_is_unknown() -> None:
    # The review's case: eGFR 96 stated, creatinine 8 mg/dL (computed 6.8) was eligible.
    finding = run("egfr_at_least", EGFR_30, {**GIRL_OF_12, **organ(
        egfr_ml_min_1_73m2=96, creatinine={"value": 8.0, "unit": "mg/dL"})})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("organ_function.egfr_ml_min_1_73m2", "organ_function.creatinine")
    assert "disagree by more than 30%" in finding.evidence


@pytest.mark.parametrize(("stated", "minimum", "outcome"), [
    # computed from creatinine 0.6: 90.25
    (63.1, 70, Outcome.UNKNOWN),  # on either side; 27.15 > 30% of 90.25 (27.08)
    (63.2, 70, Outcome.REVIEW),   # on either side; 27.05 ≤ 27.08: within the equations' error
    (63.1, 30, Outcome.MET),      # both above: decided whichever is right (with a warning)
    (129.0, 100, Outcome.UNKNOWN),  # 38.75 > 30% of 129 (38.7)
    (128.9, 100, Outcome.REVIEW),   # 38.65 ≤ 38.67
])
def test_stated_and_computed_egfr_agree_within_30_percent(stated: float, minimum: float,
                                                          outcome: Outcome) -> None:
    finding = run("egfr_at_least", {"minimum": minimum}, {**GIRL_OF_12, **organ(
        egfr_ml_min_1_73m2=stated, creatinine={"value": 0.6, "unit": "mg/dL"})})
    assert finding.outcome == outcome, finding.evidence


def test_disagreeing_egfrs_on_one_side_of_the_threshold_decide_with_a_warning() -> None:
    finding = run("egfr_at_least", EGFR_30, {**GIRL_OF_12, **organ(
        egfr_ml_min_1_73m2=40, creatinine={"value": 0.6, "unit": "mg/dL"})})
    assert finding.outcome == Outcome.MET
    assert finding.warnings and "disagree" in finding.warnings[0]


def test_agreeing_egfrs_on_either_side_of_the_threshold_go_to_review() -> None:
    # Creatinine 3.0 gives 18.05; a stated 22 agrees within 30% but the threshold is 20 here.
    finding = run("egfr_at_least", {"minimum": 20}, {**GIRL_OF_12, **organ(
        egfr_ml_min_1_73m2=22, creatinine={"value": 3.0, "unit": "mg/dL"})})
    assert finding.outcome == Outcome.REVIEW
    assert "either side" in finding.evidence


def test_agreeing_egfrs_below_the_threshold_fail() -> None:
    finding = run("egfr_at_least", {"minimum": 30}, {**GIRL_OF_12, **organ(
        egfr_ml_min_1_73m2=22, creatinine={"value": 3.0, "unit": "mg/dL"})})
    assert finding.outcome == Outcome.NOT_MET


def test_stated_egfr_with_creatinine_but_no_height_is_unknown_naming_height() -> None:
    finding = run("egfr_at_least", EGFR_30, {"sex": "female", "birth_date": date(2014, 11, 2),
                                             **organ(egfr_ml_min_1_73m2=96, creatinine={
                                                 "value": 8.0, "unit": "mg/dL"})})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("height_cm",)


def test_stale_creatinine_leaves_a_current_stated_egfr_to_decide() -> None:
    finding = run("egfr_at_least", EGFR_30, {**GIRL_OF_12, "organ_function": {
        "egfr_ml_min_1_73m2": 96, "labs_on": RECENT,
        "creatinine": {"value": 8.0, "unit": "mg/dL", "measured_on": date(2025, 1, 1)}}})
    assert finding.outcome == Outcome.MET


@pytest.mark.parametrize(("days", "outcome"), [(28, Outcome.MET), (29, Outcome.UNKNOWN)])
def test_egfr_is_current_for_28_days(days: int, outcome: Outcome) -> None:
    finding = run("egfr_at_least", EGFR_30, {"organ_function": {
        "egfr_ml_min_1_73m2": 96, "labs_on": days_before(days)}})
    assert finding.outcome == outcome
    if outcome == Outcome.UNKNOWN:
        # either result would do: the stale eGFR, or a creatinine to compute it from
        assert finding.missing == ("organ_function.egfr_ml_min_1_73m2",
                                   "organ_function.creatinine")
        assert f"of {days_before(29)} is older than 28 days before screening" in finding.evidence


def test_egfr_from_creatinine_in_a_12_year_old_girl_uses_ckid_u25() -> None:
    # U25-09: female, exactly 12.0 years, 1.50 m, creatinine 0.6 mg/dL -> 90.25.
    finding = run("egfr_at_least", EGFR_30, {
        "sex": "female", "birth_date": date(2014, 11, 2), "height_cm": 150,
        **organ(creatinine={"value": 0.6, "unit": "mg/dL"})})
    assert finding.outcome == Outcome.MET
    assert "CKiD U25" in finding.evidence
    shown = re.search(r"eGFR (\d+\.\d) \(CKiD U25", finding.evidence)
    assert shown is not None, finding.evidence
    assert float(shown.group(1)) == pytest.approx(90.25, abs=0.1)
    assert "bedside Schwartz" in finding.evidence


def test_egfr_from_creatinine_in_micromoles_per_litre() -> None:
    # Creatinine 265.2 µmol/L = 3.0 mg/dL; 1.50 m girl of 12: 36.1 × 1.5 / 3.0 = 18.05.
    finding = run("egfr_at_least", EGFR_30, {
        "sex": "female", "birth_date": date(2014, 11, 2), "height_cm": 150,
        **organ(creatinine={"value": 265.2, "unit": "µmol/L"})})
    assert finding.outcome == Outcome.NOT_MET
    assert "18.1" in finding.evidence


def test_egfr_from_creatinine_from_25_uses_ckd_epi_2021() -> None:
    finding = run("egfr_at_least", EGFR_30, {
        "sex": "male", "birth_date": date(1996, 11, 2),
        **organ(creatinine={"value": 0.9, "unit": "mg/dL"})})
    assert finding.outcome == Outcome.MET
    assert "CKD-EPI 2021" in finding.evidence


def test_child_egfr_from_creatinine_without_height_is_unknown_naming_height() -> None:
    finding = run("egfr_at_least", EGFR_30, {
        "sex": "female", "birth_date": date(2014, 11, 2),
        **organ(creatinine={"value": 0.6, "unit": "mg/dL"})})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("height_cm",)


def test_egfr_from_creatinine_without_sex_or_birth_date_is_unknown_naming_both() -> None:
    finding = run("egfr_at_least", EGFR_30, {
        "height_cm": 150, **organ(creatinine={"value": 0.6, "unit": "mg/dL"})})
    assert finding.outcome == Outcome.UNKNOWN
    assert set(finding.missing) == {"sex", "birth_date"}


def test_neither_egfr_nor_creatinine_is_unknown_naming_both() -> None:
    finding = run("egfr_at_least", EGFR_30, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert set(finding.missing) == {"organ_function.egfr_ml_min_1_73m2",
                                    "organ_function.creatinine"}


# --- liver -----------------------------------------------------------------------------------

TRANSAMINASES = {"analytes": ["ast", "alt"], "max_x_uln": 3.0}
BILIRUBIN = {"analytes": ["total_bilirubin"], "max_x_uln": 2.0}
NORMAL_ALT = {"value": 20.0, "uln": 40.0}


def test_ast_exactly_three_times_uln_is_within_limit() -> None:
    finding = run("within_uln", TRANSAMINASES,
                  organ(ast={"value": 120.0, "uln": 40.0}, alt=NORMAL_ALT))
    assert finding.outcome == Outcome.MET
    assert "AST 3.00×ULN ≤ 3" in finding.evidence


def test_ast_3_01_times_uln_is_over_the_limit() -> None:
    finding = run("within_uln", TRANSAMINASES,
                  organ(ast={"value": 120.4, "uln": 40.0}, alt=NORMAL_ALT))
    assert finding.outcome == Outcome.NOT_MET
    assert "AST 3.01×ULN > 3" in finding.evidence


def test_stated_multiple_of_uln_is_used_directly() -> None:
    assert run("within_uln", TRANSAMINASES,
               organ(ast={"x_uln": 3.0}, alt={"x_uln": 3.0})).outcome == Outcome.MET
    assert run("within_uln", TRANSAMINASES,
               organ(ast={"x_uln": 1.0}, alt={"x_uln": 3.01})).outcome == Outcome.NOT_MET


def test_alt_not_recorded_is_unknown_naming_alt() -> None:
    finding = run("within_uln", TRANSAMINASES, organ(ast={"value": 30.0, "uln": 40.0}))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("organ_function.alt",)


def test_raised_ast_fails_even_with_alt_unrecorded() -> None:
    finding = run("within_uln", TRANSAMINASES, organ(ast={"value": 200.0, "uln": 40.0}))
    assert finding.outcome == Outcome.NOT_MET


@pytest.mark.parametrize(("value", "uln", "unit", "outcome"), [
    (2.0, 1.0, "mg/dL", Outcome.MET),
    (2.01, 1.0, "mg/dL", Outcome.NOT_MET),
    (42.0, 21.0, "µmol/L", Outcome.MET),
    (42.21, 21.0, "µmol/L", Outcome.NOT_MET),
    (42.21, 21.0, "umol/L", Outcome.NOT_MET),
], ids=["2.0x mg/dL", "2.01x mg/dL", "2.0x µmol/L", "2.01x µmol/L", "2.01x umol/L"])
def test_bilirubin_limit_of_twice_uln_in_either_unit(
    value: float, uln: float, unit: str, outcome: Outcome
) -> None:
    finding = run("within_uln", BILIRUBIN,
                  organ(total_bilirubin={"value": value, "uln": uln, "unit": unit}))
    assert finding.outcome == outcome
    assert "total bilirubin" in finding.evidence


# --- ECG, pulmonary pressure, lung lesions ------------------------------------------------------


@pytest.mark.parametrize(("ecg", "outcome"), [
    ("normal", Outcome.MET),
    ("minor_abnormality", Outcome.REVIEW),
    ("significant_abnormality", Outcome.NOT_MET),
])
def test_ecg_outcomes(ecg: str, outcome: Outcome) -> None:
    assert run("ecg_no_obvious_abnormality", {}, organ(ecg=ecg)).outcome == outcome


def test_ecg_not_recorded_is_unknown() -> None:
    finding = run("ecg_no_obvious_abnormality", {}, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("organ_function.ecg",)


PAP_45 = {"max_mean_mmhg": 45}


def test_mean_pulmonary_pressure_of_45_does_not_exclude() -> None:
    finding = run("pulmonary_pressure", PAP_45, organ(mean_pulmonary_artery_pressure_mmhg=45))
    assert finding.outcome == Outcome.MET
    assert "45 ≤ 45 mmHg" in finding.evidence


def test_mean_pulmonary_pressure_of_45_1_excludes() -> None:
    finding = run("pulmonary_pressure", PAP_45, organ(mean_pulmonary_artery_pressure_mmhg=45.1))
    assert finding.outcome == Outcome.NOT_MET
    assert "45.1 > 45 mmHg" in finding.evidence


def test_no_pulmonary_hypertension_without_a_pressure_does_not_exclude() -> None:
    finding = run("pulmonary_pressure", PAP_45, organ(pulmonary_hypertension=False))
    assert finding.outcome == Outcome.MET


def test_pulmonary_hypertension_without_a_pressure_is_unknown_naming_the_pressure() -> None:
    finding = run("pulmonary_pressure", PAP_45, organ(pulmonary_hypertension=True))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("organ_function.mean_pulmonary_artery_pressure_mmhg",)


def test_nothing_recorded_about_pulmonary_pressure_is_unknown() -> None:
    finding = run("pulmonary_pressure", PAP_45, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert set(finding.missing) == {"organ_function.mean_pulmonary_artery_pressure_mmhg",
                                    "organ_function.pulmonary_hypertension"}


@pytest.mark.parametrize(("lesions", "outcome"), [(False, Outcome.MET), (True, Outcome.NOT_MET)])
def test_serious_lung_lesions(lesions: bool, outcome: Outcome) -> None:
    assert run("no_serious_lung_lesions", {},
               organ(serious_lung_lesions=lesions)).outcome == outcome


def test_lung_lesions_not_recorded_is_unknown() -> None:
    finding = run("no_serious_lung_lesions", {}, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("organ_function.serious_lung_lesions",)


# --- freshness -------------------------------------------------------------------------------


@pytest.mark.parametrize(("check", "params", "values", "date_key"), [
    ("measure_at_least", {"measure": "lvef_percent", "minimum": 55},
     {"lvef_percent": 64}, "echo_on"),
    ("measure_at_least", {"measure": "spo2_percent", "minimum": 92},
     {"spo2_percent": 98}, "spo2_on"),
    ("measure_at_least", {"measure": "dlco_percent_predicted", "minimum": 40},
     {"dlco_percent_predicted": 80}, "lung_function_on"),
    ("ecg_no_obvious_abnormality", {}, {"ecg": "normal"}, "ecg_on"),
    ("within_uln", TRANSAMINASES, {"ast": {"x_uln": 1.0}, "alt": {"x_uln": 1.0}}, "labs_on"),
    ("no_serious_lung_lesions", {}, {"serious_lung_lesions": False}, "chest_imaging_on"),
    ("pulmonary_pressure", PAP_45, {"pulmonary_hypertension": False}, "pulmonary_pressure_on"),
    ("pulmonary_pressure", PAP_45, {"pulmonary_hypertension": False}, "echo_on"),
])
def test_a_result_is_current_for_28_days_then_unknown(
    check: str, params: dict[str, Any], values: dict[str, Any], date_key: str
) -> None:
    on_day_28 = run(check, params, {"organ_function": {**values, date_key: days_before(28)}})
    on_day_29 = run(check, params, {"organ_function": {**values, date_key: days_before(29)}})
    undated = run(check, params, {"organ_function": values})
    assert on_day_28.outcome == Outcome.MET, on_day_28.evidence
    assert on_day_29.outcome == Outcome.UNKNOWN
    assert "older than 28 days before screening: repeat" in on_day_29.evidence
    assert undated.outcome == Outcome.UNKNOWN
    assert "is not dated" in undated.evidence
    assert on_day_29.stale and on_day_29.stale[0].window_days == 28


def test_a_stale_result_never_fails_either() -> None:
    finding = run("measure_at_least", {"measure": "lvef_percent", "minimum": 55},
                  {"organ_function": {"lvef_percent": 30, "echo_on": date(2024, 1, 1)}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("organ_function.lvef_percent",)


def test_a_lab_result_dated_on_its_own_wins_over_labs_on() -> None:
    stale_own = run("within_uln", TRANSAMINASES, {"organ_function": {
        "ast": {"x_uln": 1.0, "measured_on": date(2025, 1, 1)}, "alt": {"x_uln": 1.0},
        "labs_on": RECENT}})
    assert stale_own.outcome == Outcome.UNKNOWN
    assert stale_own.missing == ("organ_function.ast",)
    current_own = run("within_uln", TRANSAMINASES, {"organ_function": {
        "ast": {"x_uln": 1.0, "measured_on": RECENT}, "alt": {"x_uln": 1.0},
        "labs_on": date(2025, 1, 1)}})
    assert current_own.outcome == Outcome.UNKNOWN
    assert current_own.missing == ("organ_function.alt",)


def test_an_undated_result_names_its_date_key() -> None:
    finding = run("within_uln", BILIRUBIN, {"organ_function": {
        "total_bilirubin": {"x_uln": 0.5}}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("organ_function.labs_on",)


def test_a_result_on_the_screening_date_is_current() -> None:
    finding = run("ecg_no_obvious_abnormality", {}, {"organ_function": {
        "ecg": "normal", "ecg_on": SCREENING}})
    assert finding.outcome == Outcome.MET


# --- NCT06569472 I6.4: "lung function is basically normal, SpO2 ≥92%" ------------------------

LUNG = {"spo2_minimum": 92}


@pytest.mark.parametrize(("spo2", "outcome"), [(91.9, Outcome.NOT_MET), (92, Outcome.MET)])
def test_basically_normal_lung_function_needs_spo2_92(spo2: float, outcome: Outcome) -> None:
    assert run("lung_function_basically_normal", LUNG,
               organ(spo2_percent=spo2)).outcome == outcome


def test_serious_lung_lesions_send_basically_normal_lung_function_to_review() -> None:
    finding = run("lung_function_basically_normal", LUNG,
                  organ(spo2_percent=97, serious_lung_lesions=True))
    assert finding.outcome == Outcome.REVIEW
    assert "serious lung lesions" in finding.evidence


@pytest.mark.parametrize(("fvc", "outcome"), [(79.9, Outcome.REVIEW), (80, Outcome.MET)])
def test_pulmonary_function_below_80_percent_goes_to_review(fvc: float,
                                                            outcome: Outcome) -> None:
    finding = run("lung_function_basically_normal", LUNG,
                  organ(spo2_percent=97, fvc_percent_predicted=fvc, dlco_percent_predicted=90))
    assert finding.outcome == outcome


def test_spo2_below_92_fails_whatever_else_is_recorded() -> None:
    finding = run("lung_function_basically_normal", LUNG,
                  organ(spo2_percent=90, serious_lung_lesions=True))
    assert finding.outcome == Outcome.NOT_MET


def test_basically_normal_lung_function_with_stale_spo2_is_unknown() -> None:
    finding = run("lung_function_basically_normal", LUNG, {"organ_function": {
        "spo2_percent": 98, "spo2_on": days_before(29)}})
    assert finding.outcome == Outcome.UNKNOWN
