"""Pregnancy test: for patients of childbearing potential only."""

from __future__ import annotations

from datetime import date

import pytest

from cartscreen.checks.base import Outcome

from .helpers import days_before, run


def test_pregnancy_test_does_not_apply_to_a_boy() -> None:
    finding = run("pregnancy_test_negative", {}, {"sex": "male"})
    assert finding.outcome == Outcome.NOT_APPLICABLE
    assert "male" in finding.evidence


def test_girl_with_childbearing_potential_unrecorded_is_unknown() -> None:
    finding = run("pregnancy_test_negative", {}, {"sex": "female"})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("pregnancy.childbearing_potential",)


def test_girl_not_of_childbearing_potential_needs_no_test() -> None:
    finding = run("pregnancy_test_negative", {},
                  {"sex": "female", "pregnancy": {"childbearing_potential": False}})
    assert finding.outcome == Outcome.NOT_APPLICABLE


def test_negative_urine_test_meets() -> None:
    finding = run("pregnancy_test_negative", {}, {"sex": "female", "pregnancy": {
        "childbearing_potential": True, "test": "negative", "test_type": "urine",
        "test_date": date(2026, 10, 30)}})
    assert finding.outcome == Outcome.MET
    assert "urine pregnancy test negative on 2026-10-30" in finding.evidence


def test_positive_pregnancy_test_excludes() -> None:
    finding = run("pregnancy_test_negative", {}, {"sex": "female", "pregnancy": {
        "childbearing_potential": True, "test": "positive", "test_type": "blood",
        "test_date": date(2026, 10, 30)}})
    assert finding.outcome == Outcome.NOT_MET
    assert "blood pregnancy test positive" in finding.evidence


def test_positive_urine_test_also_excludes() -> None:
    finding = run("pregnancy_test_negative", {}, {"sex": "female", "pregnancy": {
        "childbearing_potential": True, "test": "positive", "test_type": "urine",
        "test_date": date(2026, 10, 30)}})
    assert finding.outcome == Outcome.NOT_MET


def test_childbearing_potential_without_a_test_result_is_unknown() -> None:
    finding = run("pregnancy_test_negative", {},
                  {"sex": "female", "pregnancy": {"childbearing_potential": True}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("pregnancy.test",)


def test_sex_unrecorded_is_unknown_naming_sex() -> None:
    finding = run("pregnancy_test_negative", {}, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("sex",)


@pytest.mark.parametrize("result", ["negative", "positive"])
def test_undated_pregnancy_test_is_unknown_naming_its_date(result: str) -> None:
    # An undated negative test once passed, though the criteria concern pregnancy at screening.
    finding = run("pregnancy_test_negative", {}, {"sex": "female", "pregnancy": {
        "childbearing_potential": True, "test": result, "test_type": "urine"}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("pregnancy.test_date",)
    assert f"pregnancy test {result} is not dated" in finding.evidence


def test_negative_test_of_unstated_kind_with_its_date_meets() -> None:
    finding = run("pregnancy_test_negative", {}, {"sex": "female", "pregnancy": {
        "childbearing_potential": True, "test": "negative", "test_date": date(2026, 10, 30)}})
    assert finding.outcome == Outcome.MET
    assert finding.evidence == "pregnancy test negative on 2026-10-30"


def _tested(days_ago: int, result: str = "negative") -> dict[str, object]:
    return {"sex": "female", "pregnancy": {"childbearing_potential": True, "test": result,
                                           "test_type": "urine",
                                           "test_date": days_before(days_ago)}}


@pytest.mark.parametrize(("days", "outcome"), [(0, Outcome.MET), (7, Outcome.MET),
                                               (8, Outcome.UNKNOWN)])
def test_a_pregnancy_test_is_current_for_7_days(days: int, outcome: Outcome) -> None:
    finding = run("pregnancy_test_negative", {}, _tested(days))
    assert finding.outcome == outcome


def test_a_two_year_old_pregnancy_test_names_its_date_and_window() -> None:
    # The review's case: a negative test two years old passed.
    finding = run("pregnancy_test_negative", {}, _tested(730))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("pregnancy.test",)
    assert (f"pregnancy test of {days_before(730)} is older than 7 days before screening: "
            "repeat the pregnancy test") in finding.evidence


def test_an_old_positive_test_does_not_fail_either() -> None:
    assert run("pregnancy_test_negative", {}, _tested(30, "positive")).outcome == Outcome.UNKNOWN
