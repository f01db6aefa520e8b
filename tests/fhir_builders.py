"""FHIR R4 resources for the import tests, built as the FHIR specification shapes them (plain
JSON dicts), and a Bundle built from a hand-written sample patient file: every fact of the
sample that FHIR can express becomes a resource.

The codes here are written out literally (not taken from cartscreen.fhir.codes), so a wrong
entry in the importer's tables fails these tests instead of agreeing with them.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CVX = "http://hl7.org/fhir/sid/cvx"
UCUM = "http://unitsofmeasure.org"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"

Resource = dict[str, Any]


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"system": system, "code": code}
    if display is not None:
        found["display"] = display
    return found


def concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)]}


def quantity(value: float, code: str) -> dict[str, Any]:
    return {"value": value, "unit": code, "system": UCUM, "code": code}


def patient(pid: str, birth: str | None = None, gender: str | None = None,
            **more: Any) -> Resource:
    found: Resource = {"resourceType": "Patient", "id": pid, **more}
    if birth is not None:
        found["birthDate"] = birth
    if gender is not None:
        found["gender"] = gender
    return found


def condition(rid: str, pid: str, system: str, code: str, onset: str | None = None,
              clinical: str | None = None, verification: str | None = None,
              **more: Any) -> Resource:
    found: Resource = {"resourceType": "Condition", "id": rid,
                       "subject": {"reference": f"Patient/{pid}"},
                       "code": concept(system, code), **more}
    if onset is not None:
        found["onsetDateTime"] = onset
    if clinical is not None:
        found["clinicalStatus"] = concept(
            "http://terminology.hl7.org/CodeSystem/condition-clinical", clinical)
    if verification is not None:
        found["verificationStatus"] = concept(
            "http://terminology.hl7.org/CodeSystem/condition-ver-status", verification)
    return found


def observation(rid: str, pid: str, loinc: str, day: str | None, status: str = "final",
                **value: Any) -> Resource:
    found: Resource = {"resourceType": "Observation", "id": rid, "status": status,
                       "code": concept(LOINC, loinc), "subject": {"reference": f"Patient/{pid}"},
                       **value}
    if day is not None:
        found["effectiveDateTime"] = day
    return found


def numeric(rid: str, pid: str, loinc: str, day: str | None, value: float, unit: str,
            high: float | None = None, **more: Any) -> Resource:
    found = observation(rid, pid, loinc, day, valueQuantity=quantity(value, unit), **more)
    if high is not None:
        found["referenceRange"] = [{"high": quantity(high, unit)}]
    return found


# SNOMED CT qualifier values for coded results.
POSITIVE = "10828004"
NEGATIVE = "260385009"
NOT_DETECTED = "260415000"


def coded(rid: str, pid: str, loinc: str, day: str | None, result: str, **more: Any
          ) -> Resource:
    code = {"positive": POSITIVE, "negative": NEGATIVE, "not detected": NOT_DETECTED}[result]
    return observation(rid, pid, loinc, day, valueCodeableConcept=concept(SNOMED, code),
                       **more)


def interpreted(rid: str, pid: str, loinc: str, day: str | None, flag: str) -> Resource:
    return observation(rid, pid, loinc, day,
                       interpretation=[concept(INTERPRETATION, flag)])


def dosage(dose: float | None = None, unit: str = "mg", per_day: int = 1,
           period: float = 1, period_unit: str = "d", route: str | None = None
           ) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if dose is not None:
        found["timing"] = {"repeat": {"frequency": per_day, "period": period,
                                      "periodUnit": period_unit}}
        found["doseAndRate"] = [{"doseQuantity": quantity(dose, unit)}]
    if route is not None:
        found["route"] = concept(SNOMED, route)
    return found


def statement(rid: str, pid: str, rxnorm: str, start: str | None, end: str | None = None,
              status: str = "completed", dose: dict[str, Any] | None = None,
              **more: Any) -> Resource:
    found: Resource = {"resourceType": "MedicationStatement", "id": rid, "status": status,
                       "medicationCodeableConcept": concept(RXNORM, rxnorm),
                       "subject": {"reference": f"Patient/{pid}"}, **more}
    if start is not None or end is not None:
        period = {}
        if start is not None:
            period["start"] = start
        if end is not None:
            period["end"] = end
        found["effectivePeriod"] = period
    if dose:
        found["dosage"] = [dose]
    return found


def administration(rid: str, pid: str, rxnorm: str, day: str, route: str | None = None,
                   status: str = "completed") -> Resource:
    found: Resource = {"resourceType": "MedicationAdministration", "id": rid, "status": status,
                       "medicationCodeableConcept": concept(RXNORM, rxnorm),
                       "subject": {"reference": f"Patient/{pid}"}, "effectiveDateTime": day}
    if route is not None:
        found["dosage"] = {"route": concept(SNOMED, route)}
    return found


def request(rid: str, pid: str, rxnorm: str, authored: str | None,
            bounds_start: str | None = None, bounds_end: str | None = None,
            status: str = "active") -> Resource:
    found: Resource = {"resourceType": "MedicationRequest", "id": rid, "status": status,
                       "intent": "order", "medicationCodeableConcept": concept(RXNORM, rxnorm),
                       "subject": {"reference": f"Patient/{pid}"}}
    if authored is not None:
        found["authoredOn"] = authored
    if bounds_start is not None or bounds_end is not None:
        bounds = {key: value for key, value in (("start", bounds_start), ("end", bounds_end))
                  if value is not None}
        found["dosageInstruction"] = [{"timing": {"repeat": {"boundsPeriod": bounds}}}]
    return found


def immunization(rid: str, pid: str, cvx: str, day: str | None,
                 status: str = "completed") -> Resource:
    found: Resource = {"resourceType": "Immunization", "id": rid, "status": status,
                       "vaccineCode": concept(CVX, cvx),
                       "patient": {"reference": f"Patient/{pid}"}}
    if day is not None:
        found["occurrenceDateTime"] = day
    return found


def procedure(rid: str, pid: str, snomed: str, day: str | None,
              status: str = "completed") -> Resource:
    found: Resource = {"resourceType": "Procedure", "id": rid, "status": status,
                       "code": concept(SNOMED, snomed),
                       "subject": {"reference": f"Patient/{pid}"}}
    if day is not None:
        found["performedDateTime"] = day
    return found


def bundle(*resources: Resource) -> Resource:
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": f"urn:uuid:{r['resourceType'].lower()}-{r.get('id')}",
                       "resource": r} for r in resources]}


def write_json(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def write_ndjson(path: Path, resources: list[Resource]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in resources), encoding="utf-8")
    return path


# --- a Bundle from a sample patient file -----------------------------------------------------

# The code of each sample's diagnosis: some SNOMED CT, some ICD-10-CM, so both are exercised.
DISEASE_CODES = {
    "sle": (SNOMED, "55464009"),      # Systemic lupus erythematosus
    "jdm": (ICD10CM, "M33.09"),       # Juvenile dermatomyositis with other organ involvement
    "ssc": (ICD10CM, "M34.0"),        # Progressive systemic sclerosis
    "pjia": (SNOMED, "410797009"),    # Juvenile seronegative polyarthritis
    "pss": (ICD10CM, "M35.00"),       # Sjögren syndrome, unspecified
}

RXNORM_INGREDIENTS = {
    "prednisone": "8640", "prednisolone": "8638", "methylprednisolone": "6902",
    "triamcinolone": "10759", "hydroxychloroquine": "5521", "mycophenolate mofetil": "68149",
    "belimumab": "1092437", "methotrexate": "6851", "cyclosporine": "3008",
    "cyclophosphamide": "3002", "intravenous immunoglobulin": "5666", "naproxen": "7258",
    "adalimumab": "327361",
}
ROUTES = {"oral": "26643006", "iv": "47625008", "sc": "34206005", "im": "78421000",
          "intra_articular": "12130007", "topical": "6064005"}
VACCINES = {"influenza (inactivated)": "150"}  # influenza, injectable, quadrivalent, PF

SEROLOGY_LOINC = {"hbsag": "5196-1", "hbcab": "13952-7", "hcv_ab": "13955-0",
                  "hiv_ab": "56888-1", "syphilis": "24110-9", "cmv_dna": "28008-1"}


def _day(value: Any) -> str:
    assert isinstance(value, date)
    return value.isoformat()


def load_sample(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def resources_from_sample(sample: dict[str, Any]) -> list[Resource]:
    """Every fact of a sample patient file that FHIR R4 codes, as resources."""
    pid = sample["id"]
    found: list[Resource] = [patient(pid, _day(sample["birth_date"]), sample["sex"],
                                     name=[{"family": "Example", "given": ["Sam"]}])]
    diagnosis = sample["diagnosis"]
    system, code = DISEASE_CODES[diagnosis["disease"]]
    found.append(condition("dx", pid, system, code, _day(diagnosis["onset_date"]),
                           clinical="active", verification="confirmed"))
    organ = sample["organ_function"]
    labs = _day(organ["labs_on"])
    found.append(numeric("weight", pid, "29463-7", labs, sample["weight_kg"], "kg"))
    found.append(numeric("height", pid, "8302-2", labs, sample["height_cm"], "cm"))
    found.append(numeric("lvef", pid, "10230-1", _day(organ["echo_on"]), organ["lvef_percent"],
                         "%"))
    found.append(numeric("egfr", pid, "50384-7", labs, organ["egfr_ml_min_1_73m2"],
                         "mL/min/{1.73_m2}"))
    if "creatinine" in organ:
        creatinine = organ["creatinine"]
        assert creatinine["unit"] == "mg/dL"
        found.append(numeric("creatinine", pid, "2160-0", labs, creatinine["value"], "mg/dL"))
    for name, loinc in (("ast", "1920-8"), ("alt", "1742-6")):
        found.append(numeric(name, pid, loinc, labs, organ[name]["value"], "U/L",
                             high=organ[name]["uln"]))
    bilirubin = organ["total_bilirubin"]
    unit, loinc = ("mg/dL", "1975-2") if bilirubin["unit"] == "mg/dL" else ("umol/L", "14631-6")
    found.append(numeric("bilirubin", pid, loinc, labs, bilirubin["value"], unit,
                         high=bilirubin["uln"]))
    found.append(numeric("spo2", pid, "59408-5", _day(organ["spo2_on"]), organ["spo2_percent"],
                         "%"))
    if "fvc_percent_predicted" in organ:
        lung = _day(organ["lung_function_on"])
        found.append(numeric("fvc", pid, "19872-1", lung, organ["fvc_percent_predicted"], "%"))
        found.append(numeric("dlco", pid, "98130-8", lung, organ["dlco_percent_predicted"],
                             "%"))
    b_cells = sample["b_cells"]
    found.append(numeric("cd19", pid, "8116-6", _day(b_cells["measured_on"]),
                         b_cells["count_per_ul"], "/uL"))
    pregnancy = sample.get("pregnancy", {})
    if "test" in pregnancy:
        loinc = "2106-3" if pregnancy["test_type"] == "urine" else "2118-8"
        found.append(coded("hcg", pid, loinc, _day(pregnancy["test_date"]), pregnancy["test"]))
    serology = sample["serology"]
    for index, (name, loinc) in enumerate(SEROLOGY_LOINC.items()):
        day = _day(serology.get(f"{name}_on", serology["tested_on"]))
        rid = name.replace("_", "-")  # FHIR ids take letters, digits, '-' and '.'
        if index % 2:  # half as coded values, half as interpretation flags
            found.append(coded(rid, pid, loinc, day, serology[name]))
        else:
            flag = {"positive": "POS", "negative": "NEG"}[serology[name]]
            found.append(interpreted(rid, pid, loinc, day, flag))
    tuberculosis = sample["tuberculosis"]
    assert tuberculosis["status"] == "negative"
    found.append(coded("igra", pid, "71773-6", _day(tuberculosis["tested_on"]), "negative"))
    for index, course in enumerate(sample["treatments"]):
        found.append(_course(f"rx{index}", pid, course))
    for index, vaccine in enumerate(sample["events"]["vaccines"]):
        found.append(immunization(f"vx{index}", pid, VACCINES[vaccine["name"]],
                                  _day(vaccine["date"])))
    return found


def _course(rid: str, pid: str, course: dict[str, Any]) -> Resource:
    rxnorm = RXNORM_INGREDIENTS[course["drug"]]
    route = ROUTES.get(course.get("route", ""))
    start, end = course["start"], course.get("end")
    if end == start:  # one administration on one day
        return administration(rid, pid, rxnorm, _day(start), route)
    dose = None
    if "dose" in course:
        unit = "mg" if course["dose_unit"] == "mg/day" else "mg/kg"
        amount = course["dose"]
        # A twice-daily schedule where the dose halves exactly, to test the daily dose.
        per_day = 2 if course["drug"] == "naproxen" else 1
        dose = dosage(amount / per_day, unit, per_day=per_day, route=route)
    elif route is not None:
        dose = dosage(route=route)
    ongoing = end == "ongoing"
    return statement(rid, pid, rxnorm, _day(start), None if ongoing else _day(end),
                     status="active" if ongoing else "completed", dose=dose)


def bundle_from_sample(path: Path) -> Resource:
    return bundle(*resources_from_sample(load_sample(path)))
