"""FHIR resources → one patient file (a dict the patient model validates), with the provenance
of every key and a list of everything not mapped.

Rules (the README section "FHIR import" states them for users):

- Map by standard codes only (the tables in :mod:`cartscreen.fhir.codes`), never display text.
- Nothing is defaulted: a key is written only when a resource says it; a boolean only ``true``
  from a code that means it; a list only when the record has at least one entry for it and
  every record of its kind could be mapped (a partial list would claim the rest "none").
- Dated results carry their own date (the effective date; of a period, its start, the older
  and so conservative date). An undated result is not imported. Per result, the most recent
  wins; two different results on the latest date are a contradiction and neither is used.
- Contradictions are not resolved: two target diseases, a coded infection beside a negative
  test, a fact the patient model's plausibility rules reject. The facts involved are left out
  and reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cartscreen.drugs import canonical_drug
from cartscreen.fhir import codes
from cartscreen.fhir.read import (
    Item,
    PatientRecord,
    Problem,
    ReadResult,
    iter_codings,
    read_inputs,
)
from cartscreen.patient.model import Patient
from cartscreen.patient.plausibility import facts_against_screening_date, implausible_facts

Refs = tuple[str, ...]


@dataclass(frozen=True)
class Judgement:
    """A fact the trials need that the record does not (or cannot) code: for the clinician."""

    key: str
    reason: str


@dataclass
class PatientImport:
    """The result for one patient: the file's data, where each key came from, and what was
    not mapped or is left for the clinician."""

    id: str
    data: dict[str, Any]
    provenance: dict[str, list[str]]
    unmapped: list[Problem]
    judgement: list[Judgement]
    not_in_record: list[str]
    files: list[str]
    resources: dict[str, dict[str, str]]  # ref -> {"file": …, "where": …}
    invalid: str | None = None  # why no valid file could be made (then none is written)


def _day(value: Any) -> date | None:
    """The date part of a FHIR date or dateTime; None for a partial date ("2026-10")."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _statuses(concept: Any, system: str) -> set[str]:
    return {code for sys, code in iter_codings(concept) if sys == system}


# Observation and condition statuses that mean a result or diagnosis stands.
_FINAL = frozenset({"final", "amended", "corrected"})
_ACTIVE_CLINICAL = frozenset({"active", "recurrence", "relapse"})


@dataclass
class _Reading:
    """One mapped result of an analyte."""

    analyte: str
    day: date
    values: dict[str, Any]  # the keys this result writes, relative to its table
    ref: str


@dataclass
class _Entry:
    values: dict[str, Any]
    refs: Refs
    sort_key: tuple[Any, ...]


# --- assembling the file ------------------------------------------------------------------

class _Builder:
    def __init__(self, record: PatientRecord, today: date) -> None:
        self.record = record
        self.today = today
        self.data: dict[str, Any] = {"format": 1}
        self.provenance: dict[str, list[str]] = {}
        self.unmapped: list[Problem] = []
        self.judgement: list[Judgement] = []
        self.lists: dict[str, list[_Entry]] = {}
        self.incomplete: dict[str, list[str]] = {}  # list key -> refs that could not be mapped

    def set(self, path: str, value: Any, refs: Iterable[str]) -> None:
        node = self.data
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
        self.provenance[path] = sorted(set(refs))

    def note(self, item: Item, reason: str, message: str, fix: str,
             codes_seen: Iterable[str] = (), error: bool = False) -> None:
        self.unmapped.append(Problem(item.file, item.place, f"{message}; {fix}", error=error,
                                     reason=reason, resource=item.ref, patient=self.record.id,
                                     codes=tuple(codes_seen)))

    def judge(self, key: str, reason: str) -> None:
        if all(j.key != key for j in self.judgement):
            self.judgement.append(Judgement(key, reason))

    def add_entry(self, key: str, entry: _Entry) -> None:
        self.lists.setdefault(key, []).append(entry)

    def spoil(self, key: str, item: Item) -> None:
        """A record of this list's kind could not be mapped: the list cannot be written."""
        self.incomplete.setdefault(key, []).append(item.ref)

    def write_lists(self) -> None:
        for key in sorted(set(self.lists) | set(self.incomplete)):
            entries = self.lists.get(key, [])
            if key in self.incomplete:
                refs = ", ".join(sorted(set(self.incomplete[key])))
                self.judge(key, f"not written: {refs} could not be mapped, and a partial list "
                           "would claim the rest absent; record the whole list")
                continue
            entries.sort(key=lambda entry: entry.sort_key)
            values = [entry.values for entry in entries]
            self.set(key, values, ())
            del self.provenance[key]
            for index, entry in enumerate(entries):
                for name in entry.values:
                    self.provenance[f"{key}[{index}].{name}"] = sorted(set(entry.refs))


# --- the importer proper ---------------------------------------------------------------------

def map_patient(record: PatientRecord, medications: dict[str, Item], today: date
                ) -> PatientImport:
    """Map one patient's resources, re-mapping without the resources whose facts the patient
    model rejects (each reported) until the file validates."""
    excluded: dict[str, str] = {}
    spoils: dict[str, set[str]] = {}
    no_dose: set[str] = set()
    for _ in range(50):
        builder = _Builder(record, today)
        _Mapper(builder, medications, excluded, no_dose, spoils).run()
        problem = _first_problem(builder.data, today)
        if problem is None:
            return _result(builder, record, excluded)
        key, message = problem
        if _overlap(key, builder, no_dose, message):
            continue
        culprits = _culprits(key, builder.provenance) - set(excluded)
        if not culprits:  # nothing left to blame: write no file rather than an invalid one
            result = _result(builder, record, excluded)
            result.invalid = f"{key}: {message}"
            return result
        for ref in culprits:
            excluded[ref] = f"{key}: {message}"
            # a list it gave an entry to would now be partial: it is not written
            spoils.setdefault(ref, set()).update(
                name.split("[")[0] for name, refs in builder.provenance.items()
                if "[" in name and ref in refs)
    result = _result(builder, record, excluded)  # pragma: no cover - 50 culprits in one file
    result.invalid = "too many contradictions"
    return result


def _overlap(key: str, builder: _Builder, no_dose: set[str], message: str) -> bool:
    """Two courses of one drug at different doses over a common day: keep the courses, drop
    the later one's dose (the patient model holds one course per steady dose)."""
    if not (key.startswith("treatments[") and key.endswith("]") and "overlaps" in message):
        return False
    refs = builder.provenance.get(f"{key}.drug", [])
    fresh = set(refs) - no_dose
    no_dose.update(refs)
    return bool(fresh)


def _culprits(key: str, provenance: dict[str, list[str]]) -> set[str]:
    path = key
    while path:
        found = {ref for name, refs in provenance.items()
                 if name == path or name.startswith((f"{path}.", f"{path}[")) for ref in refs}
        if found:
            return found
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return set()


