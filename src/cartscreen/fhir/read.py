"""Reading FHIR R4 input: a Bundle, a single resource, or a Bulk Data export folder of NDJSON
files; validating each resource with the ``fhir.resources`` R4B models; and grouping the
resources by the Patient they belong to.

Resource files are untrusted. Nothing read from them is echoed except a resource's type and
id (both checked against FHIR's patterns first) and the names of JSON keys FHIR defines;
pydantic errors carry the offending input, so only their location and type are kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cartscreen.files import NotARegularFile, read_regular_file

# A Bulk Data file holds every resource of one type for a whole export; far above any clinic's
# export for the children screened here, and a bound that keeps a stray file from filling
# memory.
MAX_INPUT_BYTES = 256 * 1024 * 1024

FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
RESOURCE_TYPE = re.compile(r"^[A-Z][A-Za-z]{1,63}$")
_SAFE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_UUID_URL = re.compile(r"^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                       r"[0-9a-fA-F]{12}$")

# The resource types this importer maps, and the element that names the patient in each.
PATIENT_ELEMENT: dict[str, str] = {
    "Condition": "subject",
    "Observation": "subject",
    "MedicationStatement": "subject",
    "MedicationRequest": "subject",
    "MedicationAdministration": "subject",
    "Procedure": "subject",
    "Immunization": "patient",
}
MAPPED_TYPES = frozenset({"Patient", "Medication", *PATIENT_ELEMENT})


@dataclass(frozen=True)
class Problem:
    """One line for the user: ``FILE: WHERE: message`` (``where`` may be empty). ``error`` is
    True for input that could not be read or is invalid (exit code 3); False for a resource
    read but not mapped (reported, exit code unaffected)."""

    file: str
    where: str
    message: str
    error: bool = True
    reason: str = "invalid"
    resource: str | None = None  # "Observation/abc"
    patient: str | None = None
    codes: tuple[str, ...] = ()


@dataclass
class Item:
    """One resource as read: where it came from, its raw JSON and its validated model."""

    file: str
    where: str  # "entry[3]", "line 12" or "" for a single-resource file
    raw: dict[str, Any]
    model: Any
    full_url: str | None = None

    @property
    def type(self) -> str:
        return str(self.raw.get("resourceType"))

    @property
    def id(self) -> str | None:
        value = self.raw.get("id")
        return value if isinstance(value, str) and FHIR_ID.match(value) else None

    @property
    def ref(self) -> str:
        """``Observation/abc``; without an id, the Bundle entry's ``urn:uuid:`` fullUrl, or
        else where the resource is (so two resources never share a reference)."""
        if self.id:
            return f"{self.type}/{self.id}"
        if self.full_url and _UUID_URL.match(self.full_url):
            return f"{self.type} {self.full_url}"
        return f"{self.type} ({self.file} {self.where})".replace(" )", ")")

    @property
    def place(self) -> str:
        """``entry[3] Observation/abc`` — where and what, for one-line messages."""
        what = f"{self.type}/{self.id}" if self.id else self.type
        return " ".join(part for part in (self.where, what) if part)


@dataclass
class PatientRecord:
    """Everything read for one Patient id."""

    id: str
    patients: list[Item] = field(default_factory=list)
    resources: list[Item] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass
class ReadResult:
    patients: dict[str, PatientRecord]
    medications: dict[str, Item]  # "Medication/<id>" and fullUrls -> Medication resource
    problems: list[Problem]
    files: list[str]
    resources_read: int
    unmapped_types: dict[str, int]


def _where(where: str, raw: dict[str, Any]) -> str:
    """``entry[3] Observation/abc``: the type only when FHIR defines it, the id only when it is
    a FHIR id (anything else is the file's content, which is never echoed)."""
    kind = raw.get("resourceType")
    rid = raw.get("id")
    label = ""
    if isinstance(kind, str) and RESOURCE_TYPE.match(kind) and _model_class(kind) is not None:
        label = f"{kind}/{rid}" if isinstance(rid, str) and FHIR_ID.match(rid) else kind
    return " ".join(part for part in (where, label) if part)


def validation_problem(exc: ValidationError) -> str:
    """A value-free description of the first validation error of a resource: the element path
    (FHIR element names only) and what kind of problem it is."""
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    first = errors[0]
    parts: list[str] = []
    for part in first["loc"]:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif isinstance(part, str) and _SAFE_KEY.match(part):
            parts.append(f".{part}" if parts else part)
        else:
            parts.append(".…" if parts else "…")
    where = "".join(parts) or "the resource"
    kind = first["type"]
    text = {
        "missing": "a required element is missing",
        "extra_forbidden": "an element FHIR R4 does not define",
        "string_pattern_mismatch": "a value not in the form FHIR requires",
        "value_error": "a value not in the form FHIR requires",
        "literal_error": "a value FHIR does not allow here",
        "enum": "a value FHIR does not allow here",
    }.get(kind, "a value of the wrong type or form")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {text}{more}"


def _model_class(kind: str) -> type[BaseModel] | None:
    from fhir.resources.R4B import get_fhir_model_class

    try:
        model: type[BaseModel] = get_fhir_model_class(kind)
    except (KeyError, ValueError, AttributeError, ImportError):
        return None
    return model


class _Reader:
    def __init__(self) -> None:
        self.items: list[Item] = []
        self.problems: list[Problem] = []
        self.files: list[str] = []
        self.unmapped_types: dict[str, int] = {}
        self.read = 0

    def problem(self, file: str, where: str, message: str, **more: Any) -> None:
        self.problems.append(Problem(file, where, message, **more))

    # --- files ------------------------------------------------------------------------------
    def path(self, path: Path) -> None:
        file = str(path)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix == ".ndjson")
            if not found:
                self.problem(file, "", "a folder without .ndjson files; give a Bulk Data "
                             "export folder, a Bundle or a resource file", reason="unreadable")
            for child in found:
                self.file(child, ndjson=True)
            return
        self.file(path, ndjson=path.suffix == ".ndjson")

    def file(self, path: Path, ndjson: bool) -> None:
        file = str(path)
        self.files.append(file)
        try:
            raw = read_regular_file(path, MAX_INPUT_BYTES + 1)
        except NotARegularFile as exc:
            self.problem(file, "", f"not a regular file ({exc.kind}); give a FHIR JSON file or "
                         "a folder of .ndjson files", reason="unreadable")
            return
        except OSError as exc:
            self.problem(file, "", f"cannot read file ({exc.strerror or type(exc).__name__}); "
                         "check the path and its permissions", reason="unreadable")
            return
        if len(raw) > MAX_INPUT_BYTES:
            self.problem(file, "", "larger than 256 MiB; split the export into smaller files",
                         reason="unreadable")
            return
        bad = False
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            bad = True
        if bad:
            self.problem(file, "", "not UTF-8 text; FHIR JSON is UTF-8", reason="unreadable")
            return
        if ndjson:
            for number, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    self.document(file, f"line {number}", line, single_resource=True)
        else:
            self.document(file, "", text, single_resource=False)

    def document(self, file: str, where: str, text: str, single_resource: bool) -> None:
        place, failure = where, None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            # The message names the JSON problem ("Expecting ',' delimiter"), never content.
            place = where or f"line {exc.lineno}"
            failure = f"not valid JSON ({exc.msg}); fix the JSON or export it again"
        except RecursionError:
            failure = "JSON nested too deeply for a FHIR resource; check the file"
        except ValueError:
            failure = "a number too long to read; fix the JSON"
        if failure is not None:
            self.problem(file, place, failure, reason="malformed_json")
            return
        if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
            self.problem(file, where, "not a FHIR resource (no resourceType); give FHIR R4 "
                         "JSON: a Bundle, a resource, or Bulk Data NDJSON", reason="not_fhir")
            return
        if data["resourceType"] == "Bundle" and not single_resource:
            self.bundle(file, data)
        else:
            self.resource(file, where, data, None)

    def bundle(self, file: str, bundle: dict[str, Any]) -> None:
        entries = bundle.get("entry", [])
        if not isinstance(entries, list):
            self.problem(file, "entry", "Bundle.entry is not a list; export the Bundle again",
                         reason="invalid")
            return
        for index, entry in enumerate(entries):
            where = f"entry[{index}]"
            if not isinstance(entry, dict):
                self.problem(file, where, "an entry that is not a JSON object; export the "
                             "Bundle again", reason="invalid")
                continue
            resource = entry.get("resource")
            if resource is None:
                continue  # a request or response entry with no resource (e.g. DELETE)
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"),
                                                                  str):
                self.problem(file, where, "entry without a resourceType; every entry's "
                             "resource must name its type", reason="not_fhir")
                continue
            full_url = entry.get("fullUrl")
            self.resource(file, where, resource,
                          full_url if isinstance(full_url, str) else None)

    def resource(self, file: str, where: str, raw: dict[str, Any],
                 full_url: str | None) -> None:
        self.read += 1
        kind = raw["resourceType"]
        place = _where(where, raw)
        if not RESOURCE_TYPE.match(kind) or _model_class(kind) is None:
            self.problem(file, place, "not a FHIR R4 resource type; give FHIR R4 JSON",
                         reason="not_fhir")
            return
        if kind not in MAPPED_TYPES:
            self.unmapped_types[kind] = self.unmapped_types.get(kind, 0) + 1
            return
        model_class = _model_class(kind)
        assert model_class is not None
        message: str | None = None
        try:
            model = model_class.model_validate(raw)
        except ValidationError as exc:
            message = validation_problem(exc)
        except (ValueError, TypeError, RecursionError):
            message = "the resource could not be read"
        if message is not None:
            rid = raw.get("id")
            self.problem(file, place, f"invalid FHIR R4 {kind}: {message}; correct the "
                         "resource (it is left out, the rest is imported)", reason="invalid",
                         resource=f"{kind}/{rid}" if isinstance(rid, str)
                         and FHIR_ID.match(rid) else None)
            if kind == "Patient" and isinstance(rid, str) and FHIR_ID.match(rid):
                # Keep the patient (without its demographics) so that its other resources
                # are still imported.
                self.items.append(Item(file, where, {"resourceType": "Patient", "id": rid},
                                       None, full_url))
            return
        self.items.append(Item(file, where, raw, model, full_url))


