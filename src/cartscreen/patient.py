"""The patient file: pydantic models of its facts and the one function that loads it.

A patient file is TOML written by a clinician or a script. Every model forbids unknown keys,
so a misspelt key is an error rather than a silently missing fact. A fact left out is ``None``
(unknown), never a default that looks normal. Lists distinguish "not recorded" (key absent,
``None``) from "recorded, none" (an empty list): ``vaccines = []`` says the child had no
vaccines, a missing ``vaccines`` key says nobody looked.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cartscreen.errors import InputError, first_validation_error
from cartscreen.scores.aecg_2002 import Aecg2002Components
from cartscreen.scores.bohan_peter import BohanPeterComponents
from cartscreen.scores.essdai import EssdaiDomains
from cartscreen.scores.ilar_2001 import IlarComponents
from cartscreen.scores.mrss import MrssSites
from cartscreen.scores.pss_2016 import Pss2016Components
from cartscreen.scores.sle_2019 import Sle2019Components
from cartscreen.scores.sledai_2k import SledaiComponents
from cartscreen.scores.ssc_2013 import Ssc2013Components

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
    muscle_enzyme_max_x_uln: NonNegative | None = Field(
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
    ana_titre: Annotated[int, Field(ge=1)] | None = Field(
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
    count_per_ul: NonNegative | None = None
    cd19_positive: bool | None = None
    method: Literal["flow_cytometry", "other"] | None = None
    measured_on: date | None = None


# --- organ function ----------------------------------------------------------------------


class EnzymeResult(Fact):
    """A liver enzyme in U/L with the laboratory's upper limit of normal, or directly × ULN."""

    value: NonNegative | None = None
    unit: Literal["U/L"] = "U/L"
    uln: Annotated[float, Field(gt=0)] | None = None
    x_uln: NonNegative | None = None

    @model_validator(mode="after")
    def _one_form(self) -> EnzymeResult:
        if self.x_uln is None and (self.value is None or self.uln is None):
            raise ValueError("give value and uln (U/L), or x_uln")
        if self.x_uln is not None and self.value is not None:
            raise ValueError("give either value and uln, or x_uln, not both")
        return self

    @property
    def multiple_of_uln(self) -> float:
        if self.x_uln is not None:
            return self.x_uln
        assert self.value is not None and self.uln is not None
        return self.value / self.uln


class BilirubinResult(Fact):
    """Total bilirubin with its unit and the laboratory's upper limit of normal (same unit)."""

    value: NonNegative | None = None
    unit: Literal["mg/dL", "umol/L", "µmol/L"] | None = None
    uln: Annotated[float, Field(gt=0)] | None = None
    x_uln: NonNegative | None = None

    @model_validator(mode="after")
    def _one_form(self) -> BilirubinResult:
        if self.x_uln is None and (self.value is None or self.uln is None or self.unit is None):
            raise ValueError("give value, unit and uln, or x_uln")
        if self.x_uln is not None and self.value is not None:
            raise ValueError("give either value, unit and uln, or x_uln, not both")
        return self

    @property
    def multiple_of_uln(self) -> float:
        if self.x_uln is not None:
            return self.x_uln
        assert self.value is not None and self.uln is not None
        return self.value / self.uln


class Creatinine(Fact):
    value: Annotated[float, Field(gt=0)]
    unit: Literal["mg/dL", "umol/L", "µmol/L"]

    @property
    def mg_per_dl(self) -> float:
        # Creatinine 113.12 g/mol: 1 mg/dL = 88.4 µmol/L (clinical-instruments.md §10).
        return self.value if self.unit == "mg/dL" else self.value / 88.4


class OrganFunction(Fact):
    lvef_percent: Percent | None = None
    ecg: Literal["normal", "minor_abnormality", "significant_abnormality"] | None = None
    egfr_ml_min_1_73m2: NonNegative | None = None
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
    dose_unit: Literal["mg/day", "mg/kg/day"] | None = None
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
            raise ValueError("dose and dose_unit go together")
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

    @model_validator(mode="after")
    def _birth_before_screening(self) -> Patient:
        if (
            self.birth_date is not None
            and self.screening_date is not None
            and self.screening_date < self.birth_date
        ):
            raise ValueError("screening_date is before birth_date")
        return self


def load_patient(path: Path) -> Patient:
    """Read and validate one patient file; raise :class:`InputError` naming file and key."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read file ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(str(path), None, "not UTF-8 text; expected a TOML patient file") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), None, f"not valid TOML: {exc}") from None
    try:
        return Patient.model_validate(data)
    except ValidationError as exc:
        key, message = first_validation_error(exc)
        raise InputError(str(path), key, message) from None