def _first_problem(data: dict[str, Any], today: date) -> tuple[str, str] | None:
    from cartscreen.errors import all_validation_errors

    failures: list[tuple[str | None, str]] = []
    try:
        patient = Patient.model_validate(data)
    except ValidationError as exc:
        failures = all_validation_errors(exc, Patient)
    if failures:
        key, message = failures[0]
        return key or "", message
    problems = list(implausible_facts(patient)) or list(
        facts_against_screening_date(patient, today, "today"))
    return problems[0] if problems else None


def _result(builder: _Builder, record: PatientRecord, excluded: dict[str, str]
            ) -> PatientImport:
    resources = {item.ref: {"file": item.file, "where": item.where}
                 for item in [*record.patients, *record.resources]}
    for ref, why in excluded.items():
        item = next((i for i in [*record.patients, *record.resources] if i.ref == ref), None)
        if item is not None:
            key, _, message = why.partition(": ")
            builder.note(item, "contradiction", f"rejected by the patient file's rules at {key} "
                         f"({message.partition(';')[0]})", "its facts are left out; correct "
                         "the record")
    _judgements(builder)
    not_in_record = [key for key in MAPPABLE_KEYS if not _has(builder.data, key)]
    return PatientImport(record.id, builder.data, builder.provenance, builder.unmapped,
                         builder.judgement, not_in_record, record.files, resources)


def _has(data: dict[str, Any], key: str) -> bool:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


# The keys this importer can fill from a record (for "not found in the record").
MAPPABLE_KEYS = (
    "sex", "birth_date", "weight_kg", "height_cm", "diagnosis.disease", "diagnosis.onset_date",
    "b_cells.count_per_ul", "organ_function.lvef_percent", "organ_function.egfr_ml_min_1_73m2",
    "organ_function.creatinine", "organ_function.ast", "organ_function.alt",
    "organ_function.total_bilirubin", "organ_function.spo2_percent",
    "organ_function.fvc_percent_predicted", "organ_function.dlco_percent_predicted",
    "serology.hbsag", "serology.hbcab", "serology.hbv_dna", "serology.hcv_ab",
    "serology.hcv_rna", "serology.hiv_ab", "serology.syphilis", "serology.cmv_dna",
    "tuberculosis.status", "pregnancy.test", "treatments", "events.vaccines",
)

# Facts the trials read that a FHIR record does not code (or this importer does not read):
# always for the clinician, unless the import wrote the key.
STANDING_JUDGEMENTS: tuple[tuple[str, str], ...] = (
    ("screening_date", "the screening date (or give check --as-of)"),
    ("diagnosis.classification", "which classification criteria the patient meets (EULAR/ACR "
     "2019 SLE, ACR/EULAR 2013 SSc, ACR/EULAR 2016 and AECG 2002 pSS, Bohan and Peter, ILAR "
     "2001): a coded diagnosis is not a criteria result"),
    ("diagnosis.components", "the findings behind the classification criteria, if the stated "
     "results are not given"),
    ("diagnosis.myositis_features", "the findings of the JDM diagnostic rules (weakness, rash, "
     "muscle enzymes, EMG, biopsy)"),
    ("diagnosis.features", "features of refractory or severe disease (organ involvement, "
     "calcinosis, rash or ulcers, parotid swelling, cytopenias, cryoglobulinemia, rapid "
     "progression)"),
    ("activity", "disease activity (SLEDAI-2K, mRSS, ESSDAI, clinESSDAI, active joints, JDM core "
     "set) and the date of the assessment: no coded score is imported"),
    ("antibodies", "autoantibody results: not imported from FHIR"),
    ("b_cells.cd19_positive", "whether the B cells express CD19: a CD19 cell count does not "
     "state it"),
    ("b_cells.method", "the method of the B-cell phenotyping (flow cytometry or other)"),
    ("organ_function.ecg", "the ECG result"),
    ("organ_function.ecg_on", "the date of the ECG"),
    ("organ_function.pulmonary_hypertension", "pulmonary hypertension"),
    ("organ_function.mean_pulmonary_artery_pressure_mmhg", "the mean pulmonary artery "
     "pressure, if measured"),
    ("organ_function.pulmonary_pressure_on", "the date pulmonary pressure was assessed"),
    ("organ_function.serious_lung_lesions", "serious lung lesions on chest imaging"),
    ("organ_function.chest_imaging_on", "the date of the chest imaging"),
    ("events.infections", "infections (onset, resolution, systemic treatment, seriousness, "
     "control): not imported"),
    ("events.studies", "participation in other clinical studies"),
    ("events.car_t", "prior CAR-T therapy (target, date, product, outcome)"),
    ("pregnancy.childbearing_potential", "childbearing potential"),
    ("history.secondary_immunodeficiency", "secondary immunodeficiency (none, corrected, "
     "uncorrected)"),
    ("history.cardiac", "cardiac history (congenital heart disease, arrhythmia, myocarditis, "
     "pericardial effusion, vasopressors, infarctions, other)"),
    ("history.other_autoimmune_diseases", "other autoimmune diseases"),
    ("history.conditions_requiring_long_term_immunosuppression", "conditions needing long-term "
     "immunosuppression"),
)

_LIST_CONFIRM = "holds what the record codes; confirm it is complete"
_LIST_NONE = "none coded in the record; record the list ([] for none) after checking"


def _judgements(builder: _Builder) -> None:
    data = builder.data
    for key, reason in STANDING_JUDGEMENTS:
        if not _has(data, key):
            builder.judge(key, reason)
    if not _has(data, "diagnosis.disease"):
        builder.judge("diagnosis.disease", "the disease: no target disease is coded")
    if not _has(data, "tuberculosis.status"):
        builder.judge("tuberculosis.status", "the tuberculosis status and the date of the test "
                      "it rests on (tested_on)")
    if data.get("history", {}).get("primary_immunodeficiency") is not True:
        builder.judge("history.primary_immunodeficiency", "primary immunodeficiency: none "
                      "coded; record false after checking")
    for key in ("events.vaccines", "events.transplants", "events.renal_replacement_therapy",
                "events.cns_events", "history.malignancies", "treatments"):
        if key in builder.incomplete:
            continue
        builder.judge(key, _LIST_CONFIRM if _has(data, key) else _LIST_NONE)
    for key, what in (("weight_kg", "body weight"), ("height_cm", "body height")):
        if key in data:
            refs = ", ".join(builder.provenance[key])
            builder.judge(key, f"the {what} of {refs}, the most recent measured; the patient "
                          "file does not date it: confirm it is current")
    for index, course in enumerate(data.get("treatments") or []):
        builder.judge(f"treatments[{index}].response", "the response to this course "
                      "(inadequate, intolerant, responded)")
        if course.get("dose_unit") == "mg/day":
            builder.judge(f"treatments[{index}].weight_kg", "the weight during this course, "
                          "for its mg/day dose (else weight_kg applies)")
    for index, _ in enumerate(data.get("events", {}).get("transplants") or []):
        builder.judge(f"events.transplants[{index}].gvhd", "acute GVHD episodes after this "
                      "transplant ([] for none)")
    for index, _ in enumerate(data.get("events", {}).get("cns_events") or []):
        builder.judge(f"events.cns_events[{index}]", "whether it is neuropsychiatric lupus, "
                      "needed intervention (and when that ended), and is active at screening")
    for index, entry in enumerate(data.get("history", {}).get("malignancies") or []):
        builder.judge(f"history.malignancies[{index}]", "whether it is cured and was resected"
                      + ("" if "status" in entry else ", and its status"))


