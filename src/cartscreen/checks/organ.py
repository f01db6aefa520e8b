"""Organ function: cardiac, renal, hepatic and pulmonary thresholds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cartscreen.checks.base import (
    Check,
    Example,
    Facts,
    Finding,
    NoParams,
    Outcome,
    Params,
    fmt,
)
from cartscreen.scores import egfr
from cartscreen.timeutil import decimal_years

MeasureName = Literal[
    "lvef_percent", "spo2_percent", "dlco_percent_predicted", "fvc_percent_predicted",
]

MEASURE_LABELS = {
    "lvef_percent": ("LVEF", "%"),
    "spo2_percent": ("SpO2", "%"),
    "dlco_percent_predicted": ("DLCO", "% predicted"),
    "fvc_percent_predicted": ("FVC", "% predicted"),
}


class MinimumParams(Params):
    measure: MeasureName
    minimum: float = Field(ge=0)


def _minimum(facts: Facts, p: MinimumParams) -> Finding:
    label, unit = MEASURE_LABELS[p.measure]
    value = facts.get(f"organ_function.{p.measure}")
    if value is None:
        return facts.unknown(f"{label} not recorded", [f"organ_function.{p.measure}"])
    if value >= p.minimum:
        return facts.met(f"{label} {fmt(value)}{unit} ≥ {fmt(p.minimum)}{unit}")
    return facts.not_met(f"{label} {fmt(value)}{unit} < {fmt(p.minimum)}{unit}")


MEASURE_AT_LEAST = Check(
    name="measure_at_least",
    family="organ_function",
    summary="Met when the organ-function measurement is at or above the minimum.",
    reads=tuple(f"organ_function.{m}" for m in MEASURE_LABELS),
    params=MinimumParams,
    evaluate=_minimum,
    describe=lambda p: f"{MEASURE_LABELS[p.measure][0]} ≥ {fmt(p.minimum)}"
    f"{MEASURE_LABELS[p.measure][1]}",
    examples=(
        Example("LVEF 55%", {"measure": "lvef_percent", "minimum": 55},
                {"organ_function": {"lvef_percent": 55}}, Outcome.MET),
        Example("LVEF 54%", {"measure": "lvef_percent", "minimum": 55},
                {"organ_function": {"lvef_percent": 54}}, Outcome.NOT_MET),
    ),
)


class EgfrParams(Params):
    minimum: float = Field(ge=0)


def _egfr(facts: Facts, p: EgfrParams) -> Finding:
    stated = facts.get("organ_function.egfr_ml_min_1_73m2")
    unit = "mL/min/1.73m²"
    if stated is not None:
        value, how = stated, "eGFR"
    else:
        creatinine = facts.get("organ_function.creatinine")
        if creatinine is None:
            return facts.unknown(
                "neither eGFR nor creatinine recorded",
                ["organ_function.egfr_ml_min_1_73m2", "organ_function.creatinine"],
            )
        sex = facts.get("sex")
        birth = facts.get("birth_date")
        height = facts.get("height_cm")
        missing = [k for k, v in (("sex", sex), ("birth_date", birth)) if v is None]
        if missing:
            return facts.unknown("eGFR cannot be computed from creatinine", missing)
        age = decimal_years(birth, facts.screening_date)
        estimate = egfr.estimate(sex, age, height, creatinine.mg_per_dl)
        if estimate is None:
            return facts.unknown("eGFR cannot be computed from creatinine", ["height_cm"])
        value = estimate.value
        how = (
            f"eGFR ({estimate.equation} from creatinine {fmt(creatinine.mg_per_dl)} mg/dL"
            + (f"; {estimate.alongside}" if estimate.alongside else "")
            + ")"
        )
    if value >= p.minimum:
        return facts.met(f"{how} {value:.1f} ≥ {fmt(p.minimum)} {unit}")
    return facts.not_met(f"{how} {value:.1f} < {fmt(p.minimum)} {unit}")


EGFR_AT_LEAST = Check(
    name="egfr_at_least",
    family="organ_function",
    summary="Met when eGFR is at or above the minimum. Uses the stated eGFR; without one, "
    "computes it from creatinine (CKiD U25 below 25 years, CKD-EPI 2021 from 25) and names "
    "the equation.",
    reads=("organ_function.egfr_ml_min_1_73m2", "organ_function.creatinine", "sex",
           "birth_date", "height_cm"),
    params=EgfrParams,
    evaluate=_egfr,
    describe=lambda p: f"eGFR ≥ {fmt(p.minimum)} mL/min/1.73m²",
    examples=(
        Example("eGFR 30", {"minimum": 30}, {"organ_function": {"egfr_ml_min_1_73m2": 30}},
                Outcome.MET),
        Example("eGFR 29", {"minimum": 30}, {"organ_function": {"egfr_ml_min_1_73m2": 29}},
                Outcome.NOT_MET),
    ),
)

Analyte = Literal["ast", "alt", "total_bilirubin"]
ANALYTE_LABELS = {"ast": "AST", "alt": "ALT", "total_bilirubin": "total bilirubin"}


class UlnParams(Params):
    analytes: list[Analyte] = Field(min_length=1)
    max_x_uln: float = Field(gt=0)


def _uln(facts: Facts, p: UlnParams) -> Finding:
    parts: list[str] = []
    missing: list[str] = []
    failed = False
    for analyte in p.analytes:
        result = facts.get(f"organ_function.{analyte}")
        label = ANALYTE_LABELS[analyte]
        if result is None:
            missing.append(f"organ_function.{analyte}")
            continue
        multiple = result.multiple_of_uln
        if multiple <= p.max_x_uln:
            parts.append(f"{label} {multiple:.2f}×ULN ≤ {fmt(p.max_x_uln)}")
        else:
            failed = True
            parts.append(f"{label} {multiple:.2f}×ULN > {fmt(p.max_x_uln)}")
    if failed:
        return facts.not_met("; ".join(parts))
    if missing:
        names = ", ".join(ANALYTE_LABELS[m.removeprefix("organ_function.")] for m in missing)
        return facts.unknown("; ".join([*parts, f"{names} not recorded"]), missing)
    return facts.met("; ".join(parts))


LIVER_WITHIN_ULN = Check(
    name="within_uln",
    family="organ_function",
    summary="Met when each listed analyte is at most the given multiple of its upper limit of "
    "normal (from value and the laboratory's ULN, or a stated × ULN).",
    reads=tuple(f"organ_function.{a}" for a in ANALYTE_LABELS),
    params=UlnParams,
    evaluate=_uln,
    describe=lambda p: " and ".join(ANALYTE_LABELS[a] for a in p.analytes)
    + f" ≤ {fmt(p.max_x_uln)} × ULN",
    examples=(
        Example("AST exactly 3 × ULN", {"analytes": ["ast"], "max_x_uln": 3.0},
                {"organ_function": {"ast": {"value": 120.0, "uln": 40.0}}}, Outcome.MET),
        Example("ALT 3.1 × ULN", {"analytes": ["alt"], "max_x_uln": 3.0},
                {"organ_function": {"alt": {"x_uln": 3.1}}}, Outcome.NOT_MET),
    ),
)


def _ecg(facts: Facts, p: NoParams) -> Finding:
    ecg = facts.get("organ_function.ecg")
    if ecg is None:
        return facts.unknown("ECG not recorded", ["organ_function.ecg"])
    if ecg == "normal":
        return facts.met("ECG normal")
    if ecg == "significant_abnormality":
        return facts.not_met("ECG with a significant abnormality")
    return facts.review("ECG with a minor abnormality: whether it is 'obvious' is a judgement")


ECG = Check(
    name="ecg_no_obvious_abnormality",
    family="organ_function",
    summary="Met for a normal ECG, not met for a significant abnormality, review for a minor one.",
    reads=("organ_function.ecg",),
    params=NoParams,
    evaluate=_ecg,
    describe=lambda p: "no obvious ECG abnormality",
    examples=(
        Example("normal", {}, {"organ_function": {"ecg": "normal"}}, Outcome.MET),
        Example("significant", {}, {"organ_function": {"ecg": "significant_abnormality"}},
                Outcome.NOT_MET),
        Example("minor", {}, {"organ_function": {"ecg": "minor_abnormality"}}, Outcome.REVIEW),
    ),
)


class PressureParams(Params):
    max_mean_mmhg: float = Field(gt=0, description="excluded when mean pressure is above this")


def _pressure(facts: Facts, p: PressureParams) -> Finding:
    mpap = facts.get("organ_function.mean_pulmonary_artery_pressure_mmhg")
    if mpap is not None:
        if mpap > p.max_mean_mmhg:
            return facts.not_met(f"mean pulmonary artery pressure {fmt(mpap)} > "
                                 f"{fmt(p.max_mean_mmhg)} mmHg")
        return facts.met(f"mean pulmonary artery pressure {fmt(mpap)} ≤ "
                         f"{fmt(p.max_mean_mmhg)} mmHg")
    ph = facts.get("organ_function.pulmonary_hypertension")
    if ph is False:
        # Pulmonary hypertension is defined by a mean pressure far below 45 mmHg (>20 mmHg,
        # 2022 ESC/ERS), so a child without it cannot have a mean pressure above 45.
        return facts.met("no pulmonary hypertension")
    return facts.unknown(
        "pulmonary hypertension present but mean pressure not recorded" if ph
        else "pulmonary pressure not recorded",
        ["organ_function.mean_pulmonary_artery_pressure_mmhg"]
        + ([] if ph else ["organ_function.pulmonary_hypertension"]),
    )


PULMONARY_PRESSURE = Check(
    name="pulmonary_pressure",
    family="organ_function",
    summary="Exclusion: not met when the mean pulmonary artery pressure is above the limit. "
    "A recorded absence of pulmonary hypertension also meets it.",
    reads=("organ_function.mean_pulmonary_artery_pressure_mmhg",
           "organ_function.pulmonary_hypertension"),
    params=PressureParams,
    evaluate=_pressure,
    describe=lambda p: f"excluded if mean pulmonary artery pressure > {fmt(p.max_mean_mmhg)} mmHg",
    examples=(
        Example("45 mmHg", {"max_mean_mmhg": 45},
                {"organ_function": {"mean_pulmonary_artery_pressure_mmhg": 45}}, Outcome.MET),
        Example("46 mmHg", {"max_mean_mmhg": 45},
                {"organ_function": {"mean_pulmonary_artery_pressure_mmhg": 46}},
                Outcome.NOT_MET),
    ),
)


def _lung_lesions(facts: Facts, p: NoParams) -> Finding:
    lesions = facts.get("organ_function.serious_lung_lesions")
    if lesions is None:
        return facts.unknown("lung lesions not recorded", ["organ_function.serious_lung_lesions"])
    if lesions:
        return facts.not_met("serious lung lesions")
    return facts.met("no serious lung lesions")


NO_SERIOUS_LUNG_LESIONS = Check(
    name="no_serious_lung_lesions",
    family="organ_function",
    summary="Met when the clinician records no serious lung lesions.",
    reads=("organ_function.serious_lung_lesions",),
    params=NoParams,
    evaluate=_lung_lesions,
    describe=lambda p: "no serious lung lesions",
    examples=(
        Example("none", {}, {"organ_function": {"serious_lung_lesions": False}}, Outcome.MET),
        Example("present", {}, {"organ_function": {"serious_lung_lesions": True}},
                Outcome.NOT_MET),
    ),
)
