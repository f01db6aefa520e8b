"""cartscreen import fhir: FHIR R4 records in, patient files out, nothing claimed that the
record does not say.

The round trip builds a Bundle from each disease's hand-written sample (every fact FHIR codes
becomes a resource), imports it, fills in the facts the importer lists for the clinician from
the same sample, as a clinician would, and screens the result: the verdicts must be the
sample's. The import alone must never be eligible where the sample is not.
"""

from __future__ import annotations

import json
import re
import tempfile
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartscreen.drugs import canonical_drug
from cartscreen.fhir import codes
from cartscreen.fhir.mapping import PatientImport, import_paths
from cartscreen.vaccines import live_vaccine
from fhir_builders import (
    ICD10CM,
    SNOMED,
    administration,
    bundle,
    bundle_from_sample,
    coded,
    concept,
    condition,
    dosage,
    immunization,
    interpreted,
    load_sample,
    numeric,
    observation,
    patient,
    procedure,
    quantity,
    request,
    resources_from_sample,
    statement,
    write_json,
    write_ndjson,
)
from tests_support import SAMPLES, run

TODAY = date(2026, 12, 2)
SENTINEL = "Zq7SENTINELxv"
DISEASES = ["sle", "jdm", "ssc", "pjia", "pss"]


def sample_path(disease: str) -> Path:
    return SAMPLES / f"{disease}-refractory-eligible.toml"


def import_bundle(tmp: Path, *resources: dict[str, Any]) -> PatientImport:
    """Import one Bundle in-process; the single patient's result."""
    path = write_json(tmp / f"bundle-{len(list(tmp.iterdir()))}.json", bundle(*resources))
    result = import_paths([path], TODAY)
    assert len(result.patients) == 1
    return result.patients[0]


def leaf_paths(data: Any, prefix: str = "") -> set[str]:
    """Every leaf key path of a patient-file dict (list entries indexed)."""
    if isinstance(data, dict):
        return {path for key, value in data.items()
                for path in leaf_paths(value, f"{prefix}.{key}" if prefix else key)}
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        return {path for index, item in enumerate(data)
                for path in leaf_paths(item, f"{prefix}[{index}]")}
    return {prefix}


def get(data: Any, key: str) -> Any:
    node = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


# --- the code tables agree with the rest of cartscreen -------------------------------------

def test_every_rxnorm_ingredient_resolves_in_the_drug_vocabulary() -> None:
    for rxcui, (name, tty, _) in codes.RXNORM_INGREDIENTS.items():
        assert canonical_drug(name) is not None, rxcui
        assert tty in ("IN", "MIN")


def test_live_cvx_names_are_live_in_the_vaccine_vocabulary_and_others_are_not() -> None:
    for cvx, (name, live) in codes.VACCINES_CVX.items():
        if live is True:
            assert live_vaccine(name) is not None, cvx
        else:
            assert live_vaccine(name) is None, cvx


def test_every_loinc_analyte_has_a_writer_and_numeric_ones_have_units() -> None:
    from cartscreen.fhir import mapping

    for code, (analyte, display) in codes.LOINC_CODES.items():
        assert re.fullmatch(r"\d{1,6}-\d", code) and display
        assert analyte in mapping._WRITERS or analyte.startswith("hcg"), analyte


# --- round trip ----------------------------------------------------------------------------

INDEXED = re.compile(r"^(?P<list>[a-z_.]+)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")


def fill_judgement_facts(imported: dict[str, Any], sample: dict[str, Any],
                         facts: list[dict[str, str]]) -> dict[str, Any]:
    """What a clinician would add: each listed fact, from the sample, where the import left it
    out (never overwriting an imported value)."""
    filled = tomllib.loads(tomli_w.dumps(imported))
    for fact in facts:
        match = INDEXED.match(fact["key"])
        if match:
            entry = get(filled, match["list"])[int(match["index"])]
            candidates = [s for s in get(sample, match["list"]) or []
                          if canonical_drug(s.get("drug", "")) == canonical_drug(
                              entry.get("drug", "")) and s.get("start") == entry.get("start")]
            assert len(candidates) == 1, fact
            for name in [match["field"]] if match["field"] else list(candidates[0]):
                if name in candidates[0] and name not in entry:
                    entry[name] = candidates[0][name]
            continue
        value = get(sample, fact["key"])
        if value is None:
            continue
        node = filled
        *parents, last = fact["key"].split(".")
        for part in parents:
            node = node.setdefault(part, {})
        if last not in node:
            node[last] = value
        elif isinstance(value, dict):
            node[last] = {**value, **node[last]}
    return filled


