"""The patient file: pydantic models of its facts and the one function that loads it.

A patient file is TOML written by a clinician or a script. Every model forbids unknown keys,
so a misspelt key is an error rather than a silently missing fact. A fact left out is ``None``
(unknown), never a default that looks normal. Lists distinguish "not recorded" (key absent,
``None``) from "recorded, none" (an empty list): ``vaccines = []`` says the child had no
vaccines, a missing ``vaccines`` key says nobody looked.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cartscreen.errors import (
    InputError,
    describe_toml_error,
    first_validation_error,
)
from cartscreen.scores.aecg_2002 import Aecg2002Components
from cartscreen.scores.bohan_peter import BohanPeterComponents
from cartscreen.scores.essdai import EssdaiDomains
from cartscreen.scores.ilar_2001 import IlarComponents
from cartscreen.scores.mrss import MrssSites
from cartscreen.scores.pss_2016 import Pss2016Components
from cartscreen.scores.sle_2019 import Sle2019Components
from cartscreen.scores.sledai_2k import SledaiComponents
from cartscreen.scores.ssc_2013 import Ssc2013Components
from cartscreen.timeutil import decimal_years, whole_years
from cartscreen.tomlpos import key_line

Sex = Literal["female", "male"]
PosNeg = Literal["positive", "negative"]
Response = Literal["inadequate", "intolerant", "responded"]
Disease = Literal["jdm", "imnm", "pjia", "ssc", "pss", "sle", "other"]

DISEASE_NAMES: dict[str, str] = {
    "jdm": "juvenile dermatomyositis",
    "imnm": "immune-mediated necrotizing myopathy",
    "pjia": "polyarticular juvenile idiopathic arthritis",
    "ssc": "systemic sclerosis",
    "pss": "primary Sjögren's syndrome",
    "sle": "systemic lupus erythematosus",
    "other": "another disease",
}

DISEASE_ABBREVIATIONS: dict[str, str] = {
    "jdm": "JDM", "imnm": "IMNM", "pjia": "pJIA", "ssc": "SSc", "pss": "pSS", "sle": "SLE",
    "other": "other",
}

NonNegative = Annotated[float, Field(ge=0)]
Percent = Annotated[float, Field(ge=0, le=100)]


# --- units -------------------------------------------------------------------------------
# A measured value states its unit in its key name (weight_kg, lvef_percent) or beside it
# (creatinine = { value, unit }). Laboratory concentrations are converted explicitly, with
# the factor from the analyte's molar mass: µmol/L = mg/dL × 10 (dL per L) × 1000 / M (g/mol).

# Creatinine C4H7N3O, 113.12 g/mol: 10 000 / 113.12 = 88.40 (shared reference
# clinical-instruments.md §10, which notes cran/kidney.epi uses the same 88.4).
CREATININE_UMOL_L_PER_MG_DL = 88.4
# Bilirubin C33H36N4O6, 584.66 g/mol (PubChem CID 5280352): 10 000 / 584.66 = 17.10, the SI
# conversion factor laboratories quote (µmol/L = mg/dL × 17.1).
BILIRUBIN_UMOL_L_PER_MG_DL = 17.1

# "µ" is the micro sign (U+00B5); "μ" (Greek mu, U+03BC) looks the same and is what many
# keyboards type, so both are accepted, as is the ASCII "umol/L".
ConcentrationUnitName = Literal["mg/dL", "µmol/L", "μmol/L", "umol/L"]
CONCENTRATION_UNITS_TEXT = "mg/dL, µmol/L (or umol/L)"


def _accepted_units(accepted: str) -> WrapValidator:
    """An unknown unit is an error that lists the accepted ones (never a guessed unit)."""

    def validate(value: object, handler: ValidatorFunctionWrapHandler) -> object:
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError(
                "unknown_unit", "unknown unit; accepted: {accepted}", {"accepted": accepted}
            ) from None

    return WrapValidator(validate)


ConcentrationUnit = Annotated[ConcentrationUnitName, _accepted_units(CONCENTRATION_UNITS_TEXT)]
EnzymeUnit = Annotated[Literal["U/L", "IU/L"], _accepted_units("U/L (or IU/L)")]
DoseUnit = Annotated[Literal["mg/day", "mg/kg/day"], _accepted_units("mg/day, mg/kg/day")]


def to_mg_per_dl(value: float, unit: ConcentrationUnitName, umol_per_mg_dl: float) -> float:
    """A concentration in mg/dL, from mg/dL or µmol/L (``umol_per_mg_dl``: the analyte's
    factor, e.g. :data:`CREATININE_UMOL_L_PER_MG_DL`)."""
    return value if unit == "mg/dL" else value / umol_per_mg_dl


def to_umol_per_l(value: float, unit: ConcentrationUnitName, umol_per_mg_dl: float) -> float:
    """A concentration in µmol/L, from mg/dL or µmol/L."""
    return value * umol_per_mg_dl if unit == "mg/dL" else value


class Fact(BaseModel):
    """Base for every table of the patient file: strict types, no unknown keys, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- diagnosis ---------------------------------------------------------------------------


