"""Laboratory results and organ function."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from cartscreen.patient.common import Fact, Percent
from cartscreen.patient.units import (
    BILIRUBIN_UMOL_L_PER_MG_DL,
    CREATININE_UMOL_L_PER_MG_DL,
    ConcentrationUnit,
    EnzymeUnit,
    to_mg_per_dl,
    to_umol_per_l,
)


def _times_uln(x_uln: float | None, value: float | None, uln: float | None) -> float:
    """A result as a multiple of its upper limit of normal: stated, or value ÷ ULN (the two
    forms a result may take; its validator ensures one of them is complete)."""
    if x_uln is not None:
        return x_uln
    assert value is not None and uln is not None
    return value / uln


class EnzymeResult(Fact):
    """A liver enzyme in U/L with the laboratory's upper limit of normal, or directly × ULN.

    Value and ULN share the unit, so the multiple of the ULN does not depend on it; the bounds
    are sanity bounds in U/L (a ULN outside 5–500 U/L is another unit, such as µkat/L).
    """

    value: Annotated[float, Field(ge=0, le=100_000)] | None = Field(
        default=None, json_schema_extra={"unit": "U/L"},
        description="serum enzyme activity, in U/L")
    unit: EnzymeUnit = Field(
        default="U/L", description="unit of value and uln: U/L (IU/L is the same unit)")
    uln: Annotated[float, Field(ge=5, le=500)] | None = Field(
        default=None, json_schema_extra={"unit": "U/L"},
        description="the laboratory's upper limit of normal, in U/L")
    x_uln: Annotated[float, Field(ge=0, le=1000)] | None = Field(
        default=None, description="the result as a multiple of the upper limit of normal, "
        "instead of value and uln"
    )
    measured_on: date | None = Field(
        default=None, description="when it was measured; without it, organ_function.labs_on"
    )

    @model_validator(mode="after")
    def _one_form(self) -> EnzymeResult:
        if self.x_uln is None and (self.value is None or self.uln is None):
            raise ValueError("incomplete result; give value and uln (both in U/L), or x_uln")
        if self.x_uln is not None and (self.value is not None or self.uln is not None):
            raise ValueError("two forms given; give value and uln, or x_uln, not both")
        return self

    @property
    def multiple_of_uln(self) -> float:
        return _times_uln(self.x_uln, self.value, self.uln)


# Plausible total bilirubin, in mg/dL (checked in the unit given: see _unit_ranges).
BILIRUBIN_VALUE_RANGE_MG_DL = (0.0, 50.0)
BILIRUBIN_ULN_RANGE_MG_DL = (0.3, 5.0)
# Plausible serum creatinine, in mg/dL: the lower bound is that of the CKiD U25 equation's
# inputs (Pierce 2021, 0.1–10 mg/dL); the upper bound is above any value a living patient has.
CREATININE_RANGE_MG_DL = (0.1, 40.0)


class BilirubinResult(Fact):
    """Total bilirubin with its unit and the laboratory's upper limit of normal (same unit)."""

    # Wide bounds here keep numbers finite; the plausible ranges, in the unit given, are
    # plausibility rules (BILIRUBIN_VALUE_RANGE_MG_DL, BILIRUBIN_ULN_RANGE_MG_DL).
    value: Annotated[float, Field(ge=0, le=10_000)] | None = Field(
        default=None, description="serum total bilirubin, in mg/dL or µmol/L (see unit)"
    )
    unit: ConcentrationUnit | None = Field(
        default=None, description="unit of value and uln: mg/dL or µmol/L"
    )
    uln: Annotated[float, Field(gt=0, le=1_000)] | None = Field(
        default=None, description="the laboratory's upper limit of normal, in the unit of value"
    )
    x_uln: Annotated[float, Field(ge=0, le=100)] | None = Field(
        default=None, description="the result as a multiple of the upper limit of normal, "
        "instead of value, unit and uln"
    )
    measured_on: date | None = Field(
        default=None, description="when it was measured; without it, organ_function.labs_on"
    )

    @model_validator(mode="after")
    def _one_form(self) -> BilirubinResult:
        if self.x_uln is None and (self.value is None or self.uln is None or self.unit is None):
            raise ValueError("incomplete result; give value, unit and uln (the laboratory's "
                             "upper limit, in the same unit), or x_uln")
        if self.x_uln is not None and (self.value is not None or self.uln is not None):
            raise ValueError("two forms given; give value, unit and uln, or x_uln, not both")
        return self

    @property
    def multiple_of_uln(self) -> float:
        return _times_uln(self.x_uln, self.value, self.uln)

    @property
    def mg_per_dl(self) -> float | None:
        """The value in mg/dL (None when only × ULN is given)."""
        if self.value is None or self.unit is None:
            return None
        return to_mg_per_dl(self.value, self.unit, BILIRUBIN_UMOL_L_PER_MG_DL)

    @property
    def umol_per_l(self) -> float | None:
        """The value in µmol/L (None when only × ULN is given)."""
        if self.value is None or self.unit is None:
            return None
        return to_umol_per_l(self.value, self.unit, BILIRUBIN_UMOL_L_PER_MG_DL)


