"""A ClinicalTrials.gov API v2 study record, as downloaded by the user: read, checked and
reduced to the fields `cartscreen trials diff` compares.

A record is untrusted input: it is read only if it is a regular file of at most
:data:`RECORD_LIMIT_BYTES`, and every problem is one line naming the file, the key path and
the fix (:class:`RecordProblem`). Records are public registry data, not health data, so a
message may quote a value (escaped, never obeyed).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

from cartscreen.errors import error_line
from cartscreen.files import NotARegularFile, read_regular_file

# A study record with its results and documents runs to a few megabytes; this leaves room
# and still refuses a file that cannot be one record before it is parsed.
RECORD_LIMIT_BYTES = 16 * 1024 * 1024
# ClinicalTrials.gov limits the eligibility criteria to 20,000 characters (PRS data element
# definitions, "Eligibility Criteria"); ten times that is no registry text.
ELIGIBILITY_LIMIT_CHARS = 200_000

V2_URL = "https://clinicaltrials.gov/api/v2/studies/"
REGISTRY_ID = re.compile(r"^NCT\d{8}$")
SEXES = ("ALL", "FEMALE", "MALE")
# The units the v2 API writes ages in ("5 Years"), as a fraction of a year; weeks and shorter
# are counted in days of an average Gregorian year.
_AGE_UNITS: dict[str, Fraction] = {
    "year": Fraction(1), "month": Fraction(1, 12), "week": Fraction(7 * 400, 146097),
    "day": Fraction(400, 146097), "hour": Fraction(400, 146097 * 24),
    "minute": Fraction(400, 146097 * 24 * 60),
}
_AGE = re.compile(r"^\s*(\d{1,4})\s+(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def download_fix(nct_id: str | None = None) -> str:
    """The fix for a record that is not what it should be: download it again."""
    return f"download the study record from {V2_URL}{nct_id or 'NCT…'} and compare that file"


@dataclass(frozen=True)
class RecordProblem(Exception):
    """A record that cannot be compared: not readable, not JSON, not one v2 study record."""

    file: str
    key: str | None
    message: str  # "problem; fix"

    def __str__(self) -> str:
        return error_line(self.file, None, self.key, self.message)


@dataclass(frozen=True)
class Age:
    """A minimum or maximum age as the record writes it ("18 Years") and in years."""

    text: str
    years: Fraction


@dataclass(frozen=True)
class RegistryRecord:
    """The fields of a v2 study record that the trial file encodes."""

    file: str
    nct_id: str
    overall_status: str
    last_update: date
    eligibility_criteria: str
    minimum_age: Age | None
    maximum_age: Age | None
    sex: str
    conditions: tuple[str, ...]


def read_record(path: Path) -> RegistryRecord:
    """The record in ``path``, or :class:`RecordProblem`."""
    file = str(path)
    try:
        raw = read_regular_file(path, RECORD_LIMIT_BYTES + 1)
    except NotARegularFile as exc:
        raise RecordProblem(file, None, f"not a regular file ({exc.kind}); save the record "
                            "to an ordinary .json file") from None
    except FileNotFoundError:
        raise RecordProblem(file, None, "no such file; check the path") from None
    except OSError as exc:
        raise RecordProblem(file, None, f"cannot read ({exc.strerror or type(exc).__name__});"
                            " check the path and its permissions") from None
    if len(raw) > RECORD_LIMIT_BYTES:
        raise RecordProblem(file, None, f"larger than {RECORD_LIMIT_BYTES // 2**20} MiB, so "
                            "not one study record; download one study, with "
                            "?fields=protocolSection if it is this large")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RecordProblem(file, None, f"not JSON (line {exc.lineno}, column {exc.colno}: "
                            f"{exc.msg}); {download_fix()}") from None
    except UnicodeDecodeError:
        raise RecordProblem(file, None, f"not JSON (not UTF-8 text); {download_fix()}") from None
    except (ValueError, RecursionError):  # too deeply nested, a number too long to read
        raise RecordProblem(file, None, "not JSON that can be read (nested too deeply, or a "
                            f"number too long); {download_fix()}") from None
    return parse_record(data, file)


def _text(value: str) -> str:
    """A string as the rest of the program can write it: a lone surrogate (which JSON can
    encode but UTF-8 cannot) becomes its escape, ``\\ud800``."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


_KINDS = {dict: "an object", list: "a list", str: "text", bool: "true or false",
          int: "a number", float: "a number", type(None): "null"}


def _kind(value: object) -> str:
    return _KINDS.get(type(value), type(value).__name__)