class Classification(Fact):
    """Stated results of classification criteria (as the clinician assessed them)."""

    eular_acr_2019_sle: bool | None = None
    acr_eular_2013_ssc: bool | None = None
    acr_eular_2016_pss: bool | None = None
    aecg_2002_pss: bool | None = None
    bohan_peter: (
        Literal[
            "definite_dm",
            "probable_dm",
            "possible_dm",
            "definite_pm",
            "probable_pm",
            "possible_pm",
            "not_classified",
        ]
        | None
    ) = None
    ilar_2001: (
        Literal[
            "polyarticular_rf_negative",
            "polyarticular_rf_positive",
            "oligoarticular_persistent",
            "oligoarticular_extended",
            "systemic",
            "enthesitis_related",
            "psoriatic",
            "undifferentiated",
        ]
        | None
    ) = None


class MyositisFeatures(Fact):
    """Findings used by the JDM diagnostic rules (Bohan and Peter items; NCT06569472 item 2)."""

    symmetric_proximal_weakness: bool | None = None
    characteristic_rash: bool | None = Field(
        default=None, description="heliotrope rash and/or Gottron papules"
    )
    muscle_enzymes_raised: bool | None = None
    emg_myopathic: bool | None = None
    biopsy_inflammation: bool | None = Field(
        default=None, description="muscle biopsy showing necrosis and inflammation"
    )


Organ = Literal[
    "lung", "heart", "gastrointestinal", "kidney", "nervous_system", "blood", "skin", "other"
]


class DiseaseFeatures(Fact):
    """Features of refractory or severe disease that the registry texts list."""

    rapidly_progressive: bool | None = None
    organ_involvement: list[Organ] | None = None
    calcinosis: bool | None = None
    recurrent_rash_or_skin_ulcers: bool | None = None
    recurrent_parotid_swelling: bool | None = None
    hematologic_involvement: bool | None = Field(
        default=None, description="repeated leukopenia, anemia or thrombocytopenia"
    )
    cryoglobulinemia: bool | None = None


class ClassificationComponents(Fact):
    """The findings behind classification criteria; cartscreen computes the result from them."""

    eular_acr_2019_sle: Sle2019Components | None = None
    acr_eular_2013_ssc: Ssc2013Components | None = None
    acr_eular_2016_pss: Pss2016Components | None = None
    aecg_2002_pss: Aecg2002Components | None = None
    bohan_peter: BohanPeterComponents | None = Field(
        default=None, description="strict Bohan and Peter (1975); MRI edema is not a substitute"
    )
    ilar_2001: IlarComponents | None = None


class Diagnosis(Fact):
    disease: Disease | None = None
    other_disease_name: str | None = None
    onset_date: date | None = None
    classification: Classification = Classification()
    components: ClassificationComponents = ClassificationComponents()
    myositis_features: MyositisFeatures = MyositisFeatures()
    features: DiseaseFeatures = DiseaseFeatures()


# --- disease activity --------------------------------------------------------------------


class JdmCoreSet(Fact):
    """JDM core set measures (CMAS, global assessments, DAS, C-HAQ, muscle enzymes)."""

    cmas: Annotated[float, Field(ge=0, le=52)] | None = None
    muscle_mri_diffuse_edema: bool | None = None
    phga_cm: Annotated[float, Field(ge=0, le=10)] | None = None
    ptga_cm: Annotated[float, Field(ge=0, le=10)] | None = None
    das: Annotated[float, Field(ge=0, le=20)] | None = None
    chaq: Annotated[float, Field(ge=0, le=3)] | None = None
    muscle_enzyme_max_x_uln: Annotated[float, Field(ge=0, le=1000)] | None = Field(
        default=None, description="highest muscle enzyme as a multiple of its upper limit"
    )


