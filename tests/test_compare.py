"""cartscreen compare: each topic's rows come from the trial files' criteria (checked here
against the files read directly, not against a copy of the table)."""

from __future__ import annotations

import json
import tomllib
from typing import Any

import pytest

from cartscreen.compare import TOPIC_IDS, TOPICS
from cartscreen.trial import load_trials, trial_dirs
from tests_support import ROOT, SAMPLES, run

TRIAL_DATA = {p.stem: tomllib.loads(p.read_text(encoding="utf-8"))
              for p in sorted((ROOT / "trials").glob("*.toml"))}

# Each infection, as the trial files name it: (check, parameters it must have).
INFECTIONS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "hbv": [("viral_marker", {"marker": "hbv"}), ("active_viral_hepatitis", {})],
    "hcv": [("viral_marker", {"marker": "hcv"}), ("active_viral_hepatitis", {})],
    "hiv": [("viral_marker", {"marker": "hiv"})],
    "syphilis": [("viral_marker", {"marker": "syphilis"})],
    "cmv": [("viral_marker", {"marker": "cmv_dna"})],
    "tuberculosis": [("tuberculosis", {}), ("active_infection", {})],
    "infections": [("active_infection", {})],
}


def _compare(*args: str) -> dict[str, Any]:
    result = run("compare", *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _rules() -> dict[tuple[str, str], str]:
    rules = {}
    for trial_id in TRIAL_DATA:
        explained = json.loads(run("explain", trial_id, "--format", "json").stdout)
        rules.update({(trial_id, c["id"]): c["rule"] for c in explained["criteria"]})
    return rules


def test_every_criterion_of_every_trial_is_in_a_topic() -> None:
    for loaded in load_trials(trial_dirs([])).trials.values():
        for bound in loaded.criteria:
            assert any(topic.takes(bound) for topic in TOPICS), (
                loaded.trial.id, bound.criterion.id, bound.check.name)


@pytest.mark.parametrize("topic", sorted(INFECTIONS))
def test_each_infection_topic_shows_exactly_the_criteria_of_the_trial_files(topic: str) -> None:
    rules = _rules()
    (shown,) = _compare(topic)["topics"]
    assert shown["topic"] == topic
    rows = {row["trial"]: row["criteria"] for row in shown["trials"]}
    assert set(rows) == set(TRIAL_DATA)
    for trial_id, raw in TRIAL_DATA.items():
        expected = [c["id"] for c in raw["criteria"]
                    if any(c["check"] == check and all(c.get("params", {}).get(k) == v
                                                       for k, v in want.items())
                           for check, want in INFECTIONS[topic])]
        assert [c["id"] for c in rows[trial_id]] == expected, (topic, trial_id)
        for criterion in rows[trial_id]:
            raw_criterion = next(c for c in raw["criteria"] if c["id"] == criterion["id"])
            assert criterion["text"] == raw_criterion["text"]
            assert criterion["kind"] == raw_criterion["kind"]
            assert criterion["rule"] == rules[(trial_id, criterion["id"])]


def test_a_trial_without_a_criterion_on_a_topic_says_so() -> None:
    without_cmv = [t for t, raw in TRIAL_DATA.items()
                   if not any(c.get("params", {}).get("marker") == "cmv_dna"
                              for c in raw["criteria"])]
    assert without_cmv  # the bundled trials differ here
    result = run("compare", "cmv", "--width", "120")
    for trial_id in without_cmv:
        row = next(line for line in result.stdout.splitlines() if trial_id in line)
        assert "no criterion on this" in row


def test_latent_tuberculosis_and_study_windows_differ_as_the_files_say() -> None:
    shown = {t["topic"]: t for t in _compare("tuberculosis", "studies")["topics"]}
    for trial_id, raw in TRIAL_DATA.items():
        tb = [c for c in raw["criteria"] if c["check"] == "tuberculosis"]
        rules = " ".join(c["rule"] for row in shown["tuberculosis"]["trials"]
                         if row["trial"] == trial_id for c in row["criteria"])
        if tb and tb[0]["params"]["exclude_latent"]:
            assert "latent" in rules
        studies = [c for c in raw["criteria"] if c["check"] == "other_study"]
        study_rules = " ".join(c["rule"] for row in shown["studies"]["trials"]
                               if row["trial"] == trial_id for c in row["criteria"])
        for study in studies:
            months = study["params"]["within_months"]
            assert f"within {months} month" in study_rules


def test_with_a_patient_each_criterion_shows_the_outcome_check_gives() -> None:
    patient = SAMPLES / "sle-observational-study-2-months-ago.toml"
    compared = _compare("studies", "live_vaccines", "--patient", str(patient))
    checked = json.loads(run("check", patient, "--format", "json").stdout)
    outcomes = {(t["trial_id"], c["id"]): c["outcome"]
                for p in checked["patients"] for t in p["trials"] for c in t["criteria"]}
    seen = 0
    for topic in compared["topics"]:
        for row in topic["trials"]:
            for criterion in row["criteria"]:
                assert criterion["outcome"] == outcomes[(row["trial"], criterion["id"])]
                seen += 1
    assert seen >= 8
    assert compared["patient"]["patient_id"] == "CS-SLE-007"


def test_topics_trials_and_bad_input() -> None:
    listed = run("compare", "--topics")
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(TOPIC_IDS)
    one = _compare("ages", "--trial", "NCT06222853")
    assert [row["trial"] for row in one["topics"][0]["trials"]] == ["NCT06222853"]
    unknown = run("compare", "vaccines")
    assert unknown.returncode == 2 and "unknown topic 'vaccines'" in unknown.stderr
    missing = run("compare", "ages", "--patient", "no-such-file.toml")
    assert missing.returncode == 3
