"""Refractoriness from the treatment history: steroid dose, duration, drug counts, responses."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cartscreen.checks.base import Outcome
from cartscreen.checks.registry import CHECKS

from .helpers import run


def course(drug: str, start: date, end: date | str | None = None,
           response: str | None = "inadequate", **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"drug": drug, "start": start, **extra}
    if end is not None:
        item["end"] = end
    if response is not None:
        item["response"] = response
    return item


def oral(drug: str, start: date, end: date | str | None = None, **extra: Any) -> dict[str, Any]:
    """A course by mouth: glucocorticoids, tacrolimus and cyclosporine need their route."""
    return course(drug, start, end, route="oral", **extra)


def history(*courses: dict[str, Any], **patient: Any) -> dict[str, Any]:
    return {"treatments": list(courses), **patient}


def requirement(label: str, drugs: list[str], **conditions: Any) -> dict[str, Any]:
    return {"label": label, "drugs": drugs, **conditions}


def rule(*requirements: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {"requirements": list(requirements), **options}


JAN = date(2026, 1, 1)
ONGOING = "ongoing"

# STEAM (NCT06222853) I2b: ≥3 months of prednisone ≥1 mg/kg/d, HCQ, and 2 of a list.
HIGH_DOSE = requirement("high-dose glucocorticoids", ["class:glucocorticoid"],
                        min_prednisone_mg_per_kg_day=1.0, responses=["inadequate"])
HIGH_DOSE_3M = {**HIGH_DOSE, "min_months": 3}
GC_6M = requirement("glucocorticoids", ["class:glucocorticoid"], min_months=6)
TWO_IMMUNOSUPPRESSANTS = requirement("immunosuppressants", ["class:immunosuppressant"],
                                     min_distinct=2)


# --- prednisone-equivalent dose --------------------------------------------------------------


def test_methylprednisolone_32_mg_a_day_at_40_kg_is_1_mg_per_kg_prednisone_equivalent() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        oral("methylprednisolone", JAN, dose=32, dose_unit="mg/day"), weight_kg=40))
    assert finding.outcome == Outcome.MET
    assert "1 mg/kg/day prednisone-equivalent" in finding.evidence


def test_methylprednisolone_31_mg_a_day_at_40_kg_falls_short_of_1_mg_per_kg() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        oral("methylprednisolone", JAN, dose=31, dose_unit="mg/day"), weight_kg=40))
    assert finding.outcome == Outcome.NOT_MET
    assert "0.97 mg/kg/day prednisone-equivalent < 1" in finding.evidence


def test_dexamethasone_6_mg_equals_prednisone_40_mg_at_40_kg() -> None:
    dexamethasone = run("treatment_history", rule(HIGH_DOSE), history(
        course("dexamethasone", JAN, dose=6, dose_unit="mg/day", route="iv"), weight_kg=40))
    prednisone = run("treatment_history", rule(HIGH_DOSE), history(
        oral("prednisone", JAN, dose=40, dose_unit="mg/day"), weight_kg=40))
    assert dexamethasone.outcome == prednisone.outcome == Outcome.MET
    assert "dexamethasone 1 mg/kg/day" in dexamethasone.evidence


def test_dexamethasone_just_under_6_mg_at_40_kg_falls_short_by_any_route() -> None:
    # Below the threshold orally or IV, and not converted by any other route: no route recorded
    # cannot make it count.
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        course("dexamethasone", JAN, dose=5.9, dose_unit="mg/day"), weight_kg=40))
    assert finding.outcome == Outcome.NOT_MET


def test_prednisolone_dosed_in_mg_per_kg_needs_no_weight() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        oral("prednisolone", JAN, dose=1.0, dose_unit="mg/kg/day")))
    assert finding.outcome == Outcome.MET
    assert "weight_kg" not in finding.read


@pytest.mark.parametrize(("dose", "outcome"), [(0.8, Outcome.MET), (0.79, Outcome.NOT_MET)])
def test_methylprednisolone_in_mg_per_kg_converts_to_prednisone(
    dose: float, outcome: Outcome
) -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        oral("methylprednisolone", JAN, dose=dose, dose_unit="mg/kg/day")))
    assert finding.outcome == outcome


def test_weight_recorded_for_the_course_overrides_todays_weight() -> None:
    # 32 mg methylprednisolone = 40 mg prednisone: 1.0 mg/kg at the course's 40 kg,
    # only 0.8 mg/kg at today's 50 kg.
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        oral("methylprednisolone", JAN, dose=32, dose_unit="mg/day", weight_kg=40),
        weight_kg=50))
    assert finding.outcome == Outcome.MET


def test_todays_weight_is_used_when_the_course_has_none() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        oral("methylprednisolone", JAN, dose=32, dose_unit="mg/day"), weight_kg=50))
    assert finding.outcome == Outcome.NOT_MET
    assert "0.8 mg/kg/day" in finding.evidence


def test_mg_per_day_dose_without_any_weight_is_unknown_naming_weight() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        oral("prednisone", JAN, dose=40, dose_unit="mg/day")))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("weight_kg",)


def test_steroid_course_without_a_dose_is_unknown_naming_the_dose() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(oral("prednisone", JAN)))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[0].dose",)


def test_intra_articular_triamcinolone_is_not_converted_or_counted() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        course("triamcinolone", JAN, dose=40, dose_unit="mg/day", route="intra_articular"),
        weight_kg=20))
    assert finding.outcome == Outcome.NOT_MET
    assert "intra-articular route" in finding.evidence


def test_intramuscular_steroid_is_not_converted() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        course("methylprednisolone", JAN, dose=80, dose_unit="mg/day", route="im"),
        weight_kg=20))
    assert finding.outcome == Outcome.NOT_MET
    assert "intramuscular route is not converted" in finding.evidence


def test_topical_steroid_is_not_glucocorticoid_therapy_for_six_months() -> None:
    # A steroid cream is not the systemic glucocorticoid therapy the registries mean; the
    # equivalence table (and the check's own dose rule) counts oral and IV courses only.
    finding = run("treatment_history", rule(GC_6M), history(
        course("hydrocortisone", date(2026, 1, 15), date(2026, 7, 15), route="topical")))
    assert finding.outcome == Outcome.NOT_MET


def test_low_dose_taper_does_not_count_toward_three_months_at_high_dose() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE_3M), history(
        oral("prednisone", date(2026, 6, 1), date(2026, 8, 15), dose=40, dose_unit="mg/day"),
        oral("prednisone", date(2026, 8, 16), ONGOING, dose=20, dose_unit="mg/day"),
        weight_kg=40))
    assert finding.outcome == Outcome.NOT_MET
    assert "shorter than 3 months" in finding.evidence


def test_three_calendar_months_at_high_dose_meet() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE_3M), history(
        oral("prednisone", date(2026, 6, 1), date(2026, 9, 1), dose=40, dose_unit="mg/day"),
        weight_kg=40))
    assert finding.outcome == Outcome.MET


# --- unrecorded route: unknown where it matters ----------------------------------------------


def test_steroid_course_without_a_route_is_unknown_where_a_dose_threshold_applies() -> None:
    # 40 mg/day at 40 kg would be 1 mg/kg/day orally or IV, but not if it was intramuscular,
    # intra-articular or topical: those doses are not equivalent and are not converted.
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        course("prednisone", JAN, dose=40, dose_unit="mg/day"), weight_kg=40))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[0].route",)


def test_steroid_without_route_or_dose_names_both() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(course("prednisone", JAN)))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[0].route", "treatments[0].dose")


def test_steroid_without_a_route_is_unknown_for_six_months_of_glucocorticoids() -> None:
    # Hydrocortisone cream for seven months is not seven months of glucocorticoid therapy.
    finding = run("treatment_history", rule(GC_6M), history(
        course("hydrocortisone", JAN, date(2026, 8, 1))))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[0].route",)


def test_an_oral_course_decides_whatever_the_route_of_another() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisolone", JAN, date(2026, 8, 1)), course("hydrocortisone", JAN)))
    assert finding.outcome == Outcome.MET


@pytest.mark.parametrize(("route", "outcome"), [
    (None, Outcome.UNKNOWN), ("oral", Outcome.MET), ("topical", Outcome.NOT_MET),
])
def test_tacrolimus_counts_only_when_its_route_says_it_was_systemic(
    route: str | None, outcome: Outcome
) -> None:
    # Tacrolimus ointment is a common JDM skin treatment, not an immunosuppressant course.
    extra = {"route": route} if route else {}
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), course("tacrolimus", JAN, **extra)))
    assert finding.outcome == outcome
    if outcome == Outcome.UNKNOWN:
        assert finding.missing == ("treatments[1].route",)


def test_methotrexate_needs_no_route_since_it_has_no_local_form() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), course("mycophenolate", JAN)))
    assert finding.outcome == Outcome.MET


def test_a_route_that_decides_nothing_is_not_named() -> None:
    # Methotrexate and mycophenolate have no local form: their routes cannot decide.
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN, route="sc"), course("mycophenolate", JAN, route="oral")))
    assert finding.outcome == Outcome.MET
    assert "treatments[0].route" not in finding.read
    assert finding.read["treatments[0].response"] == "inadequate"


def test_steroid_by_an_other_route_goes_to_review() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        course("prednisolone", JAN, date(2026, 8, 1), route="other")))
    assert finding.outcome == Outcome.REVIEW
    assert "'other' route" in finding.evidence
    assert "systemic treatment" in finding.evidence


# --- unrecorded end: its first day is sure, the rest is unknown ----------------------------------


@pytest.mark.parametrize(("start", "outcome"), [
    (date(2026, 5, 2), Outcome.UNKNOWN),  # could run 6 months up to screening
    (date(2026, 5, 4), Outcome.UNKNOWN),  # could run 183 days: 6 months of 30.44 days
    (date(2026, 5, 5), Outcome.NOT_MET),  # could not, even up to screening (182 days)
])
def test_course_without_an_end_may_run_only_up_to_screening(start: date,
                                                            outcome: Outcome) -> None:
    finding = run("treatment_history", rule(GC_6M), history(oral("prednisone", start)))
    assert finding.outcome == outcome
    if outcome == Outcome.UNKNOWN:
        assert finding.missing == ("treatments[0].end",)
        assert "end not recorded" in finding.evidence


def test_requirement_met_without_the_unrecorded_end_is_met() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisolone", date(2026, 1, 15), date(2026, 7, 15)),
        oral("prednisolone", date(2026, 9, 1))))
    assert finding.outcome == Outcome.MET
    assert finding.missing == ()


def test_an_end_is_not_read_where_no_duration_matters() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), course("mycophenolate", JAN)))
    assert finding.outcome == Outcome.MET
    assert "treatments[0].end" not in finding.read


def test_finding_records_the_leaves_it_read_not_the_whole_list() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), course("mycophenolate", JAN), course("ibuprofen", JAN)))
    assert finding.read["treatments[1].response"] == "inadequate"
    assert "treatments" not in finding.read
    assert "treatments[2].response" not in finding.read  # not one of the requirement's drugs


# --- duration in calendar months --------------------------------------------------------------


def test_course_15_january_to_15_july_lasts_six_months() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisolone", date(2026, 1, 15), date(2026, 7, 15))))
    assert finding.outcome == Outcome.MET
    assert "2026-01-15 to 2026-07-15" in finding.evidence


def test_course_15_january_to_14_july_is_one_day_short_of_six_months() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisolone", date(2026, 1, 15), date(2026, 7, 14))))
    assert finding.outcome == Outcome.NOT_MET
    assert "shorter than 6 months" in finding.evidence


def test_back_to_back_steroid_courses_count_as_one_continuous_period() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisone", date(2026, 1, 15), date(2026, 4, 14)),
        oral("methylprednisolone", date(2026, 4, 15), date(2026, 7, 15))))
    assert finding.outcome == Outcome.MET


def test_overlapping_steroid_courses_merge() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisone", date(2026, 1, 15), date(2026, 5, 1)),
        oral("prednisolone", date(2026, 4, 1), date(2026, 7, 15))))
    assert finding.outcome == Outcome.MET


def test_a_one_day_gap_breaks_continuity_and_leaves_the_cumulative_reading() -> None:
    # 90 + 91 days: not 6 months counted together either (6 × 30.44 = 182.6 days).
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisone", date(2026, 1, 15), date(2026, 4, 14)),
        oral("prednisone", date(2026, 4, 16), date(2026, 7, 15))))
    assert finding.outcome == Outcome.NOT_MET
    assert "181 days in all, short of 6 months of 30.44 days too" in finding.evidence


def test_ongoing_course_started_exactly_six_months_before_screening_meets() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisone", date(2026, 5, 2), ONGOING)))
    assert finding.outcome == Outcome.MET


@pytest.mark.parametrize(("start", "outcome"), [
    (date(2026, 5, 3), Outcome.REVIEW),  # a day short of 6 calendar months, but 184 days
    (date(2026, 5, 4), Outcome.REVIEW),  # 183 days ≥ 6 × 30.44
    (date(2026, 5, 5), Outcome.NOT_MET),  # 182 days
])
def test_ongoing_course_started_later_is_6_months_only_in_days_then_not_at_all(
    start: date, outcome: Outcome
) -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisone", start, ONGOING)))
    assert finding.outcome == outcome


def test_course_running_past_screening_counts_only_up_to_screening() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisone", date(2026, 6, 1), date(2027, 6, 1))))
    assert finding.outcome == Outcome.NOT_MET


def test_course_starting_after_screening_is_ignored() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), course("mycophenolate", date(2026, 11, 3))))
    assert finding.outcome == Outcome.NOT_MET


STABLE_12_WEEKS = requirement("stable dose of DMARD or biologic",
                              ["class:conventional_dmard", "class:biologic"],
                              min_weeks_single_course=12, responses=["inadequate"])


def test_one_stable_course_of_exactly_12_weeks_meets() -> None:
    finding = run("treatment_history", rule(STABLE_12_WEEKS), history(
        course("etanercept", JAN, date(2026, 3, 26))))
    assert finding.outcome == Outcome.MET


def test_stable_course_one_day_short_of_12_weeks_does_not() -> None:
    finding = run("treatment_history", rule(STABLE_12_WEEKS), history(
        course("etanercept", JAN, date(2026, 3, 25))))
    assert finding.outcome == Outcome.NOT_MET
    assert "12 weeks" in finding.evidence


def test_stable_course_with_no_end_is_unknown_when_it_could_last_12_weeks() -> None:
    finding = run("treatment_history", rule(STABLE_12_WEEKS), history(
        course("etanercept", JAN)))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[0].end",)


# --- continuous or cumulative time (every min_months requirement) ------------------------------


@pytest.mark.parametrize(("second_end", "outcome"), [
    (date(2026, 9, 1), Outcome.REVIEW),  # 90 + 93 = 183 days ≥ 6 × 365.25 / 12 = 182.6
    (date(2026, 8, 31), Outcome.NOT_MET),  # 90 + 92 = 182 days
])
def test_interrupted_steroid_courses_reaching_six_months_in_all_go_to_review(
    second_end: date, outcome: Outcome
) -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisolone", JAN, date(2026, 3, 31)),
        oral("prednisolone", date(2026, 6, 1), second_end)))
    assert finding.outcome == outcome
    if outcome == Outcome.REVIEW:
        assert "continuous reading" in finding.evidence
        assert "2026-06-01 to 2026-09-01, is shorter than 6 calendar months" in finding.evidence
        assert "cumulative reading: 183 days" in finding.evidence
        assert "182.6 days" in finding.evidence


@pytest.mark.parametrize(("end", "outcome"), [
    (date(2026, 10, 30), Outcome.REVIEW),  # 183 days, though short of 1 November
    (date(2026, 10, 29), Outcome.NOT_MET),  # 182 days
])
def test_one_course_a_day_or_two_short_of_six_calendar_months(end: date,
                                                              outcome: Outcome) -> None:
    # "6 months" as calendar months or as 6 × 30.44 days: one course can pass only the second.
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisolone", date(2026, 5, 1), end)))
    assert finding.outcome == outcome


def test_interrupted_high_dose_courses_reaching_three_months_in_all_go_to_review() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE_3M), history(
        oral("prednisone", date(2026, 1, 1), date(2026, 2, 28), dose=40, dose_unit="mg/day"),
        oral("prednisone", date(2026, 3, 1), date(2026, 3, 31), dose=20, dose_unit="mg/day"),
        oral("prednisone", date(2026, 4, 1), date(2026, 5, 15), dose=40, dose_unit="mg/day"),
        weight_kg=40))
    assert finding.outcome == Outcome.REVIEW
    assert "cumulative reading: 104 days" in finding.evidence


def test_cumulative_reading_with_an_unrecorded_end_is_unknown() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        oral("prednisolone", JAN, date(2026, 3, 31)), oral("prednisolone", date(2026, 6, 1))))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[1].end",)


# --- distinct drugs and responses ---------------------------------------------------------------


def test_two_courses_of_the_same_drug_are_one_immunosuppressant() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", date(2025, 1, 1), date(2025, 6, 1)),
        course("methotrexate", date(2026, 1, 1))))
    assert finding.outcome == Outcome.NOT_MET
    assert "1 of 2" in finding.evidence


def test_methotrexate_and_mycophenolate_are_two_immunosuppressants() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), course("mycophenolate", date(2026, 3, 1))))
    assert finding.outcome == Outcome.MET
    assert "methotrexate" in finding.evidence
    assert "mycophenolate" in finding.evidence


@pytest.mark.parametrize("drug", ["hydroxychloroquine", "IVIG", "prednisone"])
def test_antimalarials_ivig_and_steroids_are_not_immunosuppressants(drug: str) -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), oral(drug, JAN)))
    assert finding.outcome == Outcome.NOT_MET


def test_a_drug_the_patient_responded_to_does_not_make_disease_refractory() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), course("mycophenolate", JAN, response="responded")))
    assert finding.outcome == Outcome.NOT_MET
    assert "mycophenolate: responded" in finding.evidence


def test_intolerance_counts_where_the_registry_says_intolerant_or_unresponsive() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), course("mycophenolate", JAN, response="intolerant")))
    assert finding.outcome == Outcome.MET


def test_intolerance_does_not_count_where_only_inadequate_response_does() -> None:
    only_inadequate = {**TWO_IMMUNOSUPPRESSANTS, "responses": ["inadequate"]}
    finding = run("treatment_history", rule(only_inadequate), history(
        course("methotrexate", JAN), course("mycophenolate", JAN, response="intolerant")))
    assert finding.outcome == Outcome.NOT_MET
    assert "mycophenolate: intolerant" in finding.evidence


def test_unrecorded_response_is_unknown_naming_that_course() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), course("mycophenolate", JAN, response=None)))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[1].response",)


# --- drug names -------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "canonical"), [
    ("Beliumab", "belimumab"),
    ("titacept", "telitacicept"),
    ("tachlimus", "tacrolimus"),
    ("motecophanate", "mycophenolate"),
    ("MMF", "mycophenolate"),
    ("Mycophenolate  Mofetil", "mycophenolate"),
    ("CYC", "cyclophosphamide"),
])
def test_registry_misspellings_and_abbreviations_resolve(written: str, canonical: str) -> None:
    finding = run("treatment_history", rule(requirement("listed", [canonical])),
                  history(oral(written, JAN)))
    assert finding.outcome == Outcome.MET
    assert canonical in finding.evidence


@pytest.mark.parametrize("written", ["Beliumab", "titacept", "tachlimus", "motecophanate", "MMF"])
def test_trial_file_may_quote_the_registry_spelling(written: str) -> None:
    finding = run("treatment_history", rule(requirement("listed", [written])),
                  history(course("belimumab", JAN), course("telitacicept", JAN),
                          oral("tacrolimus", JAN), course("mycophenolate", JAN)))
    assert finding.outcome == Outcome.MET


def test_mmf_and_motecophanate_are_the_same_drug_counted_once() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("MMF", JAN), course("motecophanate", date(2026, 3, 1))))
    assert finding.outcome == Outcome.NOT_MET
    assert "1 of 2" in finding.evidence


def test_unknown_drug_in_a_trial_file_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown drug"):
        run("treatment_history", rule(requirement("listed", ["wonderdrug"])), history())


def test_unrecognised_drug_name_leaves_the_count_unknown() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), course("voclosporin", JAN)))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[1].drug",)


def test_unrecognised_drug_the_patient_responded_to_cannot_count() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), course("voclosporin", JAN, response="responded")))
    assert finding.outcome == Outcome.NOT_MET


def test_unrecognised_drug_does_not_matter_once_the_rule_is_met() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history(
        course("methotrexate", JAN), course("azathioprine", JAN), course("voclosporin", JAN)))
    assert finding.outcome == Outcome.MET


def test_no_treatment_history_is_unknown_naming_treatments() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments",)


def test_empty_treatment_history_fails() -> None:
    finding = run("treatment_history", rule(TWO_IMMUNOSUPPRESSANTS), history())
    assert finding.outcome == Outcome.NOT_MET
    assert "0 of 2" in finding.evidence


# --- the SSc rule: combination given together for more than 3 months (NCT06792344 I5) ---------

SSC_RULE = rule(
    requirement("glucocorticoids", ["class:glucocorticoid"], min_prednisone_mg_per_kg_day=0.5,
                responses=["inadequate"]),
    requirement("cyclophosphamide", ["cyclophosphamide"], responses=["inadequate"]),
    requirement("immunomodulators",
                ["class:antimalarial", "azathioprine", "mycophenolate", "methotrexate",
                 "leflunomide", "tacrolimus", "cyclosporine", "rituximab", "belimumab",
                 "telitacicept"],
                responses=["inadequate"],
                review_also=["class:immunosuppressant", "class:other_immunomodulator"]),
    treated_for_more_than_months=3,
    rapid_progression_review=True,
)
NOT_RAPID = {"diagnosis": {"features": {"rapidly_progressive": False}}}


def ssc_history(third: dict[str, Any] | None, weight_kg: float = 30,
                **patient: Any) -> dict[str, Any]:
    """Prednisone 15 mg/day from January and monthly IV cyclophosphamide from February, both
    ongoing, plus a third."""
    courses = [oral("prednisone", JAN, ONGOING, dose=15, dose_unit="mg/day"),
               course("cyclophosphamide", date(2026, 2, 1), ONGOING, route="iv")]
    if third is not None:
        courses.append(third)
    return history(*courses, weight_kg=weight_kg, **patient)


def test_combination_complete_exactly_3_months_before_screening_is_not_more_than_3() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("methotrexate", date(2026, 8, 2), ONGOING), **NOT_RAPID))
    assert finding.outcome == Outcome.NOT_MET
    assert "2026-08-02" in finding.evidence
    assert "not more than 3 months" in finding.evidence


def test_combination_complete_3_months_and_a_day_before_screening_meets() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("methotrexate", date(2026, 8, 1), ONGOING)))
    assert finding.outcome == Outcome.MET
    assert "given together 2026-08-01 to 2026-11-02" in finding.evidence


def test_combination_first_complete_under_3_months_ago_fails_whatever_the_unrecorded_end() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("methotrexate", date(2026, 8, 2)), **NOT_RAPID))
    assert finding.outcome == Outcome.NOT_MET


@pytest.mark.parametrize(("mmf_end", "outcome"), [
    (date(2026, 6, 2), Outcome.MET),  # together 1 March to 2 June: more than 3 months
    (date(2026, 6, 1), Outcome.REVIEW),  # together exactly 3 months: not more than 3
])
def test_combination_given_together_for_more_than_3_months(mmf_end: date,
                                                           outcome: Outcome) -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("mycophenolate", date(2026, 3, 1), mmf_end)))
    assert finding.outcome == outcome
    if outcome == Outcome.REVIEW:
        assert "given together for only 93 days (2026-03-01 to 2026-06-01)" in finding.evidence


def test_steroid_burst_one_cyclophosphamide_dose_and_mmf_years_apart_go_to_review() -> None:
    # Each component was given more than 3 months before screening, but never together: whether
    # courses given one after another count as 3 months without remission is a judgement.
    finding = run("treatment_history", SSC_RULE, history(
        oral("prednisone", date(2023, 1, 1), date(2023, 1, 5), dose=30, dose_unit="mg/day"),
        course("cyclophosphamide", date(2024, 3, 1), date(2024, 3, 1), route="iv"),
        course("mycophenolate", date(2025, 1, 1), date(2025, 2, 12)),
        weight_kg=30, **NOT_RAPID))
    assert finding.outcome == Outcome.REVIEW
    assert "never given together" in finding.evidence
    assert "one after another" in finding.evidence


def test_one_cyclophosphamide_dose_is_a_course_of_one_day() -> None:
    finding = run("treatment_history", SSC_RULE, history(
        oral("prednisone", JAN, ONGOING, dose=15, dose_unit="mg/day"),
        course("cyclophosphamide", date(2026, 2, 1), date(2026, 2, 1), route="iv"),
        course("methotrexate", JAN, ONGOING), weight_kg=30))
    assert finding.outcome == Outcome.REVIEW
    assert "given together for only 1 day (2026-02-01 to 2026-02-01)" in finding.evidence


def test_cyclophosphamide_with_no_end_leaves_the_time_together_unknown() -> None:
    # As recorded it covered its first day only (review); up to screening it would meet.
    finding = run("treatment_history", SSC_RULE, history(
        oral("prednisone", JAN, ONGOING, dose=15, dose_unit="mg/day"),
        course("cyclophosphamide", date(2026, 2, 1), route="iv"),
        course("methotrexate", JAN, ONGOING), weight_kg=30))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[1].end",)


def test_steroids_given_together_only_below_half_a_mg_per_kg_do_not_count() -> None:
    # The 0.5 mg/kg/day course ended before methotrexate began; the low dose that followed is
    # not a qualifying course, so the three were never given together.
    finding = run("treatment_history", SSC_RULE, history(
        oral("prednisone", JAN, date(2026, 3, 31), dose=15, dose_unit="mg/day"),
        oral("prednisone", date(2026, 4, 1), ONGOING, dose=5, dose_unit="mg/day"),
        course("cyclophosphamide", date(2026, 2, 1), ONGOING, route="iv"),
        course("methotrexate", date(2026, 4, 1), ONGOING), weight_kg=30, **NOT_RAPID))
    assert finding.outcome == Outcome.REVIEW
    assert "never given together" in finding.evidence


def test_prednisone_15_mg_at_30_kg_is_the_half_mg_per_kg_the_ssc_rule_needs() -> None:
    met = run("treatment_history", SSC_RULE, ssc_history(course("methotrexate", JAN, ONGOING)))
    assert met.outcome == Outcome.MET
    assert "0.5 mg/kg/day prednisone-equivalent" in met.evidence


def test_prednisone_15_mg_at_31_kg_is_below_half_a_mg_per_kg() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("methotrexate", JAN, ONGOING), weight_kg=31, **NOT_RAPID))
    assert finding.outcome == Outcome.NOT_MET
    assert "0.48 mg/kg/day prednisone-equivalent < 0.5" in finding.evidence


def test_antimalarial_counts_as_an_immunomodulator_in_the_ssc_list() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("hydroxychloroquine", JAN, ONGOING)))
    assert finding.outcome == Outcome.MET


def test_unlisted_immunosuppressant_like_tocilizumab_goes_to_review() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("tocilizumab", JAN, ONGOING), **NOT_RAPID))
    assert finding.outcome == Outcome.REVIEW
    assert "met only by counting tocilizumab" in finding.evidence


def test_unlisted_immunomodulator_like_sulfasalazine_goes_to_review_under_etc() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("sulfasalazine", JAN, ONGOING), **NOT_RAPID))
    assert finding.outcome == Outcome.REVIEW
    assert "sulfasalazine" in finding.evidence


def test_tocilizumab_review_does_not_wait_for_the_rapid_progression_path() -> None:
    # Rapid progression could only add another review; its absence from the file cannot
    # change the outcome, so it must not make the criterion unknown.
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("tocilizumab", JAN, ONGOING)))
    assert finding.outcome == Outcome.REVIEW
    assert "tocilizumab" in finding.evidence


def test_no_immunomodulator_with_rapid_progression_goes_to_review() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(None, diagnosis={"features": {"rapidly_progressive": True}}))
    assert finding.outcome == Outcome.REVIEW
    assert "rapidly progressive" in finding.evidence


def test_no_immunomodulator_and_progression_unrecorded_is_unknown() -> None:
    finding = run("treatment_history", SSC_RULE, ssc_history(None))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("diagnosis.features.rapidly_progressive",)


def test_rapid_progression_does_not_settle_a_main_path_that_could_be_met() -> None:
    # The main path could be met once the response is recorded (then met, not review): unknown.
    finding = run("treatment_history", SSC_RULE, ssc_history(
        course("methotrexate", JAN, ONGOING, response=None),
        diagnosis={"features": {"rapidly_progressive": True}}))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[2].response",)


def test_glucocorticoids_and_cyclophosphamide_alone_fail_the_ssc_rule() -> None:
    # Cyclophosphamide is its own requirement; it must not be counted a second time as the
    # "one or more" immunomodulator through the open-list (review_also) path.
    finding = run("treatment_history", SSC_RULE, ssc_history(None, **NOT_RAPID))
    assert finding.outcome == Outcome.NOT_MET
    assert "immunomodulators" in finding.evidence


def test_ssc_rule_without_treatment_history_is_unknown_naming_treatments() -> None:
    finding = run("treatment_history", SSC_RULE, NOT_RAPID)
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments",)


def test_two_distinct_drug_requirement_is_in_place_only_from_the_second_drug() -> None:
    # A requirement for two distinct immunosuppressants is complete when the second one is
    # started.
    params = rule(TWO_IMMUNOSUPPRESSANTS, treated_for_more_than_months=3)
    finding = run("treatment_history", params, history(
        course("methotrexate", JAN, ONGOING), course("mycophenolate", date(2026, 10, 1),
                                                     ONGOING)))
    assert finding.outcome == Outcome.NOT_MET


def test_two_distinct_drugs_one_after_the_other_were_never_given_together() -> None:
    params = rule(TWO_IMMUNOSUPPRESSANTS, treated_for_more_than_months=3)
    sequential = run("treatment_history", params, history(
        course("methotrexate", JAN, date(2026, 3, 31)),
        course("mycophenolate", date(2026, 4, 1), ONGOING)))
    together = run("treatment_history", params, history(
        course("methotrexate", JAN, ONGOING), course("mycophenolate", date(2026, 4, 1),
                                                     ONGOING)))
    assert sequential.outcome == Outcome.REVIEW
    assert together.outcome == Outcome.MET


# --- STEAM I2b: the agents' durations and the intolerance path ---------------------------------

STEAM_RULE = rule(
    HIGH_DOSE_3M,
    requirement("hydroxychloroquine", ["hydroxychloroquine"], responses=["inadequate"],
                review_below_months=3),
    requirement("at least 2 of the listed treatments",
                ["cyclophosphamide", "mycophenolate", "azathioprine", "methotrexate",
                 "cyclosporine", "tacrolimus", "sirolimus", "leflunomide", "telitacicept",
                 "belimumab", "rituximab"], min_distinct=2, responses=["inadequate"],
                review_below_months=3),
    intolerance_review=True,
)
STEAM_STEROIDS = oral("prednisone", JAN, date(2026, 6, 30), dose=40, dose_unit="mg/day")


def test_steam_refractory_lupus_meets() -> None:
    finding = run("treatment_history", STEAM_RULE, history(
        STEAM_STEROIDS, course("HCQ", JAN, ONGOING), course("MMF", date(2026, 2, 1), ONGOING),
        oral("tacrolimus", date(2026, 3, 1), ONGOING), weight_kg=40))
    assert finding.outcome == Outcome.MET


def test_two_weeks_of_hcq_mmf_and_azathioprine_go_to_review() -> None:
    two_weeks = date(2026, 7, 14)
    finding = run("treatment_history", STEAM_RULE, history(
        STEAM_STEROIDS, course("HCQ", date(2026, 7, 1), two_weeks),
        course("MMF", date(2026, 7, 1), two_weeks),
        course("azathioprine", date(2026, 7, 1), two_weeks), weight_kg=40))
    assert finding.outcome == Outcome.REVIEW
    assert "hydroxychloroquine (2026-07-01 to 2026-07-14)" in finding.evidence
    assert "azathioprine (2026-07-01 to 2026-07-14)" in finding.evidence
    assert "less than 3 months" in finding.evidence


@pytest.mark.parametrize(("hcq_end", "outcome"), [
    (date(2026, 4, 1), Outcome.MET),  # exactly 3 calendar months
    (date(2026, 3, 31), Outcome.REVIEW),  # a day short
])
def test_hydroxychloroquine_for_three_months(hcq_end: date, outcome: Outcome) -> None:
    finding = run("treatment_history", STEAM_RULE, history(
        STEAM_STEROIDS, course("HCQ", JAN, hcq_end), course("MMF", JAN, ONGOING),
        oral("tacrolimus", JAN, ONGOING), weight_kg=40))
    assert finding.outcome == outcome


def test_two_long_agents_suffice_beside_a_short_one() -> None:
    finding = run("treatment_history", STEAM_RULE, history(
        STEAM_STEROIDS, course("HCQ", JAN, ONGOING), course("MMF", JAN, ONGOING),
        oral("tacrolimus", JAN, ONGOING), course("azathioprine", JAN, date(2026, 1, 14)),
        weight_kg=40))
    assert finding.outcome == Outcome.MET


def test_one_long_and_one_short_agent_go_to_review() -> None:
    finding = run("treatment_history", STEAM_RULE, history(
        STEAM_STEROIDS, course("HCQ", JAN, ONGOING), course("MMF", JAN, ONGOING),
        course("azathioprine", JAN, date(2026, 1, 14)), weight_kg=40))
    assert finding.outcome == Outcome.REVIEW
    assert "azathioprine (2026-01-01 to 2026-01-14)" in finding.evidence
    assert "mycophenolate" not in finding.evidence.split("met only by counting")[1]


def test_hcq_with_no_end_recorded_is_unknown() -> None:
    finding = run("treatment_history", STEAM_RULE, history(
        STEAM_STEROIDS, course("HCQ", JAN), course("MMF", JAN, ONGOING),
        oral("tacrolimus", JAN, ONGOING), weight_kg=40))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[1].end",)


def test_steam_without_hydroxychloroquine_fails() -> None:
    finding = run("treatment_history", STEAM_RULE, history(
        STEAM_STEROIDS, course("MMF", date(2026, 2, 1), ONGOING),
        oral("tacrolimus", date(2026, 3, 1), ONGOING), weight_kg=40))
    assert finding.outcome == Outcome.NOT_MET
    assert "hydroxychloroquine" in finding.evidence


def test_intolerance_to_a_standard_treatment_goes_to_review() -> None:
    finding = run("treatment_history", STEAM_RULE, history(
        STEAM_STEROIDS, course("HCQ", JAN, ONGOING),
        course("cyclophosphamide", date(2026, 2, 1), ONGOING, response="intolerant"),
        weight_kg=40))
    assert finding.outcome == Outcome.REVIEW
    assert "intolerant to cyclophosphamide" in finding.evidence


def test_without_the_intolerance_path_intolerance_alone_fails() -> None:
    params = {**STEAM_RULE, "intolerance_review": False}
    finding = run("treatment_history", params, history(
        STEAM_STEROIDS, course("HCQ", JAN, ONGOING),
        course("cyclophosphamide", date(2026, 2, 1), ONGOING, response="intolerant"),
        weight_kg=40))
    assert finding.outcome == Outcome.NOT_MET


def test_unrecorded_response_may_be_the_intolerance_path() -> None:
    # No hydroxychloroquine: the main path fails whatever is recorded, but an unrecorded
    # response to a standard treatment could be the intolerance the alternative path asks for.
    finding = run("treatment_history", STEAM_RULE, history(
        STEAM_STEROIDS, course("MMF", JAN, ONGOING, response=None), weight_kg=40))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[1].response",)


# --- JDM: glucocorticoids at an 'adequate' dose, and 'immunosuppressants' (NCT06569472 I3a) ---

JDM_GC = requirement("glucocorticoids", ["class:glucocorticoid"], min_months=6,
                     adequate_dose_review_below_mg_per_kg_day=0.5)
JDM_IMMUNOSUPPRESSANTS = {**TWO_IMMUNOSUPPRESSANTS, "review_also": ["class:other_immunomodulator"]}
JDM_RULE = rule(JDM_GC, JDM_IMMUNOSUPPRESSANTS)
MTX_MMF = (course("methotrexate", JAN, ONGOING), course("mycophenolate", JAN, ONGOING))


@pytest.mark.parametrize(("dose", "outcome"), [
    (0.5, Outcome.MET), (0.49, Outcome.REVIEW), (0.1, Outcome.REVIEW),
])
def test_adequate_hormone_therapy_at_half_a_mg_per_kg_or_more(dose: float,
                                                             outcome: Outcome) -> None:
    finding = run("treatment_history", JDM_RULE, history(
        oral("prednisolone", JAN, ONGOING, dose=dose, dose_unit="mg/kg/day"), *MTX_MMF))
    assert finding.outcome == outcome
    if outcome == Outcome.REVIEW:
        assert f"the highest dose, {dose} mg/kg/day prednisone-equivalent" in finding.evidence
        assert "far below a treatment dose" in finding.evidence
        assert "whether it was adequate is for the investigator" in finding.evidence


def test_pulses_then_low_dose_in_one_continuous_period_are_adequate() -> None:
    finding = run("treatment_history", JDM_RULE, history(
        course("methylprednisolone", JAN, date(2026, 1, 3), route="iv", dose=30,
               dose_unit="mg/kg/day"),
        oral("prednisolone", date(2026, 1, 4), ONGOING, dose=0.2, dose_unit="mg/kg/day"),
        *MTX_MMF))
    assert finding.outcome == Outcome.MET


def test_a_high_dose_long_ago_does_not_make_the_counted_period_adequate() -> None:
    finding = run("treatment_history", JDM_RULE, history(
        oral("prednisolone", date(2020, 1, 1), date(2020, 2, 1), dose=2, dose_unit="mg/kg/day"),
        oral("prednisolone", JAN, ONGOING, dose=0.1, dose_unit="mg/kg/day"), *MTX_MMF))
    assert finding.outcome == Outcome.REVIEW
    assert "0.1 mg/kg/day" in finding.evidence


def test_mg_per_day_dose_uses_the_courses_weight_for_adequacy() -> None:
    finding = run("treatment_history", JDM_RULE, history(
        oral("prednisolone", JAN, ONGOING, dose=10, dose_unit="mg/day", weight_kg=20),
        *MTX_MMF, weight_kg=40))
    assert finding.outcome == Outcome.MET


def test_unrecorded_dose_leaves_adequacy_unknown() -> None:
    finding = run("treatment_history", JDM_RULE, history(
        oral("prednisolone", JAN, ONGOING), *MTX_MMF))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[0].dose",)


def test_mg_per_day_dose_without_a_weight_leaves_adequacy_unknown() -> None:
    finding = run("treatment_history", JDM_RULE, history(
        oral("prednisolone", JAN, ONGOING, dose=10, dose_unit="mg/day"), *MTX_MMF))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("weight_kg",)


def test_unrecorded_route_leaves_the_steroid_course_unknown() -> None:
    finding = run("treatment_history", JDM_RULE, history(
        course("prednisolone", JAN, ONGOING, dose=1, dose_unit="mg/kg/day"), *MTX_MMF))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments[0].route",)


def test_one_course_at_a_treatment_dose_decides_whatever_another_courses_dose() -> None:
    finding = run("treatment_history", JDM_RULE, history(
        oral("prednisolone", JAN, date(2026, 3, 31), dose=1, dose_unit="mg/kg/day"),
        oral("prednisolone", date(2026, 4, 1), ONGOING), *MTX_MMF))
    assert finding.outcome == Outcome.MET


def test_intramuscular_steroid_dose_is_not_converted_so_adequacy_goes_to_review() -> None:
    finding = run("treatment_history", JDM_RULE, history(
        course("triamcinolone", JAN, ONGOING, route="im", dose=40, dose_unit="mg/day"),
        *MTX_MMF, weight_kg=30))
    assert finding.outcome == Outcome.REVIEW
    assert "no counted course shows a treatment dose" in finding.evidence


def test_adequate_dose_review_is_for_glucocorticoids_only() -> None:
    with pytest.raises(ValueError, match="glucocorticoid drugs only"):
        run("treatment_history", rule(requirement(
            "x", ["methotrexate"], adequate_dose_review_below_mg_per_kg_day=0.5)), history())


@pytest.mark.parametrize("drug", ["IVIG", "hydroxychloroquine", "sulfasalazine", "thalidomide",
                                  "dapsone", "plasma exchange"])
def test_unlisted_immunomodulator_makes_immunosuppressants_a_review(drug: str) -> None:
    finding = run("treatment_history", JDM_RULE, history(
        oral("prednisolone", JAN, ONGOING, dose=1, dose_unit="mg/kg/day"),
        course("methotrexate", JAN, ONGOING), course(drug, JAN, ONGOING)))
    assert finding.outcome == Outcome.REVIEW
    assert "not on the registry's list" in finding.evidence


def test_two_immunosuppressants_need_no_review_beside_ivig() -> None:
    finding = run("treatment_history", JDM_RULE, history(
        oral("prednisolone", JAN, ONGOING, dose=1, dose_unit="mg/kg/day"), *MTX_MMF,
        course("IVIG", JAN, ONGOING)))
    assert finding.outcome == Outcome.MET


def test_ivig_the_patient_responded_to_does_not_fill_the_gap() -> None:
    finding = run("treatment_history", JDM_RULE, history(
        oral("prednisolone", JAN, ONGOING, dose=1, dose_unit="mg/kg/day"),
        course("methotrexate", JAN, ONGOING), course("IVIG", JAN, ONGOING, response="responded")))
    assert finding.outcome == Outcome.NOT_MET


# --- pJIA: 6 months of traditional DMARDs, intolerance included (NCT07184450 I2.2b) ------------

PJIA_RULE = rule(
    requirement("traditional DMARDs", ["class:conventional_dmard"], min_months=6,
                responses=["inadequate", "intolerant"]),
    requirement("stable dose of DMARD or biologic",
                ["class:conventional_dmard", "class:biologic", "class:jak_inhibitor"],
                min_weeks_single_course=12, responses=["inadequate"]),
)
ETANERCEPT_FAILED = course("etanercept", date(2026, 7, 1), ONGOING)


@pytest.mark.parametrize(("mtx_end", "outcome"), [
    (date(2026, 7, 1), Outcome.MET), (date(2026, 6, 30), Outcome.NOT_MET),
])
def test_six_months_of_methotrexate_stopped_for_intolerance_count(mtx_end: date,
                                                                  outcome: Outcome) -> None:
    finding = run("treatment_history", PJIA_RULE, history(
        course("methotrexate", JAN, mtx_end, response="intolerant"), ETANERCEPT_FAILED))
    assert finding.outcome == outcome


def test_intolerance_alone_does_not_show_the_disease_still_active() -> None:
    finding = run("treatment_history", PJIA_RULE, history(
        course("methotrexate", JAN, date(2026, 7, 1), response="intolerant")))
    assert finding.outcome == Outcome.NOT_MET
    assert "stable dose of DMARD or biologic" in finding.evidence


def test_dmards_interrupted_for_two_months_reaching_six_months_in_all_go_to_review() -> None:
    finding = run("treatment_history", PJIA_RULE, history(
        course("methotrexate", JAN, date(2026, 4, 30)),
        course("leflunomide", date(2026, 7, 1), ONGOING)))
    assert finding.outcome == Outcome.REVIEW
    assert "cumulative reading" in finding.evidence


# --- the rule in words (explain) -----------------------------------------------------------------


def test_explain_shows_every_reading() -> None:
    check = CHECKS["treatment_history"]
    text = check.describe(check.params.model_validate(rule(
        {**JDM_GC, "review_below_months": 3}, JDM_IMMUNOSUPPRESSANTS,
        treated_for_more_than_months=3)))
    assert "one continuous period" in text
    assert "6 × 30.44 days" in text
    assert "0.5 mg/kg/day" in text
    assert "less than 3 months" in text
    assert "other immunomodulators" in text
    assert "given together for more than 3 months" in text


# --- evidence worked out when shown --------------------------------------------------------


def test_the_evidence_is_described_only_when_read_and_travels_as_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch whose rows carry outcomes never pays for describing the courses; a table or
    the JSON reads the same words, also from a worker process (pickled)."""
    import pickle

    from cartscreen.checks import refractoriness
    from cartscreen.checks.base import LazyText

    explained: list[object] = []
    real = refractoriness._explained

    def counting(*args: Any) -> str:
        explained.append(args)
        return real(*args)

    monkeypatch.setattr(refractoriness, "_explained", counting)
    finding = run("treatment_history", rule(GC_6M, TWO_IMMUNOSUPPRESSANTS), history(
        oral("prednisolone", JAN, ONGOING), course("methotrexate", JAN, ONGOING),
        course("MMF", date(2026, 4, 1), date(2026, 6, 1), response="intolerant")))
    assert finding.outcome == Outcome.MET
    assert isinstance(finding.text, LazyText) and explained == []
    copy = pickle.loads(pickle.dumps(finding))
    assert len(explained) == 1 and isinstance(copy.text, str)
    assert copy.evidence == finding.evidence == (
        "glucocorticoids: prednisolone (2026-01-01 to 2026-11-02); immunosuppressants: "
        "methotrexate (from 2026-01-01), mycophenolate (from 2026-04-01)")
    assert len(explained) == 1  # worked out once
