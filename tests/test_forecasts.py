"""Dates that change a verdict: each criterion's forecast change is exact (the day before it
nothing changes, on it the forecast outcome holds), nothing changes before the earliest
forecast, and each trial's forecast agrees with its criteria; over the sample patients and
generated ones. Through the command line, the live-vaccine sample opens on the day its washout
ends, and --screen-on screens a file as of another date."""

from __future__ import annotations

import json
import random
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest

from cartscreen.checks.base import Finding, Outcome
from cartscreen.engine import evaluate_criterion, screen_patient
from cartscreen.patient import Patient
from cartscreen.patient.plausibility import facts_against_screening_date, implausible_facts
from cartscreen.timeline import next_change
from cartscreen.trial import BoundCriterion, load_trials, trial_dirs
from patient_generator import generate
from tests_support import SAMPLES, joined_patients, run

TRIALS = list(load_trials(trial_dirs()).trials.values())
TODAY = date(2026, 11, 2)
SAMPLE_DATA = {path.name: tomllib.loads(path.read_text(encoding="utf-8"))
               for path in sorted(SAMPLES.glob("*.toml"))}


def _screening(patient: Patient) -> date:
    return patient.screening_date or TODAY


def _patients() -> list[tuple[str, Patient]]:
    found = [(name, Patient.model_validate(data)) for name, data in SAMPLE_DATA.items()]
    bases = [(name, data, 1) for name, data in SAMPLE_DATA.items()]
    for made in generate(bases, 60, seed=11, accept=lambda data: _loads(data) is not None):
        patient = _loads(made.data)
        assert patient is not None
        found.append((made.name, patient))
    return found


def _loads(data: dict[str, object]) -> Patient | None:
    """The patient, when the loader's rules (the model and the plausibility rules, at the
    file's screening date) accept it."""
    try:
        patient = Patient.model_validate(data)
    except ValueError:
        return None
    screening = _screening(patient)
    if list(implausible_facts(patient)) or list(facts_against_screening_date(patient,
                                                                              screening)):
        return None
    return patient


PATIENTS = _patients()


def _criteria() -> list[BoundCriterion]:
    unique: dict[object, BoundCriterion] = {}
    for trial in TRIALS:
        for item in trial.criteria:
            unique.setdefault(item.finding_key, item)
    return list(unique.values())


CRITERIA = _criteria()


def _outcomes(patient: Patient, on: date) -> dict[int, Finding]:
    return {index: evaluate_criterion(item, patient, on) for index, item in enumerate(CRITERIA)}


@pytest.mark.parametrize(("name", "patient"), PATIENTS, ids=[n for n, _ in PATIENTS])
def test_every_forecast_is_exact_and_nothing_changes_before_the_earliest(
        name: str, patient: Patient) -> None:
    screening = _screening(patient)
    now = _outcomes(patient, screening)
    changes = {index: next_change(CRITERIA[index], patient, screening, finding)
               for index, finding in now.items()}
    for index, change in changes.items():
        if change is None:
            continue
        item = CRITERIA[index]
        before = evaluate_criterion(item, patient, change.on - timedelta(days=1))
        then = evaluate_criterion(item, patient, change.on)
        assert before.outcome == now[index].outcome, (item.criterion.id, change)
        assert (then.outcome, then.evidence) == (change.outcome, change.evidence)
    forecast = [c.on for c in changes.values() if c is not None]
    if not forecast:
        return
    earliest = min(forecast)
    # exactly the criteria forecast for the earliest date change on it, none the day before
    day_before = _outcomes(patient, earliest - timedelta(days=1))
    assert {i for i, f in day_before.items() if f.outcome != now[i].outcome} == set()
    on_the_day = _outcomes(patient, earliest)
    changed = {i for i, f in on_the_day.items() if f.outcome != now[i].outcome}
    assert changed == {i for i, c in changes.items() if c is not None and c.on == earliest}
    # and a few days in between change nothing either
    rng = random.Random(name)
    span = (earliest - screening).days
    for _ in range(3 if span > 2 else 0):
        day = screening + timedelta(days=rng.randrange(1, span))
        assert all(evaluate_criterion(CRITERIA[i], patient, day).outcome == f.outcome
                   for i, f in now.items()), day


