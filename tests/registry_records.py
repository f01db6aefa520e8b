"""ClinicalTrials.gov API v2 study records built in the suite, for `cartscreen trials diff`.

A record has the shape of ``https://clinicaltrials.gov/api/v2/studies/NCT…``: the compared
fields under ``protocolSection`` (identificationModule.nctId, statusModule.overallStatus and
lastUpdatePostDateStruct, eligibilityModule.eligibilityCriteria/minimumAge/maximumAge/sex,
conditionsModule.conditions), beside a few of the fields a real record also has, which the
comparison must ignore. ``v2_markdown`` writes a kept registry text the way the v2 API writes
eligibility criteria (markdown lists, ``\\<`` and ``\\>`` escaped).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from cartscreen.trial import LoadedTrial, bundled_trials_dir, load_trials

KEPT_TEXT = bundled_trials_dir() / "registry-text"
# The record version each bundled trial file names, as a v2 lastUpdatePostDateStruct date
# that agrees with it: the day of an "updated" version; a day on or before the day a copy
# was seen; any day for an undated copy.
ENCODED_DATES = {"NCT06222853": "2024-01-25", "NCT06569472": "2025-06-30",
                 "NCT06792344": "2025-01-30", "NCT06934447": "2025-11-14",
                 "NCT07184450": "2025-10-01"}


@cache
def bundled() -> dict[str, LoadedTrial]:
    return load_trials([bundled_trials_dir()]).trials


def kept_text(trial_id: str) -> str:
    return (KEPT_TEXT / f"{trial_id}.txt").read_text(encoding="utf-8")


def v2_record(nct_id: str, eligibility: str, *, minimum_age: str | None = "5 Years",
              maximum_age: str | None = None, sex: str = "ALL", status: str = "RECRUITING",
              updated: str = "2024-01-25", conditions: list[str] | None = None
              ) -> dict[str, Any]:
    """A v2 study record (ages absent when None: no limit)."""
    module: dict[str, Any] = {"eligibilityCriteria": eligibility, "healthyVolunteers": False,
                              "sex": sex, "stdAges": ["CHILD"]}
    if minimum_age is not None:
        module["minimumAge"] = minimum_age
    if maximum_age is not None:
        module["maximumAge"] = maximum_age
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": "A study"},
            "statusModule": {"statusVerifiedDate": updated[:7], "overallStatus": status,
                             "lastUpdateSubmitDate": updated,
                             "lastUpdatePostDateStruct": {"date": updated, "type": "ACTUAL"}},
            "conditionsModule": {"conditions": conditions or ["Lupus"]},
            "eligibilityModule": module,
        },
        "derivedSection": {"miscInfoModule": {"versionHolder": "2026-02-06"}},
        "hasResults": False,
    }


def _code(status: str) -> str:
    return re.sub(r"[^A-Za-z]+", "_", status).strip("_").upper()


def record_of(trial_id: str, eligibility: str | None = None, **changes: Any) -> dict[str, Any]:
    """The record a bundled trial file encodes: its kept text and its metadata, as the v2 API
    writes them (a maximum age "under 17" is the record's "16 Years"), then ``changes``."""
    meta = bundled()[trial_id].trial
    high = meta.max_age_years
    fields: dict[str, Any] = {
        "minimum_age": f"{meta.min_age_years} Years" if meta.min_age_years is not None else None,
        "maximum_age": None if high is None else
        f"{high if meta.max_age_inclusive else high - 1} Years",
        "sex": meta.sex.upper(), "status": _code(meta.status),
        "updated": ENCODED_DATES[trial_id], "conditions": list(meta.conditions),
    }
    fields.update(changes)
    return v2_record(trial_id, kept_text(trial_id) if eligibility is None else eligibility,
                     **fields)


def v2_markdown(text: str) -> str:
    """A kept registry text as the v2 API writes eligibility criteria: headings on lines of
    their own, one list item a line ("* …", "1. …"), no HTML, ``<`` and ``>`` escaped."""
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = text.replace("<", "\\<").replace(">", "\\>")
    text = re.sub(r"^[-\s]*•?\s*(?=(?:Inclusion|Exclusion) Criteria:)", "", text, flags=re.M)
    text = re.sub(r"\s*((?:Inclusion|Exclusion) Criteria:)\s*", r"\n\n\1\n\n", text)
    text = re.sub(r"(?<=[;.])\s+(\d{1,2}\. )", r"\n\1", text)  # one numbered item a line
    text = re.sub(r"^[-\s]*•\s*(?=\d{1,2}\. )", "", text, flags=re.M)  # "• 1." is "1."
    text = re.sub(r"^[-\s]*•\s*", "* ", text, flags=re.M)  # bullets as markdown's
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def write_record(path: Path, record: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
