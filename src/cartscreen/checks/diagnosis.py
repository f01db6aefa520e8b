"""Diagnosis checks: the disease itself, classification criteria, and diagnostic antibodies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Literal, get_args

from pydantic import Field, model_validator

from cartscreen.checks.base import (
    MET,
    NOT_MET,
    UNKNOWN,
    Check,
    Example,
    Facts,
    Finding,
    Params,
    fmt,
)
from cartscreen.checks.calculators import CLASSIFICATION_CALCULATORS
from cartscreen.checks.derive import Reading, read_classification
from cartscreen.patient import DISEASE_ABBREVIATIONS, Disease
from cartscreen.scores.jdm_rules import JdmFeatures, jdm_four_of_six


def _disease_name(code: str) -> str:
    return DISEASE_ABBREVIATIONS.get(code, code)


class DiseaseParams(Params):
    diseases: list[Disease] = Field(min_length=1)
    review_diseases: list[Disease] = Field(default_factory=list)


def _disease(facts: Facts, p: DiseaseParams) -> Finding:
    disease = facts.get("diagnosis.disease")
    if disease is None:
        return facts.unknown("diagnosis not recorded", ["diagnosis.disease"])
    named = ", ".join(_disease_name(d) for d in p.diseases)
    if disease in p.diseases:
        return facts.met(f"{_disease_name(disease)} is one of the trial's diseases")
    if disease in p.review_diseases:
        return facts.review(
            f"{_disease_name(disease)} is admitted only through the wording the note explains; "
            "the investigator decides"
        )
    return facts.not_met(f"{_patient_disease(facts, disease)} is not one of: {named}")


DISEASE = Check(
    name="disease",
    family="diagnosis",
    summary="Met when the patient's disease is one of the trial's diseases; review for a "
    "disease the registry admits only by judgement (e.g. IMNM 'equivalent to RJDM').",
    reads=("diagnosis.disease",),
    params=DiseaseParams,
    evaluate=_disease,
    describe=lambda p: "disease is one of: " + ", ".join(_disease_name(d) for d in p.diseases)
    + (
        "; for the investigator: " + ", ".join(_disease_name(d) for d in p.review_diseases)
        if p.review_diseases
        else ""
    ),
    examples=(
        Example("SSc in an SSc trial", {"diseases": ["ssc"]}, {"diagnosis": {"disease": "ssc"}},
                MET),
        Example("SLE in an SSc trial", {"diseases": ["ssc"]}, {"diagnosis": {"disease": "sle"}},
                NOT_MET),
    ),
)

BoolInstrument = Literal[
    "eular_acr_2019_sle", "acr_eular_2013_ssc", "acr_eular_2016_pss", "aecg_2002_pss"
]

INSTRUMENTS: dict[str, tuple[str, str]] = {
    # key: (name as the registry cites it, disease it classifies)
    "eular_acr_2019_sle": ("2019 EULAR/ACR SLE classification criteria", "sle"),
    "acr_eular_2013_ssc": ("2013 ACR/EULAR SSc classification criteria", "ssc"),
    "acr_eular_2016_pss": ("2016 ACR/EULAR primary Sjögren's classification criteria", "pss"),
    "aecg_2002_pss": ("2002 AECG Sjögren's classification criteria", "pss"),
    "bohan_peter": ("Bohan and Peter criteria", "jdm"),
    "ilar_2001": ("ILAR 2001 JIA classification", "pjia"),
}


def _patient_disease(facts: Facts, disease: str) -> str:
    """The patient's disease as the file names it (the free-text name for "other")."""
    if disease == "other":
        return facts.get("diagnosis.other_disease_name") or "another disease"
    return _disease_name(disease)


def _against_recorded_disease(facts: Facts, classifies: set[str],
                              evaluate: Callable[[], Finding]) -> Finding:
    """The classification's finding, weighed against the patient's recorded disease.

    A recorded disease that is not the one these criteria classify fails the criterion, unless
    the patient meets the criteria all the same: two facts that disagree (an overlap syndrome,
    or a wrong record) go to the investigator, never to the more favourable of the two."""
    disease = facts.get("diagnosis.disease")
    if disease is None or disease in classifies:
        return evaluate()
    recorded = _patient_disease(facts, disease)
    finding = evaluate()
    if finding.outcome == MET:
        return facts.review(f"diagnosis recorded as {recorded}, but {finding.evidence}: an "
                            "overlap of the two diseases, or a wrong record; the investigator "
                            "decides")
    wanted = " or ".join(sorted(_disease_name(d) for d in classifies))
    return facts.not_met(f"diagnosis is {recorded}, not {wanted}")


