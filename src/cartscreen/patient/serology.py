"""Infection screening: serology, viral loads and tuberculosis."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from cartscreen.patient.common import Fact, PosNeg

ViralLoad = Literal["undetectable", "within_normal", "above_normal"]


class Serology(Fact):
    """Infection serology and viral loads. ``tested_on`` dates every result below that has no
    date of its own (``hbsag_on`` and so on)."""

    tested_on: date | None = Field(
        default=None, description="the date of every result here without its own date"
    )
    hbsag: PosNeg | None = Field(default=None, description="hepatitis B surface antigen (HBsAg)")
    hbsag_on: date | None = Field(
        default=None, description="date of the HBsAg test; without it, tested_on"
    )
    hbcab: PosNeg | None = Field(default=None, description="hepatitis B core antibody (anti-HBc)")
    hbcab_on: date | None = Field(
        default=None, description="date of the anti-HBc test; without it, tested_on"
    )
    hbv_dna: ViralLoad | None = Field(
        default=None, description="HBV DNA load against the lab's reference range: undetectable, "
        "within it, or above it"
    )
    hbv_dna_on: date | None = Field(
        default=None, description="date of the HBV DNA test; without it, tested_on"
    )
    hcv_ab: PosNeg | None = Field(default=None, description="hepatitis C virus antibody (anti-HCV)")
    hcv_ab_on: date | None = Field(
        default=None, description="date of the HCV antibody test; without it, tested_on"
    )
    hcv_rna: ViralLoad | None = Field(
        default=None, description="HCV RNA load against the lab's reference range: undetectable, "
        "within it, or above it"
    )
    hcv_rna_on: date | None = Field(
        default=None, description="date of the HCV RNA test; without it, tested_on"
    )
    hiv_ab: PosNeg | None = Field(default=None, description="HIV-1/2 antibody test")
    hiv_ab_on: date | None = Field(
        default=None, description="date of the HIV antibody test; without it, tested_on"
    )
    syphilis: PosNeg | None = Field(default=None, description="treponemal antibody / syphilis test")
    syphilis_on: date | None = Field(
        default=None, description="date of the syphilis test; without it, tested_on"
    )
    cmv_dna: PosNeg | None = Field(
        default=None, description="cytomegalovirus DNA by PCR in blood; positive means detected"
    )
    cmv_dna_on: date | None = Field(
        default=None, description="date of the CMV DNA test; without it, tested_on"
    )


class Tuberculosis(Fact):
    status: Literal["active", "latent", "negative"] | None = Field(
        default=None, description="active tuberculosis, latent infection (positive test, no "
        "disease), or negative"
    )
    tested_on: date | None = Field(
        default=None, description="the date of the test (IGRA or tuberculin skin test) or "
        "assessment the status rests on"
    )