class _Mapper:
    def __init__(self, builder: _Builder, medications: dict[str, Item],
                 excluded: dict[str, str], no_dose: set[str],
                 spoils: dict[str, set[str]]) -> None:
        self.b = builder
        self.medications = medications
        self.excluded = excluded
        self.spoils = spoils
        self.no_dose = no_dose
        self.readings: dict[str, list[_Reading]] = {}
        self.tb_conditions: list[tuple[str, date, str]] = []  # status, date, ref
        self.infections: list[tuple[str, Item]] = []
        self.diseases: list[tuple[str, date | None, Item]] = []
        self.not_primary: list[Item] = []
        self.unusable: dict[str, list[tuple[date, str]]] = {}
        self.items = {item.ref: item for item in builder.record.resources}

    def run(self) -> None:
        self.patient()
        handlers: dict[str, Callable[[Item], None]] = {
            "Condition": self.condition,
            "Observation": self.observation,
            "MedicationStatement": self.medication,
            "MedicationRequest": self.medication,
            "MedicationAdministration": self.medication,
            "Immunization": self.immunization,
            "Procedure": self.procedure,
        }
        for item in self.b.record.resources:
            if item.ref in self.excluded:
                for spoiled in sorted(self.spoils.get(item.ref, set())):
                    self.b.spoil(spoiled, item)
                continue
            handlers[item.type](item)
        self.write_diagnosis()
        self.write_readings()
        self.write_pregnancy()
        self.write_tuberculosis()
        self.b.write_lists()

    def conflicting(self, refs: Iterable[str], message: str, reason: str = "conflict",
                    fix: str = "not imported; correct the record") -> None:
        """Results that contradict each other or the record: reported, none of them used."""
        for one in sorted({part for ref in refs for part in ref.split(",")}):
            item = self.items.get(one)
            if item is not None:
                self.b.note(item, reason, message, fix)

    # --- Patient --------------------------------------------------------------------------
    def patient(self) -> None:
        births: dict[date, list[str]] = {}
        sexes: dict[str, list[str]] = {}
        items = self.b.record.patients
        for item in items:
            if item.model is None or item.ref in self.excluded:
                continue
            model = item.model
            birth = _day(model.birthDate)
            if model.birthDate is not None and birth is None:
                self.b.note(item, "partial_date", "birthDate is not a full date (YYYY-MM-DD)",
                            "birth_date is left out; record the full date of birth")
            if birth is not None:
                births.setdefault(birth, []).append(item.ref)
            if model.gender in ("male", "female"):
                sexes.setdefault(str(model.gender), []).append(item.ref)
            elif model.gender is not None:
                self.b.note(item, "not_mapped", "gender is neither male nor female",
                            "sex is left out; record it if the trials need it")
        self.b.set("id", self.b.record.id, [i.ref for i in items])
        for name, found in (("birth_date", births), ("sex", sexes)):
            if len(found) == 1:
                value, refs = next(iter(found.items()))
                self.b.set(name, value, refs)
            elif len(found) > 1:
                self.b.judge(name, "the Patient resources of this id disagree; record it")

    # --- Condition --------------------------------------------------------------------------
    def condition(self, item: Item) -> None:
        model = item.model
        verification = _statuses(model.verificationStatus, codes.CONDITION_VERIFICATION)
        clinical = _statuses(model.clinicalStatus, codes.CONDITION_CLINICAL)
        seen = [f"{system}|{code}" for system, code in iter_codings(model.code)]
        if verification & {"refuted", "entered-in-error"}:
            self.b.note(item, "status", f"verificationStatus is {sorted(verification)[0]}",
                        "not imported", seen)
            return
        if verification & {"unconfirmed", "provisional", "differential"}:
            self.b.note(item, "status", "verificationStatus is not confirmed", "not imported; "
                        "confirm the diagnosis in the record, or enter it by hand", seen)
            return
        onset = _day(model.onsetDateTime) if model.onsetDateTime is not None else (
            _day(model.onsetPeriod.start) if model.onsetPeriod is not None else None)
        found: list[tuple[str, Any]] = []
        known_system = False
        for system, code in iter_codings(model.code):
            if system == codes.SNOMED:
                known_system = True
                found += self._snomed_condition(code)
            elif system == codes.ICD10CM:
                known_system = True
                found += self._icd_condition(code)
        if not found:
            if known_system:
                self.b.note(item, "unknown_code", "no SNOMED CT or ICD-10-CM code this "
                            "importer maps", "not imported (see the code tables)", seen)
            else:
                self.b.note(item, "no_known_system", "no SNOMED CT or ICD-10-CM code",
                            "not imported; code the condition in SNOMED CT or ICD-10-CM", seen)
            return
        kinds = {kind for kind, _ in found}
        if len(kinds) > 1 and kinds != {"disease"}:
            self.b.note(item, "conflict", "its codes mean different things", "not imported; "
                        "correct the codes", seen)
            for kind in kinds:
                spoiled = _CONDITION_LISTS.get(kind)
                if spoiled:
                    self.b.spoil(spoiled, item)
            return
        kind = next(iter(kinds))
        values = [value for _, value in found]
        if kind == "disease":
            for disease in set(values):
                self.diseases.append((disease, onset, item))
        elif kind == "not_primary":
            self.not_primary.append(item)
        elif kind == "malignancy":
            self._malignancy(item, values, onset, clinical)
        elif kind == "cns":
            if onset is None:
                self.b.note(item, "undated", "a CNS condition without an onset date",
                            "not imported; record its date", seen)
                self.b.spoil("events.cns_events", item)
            else:
                self.b.add_entry("events.cns_events", _Entry(
                    {"description": sorted(set(values))[0], "date": onset}, (item.ref,),
                    (onset, sorted(set(values))[0])))
        elif kind == "pid":
            self.b.set("history.primary_immunodeficiency", True,
                       [*self.b.provenance.get("history.primary_immunodeficiency", []),
                        item.ref])
        elif kind == "tb":
            self._tuberculosis_condition(item, onset, clinical)
        elif kind == "infection":
            for infection in set(values):
                if clinical and not clinical & _ACTIVE_CLINICAL:
                    continue  # resolved or inactive: no conflict with a negative test
                self.infections.append((infection, item))
            for infection in sorted(set(values)):
                keys = _INFECTION_KEYS[infection]
                self.b.judge(keys[0], f"{item.ref} codes {_INFECTION_NAMES[infection]}; the "
                             f"trials read the test results ({', '.join(keys)}): record them")

    def _snomed_condition(self, code: str) -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        if code in codes.DISEASE_SNOMED:
            found.append(("disease", codes.DISEASE_SNOMED[code][0]))
        if code in codes.NOT_PRIMARY_SJOGREN_SNOMED:
            found.append(("not_primary", code))
        if code in codes.MALIGNANCY_SNOMED:
            found.append(("malignancy", (codes.MALIGNANCY_SNOMED[code][0], False)))
        if code in codes.INFECTION_SNOMED:
            found.append(("infection", codes.INFECTION_SNOMED[code][0]))
        if code in codes.CNS_SNOMED:
            found.append(("cns", codes.CNS_SNOMED[code][0]))
        return found

    def _icd_condition(self, code: str) -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        dotted = code.upper()
        if "." not in dotted and len(dotted) > 3:
            dotted = f"{dotted[:3]}.{dotted[3:]}"
        if dotted in codes.DISEASE_ICD10CM:
            found.append(("disease", codes.DISEASE_ICD10CM[dotted][0]))
        malignancy = codes.icd10cm_malignancy(code)
        if malignancy is not None:
            found.append(("malignancy", malignancy))
        if codes.icd10cm_prefix(code, codes.TB_ACTIVE_ICD10CM_PREFIXES):
            found.append(("tb", "active"))
        infection = codes.icd10cm_prefix(code, list(codes.INFECTION_ICD10CM))
        if infection is not None:
            found.append(("infection", codes.INFECTION_ICD10CM[infection][0]))
        cns = codes.icd10cm_prefix(code, list(codes.CNS_ICD10CM_PREFIXES))
        if cns is not None:
            found.append(("cns", codes.CNS_ICD10CM_PREFIXES[cns]))
        if codes.icd10cm_primary_immunodeficiency(code):
            found.append(("pid", True))
        return found

    def _malignancy(self, item: Item, values: list[Any], onset: date | None,
                    clinical: set[str]) -> None:
        types = sorted({kind for kind, _ in values})
        entry: dict[str, Any] = {"type": types[0] if len(types) == 1 else "malignant neoplasm"}
        if onset is not None:
            entry["diagnosed"] = onset
        # clinicalStatus "resolved" does not say cured: the status is then left absent.
        if clinical & _ACTIVE_CLINICAL:
            entry["status"] = "active"
        elif "remission" in clinical:
            entry["status"] = "in_remission"
        if all(basal for _, basal in values):
            entry["skin_basal_cell_carcinoma"] = True
        self.b.add_entry("history.malignancies", _Entry(entry, (item.ref,),
                                                        (onset or date.min, entry["type"])))

    def _tuberculosis_condition(self, item: Item, onset: date | None, clinical: set[str]
                                ) -> None:
        if clinical & _ACTIVE_CLINICAL and onset is not None:
            self.tb_conditions.append(("active", onset, item.ref))
            return
        self.b.judge("tuberculosis.status", f"{item.ref} codes tuberculosis, "
                     + ("without an onset date" if onset is None else "not as active")
                     + "; record the current tuberculosis status and its test date")
        self.tb_conditions.append(("unknown", onset or date.min, item.ref))

    def write_diagnosis(self) -> None:
        diseases = {disease for disease, _, _ in self.diseases}
        if self.not_primary and "pss" in diseases:
            diseases.add("secondary Sjögren's")
        if len(diseases) > 1:
            for _, _, item in self.diseases:
                self.b.note(item, "conflict", "more than one target disease is coded",
                            "diagnosis.disease is left for the clinician")
            self.b.judge("diagnosis.disease", "the record codes more than one target disease ("
                         + ", ".join(sorted(diseases)) + "); decide which one is screened")
            return
        if not diseases:
            return
        disease = next(iter(diseases))
        refs = [item.ref for _, _, item in self.diseases]
        self.b.set("diagnosis.disease", disease, refs)
        onsets = {onset for _, onset, _ in self.diseases if onset is not None}
        if len(onsets) == 1:
            onset = next(iter(onsets))
            self.b.set("diagnosis.onset_date", onset,
                       [item.ref for _, day, item in self.diseases if day == onset])
        elif len(onsets) > 1:
            self.b.judge("diagnosis.onset_date", "the diagnosis Conditions give different onset "
                         "dates; record the disease onset")

    # --- Observation ------------------------------------------------------------------------
    def observation(self, item: Item) -> None:
        model = item.model
        seen = [f"{system}|{code}" for system, code in iter_codings(model.code)]
        analytes = {codes.LOINC_CODES[code][0] for system, code in iter_codings(model.code)
                    if system == codes.LOINC and code in codes.LOINC_CODES}
        if not analytes:
            if any(system == codes.LOINC for system, _ in iter_codings(model.code)):
                self.b.note(item, "unknown_code", "no LOINC code this importer maps",
                            "not imported (see the code tables)", seen)
            else:
                self.b.note(item, "no_known_system", "no LOINC code", "not imported; code the "
                            "result in LOINC", seen)
            return
        if len(analytes) > 1:
            self.b.note(item, "conflict", "its LOINC codes name different tests",
                        "not imported; correct the codes", seen)
            return
        analyte = next(iter(analytes))
        status = str(model.status)
        day = _observation_day(model)
        if status not in _FINAL:
            shown = status if status in _OBS_STATUSES else "not final"
            self.b.note(item, "status", f"status is {shown}", "not imported (only final, "
                        "amended and corrected results are)", seen)
            if day is not None and status not in ("entered-in-error", "cancelled"):
                self._unusable(analyte, day, item)
            return
        if day is None:
            self.b.note(item, "undated", "no full effective date (an undated result cannot be "
                        "judged current)", "not imported; record when it was measured", seen)
            return
        values: dict[str, Any] | None = None
        if model.dataAbsentReason is not None:
            self.b.note(item, "no_value", "no value (dataAbsentReason)", "not imported", seen)
        elif analyte in codes.NUMERIC_UNITS:
            values = self._numeric(item, analyte, seen)
        elif analyte in ("hbv_dna", "hcv_rna"):
            values = self._viral_load(item, seen)
        else:
            values = self._qualitative(item, analyte, seen)
        if values is None:
            self._unusable(analyte, day, item)
        else:
            self.readings.setdefault(analyte, []).append(_Reading(analyte, day, values, item.ref))

    def _unusable(self, analyte: str, day: date, item: Item) -> None:
        """A dated result that could not be used: an older result of the same test must not
        stand in for it (the newer one may say something else)."""
        group = "hcg" if analyte.startswith("hcg") else analyte
        self.unusable.setdefault(group, []).append((day, item.ref))

    def _superseded(self, analyte: str, readings: list[_Reading]) -> bool:
        """Whether an unusable result is as recent as the newest usable one: then none is
        used, each reported."""
        group = "hcg" if analyte.startswith("hcg") else analyte
        blocking = [(day, ref) for day, ref in self.unusable.get(group, [])
                    if day >= max(r.day for r in readings)]
        if not blocking:
            return False
        newer = ", ".join(sorted({ref for _, ref in blocking}))
        self.conflicting([r.ref for r in readings], f"a result of the same test as recent or "
                         f"newer ({newer}) could not be used, so an older one is not either",
                         "superseded", "not imported; record the current result")
        self.b.judge(_KEY_OF.get(analyte, "pregnancy.test"), f"the most recent result ({newer}) "
                     "could not be imported: record the current result")
        return True

    def _numeric(self, item: Item, analyte: str, seen: list[str]) -> dict[str, Any] | None:
        model = item.model
        quantity = model.valueQuantity
        if quantity is None:
            self._no_number(item, seen)
            return None
        value = _number(quantity.value)
        if value is None or quantity.comparator is not None:
            self.b.note(item, "no_value", "no exact number (missing, or with a comparator "
                        "such as <)", "not imported", seen)
            return None
        units = codes.NUMERIC_UNITS[analyte]
        code = str(quantity.code) if quantity.code is not None else None
        if quantity.system != codes.UCUM or code not in units:
            self.b.note(item, "unit_mismatch", f"unit mismatch: {_LABELS[analyte]} needs a UCUM "
                        f"unit the patient file accepts ({codes.UNITS_TEXT[analyte]})",
                        "not imported; record it in one of these units", seen, error=True)
            return None
        unit, factor = units[code]
        result: dict[str, Any] = {"value": round(value * factor, 6)}
        if unit:
            result["unit"] = unit
        if analyte in ("ast", "alt", "bilirubin"):
            uln = self._upper_limit(item, code, seen)
            if uln is None:
                return None
            result["uln"] = uln
        return result

    def _no_number(self, item: Item, seen: list[str]) -> None:
        if item.model.valueString is not None:
            self.b.note(item, "value_text", "the result is text (valueString), not a coded or "
                        "numeric value", "not imported; enter it by hand", seen)
        else:
            self.b.note(item, "no_value", "no value of the kind this result needs",
                        "not imported", seen)

    def _upper_limit(self, item: Item, code: str, seen: list[str]) -> float | None:
        highs = set()
        for reference in item.model.referenceRange or []:
            high = reference.high
            if high is None:
                continue
            number = _number(high.value)
            if number is None or high.system != codes.UCUM or high.code != code:
                self.b.note(item, "reference_range", "the reference range's upper limit is "
                            "not in the result's unit", "not imported; the upper limit of "
                            "normal is needed in the same unit", seen)
                return None
            highs.add(number)
        if len(highs) != 1:
            self.b.note(item, "reference_range", "no single upper limit of normal in "
                        "referenceRange", "not imported; the trials compare the result with "
                        "the laboratory's upper limit", seen)
            return None
        return highs.pop()

    def _qualitative(self, item: Item, analyte: str, seen: list[str]) -> dict[str, Any] | None:
        result = self._pos_neg(item, seen)
        return None if result is None else {"result": result}

    def _pos_neg(self, item: Item, seen: list[str]) -> str | None:
        model = item.model
        found: set[str] = set()
        if model.valueCodeableConcept is not None:
            for system, code in iter_codings(model.valueCodeableConcept):
                if system == codes.SNOMED and code in codes.QUALITATIVE_SNOMED:
                    found.add(codes.QUALITATIVE_SNOMED[code][0])
        for concept in model.interpretation or []:
            for system, code in iter_codings(concept):
                if system == codes.INTERPRETATION and code in codes.QUALITATIVE_INTERPRETATION:
                    found.add(codes.QUALITATIVE_INTERPRETATION[code][0])
        if len(found) == 1:
            return found.pop()
        if found:
            self.b.note(item, "conflict", "the coded value and interpretation disagree",
                        "not imported; correct the result", seen)
        elif model.valueString is not None:
            self._no_number(item, seen)
        else:
            self.b.note(item, "no_value", "no coded positive/negative result (SNOMED CT value "
                        "or POS/NEG/DET/ND interpretation)", "not imported", seen)
        return None

    def _viral_load(self, item: Item, seen: list[str]) -> dict[str, Any] | None:
        model = item.model
        not_detected = any(
            system == codes.SNOMED and code in codes.NOT_DETECTED
            for system, code in iter_codings(model.valueCodeableConcept)) or any(
            system == codes.INTERPRETATION and code in codes.NOT_DETECTED_INTERPRETATION
            for concept in model.interpretation or [] for system, code in iter_codings(concept))
        quantity = model.valueQuantity
        if not_detected and quantity is None:
            return {"result": "undetectable"}
        if quantity is not None and not not_detected:
            value = _number(quantity.value)
            code = quantity.code
            highs = {(_number(ref.high.value), ref.high.code) for ref in model.referenceRange or []
                     if ref.high is not None}
            if value is not None and quantity.comparator is None and len(highs) == 1:
                high, high_code = highs.pop()
                if high is not None and high_code == code and quantity.system == codes.UCUM:
                    return {"result": "within_normal" if value <= high else "above_normal"}
        self.b.note(item, "no_value", "a viral load is mapped only from a coded not-detected "
                    "result, or a number with a reference range in its unit", "not imported; "
                    "enter it by hand", seen)
        return None

    def write_readings(self) -> None:
        chosen: dict[str, _Reading] = {}
        for analyte, readings in self.readings.items():
            pick = self._latest(analyte, readings)
            if pick is not None:
                chosen[analyte] = pick
        for infection, item in self.infections:
            for analyte, favourable in _FAVOURABLE[infection]:
                reading = chosen.get(analyte)
                if reading is not None and reading.values.get("result") in favourable:
                    del chosen[analyte]
                    self.conflicting([reading.ref], f"contradicts {item.ref}, which codes a "
                                     f"current {_INFECTION_NAMES[infection]} infection")
                    self.b.judge(f"serology.{_SEROLOGY_KEYS[analyte]}", f"{item.ref} codes a "
                                 f"current {_INFECTION_NAMES[infection]} infection, but "
                                 f"{reading.ref} reports a favourable result; they contradict: "
                                 "record the current result")
        for analyte, reading in chosen.items():
            _WRITERS[analyte](self.b, reading, chosen)

    def _latest(self, analyte: str, readings: list[_Reading]) -> _Reading | None:
        if analyte in ("hcg_urine", "hcg_blood") or self._superseded(analyte, readings):
            return None  # hCG: written together as the pregnancy test (below)
        newest = max(reading.day for reading in readings)
        latest = [reading for reading in readings if reading.day == newest]
        if len({repr(sorted(r.values.items())) for r in latest}) > 1:
            key = _KEY_OF.get(analyte, analyte)
            self.conflicting([r.ref for r in latest], "another result of the same test on the "
                             "same (latest) date disagrees")
            self.b.judge(key, "results on the same latest date disagree ("
                         + ", ".join(r.ref for r in latest) + "); record the right one")
            return None
        return _Reading(analyte, newest, latest[0].values,
                        ",".join(sorted({r.ref for r in latest})))

    def write_pregnancy(self) -> None:
        pregnancy = [r for key in ("hcg_urine", "hcg_blood") for r in self.readings.get(key, [])]
        if pregnancy and not self._superseded("hcg_urine", pregnancy):
            newest = max(r.day for r in pregnancy)
            latest = [r for r in pregnancy if r.day == newest]
            kinds = {(r.values["result"], r.analyte) for r in latest}
            if len(kinds) == 1:
                result, analyte = kinds.pop()
                refs = [r.ref for r in latest]
                self.b.set("pregnancy.test", result, refs)
                self.b.set("pregnancy.test_type", "urine" if analyte == "hcg_urine" else "blood",
                           refs)
                self.b.set("pregnancy.test_date", newest, refs)
            else:
                self.conflicting([r.ref for r in latest], "another pregnancy test on the same "
                                 "(latest) date disagrees or is of another kind")
                self.b.judge("pregnancy.test", "pregnancy tests on the same latest date "
                             "disagree or differ in kind; record the result")

    def write_tuberculosis(self) -> None:
        igra = self.readings.get("igra", [])
        latest_igra = self._latest("igra", igra) if igra else None
        statuses = {status for status, _, _ in self.tb_conditions}
        if "unknown" in statuses:
            return  # a coded tuberculosis whose currency is unknown: judged above
        if statuses:
            day = max(day for _, day, _ in self.tb_conditions)
            if latest_igra is not None and latest_igra.values["result"] == "negative":
                self.conflicting([latest_igra.ref], "a negative IGRA beside a coded active "
                                 "tuberculosis")
                self.b.judge("tuberculosis.status", "active tuberculosis is coded but the "
                             f"latest IGRA ({latest_igra.ref}) is negative; they contradict: "
                             "record the current status")
                return
            refs = [ref for _, _, ref in self.tb_conditions]
            self.b.set("tuberculosis.status", "active", refs)
            self.b.set("tuberculosis.tested_on", day, refs)
            return
        if latest_igra is None:
            return
        if latest_igra.values["result"] == "negative":
            refs = latest_igra.ref.split(",")
            self.b.set("tuberculosis.status", "negative", refs)
            self.b.set("tuberculosis.tested_on", latest_igra.day, refs)
        else:
            self.b.judge("tuberculosis.status", f"the latest IGRA ({latest_igra.ref}) is "
                         "positive: record whether the tuberculosis is latent or active")

    # --- medications ----------------------------------------------------------------------
    def medication(self, item: Item) -> None:
        model = item.model
        kind = item.type
        status = str(model.status) if model.status is not None else ""
        if status in _NOT_TAKEN[kind]:
            self.b.note(item, "status", f"status is {status}", "not imported (not a course "
                        "taken)")
            return
        if kind == "MedicationRequest" and str(model.intent) not in _ORDER_INTENTS:
            self.b.note(item, "status", "intent is not an order", "not imported (not a course "
                        "given)")
            return
        concept = model.medicationCodeableConcept
        if concept is None and model.medicationReference is not None:
            concept = self._referenced_medication(model, str(model.medicationReference.reference))
        seen = [f"{system}|{code}" for system, code in iter_codings(concept)]
        drugs = {codes.RXNORM_INGREDIENTS[code][0] for system, code in iter_codings(concept)
                 if system == codes.RXNORM and code in codes.RXNORM_INGREDIENTS}
        if len(drugs) != 1:
            if drugs:
                self.b.note(item, "conflict", "its RxNorm codes name different drugs",
                            "not imported; correct the codes", seen)
            elif any(system == codes.RXNORM for system, _ in iter_codings(concept)):
                self.b.note(item, "unknown_code", "no RxNorm ingredient (IN/MIN) code this "
                            "importer maps (clinical drug and brand codes are not mapped)",
                            "not imported; add the ingredient code", seen)
            else:
                self.b.note(item, "no_known_system", "no RxNorm code", "not imported; code "
                            "the medication in RxNorm", seen)
            self.b.spoil("treatments", item)
            return
        drug = drugs.pop()
        dosages = _dosages(item)
        route = _route(dosages)
        if drug == "ivig" and route != "iv":
            self.b.note(item, "not_mapped", "immunoglobulin G not given intravenously",
                        "not imported (only IVIG is in the drug vocabulary); enter it by hand",
                        seen)
            self.b.spoil("treatments", item)
            return
        assert canonical_drug(drug) is not None
        start, end = _period(item)
        if start is None:
            self.b.note(item, "undated", "no start date", "not imported; record when the "
                        "course started", seen)
            self.b.spoil("treatments", item)
            return
        if isinstance(end, date) and end < start:
            self.b.note(item, "invalid_period", "ends before it starts", "not imported; correct "
                        "the dates", seen, error=True)
            self.b.spoil("treatments", item)
            return
        entry: dict[str, Any] = {"drug": drug}
        dose = None if item.ref in self.no_dose else _daily_dose(dosages)
        if dose is not None:
            entry["dose"], entry["dose_unit"] = dose
        if route is not None:
            entry["route"] = route
        entry["start"] = start
        if end is not None:
            entry["end"] = end
        self.b.add_entry("treatments", _Entry(entry, (item.ref,),
                                              (start, drug, str(end), item.ref)))

    def _referenced_medication(self, model: Any, reference: str) -> Any:
        """The code of a Medication the resource refers to: contained ("#id") or in the
        input (by "Medication/id" or a Bundle fullUrl)."""
        if reference.startswith("#"):
            for contained in model.contained or []:
                if contained.get_resource_type() == "Medication" and \
                        contained.id == reference[1:]:
                    return contained.code
            return None
        target = self.medications.get(reference)
        return target.model.code if target is not None else None

    # --- Immunization -----------------------------------------------------------------------
    def immunization(self, item: Item) -> None:
        model = item.model
        status = str(model.status)
        if status in ("not-done", "entered-in-error"):
            self.b.note(item, "status", f"status is {status}", "not imported (not given)")
            return
        seen = [f"{system}|{code}" for system, code in iter_codings(model.vaccineCode)]
        known = {code for system, code in iter_codings(model.vaccineCode)
                 if system == codes.CVX and code in codes.VACCINES_CVX}
        if len(known) != 1:
            reason = ("conflict" if known else "unknown_code" if any(
                system == codes.CVX for system, _ in iter_codings(model.vaccineCode))
                else "no_known_system")
            self.b.note(item, reason, {"conflict": "its CVX codes name different vaccines",
                                       "unknown_code": "no CVX code this importer maps",
                                       "no_known_system": "no CVX code"}[reason],
                        "not imported; the vaccine list is left for the clinician", seen)
            self.b.spoil("events.vaccines", item)
            return
        name, live = codes.VACCINES_CVX[known.pop()]
        day = _day(model.occurrenceDateTime)
        if day is None:
            self.b.note(item, "undated", "no full occurrence date", "not imported; the vaccine "
                        "list is left for the clinician", seen)
            self.b.spoil("events.vaccines", item)
            return
        entry: dict[str, Any] = {"name": name, "date": day}
        if live is not None:
            entry["live"] = live
        self.b.add_entry("events.vaccines", _Entry(entry, (item.ref,), (day, name)))

    # --- Procedure --------------------------------------------------------------------------
    def procedure(self, item: Item) -> None:
        model = item.model
        status = str(model.status)
        if status in ("not-done", "entered-in-error", "preparation"):
            self.b.note(item, "status", f"status is {status}", "not imported (not performed)")
            return
        seen = [f"{system}|{code}" for system, code in iter_codings(model.code)]
        snomed = [code for system, code in iter_codings(model.code) if system == codes.SNOMED]
        transplant = {codes.TRANSPLANT_SNOMED[c][0] for c in snomed if c in codes.TRANSPLANT_SNOMED}
        dialysis = [c for c in snomed if c in codes.DIALYSIS_SNOMED]
        if not transplant and not dialysis:
            self.b.note(item, "unknown_code" if snomed else "no_known_system",
                        "no SNOMED CT code this importer maps" if snomed else
                        "no SNOMED CT code", "not imported (see the code tables)", seen)
            return
        if len(transplant) > 1 or (transplant and dialysis):
            self.b.note(item, "conflict", "its codes mean different procedures",
                        "not imported; correct the codes", seen)
            return
        start = _day(model.performedDateTime) if model.performedDateTime is not None else (
            _day(model.performedPeriod.start) if model.performedPeriod is not None else None)
        key = "events.transplants" if transplant else "events.renal_replacement_therapy"
        if start is None:
            self.b.note(item, "undated", "no full performed date", "not imported; the list is "
                        "left for the clinician", seen)
            self.b.spoil(key, item)
            return
        if transplant:
            kind = transplant.pop()
            self.b.add_entry(key, _Entry({"type": kind, "date": start}, (item.ref,),
                                         (start, kind)))
            return
        entry: dict[str, Any] = {"start": start}
        if model.performedDateTime is not None:
            entry["end"] = start  # one session, over that day
        elif model.performedPeriod is not None and _day(model.performedPeriod.end) is not None:
            entry["end"] = _day(model.performedPeriod.end)
        self.b.add_entry(key, _Entry(entry, (item.ref,), (start,)))


