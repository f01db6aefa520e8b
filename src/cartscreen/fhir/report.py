"""What the FHIR import tells its user: the patient file's text (with a header naming its
sources and the facts left for the clinician), the one-line problems, the stderr summary and
the JSON report.

The JSON report (``schema_version`` 1) is an object with:

- ``imported_on`` (the date), ``sources`` (the files read), ``resources_read``;
- ``errors``: input that could not be read or was invalid, each ``{file, where, message}``;
- ``unassigned``: resources that belong to no Patient of the input, same shape;
- ``unmapped_types``: resource type → count of resources of types the import does not map;
- ``counts``: reason → number of resources not mapped for it (reasons below);
- ``patients``: one object per Patient id, with ``id``, ``file`` (the patient file written, or
  null), ``written`` (true/false), ``not_written_because`` (or null), ``sources``,
  ``keys`` (every key path written → the resources it came from, e.g.
  ``"organ_function.ast.value": ["Observation/ast-1"]``), ``resources`` (each resource read →
  its ``file`` and ``where``), ``not_mapped`` (each ``{resource, file, where, reason, message,
  codes}``; ``codes`` are ``system|code`` pairs, never display text), ``judgement_facts``
  (each ``{key, reason}``: left for the clinician) and ``not_in_record`` (keys the import can
  fill that the record did not give).

Reasons: ``unknown_code`` (a code of a mapped system not in the tables), ``no_known_system``
(no code in SNOMED CT, ICD-10-CM, LOINC, RxNorm or CVX as the resource type needs),
``unit_mismatch``, ``reference_range`` (no single upper limit of normal in the result's unit),
``undated``, ``partial_date``, ``status`` (entered in error, cancelled, preliminary, refuted,
not done, …), ``value_text`` (a result as text), ``no_value``, ``conflict`` (codes or results
that contradict each other), ``contradiction`` (a fact the patient file's rules reject),
``invalid_period``, ``not_mapped`` (a code the patient file has no key for), ``superseded``
(an older result not used because a newer one of the same test could not be).

Nothing on stderr comes from the record except resource types and ids; the patient file and
the JSON report hold health data and are written beside each other.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import tomli_w

from cartscreen.errors import one_line
from cartscreen.fhir.mapping import ImportResult, PatientImport
from cartscreen.fhir.read import Problem
from cartscreen.patient.model import Patient

SCHEMA_VERSION = 1


def problem_line(problem: Problem) -> str:
    """``FILE: WHERE: problem; fix`` on one line (control characters escaped)."""
    parts = [problem.file, problem.where, problem.message]
    return one_line(": ".join(part for part in parts if part))


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    """The file's keys in the patient model's order, so it reads like the samples."""
    order = list(Patient.model_fields)
    return {key: data[key] for key in sorted(data, key=lambda k: (
        order.index(k) if k in order else len(order), k))}


def _comment(text: str) -> str:
    return f"# {one_line(text)}".rstrip()


def patient_file_text(patient: PatientImport, today: date) -> str:
    """The patient file: a comment header, then the TOML written by tomli-w."""
    lines = [
        _comment(f"Patient file imported from FHIR R4 by cartscreen import fhir on "
                 f"{today.isoformat()}."),
        _comment("Sources: " + ", ".join(patient.files)),
        _comment("Every key comes from a coded resource of the record (the import report "
                 "names which). A fact the record does not code is left out: unknown, not "
                 "'no'."),
        _comment("Lists hold what the record codes; confirm each is complete before "
                 "screening."),
        _comment("Left for the clinician (the trials read these; the record does not code "
                 "them):"),
    ]
    lines += [_comment(f"  - {fact.key}: {fact.reason}") for fact in patient.judgement]
    return "\n".join(lines) + "\n\n" + tomli_w.dumps(_ordered(patient.data))


def _problem_object(problem: Problem) -> dict[str, Any]:
    return {"resource": problem.resource, "file": problem.file, "where": problem.where,
            "reason": problem.reason, "message": problem.message, "codes": list(problem.codes)}


def report_document(result: ImportResult, files: dict[str, str | None],
                    not_written: dict[str, str], today: date) -> dict[str, Any]:
    """The JSON report (shape in the module docstring). ``files``: patient id → the file
    written (or None); ``not_written``: patient id → why not."""
    read = result.read
    patients = []
    for patient in result.patients:
        patients.append({
            "id": patient.id,
            "file": files.get(patient.id),
            "written": files.get(patient.id) is not None,
            "not_written_because": not_written.get(patient.id),
            "sources": patient.files,
            "keys": {key: refs for key, refs in sorted(patient.provenance.items())},
            "resources": patient.resources,
            "not_mapped": [_problem_object(p) for p in patient.unmapped],
            "judgement_facts": [{"key": f.key, "reason": f.reason} for f in patient.judgement],
            "not_in_record": patient.not_in_record,
        })
    errors = [p for p in read.problems if p.error and p.reason not in
              ("no_patient", "unknown_patient")]
    unassigned = [p for p in read.problems if p.reason in ("no_patient", "unknown_patient")]
    return {
        "schema_version": SCHEMA_VERSION,
        "imported_on": today.isoformat(),
        "sources": read.files,
        "resources_read": read.resources_read,
        "errors": [{"file": p.file, "where": p.where, "message": p.message} for p in errors],
        "unassigned": [{"file": p.file, "where": p.where, "message": p.message}
                       for p in unassigned],
        "unmapped_types": dict(sorted(read.unmapped_types.items())),
        "counts": dict(sorted(reason_counts(result).items())),
        "patients": patients,
    }


def all_problems(result: ImportResult) -> list[Problem]:
    return [*result.read.problems, *(p for patient in result.patients for p in patient.unmapped)]


def reason_counts(result: ImportResult) -> Counter[str]:
    return Counter(problem.reason for problem in all_problems(result) if not problem.error
                   or problem.reason in ("unit_mismatch", "invalid_period"))


_REASON_WORDS = {
    "unknown_code": "unknown code", "no_known_system": "no code in a mapped system",
    "unit_mismatch": "unit mismatch", "reference_range": "no upper limit of normal",
    "undated": "undated", "partial_date": "partial date", "status": "status",
    "value_text": "result as text", "no_value": "no usable value", "conflict": "conflict",
    "contradiction": "contradicts the record", "invalid_period": "invalid period",
    "not_mapped": "no key for it", "superseded": "superseded by an unusable newer result",
}


def summary_lines(result: ImportResult, written: int, not_written: int, errors: int,
                  report: str | None) -> list[str]:
    """The stderr summary: counts only (ids and key paths at most, never a value)."""
    read = result.read
    lines = [f"{written} patient file{'s' if written != 1 else ''} written"
             + (f", {not_written} not written" if not_written else "")
             + f" from {read.resources_read} resource{'s' if read.resources_read != 1 else ''}"
             f" in {len(read.files)} file{'s' if len(read.files) != 1 else ''}"]
    counts = reason_counts(result)
    if counts:
        lines.append("not mapped: " + ", ".join(
            f"{count} {_REASON_WORDS.get(reason, reason)}" for reason, count in
            sorted(counts.items(), key=lambda item: (-item[1], item[0]))))
    if read.unmapped_types:
        lines.append("resource types not mapped: " + ", ".join(
            f"{kind} {count}" for kind, count in sorted(read.unmapped_types.items())))
    facts = sum(len(patient.judgement) for patient in result.patients)
    if facts:
        lines.append(f"{facts} fact{'s' if facts != 1 else ''} left for the clinician, listed "
                     "in each file's header" + (f" and in {report}" if report else ""))
    if errors:
        lines.append(f"{errors} input problem{'s' if errors != 1 else ''} (listed above)")
    return [one_line(f"cartscreen: {line}") for line in lines]