class ActivityComponents(Fact):
    """The items behind activity scores; cartscreen computes the total from them."""

    sledai_2k: SledaiComponents | None = Field(
        default=None, description="descriptors at the visit (activity.assessed_on) or the 10 "
        "days before it"
    )
    mrss: MrssSites | None = None
    essdai: EssdaiDomains | None = None


class Activity(Fact):
    assessed_on: date | None = None
    sledai_2k: Annotated[int, Field(ge=0, le=105)] | None = None
    mrss: Annotated[int, Field(ge=0, le=51)] | None = None
    essdai: Annotated[int, Field(ge=0, le=123)] | None = None
    clinessdai: Annotated[int, Field(ge=0, le=135)] | None = None
    active_joint_count: Annotated[int, Field(ge=0, le=71)] | None = None
    jdm: JdmCoreSet = JdmCoreSet()
    components: ActivityComponents = ActivityComponents()


# --- antibodies, B cells -----------------------------------------------------------------


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


# --- organ function ----------------------------------------------------------------------


class EnzymeResult(Fact):
    """A liver enzyme in U/L with the laboratory's upper limit of normal, or directly × ULN.

    Value and ULN share the unit, so the multiple of the ULN does not depend on it; the bounds
    are sanity bounds in U/L (a ULN outside 5–500 U/L is another unit, such as µkat/L).
    """

    value: Annotated[float, Field(ge=0, le=100_000)] | None = Field(
        default=None, json_schema_extra={"unit": "U/L"})
    unit: EnzymeUnit = "U/L"
    uln: Annotated[float, Field(ge=5, le=500)] | None = Field(
        default=None, json_schema_extra={"unit": "U/L"})
    x_uln: Annotated[float, Field(ge=0, le=1000)] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> EnzymeResult:
        if self.x_uln is None and (self.value is None or self.uln is None):
            raise ValueError("incomplete result; give value and uln (both in U/L), or x_uln")
        if self.x_uln is not None and (self.value is not None or self.uln is not None):
            raise ValueError("two forms given; give value and uln, or x_uln, not both")
        return self

    @property
    def multiple_of_uln(self) -> float:
        if self.x_uln is not None:
            return self.x_uln
        assert self.value is not None and self.uln is not None
        return self.value / self.uln


# Plausible total bilirubin, in mg/dL (checked in the unit given: see _unit_ranges).
BILIRUBIN_VALUE_RANGE_MG_DL = (0.0, 50.0)
BILIRUBIN_ULN_RANGE_MG_DL = (0.3, 5.0)
# Plausible serum creatinine, in mg/dL: the lower bound is that of the CKiD U25 equation's
# inputs (Pierce 2021, 0.1–10 mg/dL); the upper bound is above any value a living patient has.
CREATININE_RANGE_MG_DL = (0.1, 40.0)


class BilirubinResult(Fact):
    """Total bilirubin with its unit and the laboratory's upper limit of normal (same unit)."""

    value: NonNegative | None = None
    unit: ConcentrationUnit | None = None
    uln: Annotated[float, Field(gt=0)] | None = None
    x_uln: Annotated[float, Field(ge=0, le=100)] | None = None

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
        if self.x_uln is not None:
            return self.x_uln
        assert self.value is not None and self.uln is not None
        return self.value / self.uln

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

    value: Annotated[float, Field(gt=0)]
    unit: ConcentrationUnit

    @property
    def mg_per_dl(self) -> float:
        return to_mg_per_dl(self.value, self.unit, CREATININE_UMOL_L_PER_MG_DL)

    @property
    def umol_per_l(self) -> float:
        return to_umol_per_l(self.value, self.unit, CREATININE_UMOL_L_PER_MG_DL)