# --- helpers for observations ------------------------------------------------------------------

_OBS_STATUSES = frozenset({"registered", "preliminary", "final", "amended", "corrected",
                           "cancelled", "entered-in-error", "unknown"})


def _observation_day(model: Any) -> date | None:
    if model.effectiveDateTime is not None:
        return _day(model.effectiveDateTime)
    if model.effectivePeriod is not None:
        return _day(model.effectivePeriod.start)
    if model.effectiveInstant is not None:
        return _day(model.effectiveInstant)
    return None


_LABELS = {
    "creatinine": "creatinine", "bilirubin": "total bilirubin", "ast": "AST", "alt": "ALT",
    "egfr": "eGFR", "lvef": "LVEF", "spo2": "SpO2", "fvc": "FVC % predicted",
    "dlco": "DLCO % predicted", "cd19": "the CD19 cell count", "weight": "body weight",
    "height": "body height",
}

_SEROLOGY_KEYS = {"hbsag": "hbsag", "hbcab": "hbcab", "hbv_dna": "hbv_dna", "hcv_ab": "hcv_ab",
                  "hcv_rna": "hcv_rna", "hiv_ab": "hiv_ab", "syphilis": "syphilis",
                  "cmv_dna": "cmv_dna"}
_KEY_OF = {**{a: f"serology.{k}" for a, k in _SEROLOGY_KEYS.items()},
           "creatinine": "organ_function.creatinine", "egfr": "organ_function.egfr_ml_min_1_73m2",
           "ast": "organ_function.ast", "alt": "organ_function.alt",
           "bilirubin": "organ_function.total_bilirubin", "lvef": "organ_function.lvef_percent",
           "spo2": "organ_function.spo2_percent", "fvc": "organ_function.fvc_percent_predicted",
           "dlco": "organ_function.dlco_percent_predicted", "cd19": "b_cells.count_per_ul",
           "igra": "tuberculosis.status", "weight": "weight_kg", "height": "height_cm"}

