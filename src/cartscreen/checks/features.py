"""Features of refractory or severe disease that the registry texts list as alternatives."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from cartscreen.checks.base import (
    MET,
    NOT_MET,
    UNKNOWN,
    Check,
    Example,
    Facts,
    Finding,
    Params,
    combine_any,
)
from cartscreen.patient import Organ
from cartscreen.scores.jdm_core_set import persistent_weakness
from cartscreen.scores.jdm_rules import jdm_core_set_derivation

FeatureName = Literal[
    "rapid_progression_or_organ_involvement",
    "calcinosis",
    "recurrent_rash_or_skin_ulcers",
    "recurrent_parotid_swelling",
    "hematologic_involvement",
    "cryoglobulinemia",
    "jdm_persistent_weakness",
]

SIMPLE_FEATURES = {
    "calcinosis": "calcification of subcutaneous or muscle and joint tissue",
    "recurrent_rash_or_skin_ulcers": "repeated rashes or skin ulcers",
    "recurrent_parotid_swelling": "repeated parotid swelling or parotitis",
    "hematologic_involvement": "repeated leukopenia, anemia or thrombocytopenia",
    "cryoglobulinemia": "cryoglobulinemia",
}


class FeaturesParams(Params):
    features: list[FeatureName] = Field(min_length=1)
    organs: list[Organ] = Field(
        default_factory=list,
        description="organs named for rapid_progression_or_organ_involvement",
    )


def _progression(facts: Facts, p: FeaturesParams) -> Finding:
    rapid = facts.get("diagnosis.features.rapidly_progressive")
    organs = facts.get("diagnosis.features.organ_involvement")
    if rapid is True:
        return facts.met("rapidly progressive disease")
    if organs:
        named = [o for o in organs if o in p.organs]
        if named:
            return facts.met("organ involvement: " + ", ".join(named))
    if rapid is None or organs is None:
        missing = [
            key for key, v in (
                ("diagnosis.features.rapidly_progressive", rapid),
                ("diagnosis.features.organ_involvement", organs),
            ) if v is None
        ]
        return facts.unknown("disease progression or organ involvement not recorded", missing)
    if organs:
        return facts.review(
            "organ involvement (" + ", ".join(organs) + ") outside the organs the registry "
            "names as examples (" + ", ".join(p.organs) + ")"
        )
    return facts.not_met("not rapidly progressive; no organ involvement")


def _feature(facts: Facts, name: str, p: FeaturesParams) -> Finding:
    if name == "rapid_progression_or_organ_involvement":
        return _progression(facts, p)
    if name == "jdm_persistent_weakness":
        keys = ("cmas", "muscle_mri_diffuse_edema", "phga_cm", "ptga_cm", "das", "chaq",
                "muscle_enzyme_max_x_uln")
        values = {k: facts.get(f"activity.jdm.{k}") for k in keys}
        facts.derived(jdm_core_set_derivation(values), "activity.jdm")
        result = persistent_weakness(values)
        text = f"persistent weakness rule: {result.explanation}"
        # The core measures describe the patient at screening only when their assessment is
        # current (the review found them used without activity.assessed_on).
        assessed = facts.assessment("activity.jdm")
        if assessed is None:
            why = facts.why("activity.jdm")
            return facts.unknown(f"{text}, but the {why.text.replace(why.label, 'assessment', 1)}",
                                 [why.missing, *result.missing])
        text += f" (assessed {assessed})"
        if result.status == "met":
            return facts.met(text)
        if result.status == "not_met":
            return facts.not_met(text)
        if result.status == "review":
            return facts.review(text)
        return facts.unknown(text, result.missing)
    value = facts.get(f"diagnosis.features.{name}")
    label = SIMPLE_FEATURES[name]
    if value is True:
        return facts.met(label)
    if value is False:
        return facts.not_met(f"no {label}")
    return facts.unknown(f"{label}: not recorded", [f"diagnosis.features.{name}"])


def _features(facts: Facts, p: FeaturesParams) -> Finding:
    parts = [(name, _feature(facts, name, p)) for name in p.features]
    # Any one feature suffices. A review feature beats an unknown one: whatever the unknown one
    # turns out to be, the criterion is met or goes to review, never fails.
    outcome = combine_any(parts)
    if outcome == MET:
        evidence = "; ".join(f.evidence for _, f in parts if f.outcome == MET)
    else:
        evidence = "; ".join(f.evidence for _, f in parts)
    missing = [m for _, f in parts for m in f.missing] if outcome == UNKNOWN else []
    return facts.finding(outcome, evidence, missing)


def _describe(p: FeaturesParams) -> str:
    labels = []
    for name in p.features:
        if name == "rapid_progression_or_organ_involvement":
            labels.append("rapid progression or involvement of "
                          + ", ".join(o.replace("_", " ") for o in p.organs))
        elif name == "jdm_persistent_weakness":
            labels.append("persistent weakness (MRI edema or CMAS <48, and ≥2 of 5 core measures; "
                          "review when MRI edema holds without the core measures)")
        else:
            labels.append(SIMPLE_FEATURES[name])
    return "any one of: " + "; ".join(labels)


def _feature_keys(p: FeaturesParams) -> tuple[str, ...]:
    keys: list[str] = []
    for name in p.features:
        if name == "rapid_progression_or_organ_involvement":
            keys += ["diagnosis.features.rapidly_progressive",
                     "diagnosis.features.organ_involvement"]
        elif name == "jdm_persistent_weakness":
            keys += ["activity.jdm", "activity.assessed_on"]
        else:
            keys.append(f"diagnosis.features.{name}")
    return tuple(keys)


DISEASE_FEATURES_ANY = Check(
    name="disease_features_any",
    family="features",
    summary="Met when any one of the listed features of refractory disease is present; not met "
    "when all are recorded absent; unknown while an unrecorded one could still decide it; review "
    "when one holds only under a reading the investigator must choose (organ involvement outside "
    "the organs named; the JDM persistent-weakness rule met only as 'MRI edema, or CMAS <48 with "
    "2 core measures').",
    reads=(
        "diagnosis.features.rapidly_progressive", "diagnosis.features.organ_involvement",
        *(f"diagnosis.features.{k}" for k in SIMPLE_FEATURES), "activity.jdm",
    ),
    params=FeaturesParams,
    evaluate=_features,
    reads_for=_feature_keys,
    describe=_describe,
    results=lambda p: ("activity.jdm",) if "jdm_persistent_weakness" in p.features else (),
    examples=(
        Example("calcinosis present", {"features": ["calcinosis", "recurrent_rash_or_skin_ulcers"]},
                {"diagnosis": {"features": {"calcinosis": True}}}, MET),
        Example("none present",
                {"features": ["calcinosis", "recurrent_rash_or_skin_ulcers"]},
                {"diagnosis": {"features": {"calcinosis": False,
                                            "recurrent_rash_or_skin_ulcers": False}}},
                NOT_MET),
        Example("lung involvement", {"features": ["rapid_progression_or_organ_involvement"],
                                     "organs": ["lung", "heart"]},
                {"diagnosis": {"features": {"rapidly_progressive": False,
                                            "organ_involvement": ["lung"]}}}, MET),
        Example("persistent weakness on a core set assessed 2 years ago",
                {"features": ["jdm_persistent_weakness"]},
                {"activity": {"assessed_on": date(2024, 10, 28), "jdm": {
                    "cmas": 30, "phga_cm": 5, "ptga_cm": 5, "das": 10, "chaq": 1.0,
                    "muscle_mri_diffuse_edema": True, "muscle_enzyme_max_x_uln": 3.0}}},
                UNKNOWN),
    ),
)
