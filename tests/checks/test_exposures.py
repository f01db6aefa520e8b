"""Dated exposures: live vaccines, transplants and GVHD, dialysis, CNS events, other studies,
prior CAR-T. Screening date 2026-11-02 throughout."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cartscreen.checks.base import Outcome

from .helpers import days_before, run


def events(**lists: Any) -> dict[str, Any]:
    return {"events": lists}


# --- live vaccines -----------------------------------------------------------------------------

FOUR_WEEKS = {"within_weeks": 4}


def test_live_vaccine_28_days_ago_still_excludes() -> None:
    finding = run("live_vaccine", FOUR_WEEKS, events(vaccines=[
        {"name": "MMR", "date": days_before(28), "live": True}]))
    assert finding.outcome == Outcome.NOT_MET
    assert "28 days before screening; window 28 days" in finding.evidence
    assert "MMR" in finding.evidence


def test_live_vaccine_29_days_ago_no_longer_excludes() -> None:
    finding = run("live_vaccine", FOUR_WEEKS, events(vaccines=[
        {"name": "MMR", "date": days_before(29), "live": True}]))
    assert finding.outcome == Outcome.MET


def test_live_vaccine_on_the_screening_day_excludes() -> None:
    finding = run("live_vaccine", FOUR_WEEKS, events(vaccines=[
        {"name": "varicella", "date": days_before(0), "live": True}]))
    assert finding.outcome == Outcome.NOT_MET


def test_inactivated_vaccine_in_the_window_does_not_exclude() -> None:
    finding = run("live_vaccine", FOUR_WEEKS, events(vaccines=[
        {"name": "influenza (inactivated)", "date": days_before(3), "live": False}]))
    assert finding.outcome == Outcome.MET


def test_vaccine_in_the_window_not_marked_live_or_not_is_unknown() -> None:
    finding = run("live_vaccine", FOUR_WEEKS, events(vaccines=[
        {"name": "influenza", "date": date(2026, 10, 20), "live": False},
        {"name": "travel vaccine", "date": days_before(10)}]))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.vaccines[1].live",)


def test_vaccination_history_not_recorded_is_unknown_and_none_given_meets() -> None:
    unknown = run("live_vaccine", FOUR_WEEKS, {})
    assert unknown.outcome == Outcome.UNKNOWN
    assert unknown.missing == ("events.vaccines",)
    assert run("live_vaccine", FOUR_WEEKS, events(vaccines=[])).outcome == Outcome.MET


# --- transplants and GVHD ----------------------------------------------------------------------

THREE_MONTHS = {"within_months": 3}
EVER: dict[str, Any] = {}


def transplant(on: date, **extra: Any) -> dict[str, Any]:
    return events(transplants=[{"type": "hsct", "date": on, **extra}])


def test_transplant_exactly_3_calendar_months_before_screening_excludes() -> None:
    finding = run("transplant", THREE_MONTHS, transplant(date(2026, 8, 2)))
    assert finding.outcome == Outcome.NOT_MET
    assert "2026-08-02" in finding.evidence


def test_transplant_a_day_earlier_than_3_months_does_not_exclude() -> None:
    finding = run("transplant", THREE_MONTHS, transplant(date(2026, 8, 1)))
    assert finding.outcome == Outcome.MET


def test_transplant_2_years_ago_excludes_where_any_history_of_transplant_does() -> None:
    finding = run("transplant", EVER, transplant(date(2024, 11, 2)))
    assert finding.outcome == Outcome.NOT_MET
    assert "hematopoietic stem cell transplant" in finding.evidence


def test_solid_organ_transplant_is_a_transplant_too() -> None:
    finding = run("transplant", EVER, events(transplants=[
        {"type": "solid_organ", "date": date(2020, 5, 1)}]))
    assert finding.outcome == Outcome.NOT_MET
    assert "solid organ" in finding.evidence


def test_transplant_history_unrecorded_is_unknown() -> None:
    finding = run("transplant", THREE_MONTHS, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.transplants",)


GVHD_2_14 = {"min_grade": 2, "within_days": 14}


def gvhd(grade: int, resolved: date | str | None) -> dict[str, Any]:
    episode: dict[str, Any] = {"grade": grade, "onset": date(2026, 9, 1)}
    if resolved is not None:
        episode["resolved"] = resolved
    return transplant(date(2026, 6, 1), gvhd=[episode])


def test_grade_2_gvhd_resolved_14_days_before_screening_excludes() -> None:
    finding = run("gvhd", GVHD_2_14, gvhd(2, days_before(14)))
    assert finding.outcome == Outcome.NOT_MET
    assert "grade 2" in finding.evidence


def test_grade_2_gvhd_resolved_15_days_before_screening_does_not_exclude() -> None:
    assert run("gvhd", GVHD_2_14, gvhd(2, days_before(15))).outcome == Outcome.MET


@pytest.mark.parametrize("resolved", ["ongoing", None, days_before(1)])
def test_grade_1_gvhd_never_excludes(resolved: date | str | None) -> None:
    assert run("gvhd", GVHD_2_14, gvhd(1, resolved)).outcome == Outcome.MET


def test_ongoing_grade_3_gvhd_excludes() -> None:
    assert run("gvhd", GVHD_2_14, gvhd(3, "ongoing")).outcome == Outcome.NOT_MET


def test_grade_3_gvhd_begun_before_the_window_with_its_end_unrecorded_is_unknown() -> None:
    finding = run("gvhd", GVHD_2_14, gvhd(3, None))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.transplants[0].gvhd[0].resolved",)


def test_no_transplant_means_no_gvhd_and_unrecorded_is_unknown() -> None:
    assert run("gvhd", GVHD_2_14, events(transplants=[])).outcome == Outcome.MET
    unknown = run("gvhd", GVHD_2_14, {})
    assert unknown.outcome == Outcome.UNKNOWN
    assert unknown.missing == ("events.transplants",)


def test_gvhd_not_recorded_after_a_stem_cell_transplant_is_unknown() -> None:
    # A transplant entry without a gvhd list says nothing about GVHD; missing data must not
    # pass the criterion (an empty list would say "no GVHD").
    finding = run("gvhd", GVHD_2_14, events(transplants=[
        {"type": "hsct", "date": date(2026, 6, 1)}]))
    assert finding.outcome == Outcome.UNKNOWN


# --- renal replacement therapy -------------------------------------------------------------------


def test_ongoing_renal_replacement_therapy_excludes() -> None:
    finding = run("renal_replacement_therapy", THREE_MONTHS, events(
        renal_replacement_therapy=[{"start": date(2025, 1, 1), "end": "ongoing"}]))
    assert finding.outcome == Outcome.NOT_MET
    assert "ongoing" in finding.evidence


def test_renal_replacement_begun_before_the_window_with_its_end_unrecorded_is_unknown() -> None:
    finding = run("renal_replacement_therapy", THREE_MONTHS, events(
        renal_replacement_therapy=[{"start": date(2025, 1, 1)}]))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.renal_replacement_therapy[0].end",)


def test_renal_replacement_begun_in_the_window_excludes_whatever_its_end() -> None:
    finding = run("renal_replacement_therapy", THREE_MONTHS, events(
        renal_replacement_therapy=[{"start": days_before(20)}]))
    assert finding.outcome == Outcome.NOT_MET


def test_dialysis_ending_exactly_3_months_before_screening_excludes() -> None:
    finding = run("renal_replacement_therapy", THREE_MONTHS, events(
        renal_replacement_therapy=[{"start": date(2026, 7, 1), "end": date(2026, 8, 2)}]))
    assert finding.outcome == Outcome.NOT_MET


def test_dialysis_ending_a_day_before_the_3_month_window_does_not_exclude() -> None:
    finding = run("renal_replacement_therapy", THREE_MONTHS, events(
        renal_replacement_therapy=[{"start": date(2026, 7, 1), "end": date(2026, 8, 1)}]))
    assert finding.outcome == Outcome.MET


def test_renal_replacement_history_unrecorded_is_unknown() -> None:
    finding = run("renal_replacement_therapy", THREE_MONTHS, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.renal_replacement_therapy",)


# --- CNS ------------------------------------------------------------------------------------------

SIXTY_DAYS = {"within_days": 60}


def cns_lupus(on: date, **flags: Any) -> dict[str, Any]:
    event = {"description": "lupus seizure", "date": on, "neuropsychiatric_lupus": True,
             "required_intervention": True, **flags}
    return events(cns_events=[{k: v for k, v in event.items() if v is not None}])


def test_cns_lupus_needing_intervention_60_days_ago_excludes() -> None:
    finding = run("cns_lupus_intervention", SIXTY_DAYS, cns_lupus(days_before(60)))
    assert finding.outcome == Outcome.NOT_MET
    assert "60 days before screening" in finding.evidence


def test_cns_lupus_needing_intervention_61_days_ago_does_not_exclude() -> None:
    assert run("cns_lupus_intervention", SIXTY_DAYS, cns_lupus(
        days_before(61), intervention_end=days_before(61), active=False)).outcome == Outcome.MET


def test_old_cns_lupus_still_active_excludes_whatever_its_date() -> None:
    # The review's case: neuropsychiatric lupus still active excluded only when it began in
    # the window.
    finding = run("cns_lupus_intervention", SIXTY_DAYS, cns_lupus(
        date(2025, 6, 1), intervention_end=date(2025, 8, 1), active=True))
    assert finding.outcome == Outcome.NOT_MET
    assert "still active" in finding.evidence


@pytest.mark.parametrize(("end", "outcome"), [
    ("ongoing", Outcome.NOT_MET), (days_before(60), Outcome.NOT_MET),
    (days_before(61), Outcome.MET), (None, Outcome.UNKNOWN)])
def test_old_cns_lupus_excludes_while_its_intervention_reaches_the_window(
    end: date | str | None, outcome: Outcome
) -> None:
    finding = run("cns_lupus_intervention", SIXTY_DAYS, cns_lupus(
        date(2025, 6, 1), intervention_end=end, active=False))
    assert finding.outcome == outcome
    if outcome == Outcome.UNKNOWN:
        assert finding.missing == ("events.cns_events[0].intervention_end",)


def test_old_cns_lupus_whose_activity_is_unrecorded_is_unknown() -> None:
    finding = run("cns_lupus_intervention", SIXTY_DAYS, cns_lupus(
        date(2025, 6, 1), intervention_end=date(2025, 8, 1)))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.cns_events[0].active",)


def test_cns_event_that_was_not_lupus_does_not_exclude() -> None:
    assert run("cns_lupus_intervention", SIXTY_DAYS,
               cns_lupus(days_before(10), neuropsychiatric_lupus=False)).outcome == Outcome.MET


def test_cns_lupus_with_intervention_unrecorded_is_unknown() -> None:
    finding = run("cns_lupus_intervention", SIXTY_DAYS,
                  cns_lupus(days_before(10), required_intervention=None, active=False))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.cns_events[0].required_intervention",)


@pytest.mark.parametrize(("active", "outcome"), [(True, Outcome.NOT_MET), (False, Outcome.MET)])
def test_active_cns_disease(active: bool, outcome: Outcome) -> None:
    finding = run("active_cns_disease", {}, events(cns_events=[
        {"description": "epilepsy", "date": date(2023, 1, 1), "active": active}]))
    assert finding.outcome == outcome


def test_cns_condition_with_activity_unrecorded_is_unknown() -> None:
    finding = run("active_cns_disease", {}, events(cns_events=[
        {"description": "epilepsy", "date": date(2023, 1, 1)}]))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.cns_events[0].active",)


# --- other studies --------------------------------------------------------------------------------

ONE_MONTH = {"within_months": 1, "observational": "excluded"}
ANY_STUDY = {"within_months": 3, "observational": "excluded"}
TRIALS_ONLY = {"within_months": 3, "observational": "review"}
INTERVENTIONAL = {"within_months": 3, "observational": "ignored"}


def study(end: date | str | None, interventional: bool | None = True) -> dict[str, Any]:
    item: dict[str, Any] = {"name": "JDM registry", "start": date(2026, 1, 1)}
    if end is not None:
        item["end"] = end
    if interventional is not None:
        item["interventional"] = interventional
    return events(studies=[item])


def test_other_study_ending_exactly_1_month_before_screening_excludes() -> None:
    finding = run("other_study", ONE_MONTH, study(date(2026, 10, 2)))
    assert finding.outcome == Outcome.NOT_MET
    assert "ended 2026-10-02" in finding.evidence


def test_other_study_ending_1_month_and_1_day_before_screening_does_not_exclude() -> None:
    assert run("other_study", ONE_MONTH, study(date(2026, 10, 1))).outcome == Outcome.MET


def test_ongoing_study_excludes() -> None:
    finding = run("other_study", ONE_MONTH, study("ongoing"))
    assert finding.outcome == Outcome.NOT_MET
    assert "ongoing" in finding.evidence


def test_study_begun_before_the_window_with_its_end_unrecorded_is_unknown() -> None:
    finding = run("other_study", ONE_MONTH, study(None))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.studies[0].end",)


def test_observational_study_does_not_exclude_where_only_interventional_ones_do() -> None:
    assert run("other_study", INTERVENTIONAL,
               study("ongoing", interventional=False)).outcome == Outcome.MET


def test_observational_study_excludes_where_any_study_does() -> None:
    assert run("other_study", ANY_STUDY,
               study("ongoing", interventional=False)).outcome == Outcome.NOT_MET


def test_observational_study_goes_to_review_where_the_registry_says_clinical_trials() -> None:
    # NCT06569472 E14 ("other clinical trials"): an observational study or registry is not
    # plainly a trial.
    finding = run("other_study", TRIALS_ONLY, study("ongoing", interventional=False))
    assert finding.outcome == Outcome.REVIEW
    assert run("other_study", TRIALS_ONLY,
               study("ongoing", interventional=True)).outcome == Outcome.NOT_MET


@pytest.mark.parametrize("params", [INTERVENTIONAL, TRIALS_ONLY])
def test_study_of_unrecorded_kind_is_unknown_where_observational_ones_may_not_count(
    params: dict[str, Any]
) -> None:
    finding = run("other_study", params, study("ongoing", interventional=None))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.studies[0].interventional",)


def test_study_of_unrecorded_kind_excludes_where_any_study_does() -> None:
    assert run("other_study", ANY_STUDY,
               study("ongoing", interventional=None)).outcome == Outcome.NOT_MET


def test_study_history_unrecorded_is_unknown() -> None:
    finding = run("other_study", ONE_MONTH, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.studies",)


# --- prior CAR-T ----------------------------------------------------------------------------------

NO_EXCEPTION = {"exception": "none"}
CD19_EXCEPTION = {"exception": "cd19_relapse_or_poor_response"}
SAFETY = {"exception": "investigator_safety"}


def car_t(target: str, outcome: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {"target": target, "date": date(2025, 5, 1)}
    if outcome is not None:
        item["outcome"] = outcome
    return events(car_t=[item])


@pytest.mark.parametrize("params", [NO_EXCEPTION, CD19_EXCEPTION, SAFETY])
def test_never_treated_with_car_t_meets(params: dict[str, str]) -> None:
    assert run("prior_car_t", params, events(car_t=[])).outcome == Outcome.MET


def test_relapse_after_cd19_car_t_excludes_without_an_exception() -> None:
    finding = run("prior_car_t", NO_EXCEPTION, car_t("cd19", "relapsed"))
    assert finding.outcome == Outcome.NOT_MET
    assert "CD19 CAR-T 2025-05-01" in finding.evidence


@pytest.mark.parametrize("outcome", ["relapsed", "poor_response"])
def test_relapse_or_poor_response_after_cd19_car_t_goes_to_the_investigator(outcome: str) -> None:
    finding = run("prior_car_t", CD19_EXCEPTION, car_t("cd19", outcome))
    assert finding.outcome == Outcome.REVIEW


def test_cd19_car_t_that_worked_is_not_excepted() -> None:
    finding = run("prior_car_t", CD19_EXCEPTION, car_t("cd19", "responded"))
    assert finding.outcome == Outcome.NOT_MET


def test_bcma_car_t_relapse_is_not_excepted() -> None:
    finding = run("prior_car_t", CD19_EXCEPTION, car_t("bcma", "relapsed"))
    assert finding.outcome == Outcome.NOT_MET
    assert "only CD19" in finding.evidence


def test_dual_target_cd19_bcma_relapse_goes_to_review_flagging_the_dual_target() -> None:
    finding = run("prior_car_t", CD19_EXCEPTION, car_t("cd19_bcma", "relapsed"))
    assert finding.outcome == Outcome.REVIEW
    assert "dual-target" in finding.evidence


def test_cd19_car_t_with_outcome_unrecorded_is_unknown() -> None:
    finding = run("prior_car_t", CD19_EXCEPTION, car_t("cd19", None))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.car_t[0].outcome",)


def test_any_prior_car_t_goes_to_review_where_investigators_may_clear_safety() -> None:
    assert run("prior_car_t", SAFETY, car_t("bcma", "responded")).outcome == Outcome.REVIEW


def test_car_t_history_unrecorded_is_unknown() -> None:
    finding = run("prior_car_t", NO_EXCEPTION, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.car_t",)


@pytest.mark.parametrize("name", ["MMR", "varicella", "BCG", "rotavirus (Rotarix)",
                                  "LAIV (FluMist)", "yellow fever", "oral polio (OPV)",
                                  "oral typhoid (Vivotif)"])
def test_a_vaccine_known_as_live_is_live_when_live_is_left_out(name: str) -> None:
    finding = run("live_vaccine", {"within_weeks": 4}, events(vaccines=[
        {"name": name, "date": days_before(10)}]))
    assert finding.outcome == Outcome.NOT_MET
    assert "is a live vaccine" in finding.evidence


def test_a_vaccine_of_unknown_kind_left_unmarked_is_unknown() -> None:
    finding = run("live_vaccine", {"within_weeks": 4}, events(vaccines=[
        {"name": "influenza", "date": days_before(10)}]))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("events.vaccines[0].live",)