_INFECTION_NAMES = {"hbv": "hepatitis B", "hcv": "hepatitis C", "hiv": "HIV"}
_INFECTION_KEYS = {"hbv": ("serology.hbsag", "serology.hbcab", "serology.hbv_dna"),
                   "hcv": ("serology.hcv_ab", "serology.hcv_rna"),
                   "hiv": ("serology.hiv_ab",)}
_FAVOURABLE = {
    "hbv": (("hbsag", {"negative"}), ("hbv_dna", {"undetectable", "within_normal"})),
    "hcv": (("hcv_ab", {"negative"}), ("hcv_rna", {"undetectable", "within_normal"})),
    "hiv": (("hiv_ab", {"negative"}),),
}
_CONDITION_LISTS = {"malignancy": "history.malignancies", "cns": "events.cns_events"}


def _write_lab(table: str) -> Callable[[_Builder, _Reading, dict[str, _Reading]], None]:
    def write(b: _Builder, reading: _Reading, chosen: dict[str, _Reading]) -> None:
        refs = reading.ref.split(",")
        for name, value in reading.values.items():
            b.set(f"organ_function.{table}.{name}", value, refs)
        b.set(f"organ_function.{table}.measured_on", reading.day, refs)
    return write


def _write_value(key: str, date_key: str | None
                 ) -> Callable[[_Builder, _Reading, dict[str, _Reading]], None]:
    def write(b: _Builder, reading: _Reading, chosen: dict[str, _Reading]) -> None:
        refs = reading.ref.split(",")
        value = reading.values.get("value", reading.values.get("result"))
        b.set(key, value, refs)
        if date_key is not None:
            b.set(date_key, reading.day, refs)
    return write