class OrganFunction(Fact):
    lvef_percent: Percent | None = None
    ecg: Literal["normal", "minor_abnormality", "significant_abnormality"] | None = None
    egfr_ml_min_1_73m2: Annotated[float, Field(ge=0, le=300)] | None = None
    creatinine: Creatinine | None = None
    ast: EnzymeResult | None = None
    alt: EnzymeResult | None = None
    total_bilirubin: BilirubinResult | None = None
    spo2_percent: Percent | None = None
    dlco_percent_predicted: Annotated[float, Field(ge=0, le=200)] | None = None
    fvc_percent_predicted: Annotated[float, Field(ge=0, le=200)] | None = None
    mean_pulmonary_artery_pressure_mmhg: Annotated[float, Field(ge=0, le=150)] | None = None
    pulmonary_hypertension: bool | None = None
    serious_lung_lesions: bool | None = None


# --- treatment history -------------------------------------------------------------------


class Treatment(Fact):
    drug: Annotated[str, Field(min_length=1)]
    dose: NonNegative | None = None
    dose_unit: DoseUnit | None = None
    route: Literal["oral", "iv", "sc", "im", "intra_articular", "topical", "other"] | None = None
    weight_kg: Annotated[float, Field(gt=0, le=300)] | None = Field(
        default=None, description="weight during this course, for mg/day doses; else weight_kg"
    )
    start: date
    end: date | None = Field(default=None, description="omit while the course continues")
    response: Response | None = None

    @model_validator(mode="after")
    def _dose_has_unit(self) -> Treatment:
        if (self.dose is None) != (self.dose_unit is None):
            raise ValueError("dose and dose_unit go together; give both (dose_unit "
                             "\"mg/day\" or \"mg/kg/day\"), or neither")
        return self


# --- dated events ------------------------------------------------------------------------


class Vaccine(Fact):
    name: str
    date: date
    live: bool | None = None


class Infection(Fact):
    name: str
    onset: date
    resolved: date | None = Field(default=None, description="omit while active")
    systemic_treatment: bool | None = None
    treatment_end: date | None = None
    serious: bool | None = None
    uncontrolled: bool | None = None


class GvhdEpisode(Fact):
    grade: Annotated[int, Field(ge=1, le=4)]
    onset: date
    resolved: date | None = None


class Transplant(Fact):
    type: Literal["solid_organ", "hsct"]
    date: date
    gvhd: list[GvhdEpisode] | None = Field(
        default=None, description="acute GVHD episodes after this transplant ([] for none)"
    )


class RenalReplacement(Fact):
    start: date
    end: date | None = None


class CnsEvent(Fact):
    description: str
    date: date
    neuropsychiatric_lupus: bool | None = None
    required_intervention: bool | None = None
    active: bool | None = None


class Study(Fact):
    name: str
    interventional: bool | None = None
    start: date
    end: date | None = None


class CarT(Fact):
    target: Literal["cd19", "bcma", "cd70", "bcma_cd70", "cd19_bcma", "other"]
    date: date
    product: Literal["autologous", "allogeneic", "universal", "unknown"] = "unknown"
    outcome: Literal["responded", "relapsed", "poor_response"] | None = None


class Events(Fact):
    vaccines: list[Vaccine] | None = None
    infections: list[Infection] | None = None
    transplants: list[Transplant] | None = None
    renal_replacement_therapy: list[RenalReplacement] | None = None
    cns_events: list[CnsEvent] | None = None
    studies: list[Study] | None = None
    car_t: list[CarT] | None = None


# --- infection screening, pregnancy, history ---------------------------------------------

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
    skin_basal_cell_carcinoma: bool = False


class Cardiac(Fact):
    congenital_heart_disease: bool | None = None
    severe_arrhythmia: bool | None = None
    serious_myocarditis: bool | None = None
    pericardial_effusion: Literal["none", "small", "moderate", "large"] | None = None
    vasopressor_dependent: bool | None = Field(
        default=None, description="unstable vital signs needing drugs to keep blood pressure"
    )
    myocardial_infarctions: list[date] | None = None
    other_serious_conditions: list[str] = Field(
        default_factory=list,
        description="other serious cardiac conditions; the registry lists end in 'etc.'",
    )


class History(Fact):
    malignancies: list[Malignancy] | None = None
    primary_immunodeficiency: bool | None = None
    secondary_immunodeficiency: Literal["none", "corrected", "uncorrected"] | None = None
    cardiac: Cardiac = Cardiac()
    other_autoimmune_diseases: list[str] | None = None
    conditions_requiring_long_term_immunosuppression: list[str] | None = None


