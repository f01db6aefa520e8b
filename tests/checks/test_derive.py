"""Stated or computed: components win, ranges decide thresholds, disagreements are warned."""

from __future__ import annotations

from datetime import date
from typing import Any

from cartscreen.checks.base import Outcome

from .helpers import run

SLEDAI_8 = {"scores": ["sledai_2k"], "minimum": 8}
SLE_2019 = {"instruments": ["eular_acr_2019_sle"]}
VISIT = {"assessed_on": date(2026, 10, 30)}


def sledai(**descriptors: Any) -> dict[str, Any]:
    return {"activity": {**VISIT, "components": {"sledai_2k": descriptors}}}


def test_partial_descriptors_already_reaching_8_meet_without_the_rest() -> None:
    finding = run("activity_score", SLEDAI_8, sledai(seizure=True))
    assert finding.outcome == Outcome.MET
    assert "reached already" in finding.evidence
    (view,) = finding.derivations
    assert view.total == 8 and view.maximum > 8
    assert view.arithmetic == "seizure 8 = 8"


def test_partial_descriptors_below_8_with_room_are_unknown_naming_the_missing() -> None:
    finding = run("activity_score", SLEDAI_8, sledai(arthritis=True, rash=True))
    assert finding.outcome == Outcome.UNKNOWN
    assert "6 so far" in finding.evidence
    assert "activity.components.sledai_2k.seizure" in finding.missing


def test_all_descriptors_recorded_below_8_do_not_meet() -> None:
    everything_absent = {k: False for k in (
        "seizure", "psychosis", "organic_brain_syndrome", "visual_disturbance",
        "cranial_nerve_disorder", "lupus_headache", "cerebrovascular_accident", "vasculitis",
        "arthritis", "myositis", "urinary_casts", "rash", "alopecia", "mucosal_ulcers",
        "pleurisy", "pericarditis", "low_complement", "increased_dna_binding")}
    raw = {"highest_urine_rbc_per_hpf": 0.0, "highest_urine_wbc_per_hpf": 0.0,
           "highest_proteinuria_g_per_24h": 0.1, "highest_temperature_c": 36.8,
           "lowest_platelets_10e9_per_l": 250.0, "lowest_wbc_10e9_per_l": 6.0}
    finding = run("activity_score", SLEDAI_8,
                  sledai(**{**everything_absent, **raw, "rash": True, "low_complement": True,
                            "increased_dna_binding": True}))
    assert finding.outcome == Outcome.NOT_MET
    assert "SLEDAI-2K 6 < 8" in finding.evidence


def test_partial_components_irreconcilable_with_a_stated_total_go_to_review() -> None:
    # Partial components can no longer overrule a stated total: where they cannot both be
    # right, the investigator decides.
    patient = sledai(seizure=True)
    patient["activity"]["sledai_2k"] = 4
    finding = run("activity_score", SLEDAI_8, patient)
    assert finding.outcome == Outcome.REVIEW
    assert finding.evidence == (
        "stated SLEDAI-2K 4 (activity.sledai_2k), but the components recorded "
        "(activity.components.sledai_2k) already total 8 (seizure 8 = 8); correct one of the "
        "two; 8 needed; assessed 2026-10-30")
    assert finding.warnings == ()


def test_a_stated_total_the_components_allow_is_not_warned() -> None:
    patient = sledai(seizure=True)
    patient["activity"]["sledai_2k"] = 12
    assert run("activity_score", SLEDAI_8, patient).warnings == ()


def test_stated_classification_contradicted_by_components_is_warned() -> None:
    finding = run("classification", SLE_2019, {"diagnosis": {
        "disease": "sle", "classification": {"eular_acr_2019_sle": True},
        "components": {"eular_acr_2019_sle": {
            "ana_titre": 40, "ana_equivalent_positive_test": False}}}})
    assert finding.outcome == Outcome.NOT_MET
    assert finding.warnings and "stated 2019 EULAR/ACR SLE classification criteria: met, " \
        "computed: not met" in finding.warnings[0]


def test_sle_classification_from_components_shows_its_arithmetic() -> None:
    finding = run("classification", SLE_2019, {"diagnosis": {
        "disease": "sle", "components": {"eular_acr_2019_sle": {
            "ana_titre": 160, "lupus_nephritis_class_iii_or_iv": True}}}})
    assert finding.outcome == Outcome.MET  # SLE-05: class IV nephritis alone classifies
    (view,) = finding.derivations
    assert view.source == "diagnosis.components.eular_acr_2019_sle"
    assert view.total == 10 and view.classified is True
