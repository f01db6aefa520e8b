"""`cartscreen compare`: the trials side by side, one topic at a time.

A topic gathers the criteria whose checks (and, for shared checks, whose parameters) concern
one subject: ages, each infection, prior CAR-T… Each row is one trial and shows the rule each
of its criteria on the topic applies, as its check describes it from the trial file's
parameters: nothing here is written by hand about a trial, so a comparison cannot drift from
what the screening does. A trial with no criterion on a topic says so; that is often the
difference worth seeing (which trials test CMV, which exclude latent tuberculosis).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cartscreen.result import PatientResult
from cartscreen.trial import BoundCriterion, LoadedTrial

Match = tuple[str, Mapping[str, Any]]  # a check's name, and parameter values it must have


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    match: tuple[Match, ...]

    def takes(self, bound: BoundCriterion) -> bool:
        params = bound.params.model_dump(mode="json")
        return any(bound.check.name == name and all(params.get(k) == v for k, v in want.items())
                   for name, want in self.match)


def _checks(*names: str) -> tuple[Match, ...]:
    return tuple((name, {}) for name in names)


def _review(*topics: str) -> tuple[Match, ...]:
    return tuple(("investigator_review", {"topic": topic}) for topic in topics)


def _marker(marker: str, *also: str) -> tuple[Match, ...]:
    return (("viral_marker", {"marker": marker}), *_checks(*also))


TOPICS: tuple[Topic, ...] = (
    Topic("ages", "Ages and sex", _checks("age", "sex")),
    Topic("diseases", "Diseases and their classification",
          _checks("disease", "classification", "bohan_peter", "ilar_2001",
                  "myositis_feature_count", "antibody_positive")),
    Topic("refractoriness", "Refractory disease: treatments failed and features",
          _checks("treatment_history", "disease_features_any")
          + _review("refractory_equivalence")),
    Topic("activity", "Disease activity", _checks("activity_score")),
    Topic("b_cells", "B cells and CD19", _checks("b_cell_count", "cd19_expression")),
    Topic("organs", "Organ function thresholds",
          _checks("measure_at_least", "ecg_no_obvious_abnormality", "egfr_at_least",
                  "within_uln", "lung_function_basically_normal", "no_serious_lung_lesions",
                  "pulmonary_pressure", "cardiac_conditions")
          + _review("organ_involvement")),
    Topic("kidney", "Dialysis and the kidney outlook",
          _checks("renal_replacement_therapy") + _review("kidney_outlook")),
    Topic("hbv", "Hepatitis B", _marker("hbv", "active_viral_hepatitis")),
    Topic("hcv", "Hepatitis C", _marker("hcv", "active_viral_hepatitis")),
    Topic("hiv", "HIV", _marker("hiv")),
    Topic("syphilis", "Syphilis", _marker("syphilis")),
    Topic("cmv", "CMV", _marker("cmv_dna")),
    Topic("tuberculosis", "Tuberculosis (active and latent)",
          _checks("tuberculosis", "active_infection")),
    Topic("infections", "Other active infections", _checks("active_infection")),
    Topic("car_t", "Prior CAR-T therapy and its exceptions", _checks("prior_car_t")),
    Topic("studies", "Other clinical studies", _checks("other_study")),
    Topic("transplant", "Transplants and GVHD", _checks("transplant", "gvhd")),
    Topic("live_vaccines", "Live vaccines", _checks("live_vaccine")),
    Topic("cns", "CNS disease", _checks("active_cns_disease", "cns_lupus_intervention")),
    Topic("pregnancy", "Pregnancy and contraception",
          _checks("pregnancy_test_negative") + _review("contraception")),
    Topic("malignancy", "Malignancy", _checks("malignancy")),
    Topic("immune", "Immunodeficiency, other autoimmune disease, long-term immunosuppression",
          _checks("immunodeficiency", "other_autoimmune_disease",
                  "other_condition_needing_immunosuppression")),
    Topic("judgement", "Consent, leukapheresis and the investigator's judgement",
          _review("informed_consent", "leukapheresis", "investigator_opinion",
                  "benefit_risk")),
)
TOPIC_IDS = tuple(t.id for t in TOPICS)


@dataclass(frozen=True)
class Rule:
    criterion: str
    kind: str
    rule: str
    text: str
    diseases: tuple[str, ...] | None
    outcome: str | None  # the patient's outcome, with --patient


@dataclass(frozen=True)
class Row:
    trial: str
    rules: tuple[Rule, ...]  # empty: the trial has no criterion on the topic


@dataclass(frozen=True)
class Comparison:
    topic: Topic
    rows: tuple[Row, ...]


def compare(topics: Sequence[Topic], trials: Iterable[LoadedTrial],
            patient: PatientResult | None = None) -> list[Comparison]:
    """For each topic, each trial's criteria on it with their rules (and the patient's
    outcomes)."""
    trials = sorted(trials, key=lambda t: t.trial.id)
    outcomes: dict[tuple[str, str], str] = {}
    if patient is not None:
        outcomes = {(t.trial_id, c.id): c.outcome.value for t in patient.trials
                    for c in t.criteria}
    return [
        Comparison(topic, tuple(
            Row(loaded.trial.id, tuple(
                Rule(b.criterion.id, b.criterion.kind, b.rule_text, b.criterion.text,
                     tuple(b.criterion.diseases) if b.criterion.diseases else None,
                     outcomes.get((loaded.trial.id, b.criterion.id)))
                for b in loaded.criteria if topic.takes(b)))
            for loaded in trials))
        for topic in topics
    ]


def as_data(comparisons: Sequence[Comparison], patient: PatientResult | None) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "patient": None if patient is None else {
            "patient_id": patient.patient_id, "file": patient.file,
            "screening_date": patient.screening_date.isoformat(),
            "verdicts": {t.trial_id: t.verdict for t in patient.trials}},
        "topics": [
            {"topic": c.topic.id, "label": c.topic.label, "trials": [
                {"trial": row.trial, "criteria": [
                    {"id": r.criterion, "kind": r.kind, "rule": r.rule, "text": r.text,
                     "diseases": list(r.diseases) if r.diseases else None,
                     **({"outcome": r.outcome} if patient is not None else {})}
                    for r in row.rules]}
                for row in c.rows]}
            for c in comparisons
        ],
    }