Verdict = Literal["eligible", "ineligible", "incomplete"]


class Patient(Fact):
    """One patient file."""

    format: Literal[1] = 1
    id: Annotated[str, Field(min_length=1, max_length=64)]
    sex: Sex | None = None
    birth_date: date | None = None
    age_years: Annotated[int, Field(ge=0, le=120)] | None = None
    screening_date: date | None = None
    weight_kg: Annotated[float, Field(gt=0, le=300)] | None = None
    height_cm: Annotated[float, Field(gt=0, le=250)] | None = None
    diagnosis: Diagnosis = Diagnosis()
    activity: Activity = Activity()
    antibodies: Antibodies = Antibodies()
    b_cells: BCells = BCells()
    organ_function: OrganFunction = OrganFunction()
    treatments: list[Treatment] | None = None
    events: Events = Events()
    serology: Serology = Serology()
    tuberculosis: Tuberculosis = Tuberculosis()
    pregnancy: Pregnancy = Pregnancy()
    history: History = History()
    expected_verdicts: dict[str, Verdict] = Field(
        default_factory=dict,
        description="for sample and test files only: trial id -> verdict this file should get",
    )


# --- loading -------------------------------------------------------------------------------


def load_patient(path: Path) -> Patient:
    """Read and validate one patient file; raise :class:`InputError` naming file, line and key.

    Besides the model's own validation this applies the plausibility rules that need nothing
    but the file (:func:`implausible_facts`); those that need the screening date in effect are
    :func:`check_against_screening_date`. Every rule is an error: nothing is silently fixed.
    """
    file = str(path)
    text = _read_text(path)
    data = _parse_toml(file, text)
    if "criteria" in data and "record_version" in data:
        raise InputError(file, None, "a trial file, not a patient file; give check and explain "
                         "patient files, and load trial files with --trials FOLDER")
    failure: tuple[str | None, str] | None = None
    try:
        patient = Patient.model_validate(data)
    except ValidationError as exc:
        # The error embeds the file's values: keep only the key and our value-free message,
        # and raise outside this block so the exception is not even attached as context.
        failure = first_validation_error(exc, Patient)
    if failure is not None:
        key, message = failure
        raise InputError(file, key, message, _line(text, key))
    problems = list(implausible_facts(patient))
    if problems:
        raise _first_problem(file, text, problems)
    return patient


# A patient file is a few kilobytes; these limits are far above any real one and keep a stray
# file from stalling a batch. tomllib's time grows with the square of a dotted key's length (a
# line of 100,000 dots takes minutes), and a dotted key cannot span lines.
MAX_FILE_BYTES = 1024 * 1024
MAX_DOTS_PER_LINE = 1000


