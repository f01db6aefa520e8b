"""Pregnancy and the medical history (malignancy, immunodeficiency, cardiac, other disease)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from cartscreen.patient.common import Fact, PosNeg


class Pregnancy(Fact):
    childbearing_potential: bool | None = Field(
        default=None, description="true for a female of childbearing potential: "
        "post-menarche and not permanently sterile"
    )
    test: PosNeg | None = Field(default=None, description="result of the screening pregnancy test")
    test_type: Literal["urine", "blood"] | None = Field(
        default=None, description="urine or blood (serum) hCG pregnancy test"
    )
    test_date: date | None = Field(default=None, description="date of the pregnancy test")


class Malignancy(Fact):
    type: str = Field(description="the malignancy, e.g. Hodgkin lymphoma")
    diagnosed: date | None = Field(default=None, description="date the malignancy was diagnosed")
    status: Literal["active", "in_remission", "cured"] | None = Field(
        default=None, description="current status: active, in remission, or cured"
    )
    resected: bool | None = Field(
        default=None, description="true when the tumour was surgically removed"
    )
    skin_basal_cell_carcinoma: bool | None = Field(
        default=None, description="true when it is a basal cell carcinoma of the skin"
    )


class Cardiac(Fact):
    congenital_heart_disease: bool | None = Field(
        default=None, description="true for congenital heart disease"
    )
    severe_arrhythmia: bool | None = Field(
        default=None, description="true for a severe cardiac arrhythmia"
    )
    serious_myocarditis: bool | None = Field(
        default=None, description="true for serious myocarditis"
    )
    pericardial_effusion: Literal["none", "small", "moderate", "large"] | None = Field(
        default=None, description="pericardial effusion on the echocardiogram dated by "
        "organ_function.echo_on"
    )
    vasopressor_dependent: bool | None = Field(
        default=None, description="unstable vital signs needing drugs to keep blood pressure"
    )
    myocardial_infarctions: list[date] | None = Field(
        default=None, description="date of each myocardial infarction; [] means recorded: none"
    )
    other_serious_conditions: list[str] | None = Field(
        default=None,
        description="other serious cardiac conditions ([] for none); the registry lists end in "
        "'etc.'",
    )


class History(Fact):
    malignancies: list[Malignancy] | None = Field(
        default=None, description="malignancies, active or past, one entry each; [] means "
        "recorded: none"
    )
    primary_immunodeficiency: bool | None = Field(
        default=None, description="true for a primary (inborn) immunodeficiency"
    )
    secondary_immunodeficiency: Literal["none", "corrected", "uncorrected"] | None = Field(
        default=None, description="secondary (acquired) immunodeficiency: none, present but "
        "corrected, or uncorrected"
    )
    cardiac: Cardiac = Field(default=Cardiac(), description="cardiac history")
    other_autoimmune_diseases: list[str] | None = Field(
        default=None, description="other autoimmune or rheumatic diseases, one entry each; [] "
        "means recorded: none"
    )
    conditions_requiring_long_term_immunosuppression: list[str] | None = Field(
        default=None, description="other conditions needing long-term glucocorticoids or "
        "immunosuppressants; [] means recorded: none"
    )

