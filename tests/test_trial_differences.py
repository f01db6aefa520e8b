"""The differences between the five bundled trials that the tool exists to keep apart, screened
through the real trial files with a minimal patient per case."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cartscreen.checks.base import Outcome
from cartscreen.engine import screen_trial
from cartscreen.patient import Patient
from cartscreen.result import CriterionResult, TrialResult
from cartscreen.trial import LoadedTrial

SCREENING = date(2026, 11, 2)

JDM_MULTI = "NCT07184450"  # BCMA/CD70: JDM, pJIA, SSc, pSS
JDM_CD19 = "NCT06569472"  # CD19: JDM (and IMNM)
SSC_CD19 = "NCT06792344"  # CD19: SSc
SLE_BCMA = "NCT06934447"  # BCMA/CD70: SLE
SLE_STEAM = "NCT06222853"  # CD19: SLE (STEAM)
ALL_TRIALS = (JDM_MULTI, JDM_CD19, SSC_CD19, SLE_BCMA, SLE_STEAM)

DISEASE = {JDM_MULTI: "jdm", JDM_CD19: "jdm", SSC_CD19: "ssc", SLE_BCMA: "sle",
           SLE_STEAM: "sle"}


def screen(trials: dict[str, LoadedTrial], trial_id: str, **facts: Any) -> TrialResult:
    facts.setdefault("diagnosis", {"disease": DISEASE[trial_id]})
    patient = Patient.model_validate({"id": "case", **facts})
    return screen_trial(trials[trial_id], patient, SCREENING)


def criterion(result: TrialResult, criterion_id: str) -> CriterionResult:
    matches = [c for c in result.criteria if c.id == criterion_id]
    assert len(matches) == 1, f"{result.trial_id} has no single criterion {criterion_id}"
    return matches[0]


def outcome(trials: dict[str, LoadedTrial], trial_id: str, criterion_id: str,
            **facts: Any) -> Outcome:
    return criterion(screen(trials, trial_id, **facts), criterion_id).outcome


# --- latent tuberculosis -------------------------------------------------------------------------

RECENT = date(2026, 10, 30)  # results 3 days before screening: current for every window
LATENT_TB = {"tuberculosis": {"status": "latent", "tested_on": RECENT}}


@pytest.mark.parametrize(("trial_id", "criterion_id", "expected"), [
    (JDM_MULTI, "E3b", Outcome.NOT_MET),
    (JDM_CD19, "E4b", Outcome.NOT_MET),
    (SSC_CD19, "E5", Outcome.MET),
])
def test_latent_tuberculosis_excludes_from_some_trials_only(
    bundled_trials: dict[str, LoadedTrial], trial_id: str, criterion_id: str, expected: Outcome
) -> None:
    assert outcome(bundled_trials, trial_id, criterion_id, **LATENT_TB) == expected


# --- CMV DNA -------------------------------------------------------------------------------------

CMV_POSITIVE = {"serology": {"cmv_dna": "positive", "tested_on": RECENT}}


@pytest.mark.parametrize(("trial_id", "criterion_id"), [
    (JDM_CD19, "E10e"), (SLE_BCMA, "E7e"), (SLE_STEAM, "E8e"),
])
def test_cmv_dna_positive_excludes(bundled_trials: dict[str, LoadedTrial], trial_id: str,
                                   criterion_id: str) -> None:
    found = criterion(screen(bundled_trials, trial_id, **CMV_POSITIVE), criterion_id)
    assert found.outcome == Outcome.NOT_MET
    assert "CMV DNA positive" in found.evidence


@pytest.mark.parametrize("trial_id", [JDM_MULTI, SSC_CD19])
def test_trials_without_a_cmv_criterion_ignore_cmv_dna(bundled_trials: dict[str, LoadedTrial],
                                                       trial_id: str) -> None:
    result = screen(bundled_trials, trial_id, **CMV_POSITIVE)
    assert not [c.id for c in result.criteria if "serology.cmv_dna" in c.read]
    assert not [c.id for c in result.criteria if "CMV" in c.evidence or "CMV" in c.rule]


# --- other studies -------------------------------------------------------------------------------

STUDY_2_MONTHS_AGO = {"events": {"studies": [
    {"name": "lupus registry", "interventional": False, "start": date(2026, 1, 1),
     "end": date(2026, 9, 2)}]}}


def test_study_ended_2_months_ago_excludes_from_steam_3_month_window(
    bundled_trials: dict[str, LoadedTrial],
) -> None:
    assert outcome(bundled_trials, SLE_STEAM, "E12", **STUDY_2_MONTHS_AGO) == Outcome.NOT_MET


def test_study_ended_2_months_ago_does_not_exclude_from_1_month_window(
    bundled_trials: dict[str, LoadedTrial],
) -> None:
    assert outcome(bundled_trials, SLE_BCMA, "E11a", **STUDY_2_MONTHS_AGO) == Outcome.MET


# --- relapse after CD19 CAR-T --------------------------------------------------------------------

CD19_RELAPSE = {"events": {"car_t": [
    {"target": "cd19", "date": date(2025, 3, 1), "product": "autologous",
     "outcome": "relapsed"}]}}


@pytest.mark.parametrize(("trial_id", "criterion_id", "expected"), [
    (SLE_BCMA, "I5", Outcome.REVIEW),
    (JDM_MULTI, "I4", Outcome.REVIEW),
    (SLE_STEAM, "E1", Outcome.NOT_MET),
    (JDM_CD19, "E1", Outcome.NOT_MET),
    (SSC_CD19, "E2", Outcome.REVIEW),
])
def test_relapse_after_cd19_car_t(bundled_trials: dict[str, LoadedTrial], trial_id: str,
                                  criterion_id: str, expected: Outcome) -> None:
    assert outcome(bundled_trials, trial_id, criterion_id, **CD19_RELAPSE) == expected


# --- transplant 2 years ago ----------------------------------------------------------------------

TRANSPLANT_2_YEARS_AGO = {"events": {"transplants": [{"type": "hsct", "date": date(2024, 11, 2)}]}}


@pytest.mark.parametrize(("trial_id", "criterion_id", "expected"), [
    (SLE_STEAM, "E7a", Outcome.NOT_MET),
    (SLE_BCMA, "E6a", Outcome.NOT_MET),
    (JDM_MULTI, "E7a", Outcome.MET),
    (JDM_CD19, "E9a", Outcome.MET),
    (SSC_CD19, "E7a", Outcome.MET),
])
def test_transplant_2_years_ago_excludes_only_where_any_history_does(
    bundled_trials: dict[str, LoadedTrial], trial_id: str, criterion_id: str, expected: Outcome
) -> None:
    assert outcome(bundled_trials, trial_id, criterion_id, **TRANSPLANT_2_YEARS_AGO) == expected


# --- ages ----------------------------------------------------------------------------------------


def aged(years: int) -> dict[str, date]:
    return {"birth_date": date(SCREENING.year - years, SCREENING.month, SCREENING.day)}


@pytest.mark.parametrize(("trial_id", "criterion_id", "years", "expected"), [
    (JDM_CD19, "I1", 16, Outcome.MET),
    (JDM_CD19, "I1", 17, Outcome.NOT_MET),
    (SLE_STEAM, "I1", 18, Outcome.MET),
    (SLE_STEAM, "I1", 19, Outcome.NOT_MET),
    (SSC_CD19, "I1b", 18, Outcome.MET),
    (SSC_CD19, "I1b", 19, Outcome.NOT_MET),
    (SLE_BCMA, "I1", 19, Outcome.MET),
    (JDM_MULTI, "I1", 19, Outcome.MET),
    (JDM_MULTI, "I1", 4, Outcome.NOT_MET),
])
def test_age_limits_differ_between_trials(bundled_trials: dict[str, LoadedTrial], trial_id: str,
                                          criterion_id: str, years: int,
                                          expected: Outcome) -> None:
    assert outcome(bundled_trials, trial_id, criterion_id, **aged(years)) == expected


# --- pericardial effusion ------------------------------------------------------------------------

HEART_WITH_MODERATE_EFFUSION = {"organ_function": {"echo_on": RECENT}, "history": {"cardiac": {
    "congenital_heart_disease": False, "severe_arrhythmia": False, "serious_myocarditis": False,
    "vasopressor_dependent": False, "pericardial_effusion": "moderate",
    "myocardial_infarctions": [], "other_serious_conditions": []}}}


@pytest.mark.parametrize(("trial_id", "criterion_id", "expected"), [
    (SLE_STEAM, "E4", Outcome.NOT_MET),
    (SLE_BCMA, "E3", Outcome.NOT_MET),
    (JDM_MULTI, "E5", Outcome.MET),
    (JDM_CD19, "E6", Outcome.MET),
    (SSC_CD19, "E4", Outcome.MET),
])
def test_moderate_pericardial_effusion_excludes_from_the_lupus_trials_only(
    bundled_trials: dict[str, LoadedTrial], trial_id: str, criterion_id: str, expected: Outcome
) -> None:
    found = criterion(screen(bundled_trials, trial_id, **HEART_WITH_MODERATE_EFFUSION),
                      criterion_id)
    assert found.outcome == expected
    if expected == Outcome.NOT_MET:
        assert "moderate pericardial effusion" in found.evidence


# --- each difference decides the verdict ---------------------------------------------------------


def test_a_single_trial_difference_is_enough_to_make_a_trial_ineligible(
    bundled_trials: dict[str, LoadedTrial],
) -> None:
    steam = screen(bundled_trials, SLE_STEAM, **STUDY_2_MONTHS_AGO)
    bcma = screen(bundled_trials, SLE_BCMA, **STUDY_2_MONTHS_AGO)
    assert steam.verdict == "ineligible"
    assert bcma.verdict != "ineligible"


def test_every_bundled_trial_is_covered(bundled_trials: dict[str, LoadedTrial]) -> None:
    assert set(bundled_trials) == set(ALL_TRIALS)
