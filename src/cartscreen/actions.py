"""What to do next for one patient: the facts still missing or out of date, merged across the
trials the patient could still enter into actions in clinical words ("order hepatitis B tests",
"repeat the pregnancy test (last 2026-10-01, older than 7 days)"), each with the trials and
criteria it would decide; and, per trial, the criteria the investigator must judge.

A trial the patient is already ineligible for asks nothing: no test can make it eligible again,
so its unknown criteria add no work. Actions are ranked by how many open trials they would
decide, then by how many criteria.

Each patient-file key belongs to one topic below (a test, an assessment or a part of the
history). Keys that are alternatives for one fact (a stated SLEDAI-2K or its items; an eGFR or
the creatinine to compute it) share a topic, so they become one action naming both ways.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cartscreen.checks.base import REVIEW, UNKNOWN
from cartscreen.result import CriterionResult, PatientResult

Verb = Literal["order", "assess", "record"]


@dataclass(frozen=True)
class Topic:
    """A group of patient-file keys that one clinical action fills.

    ``keys`` are key paths with ``[*]`` for a list index; a key matches a pattern equal to it
    or beneath it (``treatments`` matches ``treatments[*].drug``). A pattern with ``[*]`` makes
    one action per list entry, named by ``entry`` (the entry's field that says what it is).
    """

    id: str
    verb: Verb
    what: str
    keys: tuple[str, ...]
    entry: str | None = None  # for per-entry topics: the field that names an entry


def _instrument(name: str, label: str) -> Topic:
    return Topic(f"classification:{name}", "record",
                 f"whether the {label} are met (met or not, or their items under "
                 f"diagnosis.components.{name})",
                 (f"diagnosis.classification.{name}", f"diagnosis.components.{name}"))


def _activity(name: str, label: str) -> Topic:
    return Topic(f"activity:{name}", "assess", f"the {label} (the total, or its items under "
                 f"activity.components.{name})",
                 (f"activity.{name}", f"activity.components.{name}"))


TOPICS: tuple[Topic, ...] = (
    # dates shared by several results
    Topic("labs_date", "record", "the date of the blood tests (organ_function.labs_on)",
          ("organ_function.labs_on",)),
    Topic("serology_date", "record", "the date of the infection tests (serology.tested_on)",
          ("serology.tested_on",)),
    Topic("activity_date", "record",
          "the date of the disease activity assessment (activity.assessed_on)",
          ("activity.assessed_on",)),
    # tests to order
    Topic("hbv", "order", "hepatitis B tests: HBsAg and HBcAb (or HBV DNA)",
          ("serology.hbsag", "serology.hbcab", "serology.hbv_dna", "serology.hbsag_on",
           "serology.hbcab_on", "serology.hbv_dna_on")),
    Topic("hcv", "order", "hepatitis C tests: HCV antibody (or HCV RNA)",
          ("serology.hcv_ab", "serology.hcv_rna", "serology.hcv_ab_on", "serology.hcv_rna_on")),
    Topic("hiv", "order", "an HIV test", ("serology.hiv_ab", "serology.hiv_ab_on")),
    Topic("syphilis", "order", "a syphilis test", ("serology.syphilis", "serology.syphilis_on")),
    Topic("cmv", "order", "CMV DNA (PCR)", ("serology.cmv_dna", "serology.cmv_dna_on")),
    Topic("tb", "order", "a tuberculosis test (IGRA or tuberculin skin test)",
          ("tuberculosis.status", "tuberculosis.tested_on")),
    Topic("pregnancy_test", "order", "a pregnancy test", ("pregnancy.test", "pregnancy.test_date")),
    Topic("renal", "order", "a serum creatinine (or record the eGFR)",
          ("organ_function.creatinine", "organ_function.egfr_ml_min_1_73m2")),
    Topic("liver", "order", "liver tests: AST, ALT and total bilirubin",
          ("organ_function.ast", "organ_function.alt", "organ_function.total_bilirubin")),
    Topic("echo", "order", "an echocardiogram (LVEF, pericardial effusion)",
          ("organ_function.lvef_percent", "history.cardiac.pericardial_effusion",
           "organ_function.echo_on")),
    Topic("ecg", "order", "an ECG", ("organ_function.ecg", "organ_function.ecg_on")),
    Topic("spo2", "order", "pulse oximetry (SpO2)",
          ("organ_function.spo2_percent", "organ_function.spo2_on")),
    Topic("lung_function", "order", "pulmonary function tests (FVC and DLCO, % predicted)",
          ("organ_function.fvc_percent_predicted", "organ_function.dlco_percent_predicted",
           "organ_function.lung_function_on")),
    Topic("chest_imaging", "order", "chest imaging (serious lung lesions)",
          ("organ_function.serious_lung_lesions", "organ_function.chest_imaging_on")),
    Topic("pulmonary_pressure", "assess",
          "the pulmonary pressure (mean pulmonary artery pressure, pulmonary hypertension)",
          ("organ_function.mean_pulmonary_artery_pressure_mmhg",
           "organ_function.pulmonary_hypertension", "organ_function.pulmonary_pressure_on")),
    Topic("b_cells", "order", "a CD19+ B-cell count by flow cytometry (count per µL, CD19 "
          "expression, method)", ("b_cells",)),
    Topic("antibodies", "order", "the autoantibodies the trials name", ("antibodies",)),
    # assessments
    _activity("sledai_2k", "SLEDAI-2K"),
    _activity("mrss", "modified Rodnan skin score"),
    _activity("essdai", "ESSDAI"),
    _activity("clinessdai", "clinESSDAI"),
    _activity("active_joints", "active joint count"),
    _activity("jdm_core_set", "JDM core set measures"),
    Topic("activity", "assess", "disease activity", ("activity",)),
    _instrument("eular_acr_2019_sle", "2019 EULAR/ACR SLE classification criteria"),
    _instrument("acr_eular_2013_ssc", "2013 ACR/EULAR SSc classification criteria"),
    _instrument("acr_eular_2016_pss", "2016 ACR/EULAR primary Sjögren's criteria"),
    _instrument("aecg_2002_pss", "2002 AECG Sjögren's criteria"),
    _instrument("bohan_peter", "Bohan and Peter criteria"),
    _instrument("ilar_2001", "ILAR 2001 JIA category criteria"),
    Topic("features", "record", "the disease features the trials name", ("diagnosis.features",)),
    Topic("diagnosis", "record", "the diagnosis", ("diagnosis",)),
    # history: one entry at a time
    Topic("course_end", "record", "when {entry} ended (a date, or \"ongoing\")",
          ("treatments[*].end",), entry="drug"),
    Topic("course_response", "record", "the response to {entry}", ("treatments[*].response",),
          entry="drug"),
    Topic("course_route", "record", "the route of {entry}", ("treatments[*].route",),
          entry="drug"),
    Topic("course", "record", "the details of {entry}", ("treatments[*]",), entry="drug"),
    Topic("infection_control", "record", "whether {entry} is uncontrolled",
          ("events.infections[*].uncontrolled",), entry="name"),
    Topic("infection", "record",
          "the course of {entry} (serious, resolved, systemic treatment and its end)",
          ("events.infections[*]",), entry="name"),
    Topic("vaccine_live", "record", "whether {entry} is a live vaccine",
          ("events.vaccines[*].live",), entry="name"),
    Topic("vaccine", "record", "the details of {entry}", ("events.vaccines[*]",), entry="name"),
    Topic("car_t_entry", "record", "the outcome of {entry}", ("events.car_t[*]",), entry="target"),
    Topic("study_entry", "record", "the details of {entry} (interventional or not, its end)",
          ("events.studies[*]",), entry="name"),
    Topic("transplant_entry", "record", "the details of {entry}", ("events.transplants[*]",),
          entry="type"),
    Topic("cns_entry", "record", "the details of {entry}", ("events.cns_events[*]",),
          entry="type"),
    Topic("malignancy_entry", "record", "the details of {entry}",
          ("history.malignancies[*]",), entry="type"),
    # history: whole lists ("none" is an answer: write an empty list)
    Topic("treatments", "record", "the treatment history (each course: drug, dose, route, "
          "dates, response)", ("treatments",)),
    Topic("infections", "record", "the infection history, tuberculosis included (or none)",
          ("events.infections",)),
    Topic("vaccines", "record", "the vaccinations of the last months (or none)",
          ("events.vaccines",)),
    Topic("car_t", "record", "any earlier CAR-T therapy (or none)", ("events.car_t",)),
    Topic("studies", "record", "participation in other clinical studies (or none)",
          ("events.studies",)),
    Topic("transplants", "record", "any organ or stem-cell transplant (or none)",
          ("events.transplants",)),
    Topic("cns", "record", "CNS events such as seizures, stroke or CNS lupus (or none)",
          ("events.cns_events",)),
    Topic("rrt", "record", "any dialysis or other renal replacement therapy (or none)",
          ("events.renal_replacement_therapy",)),
    Topic("cardiac", "record", "the cardiac history the trials ask about",
          ("history.cardiac",)),
    Topic("malignancies", "record", "any malignancy (or none)", ("history.malignancies",)),
    Topic("immunodeficiency", "record", "any primary or secondary immunodeficiency",
          ("history.primary_immunodeficiency", "history.secondary_immunodeficiency")),
    Topic("other_autoimmune", "record", "other autoimmune or rheumatic diseases (or none)",
          ("history.other_autoimmune_diseases",)),
    Topic("long_term_immunosuppression", "record",
          "any other condition needing long-term immunosuppression",
          ("history.conditions_requiring_long_term_immunosuppression",)),
    Topic("childbearing", "record", "whether the patient is of childbearing potential",
          ("pregnancy.childbearing_potential",)),
    # the person
    Topic("birth_date", "record", "the birth date", ("birth_date", "age_years")),
    Topic("sex", "record", "the sex", ("sex",)),
    Topic("body_size", "record", "the weight and height", ("weight_kg", "height_cm")),
)

# The keys that date a result ("organ_function.echo_on"): missing, the result is undated.
_DATE_KEY = re.compile(r"(_on|_date)$")
_INDEX = re.compile(r"\[\d+\]")


def _general(key: str) -> str:
    return _INDEX.sub("[*]", key)


def _matches(key: str, pattern: str) -> bool:
    return key == pattern or key.startswith((pattern + ".", pattern + "["))


def topic_for(key: str) -> Topic | None:
    """The topic a patient-file key belongs to (the first, most specific, that matches)."""
    general = _general(key)
    return next((t for t in TOPICS if any(_matches(general, p) for p in t.keys)), None)


@dataclass
class Action:
    """One thing to do, the keys it fills, and what it would decide: trial id -> criteria."""

    text: str
    general: str  # the same action for any patient ("repeat hepatitis B tests"), for a cohort
    keys: list[str] = field(default_factory=list)
    decides: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, trial_id: str, criterion_id: str) -> None:
        if key not in self.keys:
            self.keys.append(key)
        ids = self.decides.setdefault(trial_id, [])
        if criterion_id not in ids:
            ids.append(criterion_id)

    @property
    def trials(self) -> int:
        return len(self.decides)

    @property
    def criteria(self) -> int:
        return sum(len(ids) for ids in self.decides.values())

    def as_data(self) -> dict[str, Any]:
        return {"action": self.text, "keys": self.keys, "decides": self.decides}


@dataclass(frozen=True)
class ReviewItem:
    id: str
    text: str  # the registry wording, shortened

    def as_data(self) -> dict[str, str]:
        return {"id": self.id, "text": self.text}


@dataclass(frozen=True)
class NextSteps:
    actions: tuple[Action, ...]
    review: dict[str, tuple[ReviewItem, ...]]  # trial id -> its review criteria

    def as_data(self) -> dict[str, Any]:
        return {"next_steps": [a.as_data() for a in self.actions],
                "review": {trial: [r.as_data() for r in items]
                           for trial, items in self.review.items()}}


def next_steps(result: PatientResult) -> NextSteps:
    """The actions that would decide the patient's open trials, ranked, and the review agenda
    of each trial the patient is not already ineligible for."""
    actions: dict[tuple[str, str], Action] = {}
    review: dict[str, tuple[ReviewItem, ...]] = {}
    for trial in result.trials:
        if trial.verdict == "ineligible":
            continue
        for criterion in trial.with_outcome(UNKNOWN):
            for slot, text, general, key in _needs(criterion):
                action = actions.setdefault(slot, Action(text, general))
                action.add(key, trial.trial_id, criterion.id)
        items = tuple(ReviewItem(c.id, shorten(c.text)) for c in trial.with_outcome(REVIEW))
        if items:
            review[trial.trial_id] = items
    order = {slot: index for index, slot in enumerate(actions)}
    ranked = sorted(actions.items(), key=lambda item: (-item[1].trials, -item[1].criteria,
                                                       order[item[0]]))
    return NextSteps(tuple(action for _, action in ranked), review)


Need = tuple[tuple[str, str], str, str, str]  # slot, text, text for a cohort, key


def _needs(criterion: CriterionResult) -> Iterable[Need]:
    """(action slot, action text, its general form, key) for each fact an unknown criterion
    lacks."""
    stale = {s.key: s for s in criterion.finding.stale}
    for item in criterion.finding.stale:
        topic = topic_for(item.key)
        name = _noun(topic.what if topic is not None else item.key)
        yield ((f"repeat:{topic.id if topic else item.key}", ""),
               f"repeat {name} (last {item.dated.isoformat()}, older than "
               f"{item.window_days} day{'' if item.window_days == 1 else 's'})",
               f"repeat {name}", item.key)
    for key in criterion.missing:
        if key in stale:
            continue
        yield _need(key, criterion.read)


def _need(key: str, read: Mapping[str, Any]) -> Need:
    topic = topic_for(key)
    if topic is None:
        return (("key", key), f"record {key}", f"record {_INDEX.sub('[…]', key)}", key)
    entry = ""
    what = general = topic.what
    if topic.entry is not None:
        match = re.match(r"^(.*?\[\d+\])", key)
        entry = match.group(1) if match else key
        what = what.format(entry=_entry_name(entry, topic.entry, read))
        general = general.format(entry=_entry_name(entry.rpartition("[")[0] + "[…]",
                                                   topic.entry, {}))
    if _DATE_KEY.search(key.rpartition(".")[2]) and topic.verb != "record":
        text = f"record the date of {_noun(topic.what)}"
        return ((f"date:{topic.id}", entry), f"{text} ({key})", text, key)
    return ((topic.id, entry), f"{topic.verb} {what}", f"{topic.verb} {general}", key)


def _entry_name(entry: str, field_name: str, read: Mapping[str, Any]) -> str:
    """``the methylprednisolone course (treatments[2])`` from what the check read."""
    name = read.get(f"{entry}.{field_name}")
    kind = {"treatments": "course", "events.infections": "infection",
            "events.vaccines": "vaccine", "events.car_t": "CAR-T therapy",
            "events.studies": "study", "events.transplants": "transplant",
            "events.cns_events": "CNS event", "history.malignancies": "malignancy"}.get(
                entry.rpartition("[")[0], "entry")
    if isinstance(name, str) and name:
        return f"the {name} {kind} ({entry})"
    return f"the {kind} {entry}"


def _noun(what: str) -> str:
    """The thing an action is about, for "repeat …" and "the date of …"."""
    noun = what.split(":")[0].split(" (")[0]
    article, _, rest = noun.partition(" ")
    return f"the {rest}" if article in ("a", "an") else noun


def shorten(text: str, limit: int = 90) -> str:
    """Registry wording on one line, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
