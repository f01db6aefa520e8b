"""Exclusions from the medical history: malignancy, immunodeficiency, cardiac disease,
other autoimmune disease, other conditions needing long-term immunosuppression."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal

from pydantic import Field

from cartscreen.checks.base import (
    MAX_MONTHS,
    MET,
    NOT_MET,
    UNKNOWN,
    Check,
    Example,
    Facts,
    Finding,
    NoParams,
    Params,
)
from cartscreen.patient.history import Malignancy
from cartscreen.timeutil import window_start


class MalignancyParams(Params):
    cured_basal_cell: Literal["exempt", "excluded", "review"]


def _malignancy(facts: Facts, p: MalignancyParams) -> Finding:
    malignancies = facts.items("history.malignancies", Malignancy)
    if malignancies is None:
        return facts.unknown("malignancy history not recorded", ["history.malignancies"])
    excluding: list[str] = []
    exempted: list[str] = []
    missing: list[str] = []
    for index, item in enumerate(malignancies):
        when = f" ({item.diagnosed})" if item.diagnosed else ""
        if p.cured_basal_cell == "excluded":
            excluding.append(f"{item.type}{when}")
            continue
        key = f"history.malignancies[{index}]"
        # The exception needs all three recorded: a skin basal cell carcinoma, cured, resected.
        parts = ((item.skin_basal_cell_carcinoma, f"{key}.skin_basal_cell_carcinoma"),
                 (None if item.status is None else item.status == "cured", f"{key}.status"),
                 (item.resected, f"{key}.resected"))
        if any(value is False for value, _ in parts):
            excluding.append(f"{item.type}{when}")
        elif all(value is True for value, _ in parts):
            exempted.append(f"resected, cured skin basal cell carcinoma{when}")
        else:
            missing.extend(k for value, k in parts if value is None)
    if excluding:
        return facts.not_met("malignancy: " + "; ".join(excluding))
    if missing:
        return facts.unknown("whether a recorded malignancy is a resected, cured skin basal "
                             "cell carcinoma (the registry's exception)", missing)
    if exempted and p.cured_basal_cell == "review":
        return facts.review(
            "; ".join(exempted) + ": this criterion names no exception, another of the trial's "
            "criteria exempts it"
        )
    if exempted:
        return facts.met("; ".join(exempted) + " (exempted by the registry)")
    return facts.met("no malignancy")


MALIGNANCY = Check(
    name="malignancy",
    family="history",
    summary="Exclusion: not met for any malignancy, active or past. A resected, cured skin basal "
    "cell carcinoma is exempt, excluded, or for review, as the registry wording says.",
    reads=("history.malignancies",),
    params=MalignancyParams,
    evaluate=_malignancy,
    describe=lambda p: "no malignancy, active or past"
    + {"exempt": " (except resected, cured skin basal cell carcinoma)",
       "excluded": "",
       "review": " (a resected, cured skin basal cell carcinoma goes to review)"}[
        p.cured_basal_cell],
    examples=(
        Example("none", {"cured_basal_cell": "exempt"}, {"history": {"malignancies": []}},
                MET),
        Example("leukemia in remission", {"cured_basal_cell": "exempt"},
                {"history": {"malignancies": [{"type": "acute lymphoblastic leukemia",
                                               "status": "in_remission"}]}}, NOT_MET),
        Example("cured BCC, exempt", {"cured_basal_cell": "exempt"},
                {"history": {"malignancies": [{"type": "basal cell carcinoma",
                                               "status": "cured", "resected": True,
                                               "skin_basal_cell_carcinoma": True}]}},
                MET),
        Example("basal cell carcinoma, resection not recorded", {"cured_basal_cell": "exempt"},
                {"history": {"malignancies": [{"type": "basal cell carcinoma",
                                               "status": "cured",
                                               "skin_basal_cell_carcinoma": True}]}},
                UNKNOWN),
    ),
)


def _immunodeficiency(facts: Facts, p: NoParams) -> Finding:
    primary = facts.get("history.primary_immunodeficiency")
    secondary = facts.get("history.secondary_immunodeficiency")
    if primary is True:
        return facts.not_met("primary immunodeficiency")
    missing = [k for k, v in (("history.primary_immunodeficiency", primary),
                              ("history.secondary_immunodeficiency", secondary)) if v is None]
    if missing:
        return facts.unknown("immunodeficiency history not recorded", missing)
    if secondary == "uncorrected":
        return facts.review("uncorrected secondary immunodeficiency: its severity is a judgement")
    return facts.met("no primary immunodeficiency; secondary immunodeficiency: " + secondary)


IMMUNODEFICIENCY = Check(
    name="immunodeficiency",
    family="history",
    summary="Exclusion: not met for primary immunodeficiency; review for an uncorrected "
    "secondary immunodeficiency (the registry excludes it only when severe).",
    reads=("history.primary_immunodeficiency", "history.secondary_immunodeficiency"),
    params=NoParams,
    evaluate=_immunodeficiency,
    describe=lambda p: "no primary immunodeficiency and no severe uncorrected secondary one",
    examples=(
        Example("none", {}, {"history": {"primary_immunodeficiency": False,
                                         "secondary_immunodeficiency": "none"}}, MET),
        Example("primary", {}, {"history": {"primary_immunodeficiency": True}}, NOT_MET),
    ),
)

CardiacCondition = Literal[
    "congenital_heart_disease", "severe_arrhythmia", "serious_myocarditis", "vasopressor_dependent"
]
CARDIAC_LABELS = {
    "congenital_heart_disease": "congenital heart disease",
    "severe_arrhythmia": "severe arrhythmia",
    "serious_myocarditis": "serious myocarditis",
    "vasopressor_dependent": "unstable vital signs needing drugs to keep blood pressure",
}
EFFUSION_ORDER = ("none", "small", "moderate", "large")


class CardiacParams(Params):
    conditions: list[CardiacCondition] = Field(min_length=1)
    pericardial_effusion_at_least: Literal["moderate", "large"] | None = None
    myocardial_infarction_within_months: int | None = Field(default=None, ge=1, le=MAX_MONTHS)


def _cardiac(facts: Facts, p: CardiacParams) -> Finding:
    present: list[str] = []
    missing: list[str] = []
    for condition in p.conditions:
        value = facts.get(f"history.cardiac.{condition}")
        if value is True:
            present.append(CARDIAC_LABELS[condition])
        elif value is None:
            missing.append(f"history.cardiac.{condition}")
    stale: list[str] = []
    if p.pericardial_effusion_at_least is not None:
        # An effusion is a finding of the echocardiogram: it must be current at screening.
        effusion = facts.result(_EFFUSION)
        if effusion is None:
            stale.append(_EFFUSION)
        elif EFFUSION_ORDER.index(effusion) >= EFFUSION_ORDER.index(
            p.pericardial_effusion_at_least
        ):
            present.append(f"{effusion} pericardial effusion ({facts.dated(_EFFUSION)})")
    if p.myocardial_infarction_within_months is not None:
        infarctions = facts.get("history.cardiac.myocardial_infarctions")
        start = window_start(facts.screening_date, months=p.myocardial_infarction_within_months)
        if infarctions is None:
            missing.append("history.cardiac.myocardial_infarctions")
        else:
            recent = [d for d in infarctions if start <= d <= facts.screening_date]
            if recent:
                present.append(f"myocardial infarction {recent[-1]}")
    others = facts.get("history.cardiac.other_serious_conditions")
    if others is None:
        missing.append("history.cardiac.other_serious_conditions")
    if present:
        return facts.not_met("; ".join(present))
    if missing or stale:
        reasons = [facts.why(key).text for key in stale]
        if missing:
            reasons.insert(0, "cardiac history incomplete: " + ", ".join(
                m.rsplit(".", 1)[1].replace("_", " ") for m in missing))
        return facts.unknown("; ".join(reasons),
                             [*missing, *(facts.why(key).missing for key in stale)])
    if others:
        return facts.review(
            "other cardiac condition (" + ", ".join(others) + "): the registry's list is open "
            "('etc.'), so the investigator decides"
        )
    return facts.met("none of the listed cardiac conditions")


def _describe_cardiac(p: CardiacParams) -> str:
    parts = [CARDIAC_LABELS[c] for c in p.conditions]
    if p.pericardial_effusion_at_least:
        parts.append(f"{p.pericardial_effusion_at_least} or larger pericardial effusion")
    if p.myocardial_infarction_within_months:
        parts.append(
            f"myocardial infarction within {p.myocardial_infarction_within_months} months"
        )
    return "none of: " + "; ".join(parts)


_EFFUSION = "history.cardiac.pericardial_effusion"

CARDIAC = Check(
    name="cardiac_conditions",
    family="history",
    summary="Exclusion: not met when any listed cardiac condition is present, a pericardial "
    "effusion reaches the named size, or a myocardial infarction falls in the window.",
    reads=("history.cardiac",),
    params=CardiacParams,
    evaluate=_cardiac,
    results=lambda p: (_EFFUSION,) if p.pericardial_effusion_at_least else (),
    describe=_describe_cardiac,
    examples=(
        Example("healthy heart", {"conditions": ["congenital_heart_disease"],
                                  "pericardial_effusion_at_least": "large"},
                {"history": {"cardiac": {"congenital_heart_disease": False,
                                         "pericardial_effusion": "small",
                                         "other_serious_conditions": []}},
                 "organ_function": {"echo_on": date(2026, 10, 20)}}, MET),
        Example("moderate effusion, moderate excludes",
                {"conditions": ["congenital_heart_disease"],
                 "pericardial_effusion_at_least": "moderate"},
                {"history": {"cardiac": {"congenital_heart_disease": False,
                                         "pericardial_effusion": "moderate",
                                         "other_serious_conditions": []}},
                 "organ_function": {"echo_on": date(2026, 10, 20)}}, NOT_MET),
        Example("no effusion on an echo of last year",
                {"conditions": ["congenital_heart_disease"],
                 "pericardial_effusion_at_least": "large"},
                {"history": {"cardiac": {"congenital_heart_disease": False,
                                         "pericardial_effusion": "none",
                                         "other_serious_conditions": []}},
                 "organ_function": {"echo_on": date(2025, 10, 20)}}, UNKNOWN),
    ),
)


def _list_exclusion(path: str, label: str) -> Callable[[Facts, NoParams], Finding]:
    def evaluate(facts: Facts, p: NoParams) -> Finding:
        items = facts.get(path)
        if items is None:
            return facts.unknown(f"{label} not recorded", [path])
        if items:
            return facts.not_met(f"{label}: " + ", ".join(items))
        return facts.met(f"no {label}")

    return evaluate


OTHER_AUTOIMMUNE = Check(
    name="other_autoimmune_disease",
    family="history",
    summary="Exclusion: not met when any autoimmune or rheumatic disease other than the "
    "trial's disease is recorded.",
    reads=("history.other_autoimmune_diseases",),
    params=NoParams,
    evaluate=_list_exclusion("history.other_autoimmune_diseases",
                             "other autoimmune or rheumatic disease"),
    describe=lambda p: "no other autoimmune or rheumatic disease",
    examples=(
        Example("none", {}, {"history": {"other_autoimmune_diseases": []}}, MET),
        Example("type 1 diabetes", {}, {"history": {"other_autoimmune_diseases":
                                                    ["type 1 diabetes"]}}, NOT_MET),
    ),
)

LONG_TERM_IMMUNOSUPPRESSION = Check(
    name="other_condition_needing_immunosuppression",
    family="history",
    summary="Exclusion: not met when another condition needs long-term glucocorticoids or "
    "immunosuppressants.",
    reads=("history.conditions_requiring_long_term_immunosuppression",),
    params=NoParams,
    evaluate=_list_exclusion("history.conditions_requiring_long_term_immunosuppression",
                             "other condition needing long-term immunosuppression"),
    describe=lambda p: "no other condition needing long-term glucocorticoids or "
    "immunosuppressants",
    examples=(
        Example("none", {}, {"history": {"conditions_requiring_long_term_immunosuppression": []}},
                MET),
        Example("asthma on oral steroids", {},
                {"history": {"conditions_requiring_long_term_immunosuppression":
                             ["steroid-dependent asthma"]}}, NOT_MET),
    ),
)