def verdicts(path: Path, *more: str) -> dict[str, str]:
    result = run("check", "--format", "json", path, *more)
    assert result.stdout, result.stderr
    [document] = json.loads(result.stdout)["patients"]
    return {trial["trial_id"]: trial["verdict"] for trial in document["trials"]}


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The five disease bundles imported in one run of the command."""
    folder = tmp_path_factory.mktemp("round-trip")
    inputs = [write_json(folder / f"{disease}.json", bundle_from_sample(sample_path(disease)))
              for disease in DISEASES]
    out = folder / "out"
    out.mkdir()
    result = run("import", "fhir", *inputs, "--output-dir", out)
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    return {"result": result, "out": out, "report": report, "folder": folder}


def test_round_trip_imports_every_disease_bundle_cleanly(round_trip: dict[str, Any]) -> None:
    result = round_trip["result"]
    assert result.returncode == 0, result.stderr
    written = sorted(Path(line).name for line in result.stdout.splitlines())
    assert written == [f"CS-{d.upper()}-001.toml" for d in sorted(DISEASES)]
    assert result.stderr.startswith("cartscreen: 5 patient files written from")
    validated = run("validate", *sorted(round_trip["out"].glob("CS-*.toml")))
    assert validated.returncode == 0, validated.stdout


@pytest.mark.parametrize("disease", DISEASES)
def test_round_trip_with_judgement_facts_filled_gives_the_samples_verdicts(
        round_trip: dict[str, Any], disease: str) -> None:
    sample = load_sample(sample_path(disease))
    [entry] = [p for p in round_trip["report"]["patients"] if p["id"] == sample["id"]]
    imported = tomllib.loads(Path(entry["file"]).read_text(encoding="utf-8"))
    filled = fill_judgement_facts(imported, sample, entry["judgement_facts"])
    path = round_trip["folder"] / f"filled-{disease}.toml"
    path.write_text(tomli_w.dumps(filled), encoding="utf-8")
    assert verdicts(path) == sample["expected_verdicts"]
    # Every fact of the sample is either imported or listed for the clinician.
    for key in leaf_paths({k: v for k, v in sample.items() if k != "expected_verdicts"}):
        assert key == "format" or _covered(key, entry), key


def _generic(key: str) -> str:
    return re.sub(r"\[\d+\]", "[]", key)


# The sample dates its serology together (tested_on); the import dates each result itself.
SHARED_DATES = {"serology.tested_on"}


def _covered(key: str, entry: dict[str, Any]) -> bool:
    """Imported (at this key, or at the same field of another entry of its list), or listed
    for the clinician (the key or a table or entry above it)."""
    generic = _generic(key)
    if key in entry["keys"] or generic in {_generic(k) for k in entry["keys"]}:
        return True
    for fact in (_generic(f["key"]) for f in entry["judgement_facts"]):
        if generic == fact or generic.startswith((f"{fact}.", f"{fact}[")):
            return True
    return key in SHARED_DATES


def test_import_alone_is_never_eligible_where_the_sample_is_not(
        round_trip: dict[str, Any]) -> None:
    for disease in DISEASES:
        sample = load_sample(sample_path(disease))
        found = verdicts(round_trip["out"] / f"{sample['id']}.toml", "--as-of",
                         sample["screening_date"].isoformat())
        for trial, verdict in found.items():
            if verdict == "eligible":
                assert sample["expected_verdicts"][trial] == "eligible", (disease, trial)


def test_import_writes_no_key_the_source_did_not_give(round_trip: dict[str, Any]) -> None:
    for entry in round_trip["report"]["patients"]:
        data = tomllib.loads(Path(entry["file"]).read_text(encoding="utf-8"))
        written = leaf_paths(data) - {"format"}
        assert written == set(entry["keys"]), entry["id"]
        assert all(refs for refs in entry["keys"].values())
        for refs in entry["keys"].values():
            assert all(ref in entry["resources"] for ref in refs)


def test_patient_file_header_names_sources_and_facts_for_the_clinician(
        round_trip: dict[str, Any]) -> None:
    text = (round_trip["out"] / "CS-SLE-001.toml").read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0].splitlines()
    assert all(line.startswith("#") for line in header)
    assert header[0] == "# Patient file imported from FHIR R4 by cartscreen import fhir on " \
        f"{date.today().isoformat()}."
    assert "sle.json" in header[1]
    assert any("confirm each is complete" in line for line in header)
    assert "#   - treatments[0].response: the response to this course (inadequate, " \
        "intolerant, responded)" in header
    assert "#   - pregnancy.childbearing_potential: childbearing potential" in header
    # data minimisation: the sample bundles carry a name; no name is written
    assert "Example" not in text and "Sam" not in text


def test_report_has_the_documented_shape(round_trip: dict[str, Any]) -> None:
    report = round_trip["report"]
    assert report["schema_version"] == 1
    assert set(report) == {"schema_version", "imported_on", "sources", "resources_read",
                           "errors", "unassigned", "unmapped_types", "counts", "patients"}
    entry = report["patients"][0]
    assert set(entry) == {"id", "file", "written", "not_written_because", "sources", "keys",
                          "resources", "not_mapped", "judgement_facts", "not_in_record"}
    assert entry["written"] is True and entry["not_written_because"] is None


# --- inputs: Bulk Data folders and single resources -----------------------------------------

def test_bulk_data_folder_of_several_patients_gives_one_file_each(tmp_path: Path) -> None:
    export = tmp_path / "export"
    pids = ["bulk-1", "bulk-2", "bulk-3"]
    write_ndjson(export / "Patient.ndjson",
                 [patient(pid, f"201{i}-0{i + 1}-15", "female") for i, pid in enumerate(pids)])
    write_ndjson(export / "Observation.ndjson",
                 [numeric(f"w{i}", pid, "29463-7", "2026-10-28", 30 + i, "kg")
                  for i, pid in enumerate(pids)])
    write_ndjson(export / "Condition.ndjson",
                 [condition("dx1", "bulk-1", SNOMED, "55464009", "2023-01-02"),
                  condition("dx2", "bulk-2", ICD10CM, "M33.02", "2024-02-03")])
    out = tmp_path / "out"
    out.mkdir()
    result = run("import", "fhir", export, "--output-dir", out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.glob("*.toml")) == [f"{pid}.toml" for pid in pids]
    files = {pid: tomllib.loads((out / f"{pid}.toml").read_text()) for pid in pids}
    assert [files[pid]["weight_kg"] for pid in pids] == [30.0, 31.0, 32.0]
    assert files["bulk-1"]["diagnosis"]["disease"] == "sle"
    assert files["bulk-2"]["diagnosis"]["disease"] == "jdm"
    assert "diagnosis" not in files["bulk-3"]


def test_single_resource_files(tmp_path: Path) -> None:
    first = write_json(tmp_path / "patient.json", patient("solo", "2014-05-22", "male"))
    second = write_json(tmp_path / "egfr.json", numeric(
        "egfr", "solo", "50384-7", "2026-10-28", 110, "mL/min/{1.73_m2}"))
    result = import_paths([first, second], TODAY)
    [imported] = result.patients
    assert imported.data["birth_date"] == date(2014, 5, 22)
    assert imported.data["sex"] == "male"
    assert imported.data["organ_function"] == {"egfr_ml_min_1_73m2": 110.0,
                                               "labs_on": date(2026, 10, 28)}


def test_transaction_bundle_references_by_urn_uuid(tmp_path: Path) -> None:
    person = "urn:uuid:0f1e2d3c-4b5a-4697-8877-665544332211"
    weight = numeric("w", "ignored", "29463-7", LABS, 41, "kg")
    del weight["id"]
    weight["subject"] = {"reference": person}
    document = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": person, "resource": patient("tx-1", "2012-01-01", "male"),
         "request": {"method": "POST", "url": "Patient"}},
        {"fullUrl": "urn:uuid:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "resource": weight,
         "request": {"method": "POST", "url": "Observation"}},
        {"request": {"method": "DELETE", "url": "Observation/old"}},
    ]}
    path = write_json(tmp_path / "tx.json", document)
    [imported] = import_paths([path], TODAY).patients
    assert imported.data["weight_kg"] == 41.0
    assert imported.provenance["weight_kg"] == [
        "Observation urn:uuid:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"]


# --- bad input: one line each, the rest imports, nothing of the record on stderr ---------------

def test_bad_input_gives_one_line_each_and_the_rest_imports(tmp_path: Path) -> None:
    pid = "p-bad"
    good = numeric("egfr", pid, "50384-7", "2026-10-28", 96, "mL/min/{1.73_m2}")
    resources = [
        patient(pid, "2013-04-18", "female", name=[{"family": SENTINEL}]),
        good,
        {**numeric("invalid", pid, "2160-0", "2026-10-28", 1, "mg/dL"),
         "valueQuantity": {"value": SENTINEL}},
        numeric("unknown", pid, "99999-9", "2026-10-28", 1, "mg/dL",
                note=[{"text": SENTINEL}]),
        numeric("mmol", pid, "2160-0", "2026-10-28", 0.06, "mmol/L"),
        numeric("gram", pid, "2160-0", "2026-10-27", 0.006, "g/L"),
        numeric("undated", pid, "1920-8", None, 28, "U/L", high=40),
        condition("refuted", pid, SNOMED, "55464009", "2023-09-01", verification="refuted"),
        observation("text", pid, "5196-1", "2026-10-28", valueString=SENTINEL),
        observation("prelim", pid, "13955-0", "2026-10-28", status="preliminary",
                    interpretation=[concept("http://terminology.hl7.org/CodeSystem/"
                                            "v3-ObservationInterpretation", "NEG")]),
        numeric("stranger", "someone-else", "29463-7", "2026-10-28", 40, "kg"),
    ]
    document = bundle(*resources)
    document["entry"].insert(3, {"resource": {"id": "x", "note": SENTINEL}})
    path = write_json(tmp_path / "record.json", document)
    malformed = tmp_path / "broken.json"
    malformed.write_text('{"resourceType": "Patient", "id": "' + SENTINEL + '",\n  oops}')
    not_fhir = write_json(tmp_path / "other.json", {"name": SENTINEL})
    out = tmp_path / "out"
    out.mkdir()
    result = run("import", "fhir", path, malformed, not_fhir, "--output-dir", out)
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    expected = [
        f"{path}: entry[2] Observation/invalid: invalid FHIR R4 Observation: "
        "valueQuantity.value: a "
        "value not in the form FHIR requires; correct the resource (it is left out, the rest "
        "is imported)",
        f"{path}: entry[3]: entry without a resourceType; every entry's resource must name its "
        "type",
        f"{malformed}: line 2: not valid JSON (Expecting property name enclosed in double "
        "quotes); fix the JSON or export it again",
        f"{not_fhir}: not a FHIR resource (no resourceType); give FHIR R4 JSON: a Bundle, a "
        "resource, or Bulk Data NDJSON",
        f"{path}: entry[11] Observation/stranger: refers to a Patient that is not in the input; "
        "add the Patient resource (or its file) to the import",
        f"{path}: entry[4] Observation/unknown: no LOINC code this importer maps; not imported "
        "(see the code tables)",
        f"{path}: entry[5] Observation/mmol: unit mismatch: creatinine needs a UCUM unit the "
        "patient file accepts (mg/dL, umol/L); not imported; record it in one of these units",
        f"{path}: entry[6] Observation/gram: unit mismatch: creatinine needs a UCUM unit the "
        "patient file accepts (mg/dL, umol/L); not imported; record it in one of these units",
        f"{path}: entry[7] Observation/undated: no full effective date (an undated result "
        "cannot be judged current); not imported; record when it was measured",
        f"{path}: entry[8] Condition/refuted: verificationStatus is refuted; not imported",
        f"{path}: entry[9] Observation/text: the result is text (valueString), not a coded or "
        "numeric value; not imported; enter it by hand",
        f"{path}: entry[10] Observation/prelim: status is preliminary; not imported (only "
        "final, amended and corrected results are)",
    ]
    for line in expected:
        assert line in lines, line
    assert SENTINEL not in result.stderr + result.stdout
    assert result.stdout.splitlines() == [str(out / f"{pid}.toml")]
    imported = tomllib.loads((out / f"{pid}.toml").read_text())
    assert imported["organ_function"] == {"egfr_ml_min_1_73m2": 96.0,
                                          "labs_on": date(2026, 10, 28)}
    assert "diagnosis" not in imported and "serology" not in imported
    assert SENTINEL not in (out / f"{pid}.toml").read_text()
    report = json.loads((out / "import-report.json").read_text())
    reasons = {item["resource"]: item["reason"] for item in report["patients"][0]["not_mapped"]}
    assert reasons == {"Observation/unknown": "unknown_code", "Observation/mmol": "unit_mismatch",
                       "Observation/gram": "unit_mismatch", "Observation/undated": "undated",
                       "Condition/refuted": "status", "Observation/text": "value_text",
                       "Observation/prelim": "status"}
    assert SENTINEL not in json.dumps(report)


def test_exit_codes_for_existing_files_usage_and_no_patients(tmp_path: Path) -> None:
    path = write_json(tmp_path / "p.json", patient("again", "2013-01-01", "male"))
    out = tmp_path / "out"
    out.mkdir()
    assert run("import", "fhir", path, "--output-dir", out).returncode == 0
    again = run("import", "fhir", path, "--output-dir", out)
    assert again.returncode == 74
    assert f"{out / 'again.toml'}: Patient/again: not written: the file exists; give --force " \
        "to replace it, or another --output-dir" in again.stderr.splitlines()
    assert run("import", "fhir", path, "--output-dir", out, "--force").returncode == 0
    created = run("import", "fhir", path, "--output-dir", tmp_path / "new" / "folder")
    assert created.returncode == 0
    assert (tmp_path / "new" / "folder" / "again.toml").is_file()
    not_a_folder = run("import", "fhir", path, "--output-dir", path)
    assert not_a_folder.returncode == 2
    assert "not a folder" in not_a_folder.stderr
    orphan = write_json(tmp_path / "orphan.json", numeric("w", "nobody", "29463-7",
                                                          "2026-10-01", 40, "kg"))
    none = run("import", "fhir", orphan, "--output-dir", out, "--report", tmp_path / "r.json")
    assert none.returncode == 3
    assert "cartscreen: no Patient resource in the input; a patient file is made per Patient, " \
        "so include the Patient resources" in none.stderr.splitlines()
    assert not any(out.glob("nobody*"))


# --- mapping rules, in-process ----------------------------------------------------------------

PID = "p1"
LABS = "2026-10-28"


def test_latest_result_wins_and_a_same_day_disagreement_leaves_it_out(tmp_path: Path) -> None:
    older = numeric("old", PID, "2160-0", "2026-10-01", 0.9, "mg/dL")
    newer = numeric("new", PID, "14682-9", "2026-10-20", 53, "umol/L")
    imported = import_bundle(tmp_path, patient(PID), older, newer)
    assert imported.data["organ_function"]["creatinine"] == {
        "value": 53.0, "unit": "µmol/L", "measured_on": date(2026, 10, 20)}
    assert imported.provenance["organ_function.creatinine.value"] == ["Observation/new"]
    twin = numeric("twin", PID, "2160-0", "2026-10-20", 0.7, "mg/dL")
    imported = import_bundle(tmp_path, patient(PID), older, newer, twin)
    assert "organ_function" not in imported.data
    assert {p.resource for p in imported.unmapped if p.reason == "conflict"} == {
        "Observation/new", "Observation/twin"}


def test_an_unusable_newer_result_keeps_an_older_one_from_standing_in(tmp_path: Path) -> None:
    older = numeric("old", PID, "2160-0", "2026-10-01", 0.5, "mg/dL")
    newer = numeric("new", PID, "2160-0", "2026-10-20", 0.2, "mmol/L")
    imported = import_bundle(tmp_path, patient(PID), older, newer)
    assert "organ_function" not in imported.data
    assert {p.resource: p.reason for p in imported.unmapped} == {
        "Observation/new": "unit_mismatch", "Observation/old": "superseded"}
    earlier = numeric("new", PID, "2160-0", "2026-09-20", 0.2, "mmol/L")
    imported = import_bundle(tmp_path, patient(PID), older, earlier)
    assert imported.data["organ_function"]["creatinine"]["value"] == 0.5
    pending = coded("new", PID, "5196-1", "2026-10-20", "positive", status="preliminary")
    imported = import_bundle(tmp_path, patient(PID),
                             coded("old", PID, "5196-1", "2026-10-01", "negative"), pending)
    assert "serology" not in imported.data


def test_a_period_dates_a_result_by_its_start(tmp_path: Path) -> None:
    lvef = numeric("echo", PID, "10230-1", None, 62, "%")
    lvef["effectivePeriod"] = {"start": "2026-10-01", "end": "2026-10-30"}
    imported = import_bundle(tmp_path, patient(PID), lvef)
    assert imported.data["organ_function"]["echo_on"] == date(2026, 10, 1)


def test_lung_function_is_dated_by_the_older_of_its_two_tests(tmp_path: Path) -> None:
    imported = import_bundle(tmp_path, patient(PID),
                             numeric("fvc", PID, "19872-1", "2026-10-20", 80, "%"),
                             numeric("dlco", PID, "98130-8", "2026-10-05", 70, "%"))
    organ = imported.data["organ_function"]
    assert organ["lung_function_on"] == date(2026, 10, 5)
    assert imported.provenance["organ_function.lung_function_on"] == [
        "Observation/dlco", "Observation/fvc"]


def test_enzymes_need_a_single_upper_limit_in_their_unit(tmp_path: Path) -> None:
    no_range = numeric("ast", PID, "1920-8", LABS, 28, "U/L")
    other_unit = numeric("alt", PID, "1742-6", LABS, 28, "U/L")
    other_unit["referenceRange"] = [{"high": quantity(0.7, "ukat/L")}]
    imported = import_bundle(tmp_path, patient(PID), no_range, other_unit)
    assert "organ_function" not in imported.data
    assert [p.reason for p in imported.unmapped] == ["reference_range", "reference_range"]


def test_cd19_count_converted_only_by_exact_factors(tmp_path: Path) -> None:
    imported = import_bundle(tmp_path, patient(PID),
                             numeric("cd19", PID, "8116-6", LABS, 0.148, "10*3/uL"))
    assert imported.data["b_cells"] == {"count_per_ul": 148.0,
                                        "measured_on": date(2026, 10, 28)}
    imported = import_bundle(tmp_path, patient(PID),
                             numeric("cd19", PID, "8116-6", LABS, 14, "%"))
    assert "b_cells" not in imported.data


def test_qualitative_results_only_from_codes(tmp_path: Path) -> None:
    imported = import_bundle(
        tmp_path, patient(PID),
        coded("hbsag", PID, "5196-1", LABS, "negative"),
        interpreted("hcv", PID, "13955-0", LABS, "POS"),
        observation("hiv", PID, "56888-1", LABS, valueCodeableConcept=concept(
            SNOMED, "260385009"), interpretation=[concept(
                "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "POS")]),
        observation("hcg", PID, "2106-3", "2026-10-30", valueCodeableConcept={
            "text": "negative"}))
    assert imported.data["serology"] == {"hbsag": "negative", "hbsag_on": date(2026, 10, 28),
                                         "hcv_ab": "positive", "hcv_ab_on": date(2026, 10, 28)}
    assert "pregnancy" not in imported.data
    assert {p.resource: p.reason for p in imported.unmapped} == {
        "Observation/hiv": "conflict", "Observation/hcg": "no_value"}


def test_viral_loads(tmp_path: Path) -> None:
    in_range = numeric("hbv", PID, "29615-2", LABS, 15, "[IU]/mL", high=20)
    undetectable = coded("hcv", PID, "11259-9", LABS, "not detected")
    imported = import_bundle(tmp_path, patient(PID), in_range, undetectable)
    serology = imported.data["serology"]
    assert serology["hbv_dna"] == "within_normal" and serology["hcv_rna"] == "undetectable"
    at_limit = numeric("hbv", PID, "29615-2", LABS, 20, "[IU]/mL", high=20)
    assert import_bundle(tmp_path, patient(PID), at_limit).data["serology"]["hbv_dna"] == \
        "within_normal"
    above = numeric("hbv", PID, "29615-2", LABS, 21, "[IU]/mL", high=20)
    no_range = numeric("hcv", PID, "20416-4", LABS, 15, "[IU]/mL")
    imported = import_bundle(tmp_path, patient(PID), above, no_range)
    assert imported.data["serology"] == {"hbv_dna": "above_normal",
                                         "hbv_dna_on": date(2026, 10, 28)}


def test_pregnancy_test_type_and_date(tmp_path: Path) -> None:
    imported = import_bundle(tmp_path, patient(PID, gender="female"),
                             coded("urine", PID, "2106-3", "2026-10-01", "negative"),
                             coded("serum", PID, "2118-8", "2026-10-30", "negative"))
    assert imported.data["pregnancy"] == {"test": "negative", "test_type": "blood",
                                          "test_date": date(2026, 10, 30)}


def test_two_target_diseases_leave_the_disease_for_the_clinician(tmp_path: Path) -> None:
    imported = import_bundle(tmp_path, patient(PID),
                             condition("sle", PID, SNOMED, "55464009", "2023-01-01"),
                             condition("ssc", PID, ICD10CM, "M34.9", "2023-01-01"))
    assert "diagnosis" not in imported.data
    [fact] = [j for j in imported.judgement if j.key == "diagnosis.disease"]
    assert "more than one target disease (sle, ssc)" in fact.reason
    sjogren = import_bundle(tmp_path, patient(PID),
                            condition("pss", PID, ICD10CM, "M35.00", "2023-01-01"),
                            condition("secondary", PID, SNOMED, "239915006", "2023-01-01"))
    assert "diagnosis" not in sjogren.data


def test_a_coded_diagnosis_sets_no_classification(tmp_path: Path) -> None:
    imported = import_bundle(tmp_path, patient(PID),
                             condition("sle", PID, ICD10CM, "M3214", "2023-01-01"))
    assert imported.data["diagnosis"] == {"disease": "sle", "onset_date": date(2023, 1, 1)}
    assert "diagnosis.classification" in [j.key for j in imported.judgement]


def test_unconfirmed_and_refuted_conditions_are_not_imported(tmp_path: Path) -> None:
    imported = import_bundle(
        tmp_path, patient(PID),
        condition("maybe", PID, SNOMED, "55464009", verification="provisional"),
        condition("no", PID, ICD10CM, "C91.00", verification="refuted"),
        condition("error", PID, ICD10CM, "D80.0", verification="entered-in-error"))
    assert set(imported.data) == {"format", "id"}
    assert [p.reason for p in imported.unmapped] == ["status", "status", "status"]


def test_malignancy_status_only_where_clinical_status_forces_it(tmp_path: Path) -> None:
    imported = import_bundle(
        tmp_path, patient(PID),
        condition("all", PID, SNOMED, "91857003", "2019-05-01", clinical="remission"),
        condition("hl", PID, ICD10CM, "C81.90", "2020-05-01", clinical="resolved"),
        condition("bcc", PID, ICD10CM, "C44.91", "2021-05-01", clinical="active"),
        condition("insitu", PID, ICD10CM, "D06.9", "2022-05-01"))
    assert imported.data["history"]["malignancies"] == [
        {"type": "acute lymphoblastic leukemia", "diagnosed": date(2019, 5, 1),
         "status": "in_remission"},
        {"type": "malignant neoplasm", "diagnosed": date(2020, 5, 1)},
        {"type": "basal cell carcinoma of skin", "diagnosed": date(2021, 5, 1),
         "status": "active", "skin_basal_cell_carcinoma": True},
    ]
    assert [p.resource for p in imported.unmapped] == ["Condition/insitu"]


def test_exclusion_conditions(tmp_path: Path) -> None:
    imported = import_bundle(
        tmp_path, patient(PID),
        condition("pid", PID, ICD10CM, "D83.9", "2015-01-01"),
        condition("epilepsy", PID, SNOMED, "84757009", "2018-03-01", clinical="active"),
        condition("stroke", PID, ICD10CM, "I63.9", None),
        condition("biotin", PID, ICD10CM, "D81.810", "2015-01-01"))
    assert imported.data["history"]["primary_immunodeficiency"] is True
    # the undated stroke spoils the list: a partial list would claim the rest absent
    assert "events" not in imported.data
    assert any(j.key == "events.cns_events" and "Condition/stroke" in j.reason
               for j in imported.judgement)
    no_stroke = import_bundle(tmp_path, patient(PID),
                              condition("epilepsy", PID, SNOMED, "84757009", "2018-03-01"))
    assert no_stroke.data["events"]["cns_events"] == [
        {"description": "epilepsy", "date": date(2018, 3, 1)}]


def test_tuberculosis(tmp_path: Path) -> None:
    negative = import_bundle(tmp_path, patient(PID),
                             coded("igra", PID, "71773-6", "2026-10-01", "negative"))
    assert negative.data["tuberculosis"] == {"status": "negative",
                                             "tested_on": date(2026, 10, 1)}
    positive = import_bundle(tmp_path, patient(PID),
                             coded("igra", PID, "71773-6", "2026-10-01", "positive"))
    assert "tuberculosis" not in positive.data
    assert any("latent or active" in j.reason for j in positive.judgement)
    both = import_bundle(tmp_path, patient(PID),
                         condition("tb", PID, ICD10CM, "A15.0", "2026-09-01", clinical="active"),
                         coded("igra", PID, "71773-6", "2026-10-01", "negative"))
    assert "tuberculosis" not in both.data
    active = import_bundle(tmp_path, patient(PID),
                           condition("tb", PID, ICD10CM, "A15.0", "2026-09-01",
                                     clinical="active"))
    assert active.data["tuberculosis"] == {"status": "active", "tested_on": date(2026, 9, 1)}


def test_a_coded_infection_contradicting_a_negative_test_leaves_the_test_out(
        tmp_path: Path) -> None:
    imported = import_bundle(tmp_path, patient(PID),
                             condition("hbv", PID, ICD10CM, "B18.1", "2020-01-01",
                                       clinical="active"),
                             coded("hbsag", PID, "5196-1", LABS, "negative"),
                             coded("hiv", PID, "56888-1", LABS, "negative"))
    assert imported.data["serology"] == {"hiv_ab": "negative", "hiv_ab_on": date(2026, 10, 28)}
    assert any(j.key == "serology.hbsag" for j in imported.judgement)


def test_medication_start_end_dose_and_route(tmp_path: Path) -> None:
    imported = import_bundle(
        tmp_path, patient(PID),
        # a prescription: the later of authoredOn and the bounds start
        request("req", PID, "6851", "2024-01-05", bounds_start="2024-01-10",
                bounds_end="2024-06-01"),
        # active without an end: ongoing; twice daily 250 mg: 500 mg/day
        statement("bid", PID, "7258", "2022-09-20", status="active",
                  dose=dosage(250, per_day=2, route="26643006")),
        # completed without an end: the end is not known; weekly: no daily dose
        statement("weekly", PID, "3002", "2024-04-08", dose=dosage(
            500, period=1, period_unit="wk", route="47625008")),
        # every 12 hours, in grams
        statement("q12h", PID, "68149", "2025-07-01", "2025-09-01",
                  dose=dosage(0.75, unit="g", period=12, period_unit="h")),
        administration("once", PID, "10759", "2022-10-03", route="12130007"))
    assert imported.data["treatments"] == [
        {"drug": "naproxen", "dose": 500.0, "dose_unit": "mg/day", "route": "oral",
         "start": date(2022, 9, 20), "end": "ongoing"},
        {"drug": "triamcinolone", "route": "intra_articular", "start": date(2022, 10, 3),
         "end": date(2022, 10, 3)},
        {"drug": "methotrexate", "start": date(2024, 1, 10), "end": date(2024, 6, 1)},
        {"drug": "cyclophosphamide", "route": "iv", "start": date(2024, 4, 8)},
        {"drug": "mycophenolate mofetil", "dose": 1500.0, "dose_unit": "mg/day",
         "start": date(2025, 7, 1), "end": date(2025, 9, 1)},
    ]
    assert "treatments[0].response" in [j.key for j in imported.judgement]


def test_an_unmapped_medication_leaves_the_whole_history_out(tmp_path: Path) -> None:
    imported = import_bundle(
        tmp_path, patient(PID),
        statement("known", PID, "8640", "2025-01-01", "2025-03-01"),
        statement("scd", PID, "312615", "2025-01-01", "2025-03-01"),  # a clinical drug code
        statement("nostart", PID, "121191", None, "2026-10-01"),
        statement("never", PID, "3002", "2026-11-01", status="not-taken"))
    assert "treatments" not in imported.data
    [fact] = [j for j in imported.judgement if j.key == "treatments"]
    assert "MedicationStatement/nostart" in fact.reason
    assert "MedicationStatement/scd" in fact.reason
    assert "MedicationStatement/never" not in fact.reason


def test_a_contained_medication_is_read_by_its_code(tmp_path: Path) -> None:
    course = statement("c", PID, "0", "2025-01-01", "2025-02-01")
    del course["medicationCodeableConcept"]
    course["medicationReference"] = {"reference": "#med"}
    course["contained"] = [{"resourceType": "Medication", "id": "med",
                            "code": concept("http://www.nlm.nih.gov/research/umls/rxnorm",
                                            "121191")}]
    imported = import_bundle(tmp_path, patient(PID), course)
    assert imported.data["treatments"][0]["drug"] == "rituximab"


def test_ivig_only_intravenously(tmp_path: Path) -> None:
    imported = import_bundle(tmp_path, patient(PID), statement(
        "scig", PID, "5666", "2025-01-01", dose=dosage(route="34206005")))
    assert "treatments" not in imported.data


def test_overlapping_courses_at_different_doses_keep_the_courses_not_the_dose(
        tmp_path: Path) -> None:
    imported = import_bundle(
        tmp_path, patient(PID),
        statement("a", PID, "8640", "2025-01-01", "2025-06-01", dose=dosage(20)),
        statement("b", PID, "8640", "2025-03-01", "2025-09-01", dose=dosage(10)))
    courses = imported.data["treatments"]
    assert [c.get("dose") for c in courses] == [20.0, None]
    assert imported.invalid is None


def test_immunizations(tmp_path: Path) -> None:
    imported = import_bundle(
        tmp_path, patient(PID),
        immunization("mmr", PID, "03", "2026-09-01"),
        immunization("flu", PID, "88", "2026-10-01"),
        immunization("skipped", PID, "21", "2026-10-02", status="not-done"))
    assert imported.data["events"]["vaccines"] == [
        {"name": "MMR (measles, mumps and rubella virus vaccine)", "date": date(2026, 9, 1),
         "live": True},
        {"name": "influenza, unspecified formulation", "date": date(2026, 10, 1)},
    ]
    unknown = import_bundle(tmp_path, patient(PID),
                            immunization("mmr", PID, "03", "2026-09-01"),
                            immunization("new", PID, "999999", "2026-10-01"))
    assert "events" not in unknown.data


def test_procedures(tmp_path: Path) -> None:
    imported = import_bundle(tmp_path, patient(PID),
                             procedure("kidney", PID, "70536003", "2020-01-01"),
                             procedure("hd", PID, "302497006", "2019-12-01"),
                             procedure("cart", PID, "999999999", "2025-01-01"))
    events = imported.data["events"]
    assert events["transplants"] == [{"type": "solid_organ", "date": date(2020, 1, 1)}]
    assert events["renal_replacement_therapy"] == [
        {"start": date(2019, 12, 1), "end": date(2019, 12, 1)}]
    assert "car_t" not in events
    assert "events.transplants[0].gvhd" in [j.key for j in imported.judgement]


def test_demographics(tmp_path: Path) -> None:
    imported = import_bundle(tmp_path, patient(PID, "2013-04", "other"))
    assert set(imported.data) == {"format", "id"}
    assert [p.reason for p in imported.unmapped] == ["partial_date", "not_mapped"]


def test_a_fact_the_patient_rules_reject_is_left_out_and_reported(tmp_path: Path) -> None:
    imported = import_bundle(tmp_path, patient(PID, "2013-04-18", "male"),
                             numeric("w", PID, "29463-7", LABS, 420, "[lb_av]"),
                             numeric("h", PID, "8302-2", LABS, 30, "cm"),
                             coded("hcg", PID, "2118-8", LABS, "positive"))
    assert imported.invalid is None
    # 420 lb at 30 cm is no body mass a child has; a boy's positive pregnancy test
    assert "pregnancy" not in imported.data and "weight_kg" not in imported.data
    assert imported.data["height_cm"] == 30.0
    assert {p.resource for p in imported.unmapped if p.reason == "contradiction"} == {
        "Observation/hcg", "Observation/w"}


def test_a_rejected_list_entry_leaves_the_whole_list_out(tmp_path: Path) -> None:
    imported = import_bundle(tmp_path, patient(PID, "2013-04-18"),
                             immunization("ok", PID, "150", "2026-10-01"),
                             immunization("early", PID, "03", "2010-01-01"))  # before birth
    assert "events" not in imported.data
    assert {p.resource: p.reason for p in imported.unmapped} == {
        "Immunization/early": "contradiction"}
    assert any(j.key == "events.vaccines" and "Immunization/early" in j.reason
               for j in imported.judgement)


def test_future_dated_facts_are_left_out(tmp_path: Path) -> None:
    imported = import_bundle(tmp_path, patient(PID),
                             numeric("w", PID, "29463-7", LABS, 40, "kg"),
                             numeric("lvef", PID, "10230-1", "2027-01-01", 60, "%"))
    assert "organ_function" not in imported.data and imported.data["weight_kg"] == 40.0


# --- nothing defaulted: delete any resources, and their facts are gone, not defaulted ---------

FULL = resources_from_sample(load_sample(sample_path("sle")))
FULL_RESULT: dict[str, PatientImport] = {}


def _import(resources: list[dict[str, Any]]) -> PatientImport:
    with tempfile.TemporaryDirectory() as folder:
        path = write_json(Path(folder) / "b.json", bundle(*resources))
        [imported] = import_paths([path], TODAY).patients
    return imported


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.integers(min_value=1, max_value=len(FULL) - 1), min_size=1))
def test_deleted_resources_leave_their_keys_absent_never_defaulted(deleted: set[int]) -> None:
    full = FULL_RESULT.get("sle") or FULL_RESULT.setdefault("sle", _import(FULL))
    kept = [r for i, r in enumerate(FULL) if i not in deleted]
    gone = {f"{FULL[i]['resourceType']}/{FULL[i]['id']}" for i in deleted}
    imported = _import(kept)
    written = leaf_paths(imported.data) - {"format"}
    assert written == set(imported.provenance)
    for key, refs in imported.provenance.items():
        assert not set(refs) & gone, key
    for key, refs in full.provenance.items():
        if set(refs) <= gone and "[" not in key:
            assert key not in written, key
    for key in ("treatments", "events.vaccines"):
        sources = {ref for k, refs in full.provenance.items() if k.startswith(key)
                   for ref in refs}
        if sources <= gone:
            assert get(imported.data, key) is None, key