class ClassificationParams(Params):
    instruments: list[BoolInstrument] = Field(min_length=1)


def _basis(reading: Reading) -> str:
    """How a decided reading was obtained: " (computed: 12 points)" from the components,
    " (stated; the components recorded leave it open)" for a stated value beside partial
    components, nothing for a stated value alone."""
    if reading.how == "stated_within_components":
        return f" (stated; {reading.note})"
    if not reading.computed:
        return ""
    parts = [x for x in (reading.category,
                         f"{fmt(reading.low)} points" if reading.low is not None else None) if x]
    return f" (computed: {'; '.join(parts)})" if parts else " (computed)"


def _classification(facts: Facts, p: ClassificationParams) -> Finding:
    return _against_recorded_disease(facts, {INSTRUMENTS[i][1] for i in p.instruments},
                                     lambda: _classify(facts, p))


def _classify(facts: Facts, p: ClassificationParams) -> Finding:
    met: list[str] = []
    conflicts: list[str] = []
    missing: list[str] = []
    failed: list[str] = []
    for key in p.instruments:
        name = INSTRUMENTS[key][0]
        reading = read_classification(facts, f"diagnosis.classification.{key}", name,
                                      CLASSIFICATION_CALCULATORS.get(key))
        if reading.how == "conflict":
            conflicts.append(reading.note)
        elif reading.classified is True:
            met.append(f"meets the {name}{_basis(reading)}")
        elif reading.classified is None:
            missing.extend(reading.missing)
        else:
            failed.append(f"{name}{_basis(reading)}")
    # Any one instrument suffices. A conflict beats an undecided instrument: whatever that one
    # turns out to be, the criterion is met or goes to review, never fails.
    if met:
        for conflict in conflicts:
            facts.warn(conflict)
        return facts.met(met[0])
    if conflicts:
        return facts.review("; ".join(conflicts))
    names = " or ".join(INSTRUMENTS[i][0] for i in p.instruments)
    if missing:
        return facts.unknown(f"whether the patient meets the {names} is not yet decided", missing)
    return facts.not_met("does not meet the " + " or the ".join(failed))


CLASSIFICATION = Check(
    name="classification",
    family="diagnosis",
    summary="Met when the patient meets any one of the named classification criteria. Not met "
    "when the recorded disease is not the one these criteria classify, unless the patient "
    "meets them all the same (review: an overlap, or a wrong record).",
    reads=(*(f"diagnosis.classification.{k}" for k in get_args(BoolInstrument)),
           "diagnosis.disease"),
    params=ClassificationParams,
    evaluate=_classification,
    describe=lambda p: "meets the " + " or the ".join(INSTRUMENTS[i][0] for i in p.instruments),
    reads_for=lambda p: (*(f"diagnosis.classification.{i}" for i in p.instruments),
                         "diagnosis.disease"),
    examples=(
        Example("meets 2013 SSc criteria", {"instruments": ["acr_eular_2013_ssc"]},
                {"diagnosis": {"disease": "ssc",
                               "classification": {"acr_eular_2013_ssc": True}}}, MET),
        Example("does not meet 2019 SLE criteria", {"instruments": ["eular_acr_2019_sle"]},
                {"diagnosis": {"disease": "sle",
                               "classification": {"eular_acr_2019_sle": False}}},
                NOT_MET),
        Example("not assessed", {"instruments": ["eular_acr_2019_sle"]},
                {"diagnosis": {"disease": "sle"}}, UNKNOWN),
    ),
)

BohanPeterResult = Literal[
    "definite_dm", "probable_dm", "possible_dm",
    "definite_pm", "probable_pm", "possible_pm", "not_classified",
]


class BohanPeterParams(Params):
    accepted: list[BohanPeterResult] = Field(min_length=1)
    review: list[BohanPeterResult] = Field(default_factory=list)


def _bp_label(result: str) -> str:
    return result.replace("_dm", " DM").replace("_pm", " PM").replace("_", " ")


def _category_key(reading: Reading, names: dict[str, str]) -> str | None:
    """The patient-file category key of a reading (computed display name or stated key)."""
    if reading.category is None:
        return None
    return names.get(reading.category, reading.category) if reading.computed \
        else reading.category