_PATIENT_REF = re.compile(r"(?:^|/)Patient/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?$")


def _reference(item: Item) -> str | None:
    element = PATIENT_ELEMENT.get(item.type)
    value = item.raw.get(element) if element else None
    reference = value.get("reference") if isinstance(value, dict) else None
    return reference if isinstance(reference, str) else None


def read_inputs(paths: list[Path]) -> ReadResult:
    """Read every path and group the resources by Patient. Never raises for bad input: each
    problem is a :class:`Problem`."""
    reader = _Reader()
    for path in paths:
        reader.path(path)
    patients: dict[str, PatientRecord] = {}
    by_url: dict[str, str] = {}  # fullUrl of a Patient entry -> Patient id
    medications: dict[str, Item] = {}
    for item in reader.items:
        if item.type == "Patient" and item.id:
            record = patients.setdefault(item.id, PatientRecord(item.id))
            record.patients.append(item)
            if item.file not in record.files:
                record.files.append(item.file)
            if item.full_url:
                by_url[item.full_url] = item.id
        elif item.type == "Patient":
            reader.problem(item.file, item.place, "a Patient without a valid id; give the "
                           "Patient an id (it is the patient file's id)", reason="invalid")
        elif item.type == "Medication" and item.id:
            medications[f"Medication/{item.id}"] = item
            if item.full_url:
                medications[item.full_url] = item
    for item in reader.items:
        if item.type in ("Patient", "Medication"):
            continue
        reference = _reference(item)
        patient_id: str | None = None
        if reference is None:
            reader.problem(item.file, item.place, f"no {PATIENT_ELEMENT[item.type]} reference "
                           "to a Patient; the resource is left out", reason="no_patient",
                           resource=item.ref)
            continue
        if reference in by_url:
            patient_id = by_url[reference]
        else:
            match = _PATIENT_REF.search(reference)
            patient_id = match.group(1) if match else None
        if patient_id is None or patient_id not in patients:
            reader.problem(item.file, item.place, "refers to a Patient that is not in the "
                           "input; add the Patient resource (or its file) to the import",
                           reason="unknown_patient", resource=item.ref)
            continue
        record = patients[patient_id]
        record.resources.append(item)
        if item.file not in record.files:
            record.files.append(item.file)
    return ReadResult(patients, medications, reader.problems, reader.files, reader.read,
                      reader.unmapped_types)


def iter_codings(concept: Any) -> Iterator[tuple[str, str]]:
    """(system, code) of each coding of a CodeableConcept model (never the display)."""
    if concept is None:
        return
    for coding in concept.coding or []:
        if coding.system and coding.code:
            yield str(coding.system), str(coding.code)
