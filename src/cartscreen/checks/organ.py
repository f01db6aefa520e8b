"""Organ function: cardiac, renal, hepatic and pulmonary thresholds."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from cartscreen.checks.base import (
    MET,
    NOT_MET,
    REVIEW,
    UNKNOWN,
    Check,
    Example,
    Facts,
    Finding,
    NoParams,
    Params,
    fmt,
)
from cartscreen.patient import Creatinine
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
    minimum: float = Field(
        ge=0, le=100,
        description="a percentage, or % of predicted (above 100 would fail normal function)")


def _minimum(facts: Facts, p: MinimumParams) -> Finding:
    label, unit = MEASURE_LABELS[p.measure]
    key = f"organ_function.{p.measure}"
    value = facts.result(key)
    if value is None:
        return facts.unknown_results([key])
    when = f" ({facts.dated(key)})"
    if value >= p.minimum:
        return facts.met(f"{label} {fmt(value)}{unit} ≥ {fmt(p.minimum)}{unit}{when}")
    return facts.not_met(f"{label} {fmt(value)}{unit} < {fmt(p.minimum)}{unit}{when}")


MEASURE_AT_LEAST = Check(
    name="measure_at_least",
    family="organ_function",
    summary="Met when the organ-function measurement, current at screening, is at or above the "
    "minimum.",
    reads=tuple(f"organ_function.{m}" for m in MEASURE_LABELS),
    params=MinimumParams,
    evaluate=_minimum,
    results=lambda p: (f"organ_function.{p.measure}",),
    reads_for=lambda p: (f"organ_function.{p.measure}",),
    describe=lambda p: f"{MEASURE_LABELS[p.measure][0]} ≥ {fmt(p.minimum)}"
    f"{MEASURE_LABELS[p.measure][1]}",
    examples=(
        Example("LVEF 55%", {"measure": "lvef_percent", "minimum": 55},
                {"organ_function": {"lvef_percent": 55, "echo_on": date(2026, 10, 20)}},
                MET),
        Example("LVEF 54%", {"measure": "lvef_percent", "minimum": 55},
                {"organ_function": {"lvef_percent": 54, "echo_on": date(2026, 10, 20)}},
                NOT_MET),
        Example("LVEF 64% on an echo 29 days old", {"measure": "lvef_percent", "minimum": 55},
                {"organ_function": {"lvef_percent": 64, "echo_on": date(2026, 10, 3)}},
                UNKNOWN),
    ),
)


# Normal GFR from 2 years of age is about 90–130 mL/min/1.73 m² (KDIGO 2012 counts ≥90 as
# normal): a minimum above 150 would exclude healthy children, so no registry means one.
MAX_EGFR_MINIMUM = 150


class EgfrParams(Params):
    minimum: float = Field(ge=0, le=MAX_EGFR_MINIMUM,
                           json_schema_extra={"unit": "mL/min/1.73 m²"})


_EGFR = "organ_function.egfr_ml_min_1_73m2"
_CREATININE = "organ_function.creatinine"
_UNIT = "mL/min/1.73m²"
# Creatinine-based equations estimate measured GFR within 30% in most children (the P30
# accuracy measure by which CKiD U25 and bedside Schwartz were validated: Pierce 2021,
# Schwartz 2009). A stated eGFR further than that from the one computed from a recorded
# creatinine is a contradiction between two facts, not measurement error.
EGFR_AGREEMENT = 0.30


def _computed_egfr(facts: Facts, creatinine: Creatinine) -> tuple[float, str] | list[str]:
    """The eGFR from creatinine with how it was computed, or the keys it still needs."""
    sex = facts.get("sex")
    birth = facts.get("birth_date")
    height = facts.get("height_cm")
    missing = [k for k, v in (("sex", sex), ("birth_date", birth)) if v is None]
    if missing:
        return missing
    estimate = egfr.estimate(sex, decimal_years(birth, facts.screening_date), height,
                             creatinine.mg_per_dl)
    if estimate is None:
        return ["height_cm"]
    how = (f"eGFR {estimate.value:.1f} ({estimate.equation} from creatinine "
           f"{fmt(creatinine.mg_per_dl)} mg/dL of {facts.dated(_CREATININE)}"
           + (f"; {estimate.alongside}" if estimate.alongside else "") + ")")
    return estimate.value, how


def _egfr(facts: Facts, p: EgfrParams) -> Finding:
    stated = facts.result(_EGFR)
    creatinine = facts.result(_CREATININE)
    computed = _computed_egfr(facts, creatinine) if creatinine is not None else None
    if isinstance(computed, list):
        context = ("a stated eGFR and a creatinine are both recorded; to check that they agree"
                   if stated is not None else "eGFR cannot be computed from creatinine")
        return facts.unknown(context, computed)
    threshold = f"{fmt(p.minimum)} {_UNIT}"
    if stated is None and computed is None:
        return facts.unknown_results([_EGFR, _CREATININE])
    if computed is None:
        assert stated is not None
        return _egfr_decided(facts, stated, f"eGFR {fmt(stated)} (of {facts.dated(_EGFR)})",
                             threshold, p)
    value, how = computed
    if stated is None:
        return _egfr_decided(facts, value, how, threshold, p)
    both = f"stated eGFR {fmt(stated)} (of {facts.dated(_EGFR)}) and {how}"
    if (stated >= p.minimum) == (value >= p.minimum):
        # Whichever is right, the criterion is decided the same way.
        if abs(stated - value) > EGFR_AGREEMENT * max(stated, value):
            facts.warn(f"{both} disagree by more than {EGFR_AGREEMENT:.0%}")
        return _egfr_decided(facts, min(stated, value), both, threshold, p)
    if abs(stated - value) > EGFR_AGREEMENT * max(stated, value):
        # Beyond the equations' error the file does not say what the kidney function is: no
        # value may be taken for it, and a review would let the verdict read "eligible" for a
        # child whose creatinine may say kidney failure. Unknown, naming both to correct.
        return facts.unknown(f"{both} lie on either side of {threshold} and disagree by more "
                             f"than {EGFR_AGREEMENT:.0%}: correct {_EGFR} or {_CREATININE} (or, "
                             "if both are right, say which is current)", [_EGFR, _CREATININE])
    return facts.review(f"{both} lie on either side of {threshold}, within the equations' "
                        "error: which decides is for the investigator")


def _egfr_decided(facts: Facts, value: float, how: str, threshold: str,
                  p: EgfrParams) -> Finding:
    if value >= p.minimum:
        return facts.met(f"{how}: ≥ {threshold}")
    return facts.not_met(f"{how}: < {threshold}")


EGFR_AT_LEAST = Check(
    name="egfr_at_least",
    family="organ_function",
    summary="Met when eGFR is at or above the minimum: the stated eGFR, or the eGFR computed "
    "from creatinine (CKiD U25 below 25 years, CKD-EPI 2021 from 25, naming the equation). "
    "Given both, the criterion is decided when both lie on one side of the threshold; on either "
    "side, it is review within 30% of each other (the equations' error) and unknown beyond, "
    "naming both keys to correct.",
    reads=("organ_function.egfr_ml_min_1_73m2", "organ_function.creatinine", "sex",
           "birth_date", "height_cm"),
    params=EgfrParams,
    evaluate=_egfr,
    results=lambda p: (_EGFR, _CREATININE),
    describe=lambda p: f"eGFR ≥ {fmt(p.minimum)} mL/min/1.73m²",
    examples=(
        Example("eGFR 30", {"minimum": 30}, {"organ_function": {
            "egfr_ml_min_1_73m2": 30, "labs_on": date(2026, 10, 28)}}, MET),
        Example("eGFR 29", {"minimum": 30}, {"organ_function": {
            "egfr_ml_min_1_73m2": 29, "labs_on": date(2026, 10, 28)}}, NOT_MET),
        Example("eGFR 96 stated, creatinine 8 mg/dL", {"minimum": 30}, {
            "sex": "female", "birth_date": date(2013, 4, 18), "height_cm": 152.0,
            "organ_function": {"egfr_ml_min_1_73m2": 96, "labs_on": date(2026, 10, 28),
                               "creatinine": {"value": 8.0, "unit": "mg/dL"}}},
                UNKNOWN),
        Example("eGFR 32 stated, 28.3 from creatinine, threshold 30", {"minimum": 30}, {
            "sex": "female", "birth_date": date(2013, 4, 18), "height_cm": 152.0,
            "organ_function": {"egfr_ml_min_1_73m2": 32, "labs_on": date(2026, 10, 28),
                               "creatinine": {"value": 2.0, "unit": "mg/dL"}}},
                REVIEW),
    ),
)

Analyte = Literal["ast", "alt", "total_bilirubin"]
ANALYTE_LABELS = {"ast": "AST", "alt": "ALT", "total_bilirubin": "total bilirubin"}


# Above 20 × ULN is grade 4 (life-threatening) for AST and ALT, above 10 × ULN for bilirubin
# (CTCAE v5.0, 2017); registries set their limits at 1.5 to 5 × ULN. A limit above grade 4's
# would tolerate any liver injury, so no registry means one.
MAX_X_ULN = 20


class UlnParams(Params):
    analytes: list[Analyte] = Field(min_length=1)
    max_x_uln: float = Field(gt=0, le=MAX_X_ULN)


def _uln(facts: Facts, p: UlnParams) -> Finding:
    parts: list[str] = []
    unusable: list[str] = []
    failed = False
    for analyte in p.analytes:
        key = f"organ_function.{analyte}"
        result = facts.result(key)
        label = ANALYTE_LABELS[analyte]
        if result is None:
            unusable.append(key)
            continue
        multiple = result.multiple_of_uln
        when = facts.dated(key)
        if multiple <= p.max_x_uln:
            parts.append(f"{label} {multiple:.2f}×ULN ≤ {fmt(p.max_x_uln)} ({when})")
        else:
            failed = True
            parts.append(f"{label} {multiple:.2f}×ULN > {fmt(p.max_x_uln)} ({when})")
    if failed:
        return facts.not_met("; ".join(parts))
    if unusable:
        return facts.unknown_results(unusable, "; ".join(parts))
    return facts.met("; ".join(parts))


LIVER_WITHIN_ULN = Check(
    name="within_uln",
    family="organ_function",
    summary="Met when each listed analyte is at most the given multiple of its upper limit of "
    "normal (from value and the laboratory's ULN, or a stated × ULN).",
    reads=tuple(f"organ_function.{a}" for a in ANALYTE_LABELS),
    params=UlnParams,
    evaluate=_uln,
    results=lambda p: tuple(f"organ_function.{a}" for a in p.analytes),
    reads_for=lambda p: tuple(f"organ_function.{a}" for a in p.analytes),
    describe=lambda p: " and ".join(ANALYTE_LABELS[a] for a in p.analytes)
    + f" ≤ {fmt(p.max_x_uln)} × ULN",
    examples=(
        Example("AST exactly 3 × ULN", {"analytes": ["ast"], "max_x_uln": 3.0},
                {"organ_function": {"ast": {"value": 120.0, "uln": 40.0},
                                    "labs_on": date(2026, 10, 28)}}, MET),
        Example("ALT 3.1 × ULN", {"analytes": ["alt"], "max_x_uln": 3.0},
                {"organ_function": {"alt": {"x_uln": 3.1, "measured_on": date(2026, 10, 28)}}},
                NOT_MET),
        Example("ALT undated", {"analytes": ["alt"], "max_x_uln": 3.0},
                {"organ_function": {"alt": {"x_uln": 0.8}}}, UNKNOWN),
    ),
)


def _ecg(facts: Facts, p: NoParams) -> Finding:
    ecg = facts.result(_ECG)
    if ecg is None:
        return facts.unknown_results([_ECG])
    when = facts.dated(_ECG)
    if ecg == "normal":
        return facts.met(f"ECG of {when} normal")
    if ecg == "significant_abnormality":
        return facts.not_met(f"ECG of {when} with a significant abnormality")
    return facts.review(f"ECG of {when} with a minor abnormality: whether it is 'obvious' is a "
                        "judgement")


_ECG = "organ_function.ecg"


ECG = Check(
    name="ecg_no_obvious_abnormality",
    family="organ_function",
    summary="Met for a normal ECG, not met for a significant abnormality, review for a minor one.",
    reads=("organ_function.ecg",),
    params=NoParams,
    evaluate=_ecg,
    results=lambda p: (_ECG,),
    describe=lambda p: "no obvious ECG abnormality",
    examples=(
        Example("normal", {}, {"organ_function": {"ecg": "normal",
                                                  "ecg_on": date(2026, 10, 20)}}, MET),
        Example("significant", {}, {"organ_function": {"ecg": "significant_abnormality",
                                                       "ecg_on": date(2026, 10, 20)}},
                NOT_MET),
        Example("minor", {}, {"organ_function": {"ecg": "minor_abnormality",
                                                 "ecg_on": date(2026, 10, 20)}}, REVIEW),
        Example("normal, undated", {}, {"organ_function": {"ecg": "normal"}}, UNKNOWN),
    ),
)


# Pulmonary hypertension is a mean pulmonary artery pressure above 20 mmHg (ESC/ERS 2022);
# registries exclude from a stated level upwards (45 mmHg in the bundled trials). A limit of
# 100 mmHg admits any such level and stays below the 150 mmHg a patient file may record, so
# the criterion can always fail.
MAX_MEAN_PAP_LIMIT_MMHG = 100


class PressureParams(Params):
    max_mean_mmhg: float = Field(gt=0, le=MAX_MEAN_PAP_LIMIT_MMHG,
                                 description="excluded when mean pressure is above this")


_MPAP = "organ_function.mean_pulmonary_artery_pressure_mmhg"
_PH = "organ_function.pulmonary_hypertension"


def _pressure(facts: Facts, p: PressureParams) -> Finding:
    mpap = facts.result(_MPAP)
    if mpap is not None:
        when = facts.dated(_MPAP)
        if mpap > p.max_mean_mmhg:
            return facts.not_met(f"mean pulmonary artery pressure {fmt(mpap)} > "
                                 f"{fmt(p.max_mean_mmhg)} mmHg ({when})")
        return facts.met(f"mean pulmonary artery pressure {fmt(mpap)} ≤ "
                         f"{fmt(p.max_mean_mmhg)} mmHg ({when})")
    ph = facts.result(_PH)
    if ph is False:
        # Pulmonary hypertension is defined by a mean pressure far below 45 mmHg (>20 mmHg,
        # 2022 ESC/ERS), so a child without it cannot have a mean pressure above 45.
        return facts.met(f"no pulmonary hypertension ({facts.dated(_PH)})")
    if ph is True:
        return facts.unknown_results([_MPAP], "pulmonary hypertension present")
    return facts.unknown_results([_MPAP, _PH])


PULMONARY_PRESSURE = Check(
    name="pulmonary_pressure",
    family="organ_function",
    summary="Exclusion: not met when the mean pulmonary artery pressure is above the limit. "
    "A recorded absence of pulmonary hypertension also meets it.",
    reads=("organ_function.mean_pulmonary_artery_pressure_mmhg",
           "organ_function.pulmonary_hypertension"),
    params=PressureParams,
    evaluate=_pressure,
    results=lambda p: (_MPAP, _PH),
    describe=lambda p: f"excluded if mean pulmonary artery pressure > {fmt(p.max_mean_mmhg)} mmHg",
    examples=(
        Example("45 mmHg", {"max_mean_mmhg": 45},
                {"organ_function": {"mean_pulmonary_artery_pressure_mmhg": 45,
                                    "pulmonary_pressure_on": date(2026, 10, 20)}}, MET),
        Example("46 mmHg", {"max_mean_mmhg": 45},
                {"organ_function": {"mean_pulmonary_artery_pressure_mmhg": 46,
                                    "echo_on": date(2026, 10, 20)}},
                NOT_MET),
    ),
)


_LESIONS = "organ_function.serious_lung_lesions"


def _lung_lesions(facts: Facts, p: NoParams) -> Finding:
    lesions = facts.result(_LESIONS)
    if lesions is None:
        return facts.unknown_results([_LESIONS])
    if lesions:
        return facts.not_met(f"serious lung lesions (imaging of {facts.dated(_LESIONS)})")
    return facts.met(f"no serious lung lesions (imaging of {facts.dated(_LESIONS)})")


NO_SERIOUS_LUNG_LESIONS = Check(
    name="no_serious_lung_lesions",
    family="organ_function",
    summary="Met when the clinician records no serious lung lesions.",
    reads=("organ_function.serious_lung_lesions",),
    params=NoParams,
    evaluate=_lung_lesions,
    results=lambda p: (_LESIONS,),
    describe=lambda p: "no serious lung lesions",
    examples=(
        Example("none", {}, {"organ_function": {"serious_lung_lesions": False,
                                                "chest_imaging_on": date(2026, 10, 20)}},
                MET),
        Example("present", {}, {"organ_function": {"serious_lung_lesions": True,
                                                   "chest_imaging_on": date(2026, 10, 20)}},
                NOT_MET),
    ),
)


# The conventional lower limit of normal for FVC and DLCO as a share of predicted (Pellegrino R
# et al., ATS/ERS interpretative strategies for lung function tests, Eur Respir J
# 2005;26:948–68, which prefers the fifth percentile but notes this fixed cut-off's wide use).
PULMONARY_FUNCTION_LOWER_LIMIT = 80.0


class LungFunctionParams(Params):
    spo2_minimum: float = Field(ge=0, le=100, json_schema_extra={"unit": "%"})
    review_below_percent_predicted: float = Field(
        default=PULMONARY_FUNCTION_LOWER_LIMIT, ge=0, le=100,
        description="FVC or DLCO below this share of predicted goes to review")


_SPO2 = "organ_function.spo2_percent"
_PULMONARY_TESTS = (("organ_function.fvc_percent_predicted", "FVC"),
                    ("organ_function.dlco_percent_predicted", "DLCO"))


def _lung_function(facts: Facts, p: LungFunctionParams) -> Finding:
    spo2 = facts.result(_SPO2)
    if spo2 is None:
        return facts.unknown_results([_SPO2])
    reading = f"SpO2 {fmt(spo2)}% ({facts.dated(_SPO2)})"
    if spo2 < p.spo2_minimum:
        return facts.not_met(f"{reading} < {fmt(p.spo2_minimum)}%")
    # "Lung function is basically normal, SpO2 ≥92%" reads two ways: SpO2 as the measure of
    # "basically normal", or SpO2 besides lung function that is basically normal. Recorded
    # findings that are not basically normal pass the first reading and fail the second.
    abnormal: list[str] = []
    if facts.get(_LESIONS) is True:
        when = facts.get("organ_function.chest_imaging_on")
        abnormal.append("serious lung lesions" + (f" (imaging of {when})" if when else ""))
    for key, label in _PULMONARY_TESTS:
        value = facts.get(key)
        if value is not None and value < p.review_below_percent_predicted:
            when = facts.get("organ_function.lung_function_on")
            abnormal.append(f"{label} {fmt(value)}% predicted"
                            + (f" ({when})" if when else ""))
    if abnormal:
        return facts.review(
            f"{reading} ≥ {fmt(p.spo2_minimum)}%, but {'; '.join(abnormal)}: whether lung "
            "function is 'basically normal' is for the investigator")
    return facts.met(f"{reading} ≥ {fmt(p.spo2_minimum)}%; no recorded lung lesion or "
                     "pulmonary function test below the normal range")


LUNG_FUNCTION = Check(
    name="lung_function_basically_normal",
    family="organ_function",
    summary="Met when SpO2, current at screening, reaches the minimum and nothing recorded says "
    "lung function is not basically normal; not met below the SpO2 minimum; review when serious "
    "lung lesions or an FVC or DLCO below the normal range are recorded.",
    reads=(_SPO2, _LESIONS, *(key for key, _ in _PULMONARY_TESTS)),
    params=LungFunctionParams,
    evaluate=_lung_function,
    describe=lambda p: f"SpO2 ≥ {fmt(p.spo2_minimum)}%; serious lung lesions or FVC or DLCO "
    f"below {fmt(p.review_below_percent_predicted)}% predicted go to review",
    results=lambda p: (_SPO2,),
    examples=(
        Example("SpO2 98%, normal lung function", {"spo2_minimum": 92},
                {"organ_function": {"spo2_percent": 98, "spo2_on": date(2026, 10, 28),
                                    "fvc_percent_predicted": 91}}, MET),
        Example("SpO2 91%", {"spo2_minimum": 92},
                {"organ_function": {"spo2_percent": 91, "spo2_on": date(2026, 10, 28)}},
                NOT_MET),
        Example("SpO2 96% with FVC 62% predicted", {"spo2_minimum": 92},
                {"organ_function": {"spo2_percent": 96, "spo2_on": date(2026, 10, 28),
                                    "fvc_percent_predicted": 62}}, REVIEW),
    ),
)
