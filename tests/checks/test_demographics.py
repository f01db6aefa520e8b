"""Age in whole years at the screening date, and sex."""

from __future__ import annotations

from datetime import date

import pytest

from cartscreen.checks.base import Outcome

from .helpers import SCREENING, run

AT_LEAST_5 = {"min_years": 5}
UNDER_17 = {"min_years": 5, "max_years": 17, "max_inclusive": False}
UP_TO_18 = {"min_years": 5, "max_years": 18, "max_inclusive": True}


def born(year: int, month: int = SCREENING.month, day: int = SCREENING.day) -> dict[str, date]:
    return {"birth_date": date(year, month, day)}


def test_child_one_day_short_of_fifth_birthday_is_too_young() -> None:
    finding = run("age", AT_LEAST_5, born(2021, 11, 3))
    assert finding.outcome == Outcome.NOT_MET
    assert "age 4" in finding.evidence
    assert "≥5" in finding.evidence


def test_fifth_birthday_on_the_screening_date_is_old_enough() -> None:
    finding = run("age", AT_LEAST_5, born(2021))
    assert finding.outcome == Outcome.MET
    assert "age 5" in finding.evidence
    assert "2026-11-02" in finding.evidence


def test_sixteen_year_old_fits_a_trial_for_under_17s() -> None:
    finding = run("age", UNDER_17, born(2009, 11, 3))
    assert finding.outcome == Outcome.MET
    assert "age 16" in finding.evidence


def test_seventeenth_birthday_on_the_screening_date_excludes_from_under_17_trial() -> None:
    finding = run("age", UNDER_17, born(2009))
    assert finding.outcome == Outcome.NOT_MET
    assert "age 17" in finding.evidence
    assert "<17" in finding.evidence


def test_eighteen_year_old_fits_5_to_18_including_threshold() -> None:
    assert run("age", UP_TO_18, born(2008)).outcome == Outcome.MET


def test_day_before_19th_birthday_is_still_18_and_eligible() -> None:
    finding = run("age", UP_TO_18, born(2007, 11, 3))
    assert finding.outcome == Outcome.MET
    assert "age 18" in finding.evidence


def test_nineteenth_birthday_on_the_screening_date_is_too_old_for_5_to_18() -> None:
    finding = run("age", UP_TO_18, born(2007))
    assert finding.outcome == Outcome.NOT_MET
    assert "age 19" in finding.evidence
    assert "≤18" in finding.evidence


def test_four_year_old_is_too_young_for_5_to_18() -> None:
    assert run("age", UP_TO_18, born(2021, 11, 3)).outcome == Outcome.NOT_MET


def test_upper_bound_only_age_check() -> None:
    assert run("age", {"max_years": 17, "max_inclusive": False}, born(2010)).outcome == Outcome.MET
    assert (
        run("age", {"max_years": 17, "max_inclusive": False}, born(2009)).outcome
        == Outcome.NOT_MET
    )


def test_leap_day_birthday_turns_a_year_older_on_1_march_in_a_common_year() -> None:
    leap_born = {"birth_date": date(2020, 2, 29)}
    assert run("age", AT_LEAST_5, leap_born, screening=date(2025, 2, 28)).outcome == Outcome.NOT_MET
    assert run("age", AT_LEAST_5, leap_born, screening=date(2025, 3, 1)).outcome == Outcome.MET


def test_stated_age_is_used_with_the_files_own_screening_date() -> None:
    finding = run("age", AT_LEAST_5, {"age_years": 5, "screening_date": SCREENING})
    assert finding.outcome == Outcome.MET
    assert "stated" in finding.evidence
    assert run("age", AT_LEAST_5, {"age_years": 4, "screening_date": SCREENING}).outcome == (
        Outcome.NOT_MET)


def test_stated_age_without_a_screening_date_in_the_file_is_unknown() -> None:
    # The review's case: age_years = 18 screened --as-of 2032-11-02 was still 18 and eligible.
    finding = run("age", {"min_years": 5, "max_years": 18}, {"age_years": 18},
                  screening=date(2032, 11, 2))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("birth_date",)
    assert "screening_date" in finding.evidence


def test_birth_date_takes_precedence_over_a_stale_stated_age() -> None:
    finding = run("age", UNDER_17, {"birth_date": date(2009, 11, 2), "age_years": 16})
    assert finding.outcome == Outcome.NOT_MET
    assert "age 17" in finding.evidence


def test_age_without_birth_date_or_stated_age_is_unknown() -> None:
    finding = run("age", AT_LEAST_5, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert "birth_date" in finding.missing


def test_age_check_rejects_minimum_above_maximum() -> None:
    with pytest.raises(ValueError, match="min_years is above max_years"):
        run("age", {"min_years": 18, "max_years": 5}, {})


def test_age_check_needs_a_bound() -> None:
    with pytest.raises(ValueError, match="give min_years, max_years or both"):
        run("age", {}, {})


@pytest.mark.parametrize("sex", ["female", "male"])
def test_trial_open_to_both_sexes_takes_either(sex: str) -> None:
    finding = run("sex", {"allowed": ["female", "male"]}, {"sex": sex})
    assert finding.outcome == Outcome.MET
    assert sex in finding.evidence


def test_boy_fails_a_girls_only_trial() -> None:
    finding = run("sex", {"allowed": ["female"]}, {"sex": "male"})
    assert finding.outcome == Outcome.NOT_MET
    assert "female only" in finding.evidence


def test_unrecorded_sex_is_unknown() -> None:
    finding = run("sex", {"allowed": ["female"]}, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("sex",)
