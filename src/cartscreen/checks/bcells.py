"""B-cell checks: CD19 expression on peripheral B cells, and the B-cell count."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from cartscreen.checks.base import (
    MET,
    NOT_MET,
    UNKNOWN,
    Check,
    Example,
    Facts,
    Finding,
    NoParams,
    Params,
    fmt,
)

_CD19 = "b_cells.cd19_positive"
_METHOD = "b_cells.method"
_COUNT = "b_cells.count_per_ul"


def _cd19(facts: Facts, p: NoParams) -> Finding:
    positive = facts.result(_CD19)
    if positive is None:
        return facts.unknown_results([_CD19])
    when = facts.dated(_CD19)
    if positive is False:
        return facts.not_met(f"peripheral B cells CD19 negative ({when})")
    method = facts.result(_METHOD)
    if method == "flow_cytometry":
        return facts.met(f"peripheral B cells CD19 positive by flow cytometry ({when})")
    if method is None:
        return facts.unknown_results([_METHOD], "CD19 positive, but the method is not recorded")
    return facts.review(f"CD19 positive by a method other than flow cytometry ({when})")


CD19_EXPRESSION = Check(
    name="cd19_expression",
    family="b_cells",
    summary="Met when peripheral blood B cells express CD19 by flow cytometry; review for "
    "another method.",
    reads=("b_cells.cd19_positive", "b_cells.method"),
    params=NoParams,
    evaluate=_cd19,
    results=lambda p: (_CD19, _METHOD),
    describe=lambda p: "CD19 expressed on peripheral B cells, by flow cytometry",
    examples=(
        Example("CD19+ by flow", {}, {"b_cells": {"cd19_positive": True,
                                                  "method": "flow_cytometry",
                                                  "measured_on": date(2026, 10, 28)}},
                MET),
        Example("CD19 negative", {}, {"b_cells": {"cd19_positive": False,
                                                  "method": "flow_cytometry",
                                                  "measured_on": date(2026, 10, 28)}},
                NOT_MET),
        Example("CD19+ by flow 40 days before screening", {}, {
            "b_cells": {"cd19_positive": True, "method": "flow_cytometry",
                        "measured_on": date(2026, 9, 22)}}, UNKNOWN),
    ),
)


# A threshold states that B cells are present (">5 per µL"), or back after depletion: a few to
# tens per µL. Normal counts in children are in the hundreds per µL (higher in infancy): a
# threshold in the thousands would exclude healthy children, so no registry means one.
MAX_B_CELL_THRESHOLD_PER_UL = 2000


class CountParams(Params):
    above_per_ul: float = Field(ge=0, le=MAX_B_CELL_THRESHOLD_PER_UL,
                                description="count must be strictly above this")


def _count(facts: Facts, p: CountParams) -> Finding:
    count = facts.result(_COUNT)
    if count is None:
        return facts.unknown_results([_COUNT])
    when = facts.dated(_COUNT)
    if count > p.above_per_ul:
        return facts.met(f"B cells {fmt(count)}/µL > {fmt(p.above_per_ul)} ({when})")
    return facts.not_met(f"B cells {fmt(count)}/µL ≤ {fmt(p.above_per_ul)} ({when})")


B_CELL_COUNT = Check(
    name="b_cell_count",
    family="b_cells",
    summary="Met when the peripheral B-cell count is strictly above the threshold.",
    reads=("b_cells.count_per_ul",),
    params=CountParams,
    evaluate=_count,
    results=lambda p: (_COUNT,),
    describe=lambda p: f"B cells > {fmt(p.above_per_ul)} per µL",
    examples=(
        Example("6 per µL", {"above_per_ul": 5},
                {"b_cells": {"count_per_ul": 6, "measured_on": date(2026, 10, 28)}}, MET),
        Example("exactly 5 per µL", {"above_per_ul": 5},
                {"b_cells": {"count_per_ul": 5, "measured_on": date(2026, 10, 28)}},
                NOT_MET),
        Example("148 per µL, undated", {"above_per_ul": 5}, {"b_cells": {"count_per_ul": 148}},
                UNKNOWN),
    ),
)