class _Reader:
    """Typed access to the record's keys, each problem naming its key path."""

    def __init__(self, data: object, file: str) -> None:
        self.data = data
        self.file = file
        self.nct_id: str | None = None

    def problem(self, key: str | None, message: str) -> RecordProblem:
        return RecordProblem(self.file, key, message)

    def get(self, path: str, required: bool = True) -> object:
        value: object = self.data
        walked: list[str] = []
        for part in path.split("."):
            if not isinstance(value, dict):
                raise self.problem(".".join(walked), f"expected an object (got {_kind(value)}); "
                                   f"{download_fix(self.nct_id)}")
            walked.append(part)
            if part not in value:
                if not required:
                    return None
                raise self.problem(path, f"missing; {download_fix(self.nct_id)} (the whole "
                                   "record, or at least ?fields=protocolSection)")
            value = value[part]
        return value

    def text(self, path: str, required: bool = True) -> str | None:
        value = self.get(path, required)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise self.problem(path, f"expected text (got {_kind(value)}); "
                               f"{download_fix(self.nct_id)}")
        return _text(value)

    def required_text(self, path: str) -> str:
        value = self.text(path)
        assert value is not None
        return value


def _shape_problem(data: object, file: str) -> RecordProblem | None:
    """What the file is, when it is JSON but not one v2 study record."""
    if isinstance(data, dict) and "protocolSection" in data:
        return None
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        what = "a list of studies (the search endpoint /api/v2/studies?…), not one study record"
    elif isinstance(data, dict) and ({"FullStudiesResponse", "StudyFieldsResponse"} & set(data)
                                     or "FullStudy" in data):
        what = "a response of the retired classic API (v1), not a v2 study record"
    elif isinstance(data, dict):
        what = "not a ClinicalTrials.gov v2 study record (no protocolSection)"
    else:
        what = f"{_kind(data)}, not a ClinicalTrials.gov v2 study record (an object)"
    return RecordProblem(file, None, f"{what}; {download_fix()}")


def parse_age(value: str) -> Fraction | None:
    """An age as the v2 API writes it ("5 Years", "6 Months"), in years; None if it is not
    written that way."""
    match = _AGE.match(value)
    if match is None:
        return None
    return int(match.group(1)) * _AGE_UNITS[match.group(2).lower()]


def parse_record(data: object, file: str) -> RegistryRecord:
    """The compared fields of a parsed v2 study record, or :class:`RecordProblem`."""
    problem = _shape_problem(data, file)
    if problem is not None:
        raise problem
    reader = _Reader(data, file)
    nct_id = reader.required_text("protocolSection.identificationModule.nctId")
    if not REGISTRY_ID.match(nct_id):
        raise reader.problem("protocolSection.identificationModule.nctId",
                             f"{nct_id!r} is not a ClinicalTrials.gov id (NCT and 8 digits); "
                             f"{download_fix()}")
    reader.nct_id = nct_id
    status = reader.required_text("protocolSection.statusModule.overallStatus")
    updated = reader.required_text("protocolSection.statusModule.lastUpdatePostDateStruct.date")
    last_update = _date(updated)
    if last_update is None:
        raise reader.problem("protocolSection.statusModule.lastUpdatePostDateStruct.date",
                             f"expected a date as YYYY-MM-DD, got {updated!r}; "
                             f"{download_fix(nct_id)}")
    criteria = reader.required_text("protocolSection.eligibilityModule.eligibilityCriteria")
    if len(criteria) > ELIGIBILITY_LIMIT_CHARS:
        raise reader.problem("protocolSection.eligibilityModule.eligibilityCriteria",
                             f"longer than {ELIGIBILITY_LIMIT_CHARS:,} characters, which no "
                             f"registry record is; {download_fix(nct_id)}")
    ages = [_age(reader, f"protocolSection.eligibilityModule.{key}")
            for key in ("minimumAge", "maximumAge")]
    sex = reader.required_text("protocolSection.eligibilityModule.sex")
    if sex not in SEXES:
        raise reader.problem("protocolSection.eligibilityModule.sex",
                             f"expected ALL, FEMALE or MALE, got {sex!r}; {download_fix(nct_id)}")
    conditions = reader.get("protocolSection.conditionsModule.conditions")
    if not isinstance(conditions, list) or not all(isinstance(c, str) for c in conditions):
        raise reader.problem("protocolSection.conditionsModule.conditions",
                             f"expected a list of text (got {_kind(conditions)}"
                             f"{' with other values' if isinstance(conditions, list) else ''});"
                             f" {download_fix(nct_id)}")
    return RegistryRecord(file=file, nct_id=nct_id, overall_status=status,
                          last_update=last_update, eligibility_criteria=criteria,
                          minimum_age=ages[0], maximum_age=ages[1], sex=sex,
                          conditions=tuple(_text(c) for c in conditions))


def _age(reader: _Reader, path: str) -> Age | None:
    value = reader.text(path, required=False)
    if value is None or value.strip().upper() in ("", "N/A"):  # absent: no limit
        return None
    years = parse_age(value)
    if years is None:
        raise reader.problem(path, f"expected an age such as \"5 Years\", got {value!r}; "
                             f"{download_fix(reader.nct_id)}")
    return Age(value.strip(), years)


def _date(value: str) -> date | None:
    if not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