@pytest.mark.parametrize(("name", "patient"), PATIENTS[:40], ids=[n for n, _ in PATIENTS[:40]])
def test_each_trials_forecast_holds_on_its_date_and_not_the_day_before(
        name: str, patient: Patient) -> None:
    result = screen_patient(patient, name, TRIALS, as_of=None, today=TODAY, forecast=True)
    for trial, trial_result in zip(TRIALS, result.trials, strict=True):
        forecast = trial_result.forecast
        if forecast is None:
            continue
        then = {item.criterion.id: evaluate_criterion(item, patient, forecast.on)
                for item in trial.criteria}
        before = {item.criterion.id: evaluate_criterion(item, patient,
                                                        forecast.on - timedelta(days=1))
                  for item in trial.criteria}
        now = {c.id: c.outcome for c in trial_result.criteria}
        for criterion, outcome, evidence in forecast.because:
            assert (then[criterion].outcome, then[criterion].evidence) == (outcome, evidence)
        if forecast.kind == "opens":
            blocking = [c for c, o in now.items() if o is Outcome.NOT_MET]
            assert {c for c, _, _ in forecast.because} == set(blocking)
            assert all(then[c].outcome is not Outcome.NOT_MET for c in blocking)
            assert any(before[c].outcome is Outcome.NOT_MET for c in blocking)
        else:
            relied = [c for c, o in now.items() if o in (Outcome.MET, Outcome.NOT_APPLICABLE)]
            assert all(before[c].outcome == now[c] for c in relied)
            assert {c for c in relied if then[c].outcome != now[c]} == {
                c for c, _, _ in forecast.because}


def test_the_forecasts_cover_washouts_ages_durations_and_stale_results() -> None:
    kinds = set()
    for _, patient in PATIENTS:
        result = screen_patient(patient, "p", TRIALS, as_of=None, today=TODAY, forecast=True)
        for trial in result.trials:
            if trial.forecast is not None:
                kinds.add((trial.forecast.kind, trial.forecast.because[0][1]))
    assert ("opens", Outcome.MET) in kinds and ("until", Outcome.UNKNOWN) in kinds


# --- through the command line ------------------------------------------------------------

LIVE_VACCINE = SAMPLES / "jdm-live-vaccine-3-weeks.toml"


def test_the_live_vaccine_washout_date_is_in_the_table_next_and_json() -> None:
    table = run("check", LIVE_VACCINE, "--width", "120").stdout
    assert "eligible from" in table and "2026-11-10" in table
    shown = run("next", LIVE_VACCINE, "--width", "120").stdout
    assert ("NCT07184450 ineligible now; eligible from 2026-11-10 (E9: no live vaccine in the 4 "
            "weeks before screening)") in shown
    document = json.loads(run("check", LIVE_VACCINE, "--format", "json").stdout)
    forecast = next(t["forecast"] for t in document["patients"][0]["trials"]
                    if t["trial_id"] == "NCT07184450")
    assert forecast["kind"] == "opens" and forecast["on"] == "2026-11-10"
    assert [b["id"] for b in forecast["because"]] == ["E9"]


@pytest.mark.parametrize(("day", "verdict"), [("2026-11-09", "ineligible"),
                                              ("2026-11-10", "eligible")])
def test_screening_on_the_forecast_date_changes_exactly_that_criterion(day: str,
                                                                      verdict: str) -> None:
    base = json.loads(run("check", LIVE_VACCINE, "--format", "json").stdout)
    moved = json.loads(run("check", LIVE_VACCINE, "--format", "json", "--screen-on", day).stdout)
    patient = moved["patients"][0]
    assert (patient["screening_date"], patient["screening_date_source"]) == (day, "--screen-on")
    old = {c["id"]: c["outcome"] for t in base["patients"][0]["trials"]
           if t["trial_id"] == "NCT07184450" for c in t["criteria"]}
    new = {c["id"]: c["outcome"] for t in patient["trials"]
           if t["trial_id"] == "NCT07184450" for c in t["criteria"]}
    assert {c for c in old if old[c] != new[c]} == ({"E9"} if verdict == "eligible" else set())
    assert next(t["verdict"] for t in patient["trials"]
                if t["trial_id"] == "NCT07184450") == verdict


def test_screen_on_makes_a_stated_age_unknown(tmp_path: Path) -> None:
    text = (SAMPLES / "sle-refractory-eligible.toml").read_text()
    assert "birth_date = 2013-04-18" in text
    path = tmp_path / "stated.toml"
    path.write_text(text.replace("birth_date = 2013-04-18", "age_years = 13"))
    same = joined_patients(json.loads(run("check", path, "--format", "json").stdout))[0]
    later = joined_patients(json.loads(run("check", path, "--format", "json",
                                           "--screen-on", "2027-06-01").stdout))[0]
    age = [c for t in same["trials"] for c in t["criteria"] if c["check"] == "age"]
    assert all(c["outcome"] == "met" for c in age)
    age_later = [c for t in later["trials"] for c in t["criteria"] if c["check"] == "age"]
    assert all(c["outcome"] == "unknown" and "birth_date" in c["missing"] for c in age_later)


# --- the cohort --------------------------------------------------------------------------