def _write_lung(key: str) -> Callable[[_Builder, _Reading, dict[str, _Reading]], None]:
    def write(b: _Builder, reading: _Reading, chosen: dict[str, _Reading]) -> None:
        b.set(f"organ_function.{key}", reading.values["value"], reading.ref.split(","))
        tests = [chosen[name] for name in ("fvc", "dlco") if name in chosen]
        # One date dates both results: the older of the two, so neither looks more current.
        b.set("organ_function.lung_function_on", min(r.day for r in tests),
              [ref for r in tests for ref in r.ref.split(",")])
    return write


def _skip(b: _Builder, reading: _Reading, chosen: dict[str, _Reading]) -> None:
    return None


_WRITERS: dict[str, Callable[[_Builder, _Reading, dict[str, _Reading]], None]] = {
    "creatinine": _write_lab("creatinine"),
    "ast": _write_lab("ast"),
    "alt": _write_lab("alt"),
    "bilirubin": _write_lab("total_bilirubin"),
    "egfr": _write_value("organ_function.egfr_ml_min_1_73m2", "organ_function.labs_on"),
    "lvef": _write_value("organ_function.lvef_percent", "organ_function.echo_on"),
    "spo2": _write_value("organ_function.spo2_percent", "organ_function.spo2_on"),
    "fvc": _write_lung("fvc_percent_predicted"),
    "dlco": _write_lung("dlco_percent_predicted"),
    "cd19": _write_value("b_cells.count_per_ul", "b_cells.measured_on"),
    "weight": _write_value("weight_kg", None),
    "height": _write_value("height_cm", None),
    "igra": _skip,  # with the tuberculosis conditions (write_tuberculosis)
    **{analyte: _write_value(f"serology.{key}", f"serology.{key}_on")
       for analyte, key in _SEROLOGY_KEYS.items()},
}


