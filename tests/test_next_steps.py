"""Next steps: what is missing or out of date across a patient's open trials, merged into
actions in clinical words, ranked, each backed by the criteria it decides; and the review
agenda per trial."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

from cartscreen.actions import TOPICS, next_steps, topic_for
from cartscreen.checks.base import Outcome
from cartscreen.engine import screen_patient
from cartscreen.patient import Patient, load_patient
from cartscreen.result import PatientResult
from cartscreen.trial import load_trials, trial_dirs
from patient_generator import leaves, without
from tests_support import SAMPLES, run, write

TRIALS = list(load_trials(trial_dirs()).trials.values())
TODAY = date(2026, 11, 2)
BARE = """id = "BARE-1"
sex = "female"
birth_date = 2014-03-01
screening_date = 2026-11-02
[diagnosis]
disease = "sle"
"""


def _screen(path: Path) -> PatientResult:
    return screen_patient(load_patient(path), str(path), TRIALS, as_of=None, today=TODAY)


def _screen_data(data: dict[str, object]) -> PatientResult:
    return screen_patient(Patient.model_validate(data), "generated.toml", TRIALS, as_of=None,
                          today=TODAY)


def _needs(result: PatientResult) -> dict[tuple[str, str], set[str]]:
    """(trial, criterion) -> the keys each unknown criterion of an open trial lacks."""
    return {(trial.trial_id, c.id): set(c.missing) | {s.key for s in c.finding.stale}
            for trial in result.trials if trial.verdict != "ineligible"
            for c in trial.with_outcome(Outcome.UNKNOWN)}


def _assert_backed_and_complete(result: PatientResult) -> None:
    steps = next_steps(result)
    needs = _needs(result)
    covered: dict[tuple[str, str], set[str]] = {slot: set() for slot in needs}
    for action in steps.actions:
        assert action.decides, action.text
        for trial, ids in action.decides.items():
            for criterion in ids:
                # every criterion an action names is unknown in an open trial and lacks one
                # of the action's keys
                assert (trial, criterion) in needs, (action.text, trial, criterion)
                assert needs[trial, criterion] & set(action.keys), (action.text, criterion)
                covered[trial, criterion] |= needs[trial, criterion] & set(action.keys)
    # and every key an open trial lacks is in some action
    assert covered == needs
    ranks = [(-a.trials, -a.criteria) for a in steps.actions]
    assert ranks == sorted(ranks)


def test_a_bare_file_gets_a_short_ranked_list_backed_by_its_criteria(tmp_path: Path) -> None:
    result = _screen(write(tmp_path / "bare.toml", BARE))
    raw_keys = sum(len(c.missing) for t in result.trials for c in t.criteria)
    assert raw_keys > 100  # what the table listed before: every key, trial by trial
    steps = next_steps(result)
    assert 10 <= len(steps.actions) <= 30
    _assert_backed_and_complete(result)
    texts = [a.text for a in steps.actions]
    assert "order hepatitis B tests: HBsAg and HBcAb (or HBV DNA)" in texts
    assert not any(text.startswith("record ") and "." in text.split()[1] for text in texts)


def test_alternatives_are_one_action(tmp_path: Path) -> None:
    steps = next_steps(_screen(write(tmp_path / "bare.toml", BARE)))
    by_text = {a.text: a for a in steps.actions}
    sledai = by_text["assess the SLEDAI-2K (the total, or its items under "
                     "activity.components.sledai_2k)"]
    assert sledai.keys == ["activity.sledai_2k", "activity.components.sledai_2k"]
    renal = by_text["order a serum creatinine (or record the eGFR)"]
    assert set(renal.keys) == {"organ_function.egfr_ml_min_1_73m2", "organ_function.creatinine"}


def test_ineligible_trials_ask_for_nothing(tmp_path: Path) -> None:
    result = _screen(write(tmp_path / "bare.toml", BARE))
    closed = {t.trial_id for t in result.trials if t.verdict == "ineligible"}
    assert closed  # an SLE patient is ineligible for the JDM and SSc trials
    steps = next_steps(result)
    assert not any(set(a.decides) & closed for a in steps.actions)
    assert not set(steps.review) & closed


def test_a_stale_result_is_repeated_with_its_date_and_window(tmp_path: Path) -> None:
    text = (SAMPLES / "sle-refractory-eligible.toml").read_text()
    assert "tested_on = 2026-10-28" in text
    stale = write(tmp_path / "stale.toml", text.replace("tested_on = 2026-10-28",
                                                        "tested_on = 2026-10-04"))
    steps = next_steps(_screen(stale))
    texts = [a.text for a in steps.actions]
    assert "repeat hepatitis B tests (last 2026-10-04, older than 28 days)" in texts
    assert "repeat the tuberculosis test (last 2026-10-04, older than 28 days)" in texts
    # on the window's first day: nothing to repeat
    fresh = write(tmp_path / "fresh.toml", text.replace("tested_on = 2026-10-28",
                                                        "tested_on = 2026-10-05"))
    assert not any(a.text.startswith("repeat") for a in next_steps(_screen(fresh)).actions)


def test_an_entry_is_named_by_what_it_is() -> None:
    data = tomllib.loads((SAMPLES / "sle-refractory-eligible.toml").read_text())
    courses = data["treatments"]
    index = next(i for i, c in enumerate(courses) if c["drug"] == "prednisone")
    del courses[index]["route"]
    del data["events"]["infections"][0]["resolved"]
    texts = [a.text for a in next_steps(_screen_data(data)).actions]
    assert f"record the route of the prednisone course (treatments[{index}])" in texts
    # a field the checks did not read names the entry by its place
    assert any(t.startswith("record the course of the infection events.infections[0]")
               for t in texts), texts


def test_the_review_agenda_lists_each_open_trials_review_criteria() -> None:
    result = _screen(SAMPLES / "sle-refractory-eligible.toml")
    steps = next_steps(result)
    for trial in result.trials:
        expected = [c.id for c in trial.with_outcome(Outcome.REVIEW)]
        if trial.verdict == "ineligible" or not expected:
            assert trial.trial_id not in steps.review
        else:
            assert [item.id for item in steps.review[trial.trial_id]] == expected
            assert all(len(item.text) <= 92 for item in steps.review[trial.trial_id])


def _variants() -> list[tuple[str, dict[str, object]]]:
    found = []
    for path in sorted(SAMPLES.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        found.append((path.name, data))
        found.extend((f"{path.name} without {'.'.join(map(str, leaf))}", without(data, leaf))
                     for leaf in leaves(data)[::3])
    return found


def test_every_missing_key_has_a_clinical_action_and_every_action_is_backed() -> None:
    """Over the samples and the samples with leaves deleted: no key falls through to a bare
    "record KEY", and the properties above hold for every patient."""
    screened = 0
    for name, data in _variants():
        try:
            result = _screen_data(data)
        except ValueError:  # a deletion the model refuses (a required key)
            continue
        screened += 1
        for keys in _needs(result).values():
            for key in keys:
                assert topic_for(key) is not None, (name, key)
        _assert_backed_and_complete(result)
    assert screened > 500


def test_topics_have_distinct_ids() -> None:
    ids = [t.id for t in TOPICS]
    assert len(ids) == len(set(ids))


# --- through the command line ------------------------------------------------------------


def test_next_lists_every_action_and_the_review_agenda(tmp_path: Path) -> None:
    result = run("next", write(tmp_path / "bare.toml", BARE), "--width", "120")
    assert result.returncode == 0, result.stderr
    numbered = re.findall(r"^\s*(\d+)\. ", result.stdout, re.M)
    assert numbered == [str(n) for n in range(1, len(numbered) + 1)] and len(numbered) >= 10
    assert "For the investigator (review)" in result.stdout
    assert "and " not in result.stdout.split("For the investigator")[0].splitlines()[-2]


def test_next_as_json_and_check_json_carry_the_same_steps(tmp_path: Path) -> None:
    path = write(tmp_path / "bare.toml", BARE)
    alone = json.loads(run("next", path, "--format", "json").stdout)
    checked = json.loads(run("check", path, "--format", "json").stdout)["patients"][0]
    assert alone["next_steps"] == checked["next_steps"]
    # check's JSON names each review item by id (its wording is in the document's trials)
    assert {trial: [item["id"] for item in items] for trial, items in alone["review"].items()
            } == checked["review"]
    assert alone["next_steps"][0]["decides"]


def test_the_table_shows_the_first_ten_steps(tmp_path: Path) -> None:
    result = run("check", write(tmp_path / "bare.toml", BARE), "--width", "120")
    assert "Next steps (for the trials still open)" in result.stdout
    assert re.search(r"and \d+ more: cartscreen next FILE lists them all", result.stdout)


def test_next_reports_a_bad_file_in_one_line(tmp_path: Path) -> None:
    result = run("next", write(tmp_path / "bad.toml", 'id = "X"\nsexx = "female"\n'))
    assert result.returncode == 3 and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("sample", ["jdm-live-vaccine-3-weeks.toml"])
def test_a_patient_with_every_trial_decided_has_nothing_to_do(sample: str) -> None:
    result = run("next", SAMPLES / sample)
    assert "Nothing to do: every trial is decided" in result.stdout