def _category_basis(reading: Reading) -> str:
    if reading.how == "stated_within_components":
        return f" (stated; {reading.note})"
    return " (computed)" if reading.computed else ""


def _undecided(reading: Reading, instrument: str) -> str:
    """Why a category reading is undecided: the categories still possible, or nothing given."""
    if not reading.computed:
        return f"{instrument} not recorded"
    return f"{instrument} not yet decided" + (
        " (the components recorded allow " + " or ".join(reading.possible) + ")"
        if reading.possible else "")


def _bohan_peter(facts: Facts, p: BohanPeterParams) -> Finding:
    return _against_recorded_disease(facts, {"jdm", "imnm"}, lambda: _bohan_peter_reading(facts, p))


def _bohan_peter_reading(facts: Facts, p: BohanPeterParams) -> Finding:
    reading = read_classification(facts, "diagnosis.classification.bohan_peter",
                                  "Bohan and Peter classification",
                                  CLASSIFICATION_CALCULATORS.get("bohan_peter"), show=_bp_label)
    if reading.how == "conflict":
        return facts.review(reading.note)
    result = _category_key(reading, {c: c.lower().replace(" ", "_")
                                     for c in _BP_DISPLAY})
    if result is None:
        return facts.unknown(_undecided(reading, "Bohan and Peter classification"),
                             reading.missing)
    label = _bp_label(result) + _category_basis(reading)
    if result in p.accepted:
        return facts.met(f"Bohan and Peter: {label}")
    if result in p.review:
        return facts.review(f"Bohan and Peter: {label}; the registry does not say if this suffices")
    return facts.not_met(f"Bohan and Peter: {label}")


_BP_DISPLAY = ("definite DM", "probable DM", "possible DM", "definite PM", "probable PM",
               "possible PM", "not classified")


BOHAN_PETER = Check(
    name="bohan_peter",
    family="diagnosis",
    summary="Met when the recorded Bohan and Peter (1975) classification is one of the accepted "
    "levels; review for levels the registry leaves open.",
    reads=("diagnosis.classification.bohan_peter", "diagnosis.disease"),
    params=BohanPeterParams,
    evaluate=_bohan_peter,
    describe=lambda p: "Bohan and Peter classification is "
    + " or ".join(_bp_label(a) for a in p.accepted)
    + ("; review if " + " or ".join(_bp_label(r) for r in p.review) if p.review else ""),
    examples=(
        Example("definite DM", {"accepted": ["definite_dm", "probable_dm"]},
                {"diagnosis": {"disease": "jdm",
                               "classification": {"bohan_peter": "definite_dm"}}}, MET),
        Example("not classified", {"accepted": ["definite_dm", "probable_dm"]},
                {"diagnosis": {"disease": "jdm",
                               "classification": {"bohan_peter": "not_classified"}}},
                NOT_MET),
    ),
)

IlarCategory = Literal[
    "polyarticular_rf_negative", "polyarticular_rf_positive", "oligoarticular_persistent",
    "oligoarticular_extended", "systemic", "enthesitis_related", "psoriatic", "undifferentiated",
]


class IlarParams(Params):
    accepted: list[IlarCategory] = Field(min_length=1)


_ILAR_KEYS = {
    "polyarticular RF-negative": "polyarticular_rf_negative",
    "polyarticular RF-positive": "polyarticular_rf_positive",
    "extended oligoarthritis": "oligoarticular_extended",
    "persistent oligoarthritis": "oligoarticular_persistent",
    "systemic JIA": "systemic",
}


def _ilar_label(category: str) -> str:
    return category.replace("_", " ").replace("rf", "RF")


def _ilar(facts: Facts, p: IlarParams) -> Finding:
    return _against_recorded_disease(facts, {"pjia"}, lambda: _ilar_reading(facts, p))


def _ilar_reading(facts: Facts, p: IlarParams) -> Finding:
    reading = read_classification(facts, "diagnosis.classification.ilar_2001",
                                  "ILAR 2001 category", CLASSIFICATION_CALCULATORS.get("ilar_2001"),
                                  show=_ilar_label)
    if reading.how == "conflict":
        return facts.review(reading.note)
    category = _category_key(reading, _ILAR_KEYS)
    basis = _category_basis(reading)
    if category == "ambiguous":
        return facts.review("ILAR 2001: RF positive once or twice less than 3 months apart; the "
                            "classification does not say whether this is RF-negative"
                            f" polyarthritis{basis}")
    if category is None:
        return facts.unknown(_undecided(reading, "ILAR 2001 category"), reading.missing)
    label = _ilar_label(category)
    if category in p.accepted:
        return facts.met(f"ILAR 2001 category: {label}{basis}")
    return facts.not_met(f"ILAR 2001 category: {label}{basis}")


