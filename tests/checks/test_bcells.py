"""B cells: CD19 expression by flow cytometry, and a count strictly above the threshold."""

from __future__ import annotations

import pytest

from cartscreen.checks.base import Outcome

from .helpers import current, days_before, run

ABOVE_5 = {"above_per_ul": 5}


def test_exactly_5_b_cells_per_microlitre_is_not_above_5() -> None:
    finding = run("b_cell_count", ABOVE_5, current({"b_cells": {"count_per_ul": 5}}))
    assert finding.outcome == Outcome.NOT_MET
    assert "5/µL ≤ 5" in finding.evidence


def test_5_point_1_b_cells_per_microlitre_is_above_5() -> None:
    finding = run("b_cell_count", ABOVE_5, current({"b_cells": {"count_per_ul": 5.1}}))
    assert finding.outcome == Outcome.MET
    assert "5.1/µL > 5" in finding.evidence


def test_b_cell_count_not_recorded_is_unknown() -> None:
    finding = run("b_cell_count", ABOVE_5, {})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("b_cells.count_per_ul",)


def test_cd19_positive_by_flow_cytometry() -> None:
    finding = run("cd19_expression", {}, current({"b_cells": {"cd19_positive": True,
                                                     "method": "flow_cytometry"}}))
    assert finding.outcome == Outcome.MET
    assert "flow cytometry" in finding.evidence


def test_cd19_negative_b_cells_fail() -> None:
    finding = run("cd19_expression", {}, current({"b_cells": {"cd19_positive": False,
                                                     "method": "flow_cytometry"}}))
    assert finding.outcome == Outcome.NOT_MET


def test_cd19_positive_by_another_method_goes_to_review() -> None:
    finding = run("cd19_expression", {},
                  current({"b_cells": {"cd19_positive": True, "method": "other"}}))
    assert finding.outcome == Outcome.REVIEW


@pytest.mark.parametrize(("b_cells", "missing"), [
    ({}, ("b_cells.cd19_positive",)),
    ({"cd19_positive": True}, ("b_cells.method",)),
])
def test_cd19_unknowns_name_the_missing_field(b_cells: dict[str, object],
                                              missing: tuple[str, ...]) -> None:
    finding = run("cd19_expression", {}, current({"b_cells": b_cells}))
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == missing


@pytest.mark.parametrize(("days", "outcome"), [(28, Outcome.MET), (29, Outcome.UNKNOWN)])
def test_b_cell_results_are_current_for_28_days(days: int, outcome: Outcome) -> None:
    b_cells = {"count_per_ul": 148, "cd19_positive": True, "method": "flow_cytometry",
               "measured_on": days_before(days)}
    count = run("b_cell_count", ABOVE_5, {"b_cells": b_cells})
    cd19 = run("cd19_expression", {}, {"b_cells": b_cells})
    assert (count.outcome, cd19.outcome) == (outcome, outcome)
    if outcome == Outcome.UNKNOWN:
        assert count.missing == ("b_cells.count_per_ul",)
        assert "repeat the B-cell count" in count.evidence


def test_an_undated_b_cell_count_is_unknown_naming_its_date() -> None:
    finding = run("b_cell_count", ABOVE_5, {"b_cells": {"count_per_ul": 148}})
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("b_cells.measured_on",)


def test_a_stale_cd19_negative_result_does_not_fail() -> None:
    finding = run("cd19_expression", {}, {"b_cells": {
        "cd19_positive": False, "method": "flow_cytometry", "measured_on": days_before(60)}})
    assert finding.outcome == Outcome.UNKNOWN
