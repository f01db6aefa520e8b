"""Autoantibodies and B cells."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from cartscreen.patient.common import Fact, PosNeg


class Antibodies(Fact):
    """Autoantibody results, each "positive" or "negative"; a test not done is left out."""

    ana: PosNeg | None = None
    # The upper bound lies beyond any dilution series a laboratory reports.
    ana_titre: Annotated[int, Field(ge=1, le=1_000_000)] | None = Field(
        default=None, description="reciprocal titre, e.g. 160 for 1:160"
    )
    anti_dsdna: PosNeg | None = None
    anti_sm: PosNeg | None = None
    ssa_ro: PosNeg | None = None
    ro52: PosNeg | None = None
    ro60: PosNeg | None = None
    ssb_la: PosNeg | None = None
    u1_rnp: PosNeg | None = None
    rf: PosNeg | None = None
    anti_ccp: PosNeg | None = None
    anticardiolipin: PosNeg | None = None
    anti_b2gpi: PosNeg | None = None
    lupus_anticoagulant: PosNeg | None = None
    anticentromere: PosNeg | None = None
    scl70: PosNeg | None = Field(default=None, description="anti-topoisomerase I")
    rnap3: PosNeg | None = Field(default=None, description="anti-RNA polymerase III")
    th_to: PosNeg | None = None
    u3_rnp: PosNeg | None = Field(default=None, description="anti-fibrillarin")
    pm_scl: PosNeg | None = None
    ku: PosNeg | None = None
    jo1: PosNeg | None = None
    pl7: PosNeg | None = None
    pl12: PosNeg | None = None
    ej: PosNeg | None = None
    oj: PosNeg | None = None
    ks: PosNeg | None = None
    mi2: PosNeg | None = None
    mda5: PosNeg | None = None
    tif1g: PosNeg | None = None
    nxp2: PosNeg | None = None
    sae: PosNeg | None = None
    srp: PosNeg | None = None
    hmgcr: PosNeg | None = None


class BCells(Fact):
    # The upper bound is far above any B-cell count; it catches a count per mL or per litre.
    count_per_ul: Annotated[float, Field(ge=0, le=100_000)] | None = None
    cd19_positive: bool | None = None
    method: Literal["flow_cytometry", "other"] | None = None
    measured_on: date | None = None

