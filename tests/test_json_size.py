"""`check --format json` states each trial's criteria once and, per patient, only the findings:
a batch grows by a patient's findings, not by every trial's wording again (schema_version 3).
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic_core import to_jsonable_python

from cartscreen.actions import next_steps
from cartscreen.checks.base import jsonable
from cartscreen.engine import screen_patient
from cartscreen.patient import load_patient
from cartscreen.render.report import JsonReporter, ReportOptions
from cartscreen.result import RESULT_SCHEMA_VERSION, CriterionResult, InputProblem
from cartscreen.trial import LoadedTrial
from tests_support import ELIGIBLE, ROOT, SAMPLES, TRIAL_IDS, run, write

AS_OF = "2026-12-01"
SAMPLE_FILES = sorted(SAMPLES.glob("*.toml"))

# A criterion of a patient × trial as schema_version 2 wrote it, key for key.
SCHEMA_2_CRITERION = ("id", "kind", "text", "check", "rule", "outcome", "evidence", "missing",
                      "stale", "result_windows", "read", "note", "warnings", "derivations")
# Measured on the sample patients: 55 to 73 KB each (schema_version 2: 185 to 230 KB).
MAX_BYTES_PER_PATIENT = 90_000


def _check_json(*paths: Path) -> dict[str, Any]:
    result = run("check", *paths, "--format", "json", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _copies(folder: Path, count: int) -> list[Path]:
    """``count`` patient files, the samples in turn, each with its own id."""
    paths = []
    for index in range(count):
        sample = SAMPLE_FILES[index % len(SAMPLE_FILES)]
        text = re.sub(r'^id = "', f'id = "COPY{index}-', sample.read_text(encoding="utf-8"),
                      count=1, flags=re.M)
        paths.append(write(folder / f"p{index:03}.toml", text))
    return paths


@pytest.fixture(scope="module")
def samples_document() -> dict[str, Any]:
    return _check_json(*SAMPLE_FILES)


# --- size ----------------------------------------------------------------------------------


def test_each_further_patient_adds_its_findings_not_the_trials_again(tmp_path: Path) -> None:
    paths = _copies(tmp_path, 1 + 2 * len(SAMPLE_FILES))
    one = run("check", paths[0], "--format", "json", "--as-of", AS_OF).stdout.encode()
    many = run("check", *paths, "--format", "json", "--as-of", AS_OF).stdout.encode()
    per_patient = (len(many) - len(one)) / (len(paths) - 1)
    assert per_patient < MAX_BYTES_PER_PATIENT
    # The same patients as schema_version 2 laid them out: every criterion with its trial's
    # wording, rule and windows, indented in full.
    document = json.loads(many)
    old = [json.dumps(_as_schema_2(document, patient), indent=2, ensure_ascii=False)
           .replace("\n", "\n    ") for patient in document["patients"][1:]]
    assert per_patient < sum(len(entry.encode()) for entry in old) / len(old) / 3


def _as_schema_2(document: dict[str, Any], patient: dict[str, Any]) -> dict[str, Any]:
    trials = {t["id"]: t for t in document["trials"]}

    def criterion(trial_id: str, finding: dict[str, Any]) -> dict[str, Any]:
        definition = next(c for c in trials[trial_id]["criteria"] if c["id"] == finding["id"])
        return {key: {**definition, **finding}[key] for key in SCHEMA_2_CRITERION}

    return {**patient, "trials": [
        {"trial_id": t["trial_id"], "title": trials[t["trial_id"]]["title"],
         "verdict": t["verdict"], "criteria": [criterion(t["trial_id"], c) for c in t["criteria"]],
         "forecast": t["forecast"]} for t in patient["trials"]]}


def test_criterion_wording_appears_once_per_trial_whatever_the_patients(
    tmp_path: Path, bundled_trials: dict[str, LoadedTrial]
) -> None:
    text = run("check", *_copies(tmp_path, 5), "--format", "json", "--as-of", AS_OF).stdout
    # The same wording in two trials (a catch-all exclusion) is stated once in each.
    expected = Counter(item.criterion.text for trial in bundled_trials.values()
                       for item in trial.criteria)
    for wording, times in expected.items():
        assert text.count(json.dumps(wording, ensure_ascii=False)) == times, wording


def test_a_patients_criteria_hold_only_the_findings(samples_document: dict[str, Any]) -> None:
    assert list(samples_document) == ["schema_version", "trials", "patients", "errors"]
    for patient in samples_document["patients"]:
        assert list(patient) == ["patient_id", "file", "screening_date",
                                 "screening_date_source", "trials", "next_steps", "review"]
        for trial in patient["trials"]:
            assert list(trial) == ["trial_id", "verdict", "criteria", "forecast"]
            for criterion in trial["criteria"]:
                assert list(criterion) == ["id", "outcome", "evidence", "missing", "stale",
                                           "read", "warnings", "derivations"]
        # the review agenda names criteria by id; their wording is in the trials
        for items in patient["review"].values():
            assert all(isinstance(item, str) for item in items)


# --- the join gives back what each patient × trial × criterion said before ----------------


def _schema_2_criterion(found: CriterionResult) -> dict[str, Any]:
    """What schema_version 2 wrote for a criterion, read from the result in memory."""
    return {
        "id": found.id, "kind": found.kind, "text": found.text, "check": found.check,
        "rule": found.rule, "outcome": found.outcome.value, "evidence": found.evidence,
        "missing": list(found.missing),
        "stale": [{"key": s.key, "date": s.dated.isoformat(), "window_days": s.window_days}
                  for s in found.finding.stale],
        "result_windows": dict(found.item.windows),
        "read": to_jsonable_python({key: jsonable(value) for key, value in found.read.items()}),
        "note": found.note, "warnings": list(found.warnings),
        "derivations": [view.model_dump(mode="json") for view in found.derivations],
    }


def test_joining_findings_to_the_trials_gives_every_field_schema_2_had(
    samples_document: dict[str, Any], bundled_trials: dict[str, LoadedTrial]
) -> None:
    definitions = {(trial["id"], criterion["id"]): criterion
                   for trial in samples_document["trials"] for criterion in trial["criteria"]}
    titles = {trial["id"]: trial["title"] for trial in samples_document["trials"]}
    patients = samples_document["patients"]
    assert [p["file"] for p in patients] == [str(path) for path in SAMPLE_FILES]
    compared = 0
    for path, patient in zip(SAMPLE_FILES, patients, strict=True):
        result = screen_patient(load_patient(path), str(path), bundled_trials.values(),
                                as_of=date.fromisoformat(AS_OF), today=date.today(),
                                forecast=True)
        assert patient["screening_date"] == result.screening_date.isoformat()
        for trial, expected in zip(patient["trials"], result.trials, strict=True):
            assert (trial["trial_id"], titles[trial["trial_id"]], trial["verdict"]) == (
                expected.trial_id, expected.title, expected.verdict)
            assert trial["forecast"] == (expected.forecast.as_data() if expected.forecast
                                         else None)
            for finding, found in zip(trial["criteria"], expected.criteria, strict=True):
                joined = {**definitions[trial["trial_id"], finding["id"]], **finding}
                assert set(joined) == {*SCHEMA_2_CRITERION, "params", "diseases"}
                assert {key: joined[key] for key in SCHEMA_2_CRITERION} == \
                    _schema_2_criterion(found)
                compared += 1
        steps = next_steps(result)
        assert patient["next_steps"] == [action.as_data() for action in steps.actions]
        assert patient["review"] == {trial_id: [item.id for item in items]
                                     for trial_id, items in steps.review.items()}
    assert compared == len(SAMPLE_FILES) * sum(len(t.criteria) for t in bundled_trials.values())


# --- schema_version, the trials stated, streaming ----------------------------------------


def test_check_and_explain_json_say_schema_version_3(samples_document: dict[str, Any]) -> None:
    assert RESULT_SCHEMA_VERSION == 3
    assert samples_document["schema_version"] == 3
    explained = json.loads(run("explain", TRIAL_IDS[0], "--patient", ELIGIBLE,
                               "--format", "json").stdout)
    assert explained["schema_version"] == 3
    # explain is one trial: its criteria and the patient's findings, joined by id
    assert [c["id"] for c in explained["criteria"]] == \
        [c["id"] for c in explained["patient"]["trials"][0]["criteria"]]
    assert samples_document["trials"][0]["criteria"] == explained["criteria"]


def test_trials_are_the_ones_screened() -> None:
    document = json.loads(run("check", ELIGIBLE, "--trial", TRIAL_IDS[2], "--format", "json"
                              ).stdout)
    assert [t["id"] for t in document["trials"]] == [TRIAL_IDS[2]]
    assert [t["trial_id"] for t in document["patients"][0]["trials"]] == [TRIAL_IDS[2]]


def test_no_patient_screened_still_states_the_trials_selected(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.toml", "id = \n")
    result = run("check", bad, "--format", "json")
    assert result.returncode == 3
    document = json.loads(result.stdout)
    assert [t["id"] for t in document["trials"]] == sorted(TRIAL_IDS)
    assert document["patients"] == []
    assert [e["file"] for e in document["errors"]] == [str(bad)]
    one = json.loads(run("check", bad, "--format", "json", "--trial", "NCT06792344").stdout)
    assert [t["id"] for t in one["trials"]] == ["NCT06792344"]
    assert [c["id"] for c in one["trials"][0]["criteria"]] == [
        c["id"] for c in tomllib.loads((ROOT / "trials" / "NCT06792344.toml").read_text(
            encoding="utf-8"))["criteria"]]


def test_the_document_is_written_a_patient_at_a_time(
    bundled_trials: dict[str, LoadedTrial]
) -> None:
    out = io.StringIO()
    reporter = JsonReporter(out, ReportOptions(trials=bundled_trials))
    result = screen_patient(load_patient(ELIGIBLE), str(ELIGIBLE), bundled_trials.values(),
                            as_of=None, today=date(2026, 11, 2))
    written = [len(out.getvalue())]
    for _ in range(3):
        reporter.patient(JsonReporter.prepare(result))
        written.append(len(out.getvalue()))
    reporter.error(InputProblem(file="b.toml", key="sex", message="bad; fix it"))
    reporter.finish()
    assert written[0] < written[1] < written[2] < written[3]
    # each patient is out before the next comes in: the second and third add the same bytes
    assert written[2] - written[1] == written[3] - written[2]
    document = json.loads(out.getvalue())
    assert len(document["patients"]) == 3 and len(document["errors"]) == 1
    assert [t["id"] for t in document["trials"]] == list(bundled_trials)
