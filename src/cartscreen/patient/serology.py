"""Infection screening: serology, viral loads and tuberculosis."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from cartscreen.patient.common import Fact, PosNeg

ViralLoad = Literal["undetectable", "within_normal", "above_normal"]


class Serology(Fact):
    tested_on: date | None = None
    hbsag: PosNeg | None = None
    hbcab: PosNeg | None = None
    hbv_dna: ViralLoad | None = None
    hcv_ab: PosNeg | None = None
    hcv_rna: ViralLoad | None = None
    hiv_ab: PosNeg | None = None
    syphilis: PosNeg | None = Field(default=None, description="treponemal antibody / syphilis test")
    cmv_dna: PosNeg | None = None


class Tuberculosis(Fact):
    status: Literal["active", "latent", "negative"] | None = None
    tested_on: date | None = None