class Creatinine(Fact):
    """Serum creatinine with its unit; eGFR equations take mg/dL."""

    # the range in its unit: plausibility
    value: Annotated[float, Field(gt=0, le=100_000)] = Field(
        description="serum creatinine, in mg/dL or µmol/L (see unit)"
    )
    unit: ConcentrationUnit = Field(description="unit of value: mg/dL or µmol/L")
    measured_on: date | None = Field(
        default=None, description="when it was measured; without it, organ_function.labs_on"
    )

    @property
    def mg_per_dl(self) -> float:
        return to_mg_per_dl(self.value, self.unit, CREATININE_UMOL_L_PER_MG_DL)

    @property
    def umol_per_l(self) -> float:
        return to_umol_per_l(self.value, self.unit, CREATININE_UMOL_L_PER_MG_DL)


class OrganFunction(Fact):
    """Organ function at screening. Each result is dated by the test it comes from: the
    echocardiogram (``echo_on``), the ECG (``ecg_on``), the blood tests (``labs_on``, unless a
    result gives its own ``measured_on``), pulse oximetry (``spo2_on``), pulmonary function
    tests (``lung_function_on``), chest imaging (``chest_imaging_on``) and the assessment of
    pulmonary pressure (``pulmonary_pressure_on``, else the echocardiogram)."""

    lvef_percent: Percent | None = Field(
        default=None, description="left ventricular ejection fraction on the echocardiogram"
    )
    echo_on: date | None = Field(default=None, description="date of the echocardiogram")
    ecg: Literal["normal", "minor_abnormality", "significant_abnormality"] | None = Field(
        default=None, description="ECG at screening: normal, a minor abnormality, or a "
        "clinically significant one"
    )
    ecg_on: date | None = Field(default=None, description="date of the ECG")
    egfr_ml_min_1_73m2: Annotated[float, Field(ge=0, le=300)] | None = Field(
        default=None, description="estimated glomerular filtration rate, as reported"
    )
    creatinine: Creatinine | None = Field(
        default=None, description="serum creatinine with its unit; eGFR is computed from it "
        "(CKiD U25 under 25 years)"
    )
    ast: EnzymeResult | None = Field(
        default=None, description="AST (aspartate aminotransferase): in U/L with the lab's upper "
        "limit, or as × ULN"
    )
    alt: EnzymeResult | None = Field(
        default=None, description="ALT (alanine aminotransferase): in U/L with the lab's upper "
        "limit, or as × ULN"
    )
    total_bilirubin: BilirubinResult | None = Field(
        default=None, description="serum total bilirubin with its unit and the lab's upper "
        "limit, or as × ULN"
    )
    labs_on: date | None = Field(
        default=None, description="date of the blood tests (eGFR, creatinine, AST, ALT, "
        "bilirubin) that give no measured_on of their own"
    )
    spo2_percent: Percent | None = Field(
        default=None, description="oxygen saturation by pulse oximetry (SpO2)"
    )
    spo2_on: date | None = Field(default=None, description="date of the SpO2 reading")
    dlco_percent_predicted: Annotated[float, Field(ge=0, le=200)] | None = Field(
        default=None, description="diffusing capacity of the lung for carbon monoxide (DLCO)"
    )
    fvc_percent_predicted: Annotated[float, Field(ge=0, le=200)] | None = Field(
        default=None, description="forced vital capacity (FVC) on spirometry"
    )
    lung_function_on: date | None = Field(
        default=None, description="date of the pulmonary function tests (FVC, DLCO)"
    )
    mean_pulmonary_artery_pressure_mmhg: Annotated[float, Field(ge=0, le=150)] | None = Field(
        default=None, description="mean pulmonary artery pressure, by right heart catheter or "
        "echocardiogram estimate"
    )
    pulmonary_hypertension: bool | None = Field(
        default=None, description="true for pulmonary hypertension (mean pulmonary artery "
        "pressure above 20 mmHg)"
    )
    pulmonary_pressure_on: date | None = Field(
        default=None, description="date pulmonary pressure was assessed (catheterisation or "
        "echocardiogram); without it, echo_on"
    )
    serious_lung_lesions: bool | None = Field(
        default=None, description="true when chest imaging shows serious lung lesions"
    )
    chest_imaging_on: date | None = Field(
        default=None, description="date of the chest imaging (CT) that shows the lungs"
    )