ILAR_2001 = Check(
    name="ilar_2001",
    family="diagnosis",
    summary="Met when the recorded ILAR 2001 (Edmonton) JIA category is one of the accepted ones.",
    reads=("diagnosis.classification.ilar_2001", "diagnosis.disease"),
    params=IlarParams,
    evaluate=_ilar,
    describe=lambda p: "ILAR 2001 category is "
    + " or ".join(a.replace("_", " ").replace("rf", "RF") for a in p.accepted),
    examples=(
        Example("RF-negative polyarthritis", {"accepted": ["polyarticular_rf_negative"]},
                {"diagnosis": {"disease": "pjia",
                               "classification": {"ilar_2001": "polyarticular_rf_negative"}}},
                MET),
        Example("extended oligoarthritis", {"accepted": ["polyarticular_rf_negative"]},
                {"diagnosis": {"disease": "pjia",
                               "classification": {"ilar_2001": "oligoarticular_extended"}}},
                NOT_MET),
    ),
)


MYOSITIS_FEATURES = {
    "symmetric_proximal_weakness": "symmetrical proximal muscle weakness",
    "characteristic_rash": "characteristic skin changes",
    "muscle_enzymes_raised": "raised serum muscle enzyme",
    "emg_myopathic": "myopathic EMG",
    "biopsy_inflammation": "muscle biopsy necrosis and inflammation",
}

# Myositis-specific and myositis-associated antibodies (Satoh M et al., Clin Rev Allergy
# Immunol 2017;52:1–19; Palterer B et al., Clin Mol Allergy 2018;16:5).
MYOSITIS_SPECIFIC = (
    "jo1", "pl7", "pl12", "ej", "oj", "ks", "mi2", "mda5", "tif1g", "nxp2", "sae", "srp", "hmgcr",
)
MYOSITIS_ASSOCIATED = ("ro52", "ro60", "pm_scl", "ku", "u1_rnp")


class FeatureCountParams(Params):
    min_count: int = Field(ge=1, le=6, description="of the six features")
    max_count: int | None = Field(default=None, ge=1, le=6)

    @model_validator(mode="after")
    def _in_order(self) -> FeatureCountParams:
        if self.max_count is not None and self.min_count > self.max_count:
            raise ValueError("min_count is above max_count")
        return self


def _myositis_antibody(facts: Facts) -> tuple[bool | None, str, list[str]]:
    """Positive if any myositis antibody is; negative only when every myositis-specific
    antibody was tested negative; else unknown, naming the untested ones."""
    tested = {}
    for name in MYOSITIS_SPECIFIC + MYOSITIS_ASSOCIATED:
        value = facts.get(f"antibodies.{name}")
        if value is not None:
            tested[name] = value
    positive = [n for n, v in tested.items() if v == "positive"]
    if positive:
        return True, "positive myositis antibody (" + ", ".join(positive) + ")", []
    untested = [f"antibodies.{n}" for n in MYOSITIS_SPECIFIC if n not in tested]
    if not untested:
        return False, "myositis-specific antibodies all negative", []
    return None, "myositis antibodies not all tested", untested


def _feature_count(facts: Facts, p: FeatureCountParams) -> Finding:
    recorded = {key: facts.get(f"diagnosis.myositis_features.{key}") for key in MYOSITIS_FEATURES}
    antibody, antibody_text, untested = _myositis_antibody(facts)
    derivation = jdm_four_of_six(JdmFeatures(**recorded), antibody)
    # The derivation's own missing keys would name the antibody feature as a patient-file key;
    # this check names the untested antibodies instead.
    facts.derived(replace(derivation, missing=()), "diagnosis.myositis_features")
    present = [label for key, label in MYOSITIS_FEATURES.items() if recorded[key] is True]
    if antibody is True:
        present.append(antibody_text)
    missing = [f"diagnosis.myositis_features.{k}" for k, v in recorded.items() if v is None]
    if antibody is None:
        missing.extend(untested)
    count, most = int(derivation.total), int(derivation.maximum)
    listed = "; ".join(present) if present else "none"
    if count >= p.min_count:
        if p.max_count is not None and count > p.max_count:
            return facts.review(
                f"{count} of 6 features ({listed}); the registry says "
                f"{p.min_count} or {p.max_count}, and does not say what more than that means"
            )
        return facts.met(f"{count} of 6 features: {listed}")
    if most >= p.min_count:
        return facts.unknown(
            f"{count} of 6 features so far ({listed}); {p.min_count} needed", missing
        )
    return facts.not_met(f"{count} of 6 features ({listed}); {p.min_count} needed")