def _read_text(path: Path) -> str:
    file = str(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(file, None, f"cannot read file ({exc.strerror or type(exc).__name__})"
                         "; check the path and its permissions") from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(file, None, "larger than 1 MiB, far more than a patient file holds; "
                         "check that this is a patient file")
    if not raw.strip():
        raise InputError(file, None, "empty file; expected a TOML patient file (see the "
                         "complete example in the README)")
    if b"\x00" in raw:
        raise InputError(file, None, "binary data, not a text file; expected a TOML patient "
                         "file")
    bad_byte: int | None = None
    try:
        # A byte-order mark, which some editors write, is encoding, not content.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_byte = exc.start
    if bad_byte is not None:
        # Raised outside the except block, so the error (which holds the file's bytes) is not
        # even attached as context.
        raise InputError(file, None, "not UTF-8 text; save the file as UTF-8",
                         raw[:bad_byte].count(b"\n") + 1)
    if raw.count(b".") > MAX_DOTS_PER_LINE:  # only then look line by line
        for number, content in enumerate(text.splitlines(), start=1):
            if content.count(".") > MAX_DOTS_PER_LINE:
                raise InputError(file, None, f"more than {MAX_DOTS_PER_LINE} dots on one line, "
                                 "far more than a patient file's keys and values hold; check "
                                 "that this is a patient file", number)
    return text


def _parse_toml(file: str, text: str) -> dict[str, object]:
    failure: tuple[int | None, str] | None = None
    non_finite: list[str] = []
    try:
        data = tomllib.loads(text, parse_float=_float_noting_non_finite(non_finite))
    except tomllib.TOMLDecodeError as exc:
        failure = describe_toml_error(exc, text)
    except RecursionError:
        failure = None, "tables or lists nested too deeply; a patient file needs a few levels"
    if failure is not None:
        line, message = failure
        raise InputError(file, None, message, line)
    if not data:
        raise InputError(file, None, "no keys, only comments; expected a TOML patient file "
                         "(see the complete example in the README)")
    bad_number = _first_non_finite(data) if non_finite else None
    if bad_number is not None:
        raise InputError(file, bad_number, "not a finite number (inf or nan); write an "
                         "ordinary number, or leave the key out if it is not known",
                         _line(text, bad_number))
    return data


def _float_noting_non_finite(seen: list[str]) -> Callable[[str], float]:
    """A tomllib ``parse_float`` that notes inf and nan, so that only a file holding one is
    searched for its key (most files hold none, and the search visits every value)."""
    def parse(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            seen.append(literal)
        return value
    return parse


def _first_non_finite(data: dict[str, object]) -> str | None:
    """The key path of the first inf or nan (TOML allows them; no measurement is one)."""
    stack: list[tuple[str, object]] = [(key, value) for key, value in reversed(data.items())]
    while stack:
        path, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return path
        if isinstance(value, dict):
            stack.extend((f"{path}.{k}", v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(value))))
    return None


def _line(text: str, key: str | None) -> int | None:
    return key_line(text, key) if key else None


def _first_problem(file: str, text: str | None, problems: list[tuple[str, str]]) -> InputError:
    key, message = problems[0]
    if len(problems) > 1:
        rest = len(problems) - 1
        message += f" (and {rest} more problem{'s' if rest > 1 else ''})"
    return InputError(file, key, message, _line(text, key) if text is not None else None)


# --- plausibility ----------------------------------------------------------------------------
# Each rule names the key at fault and what to correct, never a value. Ranges of single
# values are field constraints on the models above (pydantic reports them); these rules
# relate two facts, or a value to its unit.

Problem = tuple[str, str]  # key path, "problem; fix"

# (model, start, end, what the start is called): an end before its start is an error.
_PERIODS: tuple[tuple[type[Fact], str, str, str], ...] = (
    (Treatment, "start", "end", "start"),
    (Infection, "onset", "resolved", "onset"),
    (Infection, "onset", "treatment_end", "onset"),
    (GvhdEpisode, "onset", "resolved", "onset"),
    (RenalReplacement, "start", "end", "start"),
    (Study, "start", "end", "start"),
)

# Dates that end something; one in the future is advice to leave it out, not a typo.
_ENDS = {"end", "resolved", "treatment_end"}


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _can_hold_date_or_table(annotation: object) -> bool:
    """Whether a field of this type can hold a date or a table (a model), at any depth."""
    if annotation is Any or annotation is object:
        return True
    if isinstance(annotation, type) and issubclass(annotation, (date, BaseModel)):
        return True
    return any(_can_hold_date_or_table(arg) for arg in get_args(annotation))


@cache
def _walked_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model that the walks below must look into; the rest (numbers, text,
    flags) can hold neither a date nor a table."""
    return tuple(name for name, info in model.model_fields.items()
                 if _can_hold_date_or_table(info.annotation))


def _facts(patient: BaseModel) -> list[tuple[str, BaseModel]]:
    """Every table of the file (the patient, its tables, the entries of its lists), in file
    order, each with its key path."""
    found: list[tuple[str, BaseModel]] = []
    stack: list[tuple[str, BaseModel]] = [("", patient)]
    while stack:
        path, fact = stack.pop()
        found.append((path, fact))
        inner: list[tuple[str, BaseModel]] = []
        for name in _walked_fields(type(fact)):
            value = getattr(fact, name)
            if isinstance(value, BaseModel):
                inner.append((_join(path, name), value))
            elif isinstance(value, list):
                key = _join(path, name)
                inner.extend((f"{key}[{index}]", item) for index, item in enumerate(value)
                             if isinstance(item, BaseModel))
        stack.extend(reversed(inner))
    return found


def dated_facts(patient: Patient, tables: list[tuple[str, BaseModel]] | None = None
                ) -> Iterator[tuple[str, date]]:
    """Every date in the file except birth_date and screening_date, with its key path
    (``tables``: the patient's :func:`_facts`, when the caller has them already)."""
    for path, fact in _facts(patient) if tables is None else tables:
        for name in _walked_fields(type(fact)):
            key = _join(path, name)
            if key in ("birth_date", "screening_date"):
                continue
            value = getattr(fact, name)
            if isinstance(value, date):
                yield key, value
            elif isinstance(value, list):
                yield from ((f"{key}[{i}]", d) for i, d in enumerate(value)
                            if isinstance(d, date))
            elif isinstance(value, dict):
                yield from ((f"{key}.{k}", d) for k, d in value.items() if isinstance(d, date))


def implausible_facts(patient: Patient) -> Iterator[Problem]:
    """The rules that need only the file: dates in order, units, contradictions."""
    yield from _dates_in_order(patient)
    yield from _unit_ranges(patient)
    yield from _fractions(patient)
    yield from _contradictions(patient)


def _dates_in_order(patient: Patient) -> Iterator[Problem]:
    birth = patient.birth_date
    tables = _facts(patient)
    if birth is not None:
        if patient.screening_date is not None and patient.screening_date < birth:
            yield "screening_date", "before birth_date; correct one of the two dates"
        for key, day in dated_facts(patient, tables):
            if day < birth:
                yield key, "before birth_date; correct this date or birth_date"
    for path, fact in tables:
        for model, start, end, start_name in _PERIODS:
            if isinstance(fact, model):
                began, ended = getattr(fact, start), getattr(fact, end)
                if began is not None and ended is not None and ended < began:
                    yield (_join(path, end), f"before {start_name}; correct the dates "
                           f"(leave {end} out while it continues)")
        if isinstance(fact, Transplant):
            for index, episode in enumerate(fact.gvhd or []):
                if episode.onset < fact.date:
                    yield (f"{path}.gvhd[{index}].onset", "before the transplant's date (acute "
                           "GVHD follows a transplant); correct one of the two dates")


def _range_text(low_mg_dl: float, high_mg_dl: float, umol_per_mg_dl: float) -> str:
    return (f"{low_mg_dl:g}–{high_mg_dl:g} mg/dL ({round(low_mg_dl * umol_per_mg_dl, 2):g}–"
            f"{round(high_mg_dl * umol_per_mg_dl, 2):g} µmol/L)")


def _outside(value: float, unit: ConcentrationUnitName, bounds: tuple[float, float],
             umol_per_mg_dl: float) -> bool:
    """Whether a value lies outside bounds given in mg/dL, compared in the value's own unit
    (so a value exactly on a bound in µmol/L is not lost to rounding)."""
    factor = 1.0 if unit == "mg/dL" else umol_per_mg_dl
    low, high = (round(bound * factor, 6) for bound in bounds)
    return not low <= value <= high


def _unit_ranges(patient: Patient) -> Iterator[Problem]:
    """Concentrations whose plausible range depends on the unit they are given in: a value
    outside it is most often a value written in the other unit."""
    fix = "check the value and its unit"
    organ = patient.organ_function
    creatinine = organ.creatinine
    if creatinine is not None and _outside(creatinine.value, creatinine.unit,
                                           CREATININE_RANGE_MG_DL, CREATININE_UMOL_L_PER_MG_DL):
        text = _range_text(*CREATININE_RANGE_MG_DL, CREATININE_UMOL_L_PER_MG_DL)
        yield "organ_function.creatinine.value", f"outside the plausible range {text}; {fix}"
    bilirubin = organ.total_bilirubin
    if bilirubin is not None and bilirubin.unit is not None:
        for name, bounds in (("value", BILIRUBIN_VALUE_RANGE_MG_DL),
                             ("uln", BILIRUBIN_ULN_RANGE_MG_DL)):
            value = getattr(bilirubin, name)
            if value is not None and _outside(value, bilirubin.unit, bounds,
                                              BILIRUBIN_UMOL_L_PER_MG_DL):
                text = _range_text(*bounds, BILIRUBIN_UMOL_L_PER_MG_DL)
                yield (f"organ_function.total_bilirubin.{name}",
                       f"outside the plausible range {text}; {fix} (value and uln share it)")


# Percentages a report may give as a fraction (an LVEF of 0.55 for 55 %). At or below 1 % none
# of them is compatible with a child well enough to be screened, so such a value is a fraction
# written in a percent key: read as a percentage it would silently fail the criterion.
_PERCENT_KEYS = ("lvef_percent", "spo2_percent", "dlco_percent_predicted",
                 "fvc_percent_predicted")


def _fractions(patient: Patient) -> Iterator[Problem]:
    organ = patient.organ_function
    for name in _PERCENT_KEYS:
        value = getattr(organ, name)
        if value is not None and 0 < value <= 1:
            yield (f"organ_function.{name}", "at or below 1, which is a fraction, not a "
                   "percentage; write the percentage (a fraction of 0.55 is 55)")


def _contradictions(patient: Patient) -> Iterator[Problem]:
    """Facts that cannot both be true. The messages name the keys, never their values."""
    pregnancy = patient.pregnancy
    if patient.sex == "male":
        if pregnancy.test == "positive":
            yield "pregnancy.test", "contradicts sex; correct one of the two"
        if pregnancy.childbearing_potential is True:
            yield "pregnancy.childbearing_potential", "contradicts sex; correct one of the two"
    if pregnancy.test == "positive" and pregnancy.childbearing_potential is False:
        yield "pregnancy.test", ("contradicts pregnancy.childbearing_potential; correct one of "
                                 "the two")
    ilar = patient.diagnosis.components.ilar_2001
    if ilar is not None and ilar.sex is not None and patient.sex is not None \
            and ilar.sex != patient.sex:
        yield "diagnosis.components.ilar_2001.sex", "contradicts sex; correct one of the two"


# --- rules that need the screening date ------------------------------------------------------

_DATE_SOURCES = {"patient file": "the file's screening_date", "--as-of": "--as-of",
                 "today": "today"}

AGE_LIMIT_YEARS = 120  # as for age_years


def check_against_screening_date(patient: Patient, path: Path, screening: date,
                                 source: str = "patient file") -> None:
    """Raise :class:`InputError` for the first fact that the screening date in effect (the
    file's screening_date, else --as-of, else today; ``source`` says which) contradicts: a
    birth after it, an age that disagrees with the birth date, an event after it."""
    problems = list(facts_against_screening_date(patient, screening, source))
    if problems:
        raise _first_problem(str(path), _text_or_none(path), problems)


def _text_or_none(path: Path) -> str | None:
    """The file's text again, only to find the line of an error."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def facts_against_screening_date(patient: Patient, screening: date,
                                 source: str = "patient file") -> Iterator[Problem]:
    """The problems :func:`check_against_screening_date` raises the first of."""
    when = f"the screening date ({_DATE_SOURCES.get(source, source)})"
    birth = patient.birth_date
    if birth is not None and patient.screening_date is None and birth > screening:
        yield "birth_date", f"after {when}; correct birth_date or the screening date"
        return
    if birth is not None and whole_years(birth, screening) > AGE_LIMIT_YEARS:
        yield ("birth_date", f"gives an age above {AGE_LIMIT_YEARS} years at {when}; "
               "correct birth_date")
    if birth is not None and patient.age_years is not None \
            and patient.age_years != whole_years(birth, screening):
        yield ("age_years", f"disagrees with birth_date at {when}; correct one of the two, "
               "or leave age_years out (birth_date is enough)")
    ilar = patient.diagnosis.components.ilar_2001
    if ilar is not None and ilar.age_at_onset_years is not None:
        age = decimal_years(birth, screening) if birth is not None else (
            patient.age_years + 1 if patient.age_years is not None else None)
        if age is not None and ilar.age_at_onset_years > age:
            yield ("diagnosis.components.ilar_2001.age_at_onset_years",
                   f"above the patient's age at {when}; correct it or the birth date")
    for key, day in dated_facts(patient):
        if day > screening:
            fix = ("leave it out while it continues, or correct it"
                   if key.rpartition(".")[2] in _ENDS else "correct the date")
            yield key, f"after {when}: a recorded fact cannot be later; {fix}"
