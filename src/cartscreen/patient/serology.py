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
    hbsag: PosNeg | None = None
    hbsag_on: date | None = None
    hbcab: PosNeg | None = None
    hbcab_on: date | None = None
    hbv_dna: ViralLoad | None = None
    hbv_dna_on: date | None = None
    hcv_ab: PosNeg | None = None
    hcv_ab_on: date | None = None
    hcv_rna: ViralLoad | None = None
    hcv_rna_on: date | None = None
    hiv_ab: PosNeg | None = None
    hiv_ab_on: date | None = None
    syphilis: PosNeg | None = Field(default=None, description="treponemal antibody / syphilis test")
    syphilis_on: date | None = None
    cmv_dna: PosNeg | None = None
    cmv_dna_on: date | None = None


class Tuberculosis(Fact):
    status: Literal["active", "latent", "negative"] | None = None
    tested_on: date | None = Field(
        default=None, description="the date of the test (IGRA or tuberculin skin test) or "
        "assessment the status rests on"
    )

