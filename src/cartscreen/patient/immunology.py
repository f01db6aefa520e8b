"""Autoantibodies and B cells."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from cartscreen.patient.common import Fact, PosNeg


class Antibodies(Fact):
    """Autoantibody results, each "positive" or "negative"; a test not done is left out."""

    ana: PosNeg | None = Field(default=None, description="antinuclear antibodies (ANA)")
    # The upper bound lies beyond any dilution series a laboratory reports.
    ana_titre: Annotated[int, Field(ge=1, le=1_000_000)] | None = Field(
        default=None, description="reciprocal titre, e.g. 160 for 1:160"
    )
    anti_dsdna: PosNeg | None = Field(
        default=None, description="anti-double-stranded DNA antibodies"
    )
    anti_sm: PosNeg | None = Field(default=None, description="anti-Smith (Sm) antibodies")
    ssa_ro: PosNeg | None = Field(default=None, description="anti-SSA/Ro antibodies")
    ro52: PosNeg | None = Field(default=None, description="anti-Ro52 (TRIM21) antibodies")
    ro60: PosNeg | None = Field(default=None, description="anti-Ro60 antibodies")
    ssb_la: PosNeg | None = Field(default=None, description="anti-SSB/La antibodies")
    u1_rnp: PosNeg | None = Field(default=None, description="anti-U1 RNP antibodies")
    rf: PosNeg | None = Field(default=None, description="rheumatoid factor (RF)")
    anti_ccp: PosNeg | None = Field(
        default=None, description="anti-cyclic citrullinated peptide (anti-CCP) antibodies"
    )
    anticardiolipin: PosNeg | None = Field(default=None, description="anticardiolipin antibodies")
    anti_b2gpi: PosNeg | None = Field(default=None, description="anti-β2-glycoprotein I antibodies")
    lupus_anticoagulant: PosNeg | None = Field(default=None, description="lupus anticoagulant")
    anticentromere: PosNeg | None = Field(default=None, description="anticentromere antibodies")
    scl70: PosNeg | None = Field(default=None, description="anti-topoisomerase I")
    rnap3: PosNeg | None = Field(default=None, description="anti-RNA polymerase III")
    th_to: PosNeg | None = Field(default=None, description="anti-Th/To antibodies")
    u3_rnp: PosNeg | None = Field(default=None, description="anti-fibrillarin")
    pm_scl: PosNeg | None = Field(default=None, description="anti-PM-Scl antibodies")
    ku: PosNeg | None = Field(default=None, description="anti-Ku antibodies")
    jo1: PosNeg | None = Field(
        default=None, description="anti-Jo-1 (histidyl-tRNA synthetase) antibodies"
    )
    pl7: PosNeg | None = Field(
        default=None, description="anti-PL-7 (threonyl-tRNA synthetase) antibodies"
    )
    pl12: PosNeg | None = Field(
        default=None, description="anti-PL-12 (alanyl-tRNA synthetase) antibodies"
    )
    ej: PosNeg | None = Field(
        default=None, description="anti-EJ (glycyl-tRNA synthetase) antibodies"
    )
    oj: PosNeg | None = Field(
        default=None, description="anti-OJ (isoleucyl-tRNA synthetase) antibodies"
    )
    ks: PosNeg | None = Field(
        default=None, description="anti-KS (asparaginyl-tRNA synthetase) antibodies"
    )
    mi2: PosNeg | None = Field(default=None, description="anti-Mi-2 antibodies")
    mda5: PosNeg | None = Field(default=None, description="anti-MDA5 antibodies")
    tif1g: PosNeg | None = Field(default=None, description="anti-TIF1-γ antibodies")
    nxp2: PosNeg | None = Field(default=None, description="anti-NXP2 antibodies")
    sae: PosNeg | None = Field(default=None, description="anti-SAE antibodies")
    srp: PosNeg | None = Field(default=None, description="anti-SRP antibodies")
    hmgcr: PosNeg | None = Field(default=None, description="anti-HMGCR antibodies")


class BCells(Fact):
    # The upper bound is far above any B-cell count; it catches a count per mL or per litre.
    count_per_ul: Annotated[float, Field(ge=0, le=100_000)] | None = Field(
        default=None, description="peripheral blood B-cell count"
    )
    cd19_positive: bool | None = Field(
        default=None, description="true when peripheral blood B cells express CD19"
    )
    method: Literal["flow_cytometry", "other"] | None = Field(
        default=None, description="method of the B-cell test: flow cytometry or another method"
    )
    measured_on: date | None = Field(
        default=None, description="date of the blood sample for the B-cell count and CD19"
    )

