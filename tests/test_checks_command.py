"""cartscreen checks [NAME] and cartscreen trials --format json: documentation for trial
authors generated from the checks and trial files themselves, compared here with the trial
files read directly."""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from cartscreen.checks.registry import CHECKS
from tests_support import ROOT, run

TRIAL_FILES = sorted((ROOT / "trials").glob("*.toml"))
TRIAL_DATA = {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in TRIAL_FILES}


def test_checks_lists_every_check() -> None:
    result = run("checks", "--width", "200")
    assert result.returncode == 0, result.stderr
    for name in CHECKS:
        assert name in result.stdout


def test_checks_json_lists_every_check_with_the_criteria_that_use_it() -> None:
    result = run("checks", "--format", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert [c["name"] for c in data["checks"]] == sorted(CHECKS)
    for check in data["checks"]:
        expected = sorted((trial_id, c["id"]) for trial_id, t in TRIAL_DATA.items()
                          for c in t["criteria"] if c["check"] == check["name"])
        assert sorted((u["trial"], u["criterion"]) for u in check["used_by"]) == expected


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_one_check_documents_its_parameter_model_and_examples(name: str) -> None:
    result = run("checks", name, "--format", "json")
    assert result.returncode == 0
    (check,) = json.loads(result.stdout)["checks"]
    fields = CHECKS[name].params.model_fields
    assert [p["name"] for p in check["parameters"]] == list(fields)
    for parameter in check["parameters"]:
        info = fields[parameter["name"]]
        assert parameter["required"] == info.is_required()
        assert parameter["kind"], parameter
        if not info.is_required():
            default = info.get_default(call_default_factory=True)
            assert parameter["default"] == (list(default) if isinstance(default, tuple | list)
                                            else default)
    assert len(check["examples"]) == len(CHECKS[name].examples)
    assert check["reads"] == list(CHECKS[name].reads)


def test_one_check_as_a_table_shows_ranges_examples_and_users() -> None:
    result = run("checks", "within_uln", "--width", "160")
    assert result.returncode == 0
    assert "a number in × ULN, above 0, at most 20" in result.stdout
    assert "AST exactly 3 × ULN" in result.stdout
    users = [f"{t} {c['id']}" for t, d in TRIAL_DATA.items() for c in d["criteria"]
             if c["check"] == "within_uln"]
    assert users
    shown = " ".join(result.stdout.split())
    for user in users:
        assert user in shown


def test_an_unknown_check_is_a_usage_error_with_a_suggestion() -> None:
    result = run("checks", "activty_score")
    assert result.returncode == 2
    assert "did you mean 'activity_score'?" in result.stderr


def test_trials_json_gives_each_file_metadata_and_criteria_counts() -> None:
    result = run("trials", "--format", "json")
    assert result.returncode == 0
    listed = {t["id"]: t for t in json.loads(result.stdout)["trials"]}
    assert set(listed) == set(TRIAL_DATA)
    for trial_id, raw in TRIAL_DATA.items():
        trial = listed[trial_id]
        for key in ("title", "sponsor", "status", "phase", "conditions", "diseases",
                    "record_version", "source"):
            assert trial[key] == raw[key], key
        assert trial["min_age_years"] == raw.get("min_age_years")
        assert trial["max_age_years"] == raw.get("max_age_years")
        kinds = Counter(c["kind"] for c in raw["criteria"])
        assert trial["criteria"] == {"inclusion": kinds["inclusion"],
                                     "exclusion": kinds["exclusion"]}
        assert Path(trial["file"]).name == f"{trial_id}.toml"
