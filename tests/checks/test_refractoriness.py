"""Refractoriness from the treatment history: steroid dose, duration, drug counts, responses."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cartscreen.checks.base import Outcome

from .helpers import run


def course(drug: str, start: date, end: date | None = None, response: str | None = "inadequate",
           **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"drug": drug, "start": start, **extra}
    if end is not None:
        item["end"] = end
    if response is not None:
        item["response"] = response
    return item


def history(*courses: dict[str, Any], **patient: Any) -> dict[str, Any]:
    return {"treatments": list(courses), **patient}


def requirement(label: str, drugs: list[str], **conditions: Any) -> dict[str, Any]:
    return {"label": label, "drugs": drugs, **conditions}


def rule(*requirements: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {"requirements": list(requirements), **options}


JAN = date(2026, 1, 1)

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
        course("methylprednisolone", JAN, dose=32, dose_unit="mg/day", route="oral"),
        weight_kg=40))
    assert finding.outcome == Outcome.MET
    assert "1 mg/kg/day prednisone-equivalent" in finding.evidence


def test_methylprednisolone_31_mg_a_day_at_40_kg_falls_short_of_1_mg_per_kg() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        course("methylprednisolone", JAN, dose=31, dose_unit="mg/day", route="oral"),
        weight_kg=40))
    assert finding.outcome == Outcome.NOT_MET
    assert "0.97 mg/kg/day prednisone-equivalent < 1" in finding.evidence


def test_dexamethasone_6_mg_equals_prednisone_40_mg_at_40_kg() -> None:
    dexamethasone = run("treatment_history", rule(HIGH_DOSE), history(
        course("dexamethasone", JAN, dose=6, dose_unit="mg/day", route="iv"), weight_kg=40))
    prednisone = run("treatment_history", rule(HIGH_DOSE), history(
        course("prednisone", JAN, dose=40, dose_unit="mg/day", route="oral"), weight_kg=40))
    assert dexamethasone.outcome == prednisone.outcome == Outcome.MET
    assert "dexamethasone 1 mg/kg/day" in dexamethasone.evidence


def test_dexamethasone_just_under_6_mg_at_40_kg_falls_short() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        course("dexamethasone", JAN, dose=5.9, dose_unit="mg/day"), weight_kg=40))
    assert finding.outcome == Outcome.NOT_MET


def test_prednisolone_dosed_in_mg_per_kg_needs_no_weight() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        course("prednisolone", JAN, dose=1.0, dose_unit="mg/kg/day")))
    assert finding.outcome == Outcome.MET
    assert "weight_kg" not in finding.read


@pytest.mark.parametrize(("dose", "outcome"), [(0.8, Outcome.MET), (0.79, Outcome.NOT_MET)])
def test_methylprednisolone_in_mg_per_kg_converts_to_prednisone(
    dose: float, outcome: Outcome
) -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        course("methylprednisolone", JAN, dose=dose, dose_unit="mg/kg/day")))
    assert finding.outcome == outcome


def test_weight_recorded_for_the_course_overrides_todays_weight() -> None:
    # 32 mg methylprednisolone = 40 mg prednisone: 1.0 mg/kg at the course's 40 kg,
    # only 0.8 mg/kg at today's 50 kg.
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        course("methylprednisolone", JAN, dose=32, dose_unit="mg/day", weight_kg=40),
        weight_kg=50))
    assert finding.outcome == Outcome.MET


def test_todays_weight_is_used_when_the_course_has_none() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        course("methylprednisolone", JAN, dose=32, dose_unit="mg/day"), weight_kg=50))
    assert finding.outcome == Outcome.NOT_MET
    assert "0.8 mg/kg/day" in finding.evidence


def test_mg_per_day_dose_without_any_weight_is_unknown_naming_weight() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(
        course("prednisone", JAN, dose=40, dose_unit="mg/day")))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("weight_kg",)


def test_steroid_course_without_a_dose_is_unknown_naming_the_dose() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE), history(course("prednisone", JAN)))
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


def test_topical_steroid_is_not_glucocorticoid_therapy_for_six_months() -> None:
    # A steroid cream is not the systemic glucocorticoid therapy the registries mean; the
    # equivalence table (and the check's own dose rule) counts oral and IV courses only.
    finding = run("treatment_history", rule(GC_6M), history(
        course("hydrocortisone", date(2026, 1, 15), date(2026, 7, 15), route="topical")))
    assert finding.outcome == Outcome.NOT_MET


def test_low_dose_taper_does_not_count_toward_three_months_at_high_dose() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE_3M), history(
        course("prednisone", date(2026, 6, 1), date(2026, 8, 15), dose=40, dose_unit="mg/day"),
        course("prednisone", date(2026, 8, 16), dose=20, dose_unit="mg/day"),
        weight_kg=40))
    assert finding.outcome == Outcome.NOT_MET
    assert "shorter than 3 months" in finding.evidence


def test_three_calendar_months_at_high_dose_meet() -> None:
    finding = run("treatment_history", rule(HIGH_DOSE_3M), history(
        course("prednisone", date(2026, 6, 1), date(2026, 9, 1), dose=40, dose_unit="mg/day"),
        weight_kg=40))
    assert finding.outcome == Outcome.MET


# --- duration in calendar months --------------------------------------------------------------


def test_course_15_january_to_15_july_lasts_six_months() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        course("prednisolone", date(2026, 1, 15), date(2026, 7, 15))))
    assert finding.outcome == Outcome.MET
    assert "2026-01-15 to 2026-07-15" in finding.evidence


def test_course_15_january_to_14_july_is_one_day_short_of_six_months() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        course("prednisolone", date(2026, 1, 15), date(2026, 7, 14))))
    assert finding.outcome == Outcome.NOT_MET
    assert "shorter than 6 months" in finding.evidence


def test_back_to_back_steroid_courses_count_as_one_continuous_period() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        course("prednisone", date(2026, 1, 15), date(2026, 4, 14)),
        course("methylprednisolone", date(2026, 4, 15), date(2026, 7, 15))))
    assert finding.outcome == Outcome.MET


def test_overlapping_steroid_courses_merge() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        course("prednisone", date(2026, 1, 15), date(2026, 5, 1)),
        course("prednisolone", date(2026, 4, 1), date(2026, 7, 15))))
    assert finding.outcome == Outcome.MET


def test_a_one_day_gap_breaks_continuity() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        course("prednisone", date(2026, 1, 15), date(2026, 4, 14)),
        course("prednisone", date(2026, 4, 16), date(2026, 7, 15))))
    assert finding.outcome == Outcome.NOT_MET


def test_ongoing_course_started_exactly_six_months_before_screening_meets() -> None:
    finding = run("treatment_history", rule(GC_6M), history(course("prednisone", date(2026, 5, 2))))
    assert finding.outcome == Outcome.MET


def test_ongoing_course_started_a_day_later_does_not() -> None:
    finding = run("treatment_history", rule(GC_6M), history(course("prednisone", date(2026, 5, 3))))
    assert finding.outcome == Outcome.NOT_MET


def test_course_running_past_screening_counts_only_up_to_screening() -> None:
    finding = run("treatment_history", rule(GC_6M), history(
        course("prednisone", date(2026, 6, 1), date(2027, 6, 1))))
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
        course("methotrexate", JAN), course(drug, JAN)))
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
                  history(course(written, JAN)))
    assert finding.outcome == Outcome.MET
    assert canonical in finding.evidence


@pytest.mark.parametrize("written", ["Beliumab", "titacept", "tachlimus", "motecophanate", "MMF"])
def test_trial_file_may_quote_the_registry_spelling(written: str) -> None:
    finding = run("treatment_history", rule(requirement("listed", [written])),
                  history(course("belimumab", JAN), course("telitacicept", JAN),
                          course("tacrolimus", JAN), course("mycophenolate", JAN)))
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


# --- the SSc rule: combination in place for more than 3 months (NCT06792344 I5) -------------

SSC_RULE = rule(
    requirement("glucocorticoids", ["class:glucocorticoid"], min_prednisone_mg_per_kg_day=0.5,
                responses=["inadequate"]),
    requirement("cyclophosphamide", ["cyclophosphamide"], responses=["inadequate"]),
    requirement("immunomodulators",
                ["class:antimalarial", "azathioprine", "mycophenolate", "methotrexate",
                 "leflunomide", "tacrolimus", "cyclosporine", "rituximab", "belimumab",
                 "telitacicept"],
                responses=["inadequate"], review_also=["class:immunosuppressant"]),
    treated_for_more_than_months=3,
    rapid_progression_review=True,
)


def ssc_history(third: dict[str, Any] | None, weight_kg: float = 30,
                **patient: Any) -> dict[str, Any]:
    """Prednisone 15 mg/day from January and cyclophosphamide from February, plus a third."""
    courses = [course("prednisone", JAN, dose=15, dose_unit="mg/day"),
               course("cyclophosphamide", date(2026, 2, 1))]
    if third is not None:
        courses.append(third)
    return history(*courses, weight_kg=weight_kg, **patient)


def test_combination_complete_exactly_3_months_before_screening_is_not_more_than_3() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("methotrexate", date(2026, 8, 2)),
                              diagnosis={"features": {"rapidly_progressive": False}}))
    assert finding.outcome == Outcome.NOT_MET
    assert "2026-08-02" in finding.evidence
    assert "not more than 3 months" in finding.evidence


def test_combination_complete_3_months_and_a_day_before_screening_meets() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("methotrexate", date(2026, 8, 1))))
    assert finding.outcome == Outcome.MET


def test_prednisone_15_mg_at_30_kg_is_the_half_mg_per_kg_the_ssc_rule_needs() -> None:
    met = run("treatment_history", SSC_RULE, ssc_history(course("methotrexate", JAN)))
    assert met.outcome == Outcome.MET
    assert "0.5 mg/kg/day prednisone-equivalent" in met.evidence


def test_prednisone_15_mg_at_31_kg_is_below_half_a_mg_per_kg() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("methotrexate", JAN), weight_kg=31,
                              diagnosis={"features": {"rapidly_progressive": False}}))
    assert finding.outcome == Outcome.NOT_MET
    assert "0.48 mg/kg/day prednisone-equivalent < 0.5" in finding.evidence


def test_antimalarial_counts_as_an_immunomodulator_in_the_ssc_list() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("hydroxychloroquine", JAN)))
    assert finding.outcome == Outcome.MET


def test_unlisted_immunosuppressant_like_tocilizumab_goes_to_review() -> None:
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(course("tocilizumab", JAN),
                              diagnosis={"features": {"rapidly_progressive": False}}))
    assert finding.outcome == Outcome.REVIEW
    assert "tocilizumab" in finding.evidence


def test_tocilizumab_review_does_not_wait_for_the_rapid_progression_path() -> None:
    # Rapid progression could only add another review; its absence from the file cannot
    # change the outcome, so it must not make the criterion unknown.
    finding = run("treatment_history", SSC_RULE, ssc_history(course("tocilizumab", JAN)))
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


def test_glucocorticoids_and_cyclophosphamide_alone_fail_the_ssc_rule() -> None:
    # Cyclophosphamide is its own requirement; it must not be counted a second time as the
    # "one or more" immunomodulator through the open-list (review_also) path.
    finding = run("treatment_history", SSC_RULE,
                  ssc_history(None, diagnosis={"features": {"rapidly_progressive": False}}))
    assert finding.outcome == Outcome.NOT_MET
    assert "immunomodulators" in finding.evidence


def test_ssc_rule_without_treatment_history_is_unknown_naming_treatments() -> None:
    finding = run("treatment_history", SSC_RULE,
                  {"diagnosis": {"features": {"rapidly_progressive": False}}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("treatments",)


def test_two_distinct_drug_requirement_is_in_place_only_from_the_second_drug() -> None:
    # "Every requirement was first met more than N months before screening": a requirement
    # for two distinct immunosuppressants is first met when the second one is started.
    params = rule(TWO_IMMUNOSUPPRESSANTS, treated_for_more_than_months=3)
    finding = run("treatment_history", params, history(
        course("methotrexate", JAN), course("mycophenolate", date(2026, 10, 1))))
    assert finding.outcome == Outcome.NOT_MET


# --- STEAM I2b with its intolerance path ------------------------------------------------------

STEAM_RULE = rule(
    HIGH_DOSE_3M,
    requirement("hydroxychloroquine", ["hydroxychloroquine"], responses=["inadequate"]),
    requirement("at least 2 of the listed treatments",
                ["cyclophosphamide", "mycophenolate", "azathioprine", "methotrexate",
                 "cyclosporine", "tacrolimus", "sirolimus", "leflunomide", "telitacicept",
                 "belimumab", "rituximab"], min_distinct=2, responses=["inadequate"]),
    intolerance_review=True,
)
STEAM_STEROIDS = course("prednisone", JAN, date(2026, 6, 30), dose=40, dose_unit="mg/day")


def test_steam_refractory_lupus_meets() -> None:
    finding = run("treatment_history", STEAM_RULE, history(
        STEAM_STEROIDS, course("HCQ", JAN), course("MMF", date(2026, 2, 1)),
        course("tacrolimus", date(2026, 3, 1)), weight_kg=40))
    assert finding.outcome == Outcome.MET


def test_steam_without_hydroxychloroquine_fails() -> None:
    finding = run("treatment_history", STEAM_RULE, history(
        STEAM_STEROIDS, course("MMF", date(2026, 2, 1)),
        course("tacrolimus", date(2026, 3, 1)), weight_kg=40))
    assert finding.outcome == Outcome.NOT_MET
    assert "hydroxychloroquine" in finding.evidence


def test_intolerance_to_a_standard_treatment_goes_to_review() -> None:
    finding = run("treatment_history", STEAM_RULE, history(
        STEAM_STEROIDS, course("HCQ", JAN),
        course("cyclophosphamide", date(2026, 2, 1), response="intolerant"), weight_kg=40))
    assert finding.outcome == Outcome.REVIEW
    assert "intolerant to cyclophosphamide" in finding.evidence


def test_without_the_intolerance_path_intolerance_alone_fails() -> None:
    params = {**STEAM_RULE, "intolerance_review": False}
    finding = run("treatment_history", params, history(
        STEAM_STEROIDS, course("HCQ", JAN),
        course("cyclophosphamide", date(2026, 2, 1), response="intolerant"), weight_kg=40))
    assert finding.outcome == Outcome.NOT_MET