# --- helpers for medications -------------------------------------------------------------------

_NOT_TAKEN = {
    "MedicationStatement": frozenset({"entered-in-error", "not-taken", "intended"}),
    "MedicationRequest": frozenset({"entered-in-error", "cancelled", "draft"}),
    "MedicationAdministration": frozenset({"entered-in-error", "not-done"}),
}
_ORDER_INTENTS = frozenset({"order", "original-order", "reflex-order", "filler-order",
                            "instance-order"})


def _dosages(item: Item) -> list[Any]:
    model = item.model
    if item.type == "MedicationStatement":
        return list(model.dosage or [])
    if item.type == "MedicationRequest":
        return list(model.dosageInstruction or [])
    return [model.dosage] if model.dosage is not None else []


def _route(dosages: list[Any]) -> str | None:
    routes = set()
    for dosage in dosages:
        found = {codes.ROUTE_SNOMED[code][0] for system, code in iter_codings(dosage.route)
                 if system == codes.SNOMED and code in codes.ROUTE_SNOMED}
        routes.add(found.pop() if len(found) == 1 else None)
    return routes.pop() if len(routes) == 1 else None


def _period(item: Item) -> tuple[date | None, date | str | None]:
    """The course's start and end, by one conservative rule: the latest date the resource
    gives for the start (a course cannot start before it was prescribed, and a later start
    never lengthens a course); the end only from a period's end, an administration at one
    time (over that day), or an active MedicationStatement without an end ("ongoing")."""
    model = item.model
    if item.type == "MedicationRequest":
        return _request_period(model)
    end: date | str | None = None
    if model.effectivePeriod is not None:
        start = _day(model.effectivePeriod.start)
        end = _day(model.effectivePeriod.end)
        if model.effectivePeriod.end is None and item.type == "MedicationStatement" \
                and model.status == "active":
            end = "ongoing"
        return start, end
    if model.effectiveDateTime is not None:
        start = _day(model.effectiveDateTime)
        if item.type == "MedicationAdministration":
            return start, start
        return start, "ongoing" if model.status == "active" else None
    return None, None


