"""Medical history: malignancy, immunodeficiency, cardiac disease, other autoimmune disease,
other conditions needing long-term immunosuppression."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cartscreen.checks.base import Outcome

from .helpers import RECENT, days_before, run

CURED_BCC = {"type": "basal cell carcinoma", "status": "cured", "resected": True,
             "skin_basal_cell_carcinoma": True, "diagnosed": date(2024, 3, 1)}
ALL_IN_REMISSION = {"type": "acute lymphoblastic leukaemia", "status": "in_remission",
                    "diagnosed": date(2019, 6, 1)}


def malignancies(*items: dict[str, Any]) -> dict[str, Any]:
    return {"history": {"malignancies": list(items)}}


def test_resected_cured_basal_cell_carcinoma_is_exempt_where_the_registry_says_so() -> None:
    finding = run("malignancy", {"cured_basal_cell": "exempt"}, malignancies(CURED_BCC))
    assert finding.outcome == Outcome.MET
    assert "basal cell carcinoma" in finding.evidence


def test_cured_basal_cell_carcinoma_excludes_where_no_exception_is_named() -> None:
    finding = run("malignancy", {"cured_basal_cell": "excluded"}, malignancies(CURED_BCC))
    assert finding.outcome == Outcome.NOT_MET


def test_cured_basal_cell_carcinoma_goes_to_review_where_criteria_conflict() -> None:
    finding = run("malignancy", {"cured_basal_cell": "review"}, malignancies(CURED_BCC))
    assert finding.outcome == Outcome.REVIEW


def test_unresected_basal_cell_carcinoma_is_not_exempt() -> None:
    finding = run("malignancy", {"cured_basal_cell": "exempt"},
                  malignancies({**CURED_BCC, "resected": False}))
    assert finding.outcome == Outcome.NOT_MET


@pytest.mark.parametrize("handling", ["exempt", "excluded", "review"])
def test_leukaemia_in_remission_excludes(handling: str) -> None:
    finding = run("malignancy", {"cured_basal_cell": handling}, malignancies(ALL_IN_REMISSION))
    assert finding.outcome == Outcome.NOT_MET
    assert "acute lymphoblastic leukaemia" in finding.evidence


def test_leukaemia_beside_an_exempt_bcc_still_excludes() -> None:
    finding = run("malignancy", {"cured_basal_cell": "exempt"},
                  malignancies(CURED_BCC, ALL_IN_REMISSION))
    assert finding.outcome == Outcome.NOT_MET


def test_no_malignancy_meets_and_unrecorded_is_unknown() -> None:
    assert run("malignancy", {"cured_basal_cell": "exempt"},
               malignancies()).outcome == Outcome.MET
    unknown = run("malignancy", {"cured_basal_cell": "exempt"}, {})
    assert unknown.outcome == Outcome.UNKNOWN
    assert unknown.missing == ("history.malignancies",)


# --- immunodeficiency -------------------------------------------------------------------------


def test_primary_immunodeficiency_excludes() -> None:
    finding = run("immunodeficiency", {}, {"history": {"primary_immunodeficiency": True}})
    assert finding.outcome == Outcome.NOT_MET


def test_uncorrected_secondary_immunodeficiency_goes_to_review() -> None:
    finding = run("immunodeficiency", {}, {"history": {
        "primary_immunodeficiency": False, "secondary_immunodeficiency": "uncorrected"}})
    assert finding.outcome == Outcome.REVIEW


def test_corrected_secondary_immunodeficiency_does_not_exclude() -> None:
    finding = run("immunodeficiency", {}, {"history": {
        "primary_immunodeficiency": False, "secondary_immunodeficiency": "corrected"}})
    assert finding.outcome == Outcome.MET


def test_immunodeficiency_history_unrecorded_is_unknown() -> None:
    finding = run("immunodeficiency", {}, {"history": {"primary_immunodeficiency": False}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("history.secondary_immunodeficiency",)


def test_uncorrected_secondary_immunodeficiency_does_not_hide_unrecorded_primary_one() -> None:
    # Review does not block a verdict; an unrecorded primary immunodeficiency could exclude,
    # so the finding must stay unknown and name it.
    finding = run("immunodeficiency", {},
                  {"history": {"secondary_immunodeficiency": "uncorrected"}})
    assert finding.outcome == Outcome.UNKNOWN
    assert "history.primary_immunodeficiency" in finding.missing


# --- cardiac -----------------------------------------------------------------------------------

CONDITIONS = ["congenital_heart_disease", "severe_arrhythmia", "serious_myocarditis",
              "vasopressor_dependent"]
SLE_CARDIAC = {"conditions": CONDITIONS, "pericardial_effusion_at_least": "moderate",
               "myocardial_infarction_within_months": 6}
JDM_CARDIAC = {"conditions": CONDITIONS, "pericardial_effusion_at_least": "large",
               "myocardial_infarction_within_months": 6}
HEALTHY = {"congenital_heart_disease": False, "severe_arrhythmia": False,
           "serious_myocarditis": False, "vasopressor_dependent": False,
           "pericardial_effusion": "none", "myocardial_infarctions": [],
           "other_serious_conditions": []}


def heart(echo_on: date = RECENT, **values: Any) -> dict[str, Any]:
    """A cardiac history, with the effusion seen on an echocardiogram of ``echo_on``."""
    return {"history": {"cardiac": {**HEALTHY, **values}},
            "organ_function": {"echo_on": echo_on}}


def test_healthy_heart_meets() -> None:
    assert run("cardiac_conditions", SLE_CARDIAC, heart()).outcome == Outcome.MET


def test_myocardial_infarction_exactly_6_months_before_screening_excludes() -> None:
    finding = run("cardiac_conditions", SLE_CARDIAC,
                  heart(myocardial_infarctions=[date(2026, 5, 2)]))
    assert finding.outcome == Outcome.NOT_MET
    assert "myocardial infarction 2026-05-02" in finding.evidence


def test_myocardial_infarction_6_months_and_a_day_before_does_not_exclude() -> None:
    finding = run("cardiac_conditions", SLE_CARDIAC,
                  heart(myocardial_infarctions=[date(2026, 5, 1)]))
    assert finding.outcome == Outcome.MET


def test_myocardial_infarction_7_months_before_does_not_exclude() -> None:
    finding = run("cardiac_conditions", SLE_CARDIAC,
                  heart(myocardial_infarctions=[date(2026, 4, 2)]))
    assert finding.outcome == Outcome.MET


def test_moderate_pericardial_effusion_excludes_where_moderate_to_massive_does() -> None:
    finding = run("cardiac_conditions", SLE_CARDIAC, heart(pericardial_effusion="moderate"))
    assert finding.outcome == Outcome.NOT_MET
    assert "moderate pericardial effusion" in finding.evidence


def test_small_pericardial_effusion_does_not_exclude_where_moderate_does() -> None:
    assert run("cardiac_conditions", SLE_CARDIAC,
               heart(pericardial_effusion="small")).outcome == Outcome.MET


def test_moderate_pericardial_effusion_does_not_exclude_where_only_large_does() -> None:
    assert run("cardiac_conditions", JDM_CARDIAC,
               heart(pericardial_effusion="moderate")).outcome == Outcome.MET


def test_large_pericardial_effusion_excludes_where_large_does() -> None:
    assert run("cardiac_conditions", JDM_CARDIAC,
               heart(pericardial_effusion="large")).outcome == Outcome.NOT_MET


@pytest.mark.parametrize("condition", CONDITIONS)
def test_each_listed_cardiac_condition_excludes(condition: str) -> None:
    assert run("cardiac_conditions", SLE_CARDIAC,
               heart(**{condition: True})).outcome == Outcome.NOT_MET


def test_other_serious_cardiac_condition_goes_to_review() -> None:
    finding = run("cardiac_conditions", SLE_CARDIAC,
                  heart(other_serious_conditions=["dilated cardiomyopathy"]))
    assert finding.outcome == Outcome.REVIEW
    assert "dilated cardiomyopathy" in finding.evidence


def test_open_list_cardiac_condition_does_not_hide_unrecorded_listed_ones() -> None:
    # Review does not block a verdict; unrecorded listed conditions could exclude.
    finding = run("cardiac_conditions", SLE_CARDIAC, {"history": {"cardiac": {
        "other_serious_conditions": ["dilated cardiomyopathy"]}}})
    assert finding.outcome == Outcome.UNKNOWN
    assert "history.cardiac.congenital_heart_disease" in finding.missing


def test_unrecorded_cardiac_items_are_unknown_and_named() -> None:
    finding = run("cardiac_conditions", SLE_CARDIAC,
                  {"history": {"cardiac": {"congenital_heart_disease": False}}})
    assert finding.outcome == Outcome.UNKNOWN
    assert set(finding.missing) == {
        "history.cardiac.severe_arrhythmia", "history.cardiac.serious_myocarditis",
        "history.cardiac.vasopressor_dependent", "history.cardiac.pericardial_effusion",
        "history.cardiac.myocardial_infarctions", "history.cardiac.other_serious_conditions"}


def test_unrecorded_other_cardiac_conditions_are_unknown_not_none() -> None:
    # The registry lists end in "etc.": whether there is another serious condition is a fact.
    finding = run("cardiac_conditions", SLE_CARDIAC, {"history": {"cardiac": {
        k: v for k, v in HEALTHY.items() if k != "other_serious_conditions"}},
        "organ_function": {"echo_on": RECENT}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("history.cardiac.other_serious_conditions",)


@pytest.mark.parametrize(("days", "outcome"), [(28, Outcome.MET), (29, Outcome.UNKNOWN)])
def test_pericardial_effusion_comes_from_an_echocardiogram_of_the_last_28_days(
    days: int, outcome: Outcome
) -> None:
    finding = run("cardiac_conditions", SLE_CARDIAC, heart(echo_on=days_before(days)))
    assert finding.outcome == outcome
    if outcome == Outcome.UNKNOWN:
        assert finding.missing == ("history.cardiac.pericardial_effusion",)


def test_undated_pericardial_effusion_names_the_echocardiogram_date() -> None:
    finding = run("cardiac_conditions", SLE_CARDIAC, {"history": {"cardiac": HEALTHY}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("organ_function.echo_on",)


# --- other autoimmune disease, long-term immunosuppression --------------------------------------


@pytest.mark.parametrize(("check", "key"), [
    ("other_autoimmune_disease", "other_autoimmune_diseases"),
    ("other_condition_needing_immunosuppression",
     "conditions_requiring_long_term_immunosuppression"),
])
def test_listed_history_excludes_empty_meets_absent_unknown(check: str, key: str) -> None:
    excluded = run(check, {}, {"history": {key: ["type 1 diabetes"]}})
    assert excluded.outcome == Outcome.NOT_MET
    assert "type 1 diabetes" in excluded.evidence
    assert run(check, {}, {"history": {key: []}}).outcome == Outcome.MET
    unknown = run(check, {}, {})
    assert unknown.outcome == Outcome.UNKNOWN
    assert unknown.missing == (f"history.{key}",)


@pytest.mark.parametrize("unrecorded", ["resected", "status", "skin_basal_cell_carcinoma"])
def test_basal_cell_exemption_with_a_fact_unrecorded_is_unknown_not_excluded(
    unrecorded: str
) -> None:
    # The review's case: resected (or status) unrecorded failed the exemption.
    item = {k: v for k, v in CURED_BCC.items() if k != unrecorded}
    finding = run("malignancy", {"cured_basal_cell": "exempt"}, malignancies(item))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == (f"history.malignancies[0].{unrecorded}",)


@pytest.mark.parametrize("handling", ["exempt", "review"])
def test_a_malignancy_not_a_basal_cell_carcinoma_excludes_whatever_else_is_unrecorded(
    handling: str
) -> None:
    finding = run("malignancy", {"cured_basal_cell": handling}, malignancies(
        {"type": "Hodgkin lymphoma", "skin_basal_cell_carcinoma": False}))
    assert finding.outcome == Outcome.NOT_MET


def test_a_basal_cell_carcinoma_in_remission_is_not_cured() -> None:
    finding = run("malignancy", {"cured_basal_cell": "exempt"},
                  malignancies({**CURED_BCC, "status": "in_remission"}))
    assert finding.outcome == Outcome.NOT_MET