def test_the_funnel_counts_who_becomes_eligible_within_30_and_90_days() -> None:
    document = json.loads(run("funnel", SAMPLES, "--format", "json").stdout)
    expected: dict[str, list[int]] = {t.id: [0, 0] for t in TRIALS}
    for name in SAMPLE_DATA:
        patient = Patient.model_validate(SAMPLE_DATA[name])
        result = screen_patient(patient, name, TRIALS, as_of=None, today=TODAY, forecast=True)
        for trial in result.trials:
            forecast = trial.forecast
            if trial.verdict == "ineligible" and forecast is not None \
                    and forecast.verdict == "eligible":
                days = (forecast.on - result.screening_date).days
                expected[trial.trial_id][0] += days <= 30
                expected[trial.trial_id][1] += days <= 90
    counted = {t["trial_id"]: [t["eligible_within_30_days"], t["eligible_within_90_days"]]
               for t in document["trials"]}
    assert counted == expected
    assert counted["NCT07184450"][0] >= 1  # the live-vaccine washout ends in 8 days


def test_the_funnel_ranks_the_actions_that_decide_the_most_incomplete_results(
        tmp_path: Path) -> None:
    from cartscreen.actions import next_steps

    bare = 'sex = "female"\nbirth_date = 2014-03-01\nscreening_date = 2026-11-02\n' \
           '[diagnosis]\ndisease = "sle"\n'
    for index in range(3):
        (tmp_path / f"bare{index}.toml").write_text(f'id = "BARE-{index}"\n{bare}')
    for name in ("sle-serology-not-done.toml", "jdm-b-cells-not-measured.toml"):
        (tmp_path / name).write_text((SAMPLES / name).read_text())
    document = json.loads(run("funnel", tmp_path, "--format", "json").stdout)
    expected: dict[str, list[int]] = {}
    for path in sorted(tmp_path.glob("*.toml")):
        patient = Patient.model_validate(tomllib.loads(path.read_text()))
        result = screen_patient(patient, str(path), TRIALS, as_of=None, today=TODAY)
        incomplete = {t.trial_id for t in result.trials if t.verdict == "incomplete"}
        for action in next_steps(result).actions:
            results = len(incomplete & set(action.decides))
            if results:
                counts = expected.setdefault(action.general, [0, 0])
                counts[0] += 1
                counts[1] += results
    shown = {a["action"]: [a["patients"], a["results"]] for a in document["actions"]}
    assert len(shown) == 10
    assert all(expected[action] == counts for action, counts in shown.items())
    ranks = [-counts[1] for counts in shown.values()]
    assert ranks == sorted(ranks)
    assert shown["order hepatitis B tests: HBsAg and HBcAb (or HBV DNA)"] == [4, 8]


@pytest.mark.parametrize(("sample", "trial", "day", "criteria", "verdict"), [
    ("jdm-live-vaccine-3-weeks.toml", "NCT07184450", "2026-11-10", ["E9"], "eligible"),
    ("sle-observational-study-2-months-ago.toml", "NCT06222853", "2026-12-01", ["E12"],
     "incomplete"),
    ("ssc-cyclophosphamide-started-6-weeks-ago.toml", "NCT06792344", "2026-12-22", ["I5"],
     "incomplete"),
])
def test_windows_and_durations_open_on_their_dates(sample: str, trial: str, day: str,
                                                   criteria: list[str], verdict: str) -> None:
    # By the time a window closes, results of 2026-10-28 may have gone stale (28 days): the
    # verdict then is the file screened then, never eligible on stale results.
    patient = Patient.model_validate(SAMPLE_DATA[sample])
    result = screen_patient(patient, sample, TRIALS, as_of=None, today=TODAY, forecast=True)
    forecast = next(t.forecast for t in result.trials if t.trial_id == trial)
    assert forecast is not None and forecast.kind == "opens"
    assert (forecast.on.isoformat(), [c for c, _, _ in forecast.because], forecast.verdict) \
        == (day, criteria, verdict)


def test_a_minimum_age_opens_on_the_birthday() -> None:
    data = dict(SAMPLE_DATA["sle-refractory-eligible.toml"])
    data.update(birth_date=date(2021, 12, 15), weight_kg=17.0, height_cm=105.0)
    patient = _loads(data)
    assert patient is not None
    result = screen_patient(patient, "young", TRIALS, as_of=None, today=TODAY, forecast=True)
    forecast = next(t.forecast for t in result.trials if t.trial_id == "NCT06222853")
    assert forecast is not None
    assert (forecast.kind, forecast.on, [c for c, _, _ in forecast.because]) == (
        "opens", date(2026, 12, 15), ["I1"])
    assert forecast.verdict == "incomplete"  # the results of 2026-10-28 are stale by then