def _request_period(model: Any) -> tuple[date | None, date | str | None]:
    """A prescription: the latest of authoredOn and the dosage instructions' bounds starts
    (every one of them must be a full date); the end from the one bounds end given."""
    starts = [_day(model.authoredOn)] if model.authoredOn is not None else []
    ends = []
    for dosage in model.dosageInstruction or []:
        repeat = dosage.timing.repeat if dosage.timing is not None else None
        bounds = repeat.boundsPeriod if repeat is not None else None
        if bounds is not None:
            if bounds.start is not None:
                starts.append(_day(bounds.start))
            if bounds.end is not None:
                ends.append(_day(bounds.end))
    known = [day for day in starts if day is not None]
    start = max(known) if known and len(known) == len(starts) else None
    end_days = set(ends)
    end = end_days.pop() if len(end_days) == 1 and None not in ends else None
    return start, end


def _daily_dose(dosages: list[Any]) -> tuple[float, str] | None:
    """The dose as mg/day or mg/kg/day, only when the record gives it exactly: one dosage, one
    dose in mg, g or mg/kg taken a whole number of times a day (frequency per 1 day, or per a
    number of hours that divides 24), or a rate already per day."""
    if len(dosages) != 1:
        return None
    dosage = dosages[0]
    if getattr(dosage, "asNeededBoolean", None) or getattr(dosage, "asNeededCodeableConcept",
                                                           None):
        return None
    rates = getattr(dosage, "doseAndRate", None)
    if rates is None:  # MedicationAdministration.dosage: one dose, or a rate
        rate = getattr(dosage, "rateQuantity", None)
        return _per_day_rate(rate)
    if len(rates) != 1:
        return None
    rate = rates[0]
    if rate.rateQuantity is not None:
        return _per_day_rate(rate.rateQuantity)
    quantity = rate.doseQuantity
    if quantity is None or quantity.system != codes.UCUM or quantity.code not in codes.DOSE_UNITS:
        return None
    amount = _number(quantity.value)
    repeat = dosage.timing.repeat if dosage.timing is not None else None
    if amount is None or repeat is None or repeat.frequencyMax is not None \
            or repeat.periodMax is not None or repeat.frequency is None or repeat.period is None:
        return None
    frequency = int(repeat.frequency)
    period = _number(repeat.period)
    if period is None or period <= 0:
        return None
    if repeat.periodUnit == "d" and period == 1:
        per_day = frequency
    elif repeat.periodUnit == "h" and (24 / period).is_integer():
        per_day = frequency * int(24 / period)
    else:
        return None
    unit, factor = codes.DOSE_UNITS[str(quantity.code)]
    return round(amount * factor * per_day, 6), f"{unit}/day"


def _per_day_rate(rate: Any) -> tuple[float, str] | None:
    if rate is None or rate.system != codes.UCUM or rate.code not in codes.DAILY_RATE_UNITS:
        return None
    amount = _number(rate.value)
    if amount is None:
        return None
    unit, factor = codes.DAILY_RATE_UNITS[str(rate.code)]
    return round(amount * factor, 6), f"{unit}/day"


# --- the whole import ----------------------------------------------------------------------------

@dataclass
class ImportResult:
    """Everything read, and one :class:`PatientImport` per Patient id (in id order)."""

    read: ReadResult
    patients: list[PatientImport]


def import_paths(paths: list[Path], today: date) -> ImportResult:
    """Read the inputs and map each Patient. Never raises for bad input."""
    read = read_inputs(paths)
    patients = [map_patient(read.patients[pid], read.medications, today)
                for pid in sorted(read.patients)]
    return ImportResult(read, patients)