MYOSITIS_FEATURE_COUNT = Check(
    name="myositis_feature_count",
    family="diagnosis",
    summary="Counts the six JDM diagnostic features of NCT06569472 (weakness, rash, raised "
    "enzyme, myositis antibody, EMG, biopsy). Met at min_count or more; review above max_count "
    "when the registry states an upper number.",
    reads=tuple(f"diagnosis.myositis_features.{k}" for k in MYOSITIS_FEATURES)
    + tuple(f"antibodies.{a}" for a in MYOSITIS_SPECIFIC + MYOSITIS_ASSOCIATED),
    params=FeatureCountParams,
    evaluate=_feature_count,
    describe=lambda p: f"at least {p.min_count} of the 6 JDM diagnostic features"
    + (f" (the registry says {p.min_count} or {p.max_count})" if p.max_count else ""),
    examples=(
        Example("four features", {"min_count": 4, "max_count": 5},
                {"diagnosis": {"myositis_features": {
                    "symmetric_proximal_weakness": True, "characteristic_rash": True,
                    "muscle_enzymes_raised": True, "emg_myopathic": False,
                    "biopsy_inflammation": False}},
                 "antibodies": {"nxp2": "positive"}}, MET),
        Example("two features, all known", {"min_count": 4},
                {"diagnosis": {"myositis_features": {
                    "symmetric_proximal_weakness": True, "characteristic_rash": True,
                    "muscle_enzymes_raised": False, "emg_myopathic": False,
                    "biopsy_inflammation": False}},
                 "antibodies": {a: "negative" for a in MYOSITIS_SPECIFIC}}, NOT_MET),
    ),
)

AntibodyName = Literal[
    "ana", "anti_dsdna", "anti_sm", "ssa_ro", "ro52", "ro60", "ssb_la", "u1_rnp", "rf",
    "anti_ccp", "anticardiolipin", "anti_b2gpi", "lupus_anticoagulant", "anticentromere",
    "scl70", "rnap3", "th_to", "u3_rnp", "pm_scl", "ku", "jo1", "pl7", "pl12", "ej", "oj", "ks",
    "mi2", "mda5", "tif1g", "nxp2", "sae", "srp", "hmgcr",
]


class AntibodyParams(Params):
    any_of: list[AntibodyName] = Field(min_length=1)
    label: str = Field(min_length=1, description="what the registry calls this group")


def _antibody(facts: Facts, p: AntibodyParams) -> Finding:
    untested: list[str] = []
    for name in p.any_of:
        value = facts.get(f"antibodies.{name}")
        if value == "positive":
            return facts.met(f"{name} positive ({p.label})")
        if value is None:
            untested.append(f"antibodies.{name}")
    if untested:
        return facts.unknown(
            f"no {p.label} positive among those tested; not tested: "
            + ", ".join(u.removeprefix("antibodies.") for u in untested),
            untested,
        )
    return facts.not_met(f"{p.label}: all tested negative")


ANTIBODY = Check(
    name="antibody_positive",
    family="diagnosis",
    summary="Met when any of the listed antibodies is positive; not met only when every listed "
    "antibody was tested and is negative.",
    reads=tuple(f"antibodies.{a}" for a in get_args(AntibodyName)),
    params=AntibodyParams,
    evaluate=_antibody,
    describe=lambda p: f"{p.label} positive: any of " + ", ".join(p.any_of),
    reads_for=lambda p: tuple(f"antibodies.{a}" for a in p.any_of),
    examples=(
        Example("anti-SSA positive", {"any_of": ["ssa_ro"], "label": "anti-SSA/Ro"},
                {"antibodies": {"ssa_ro": "positive"}}, MET),
        Example("anti-SSA negative", {"any_of": ["ssa_ro"], "label": "anti-SSA/Ro"},
                {"antibodies": {"ssa_ro": "negative"}}, NOT_MET),
    ),
)
