"""B-cell checks: CD19 expression on peripheral B cells, and the B-cell count."""

from __future__ import annotations

from pydantic import Field

from cartscreen.checks.base import Check, Example, Facts, Finding, NoParams, Outcome, Params, fmt


def _cd19(facts: Facts, p: NoParams) -> Finding:
    positive = facts.get("b_cells.cd19_positive")
    method = facts.get("b_cells.method")
    if positive is None:
        return facts.unknown("CD19 expression not recorded", ["b_cells.cd19_positive"])
    if positive is False:
        return facts.not_met("peripheral B cells CD19 negative")
    if method == "flow_cytometry":
        return facts.met("peripheral B cells CD19 positive by flow cytometry")
    if method is None:
        return facts.unknown("CD19 positive, but the method is not recorded", ["b_cells.method"])
    return facts.review("CD19 positive by a method other than flow cytometry")


CD19_EXPRESSION = Check(
    name="cd19_expression",
    family="b_cells",
    summary="Met when peripheral blood B cells express CD19 by flow cytometry; review for "
    "another method.",
    reads=("b_cells.cd19_positive", "b_cells.method"),
    params=NoParams,
    evaluate=_cd19,
    describe=lambda p: "CD19 expressed on peripheral B cells, by flow cytometry",
    examples=(
        Example("CD19+ by flow", {}, {"b_cells": {"cd19_positive": True,
                                                  "method": "flow_cytometry"}}, Outcome.MET),
        Example("CD19 negative", {}, {"b_cells": {"cd19_positive": False,
                                                  "method": "flow_cytometry"}}, Outcome.NOT_MET),
    ),
)


class CountParams(Params):
    above_per_ul: float = Field(ge=0, description="count must be strictly above this")


def _count(facts: Facts, p: CountParams) -> Finding:
    count = facts.get("b_cells.count_per_ul")
    if count is None:
        return facts.unknown("B-cell count not recorded", ["b_cells.count_per_ul"])
    if count > p.above_per_ul:
        return facts.met(f"B cells {fmt(count)}/µL > {fmt(p.above_per_ul)}")
    return facts.not_met(f"B cells {fmt(count)}/µL ≤ {fmt(p.above_per_ul)}")


B_CELL_COUNT = Check(
    name="b_cell_count",
    family="b_cells",
    summary="Met when the peripheral B-cell count is strictly above the threshold.",
    reads=("b_cells.count_per_ul",),
    params=CountParams,
    evaluate=_count,
    describe=lambda p: f"B cells > {fmt(p.above_per_ul)} per µL",
    examples=(
        Example("6 per µL", {"above_per_ul": 5}, {"b_cells": {"count_per_ul": 6}}, Outcome.MET),
        Example("exactly 5 per µL", {"above_per_ul": 5}, {"b_cells": {"count_per_ul": 5}},
                Outcome.NOT_MET),
    ),
)
