"""Pregnancy and the medical history (malignancy, immunodeficiency, cardiac, other disease)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from cartscreen.patient.common import Fact, PosNeg


class Pregnancy(Fact):
    childbearing_potential: bool | None = None
    test: PosNeg | None = None
    test_type: Literal["urine", "blood"] | None = None
    test_date: date | None = None


class Malignancy(Fact):
    type: str
    diagnosed: date | None = None
    status: Literal["active", "in_remission", "cured"] | None = None
    resected: bool | None = None
    skin_basal_cell_carcinoma: bool | None = None


class Cardiac(Fact):
    congenital_heart_disease: bool | None = None
    severe_arrhythmia: bool | None = None
    serious_myocarditis: bool | None = None
    pericardial_effusion: Literal["none", "small", "moderate", "large"] | None = None
    vasopressor_dependent: bool | None = Field(
        default=None, description="unstable vital signs needing drugs to keep blood pressure"
    )
    myocardial_infarctions: list[date] | None = None
    other_serious_conditions: list[str] | None = Field(
        default=None,
        description="other serious cardiac conditions ([] for none); the registry lists end in "
        "'etc.'",
    )


class History(Fact):
    malignancies: list[Malignancy] | None = None
    primary_immunodeficiency: bool | None = None
    secondary_immunodeficiency: Literal["none", "corrected", "uncorrected"] | None = None
    cardiac: Cardiac = Cardiac()
    other_autoimmune_diseases: list[str] | None = None
    conditions_requiring_long_term_immunosuppression: list[str] | None = None

