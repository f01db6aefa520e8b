"""The engine: verdict precedence, disease branches, and which screening date is used."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cartscreen.checks.base import Facts, Finding, Outcome
from cartscreen.checks.registry import CHECKS
from cartscreen.engine import (
    evaluate_criterion,
    screen_patient,
    screen_trial,
    screening_date_for,
    verdict,
)
from cartscreen.patient import Patient
from cartscreen.trial import BoundCriterion, Criterion, LoadedTrial, Trial
from patient_generator import generate
from tests_support import SAMPLES

SCREENING = date(2026, 11, 2)
MET, NOT_MET, UNKNOWN, REVIEW, NA = (Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN,
                                     Outcome.REVIEW, Outcome.NOT_APPLICABLE)


# --- verdict ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("outcomes", "expected"), [
    pytest.param([MET, NOT_MET, UNKNOWN, REVIEW], "ineligible", id="not met beats unknown"),
    pytest.param([NOT_MET], "ineligible", id="one not met"),
    pytest.param([MET, UNKNOWN, REVIEW, NA], "incomplete", id="unknown beats eligible"),
    pytest.param([MET, MET], "eligible", id="all met"),
    pytest.param([MET, REVIEW, NA], "eligible", id="review and not applicable do not block"),
    pytest.param([REVIEW], "eligible", id="review alone"),
    pytest.param([NA, NA], "eligible", id="not applicable alone"),
])
def test_verdict_precedence(outcomes: list[Outcome], expected: str) -> None:
    assert verdict(outcomes) == expected


def test_verdict_reads_a_one_shot_iterable() -> None:
    assert verdict(iter([MET, UNKNOWN, NOT_MET])) == "ineligible"


# --- disease branches --------------------------------------------------------------------------


def bound(check: str, params: dict[str, Any], diseases: list[str] | None = None,
          criterion_id: str = "I9") -> BoundCriterion:
    criterion = Criterion.model_validate({
        "id": criterion_id, "kind": "inclusion", "text": "registry words", "check": check,
        "params": params, "diseases": diseases})
    return BoundCriterion(criterion, CHECKS[check], CHECKS[check].params.model_validate(params))


def patient(**facts: Any) -> Patient:
    return Patient.model_validate({"id": "p", **facts})


JDM_ONLY_CD19 = bound("cd19_expression", {}, diseases=["jdm"])


def test_jdm_branch_criterion_does_not_apply_to_a_lupus_patient() -> None:
    finding = evaluate_criterion(JDM_ONLY_CD19, patient(diagnosis={"disease": "sle"}), SCREENING)
    assert finding.outcome == Outcome.NOT_APPLICABLE
    assert "juvenile dermatomyositis" in finding.evidence


def test_jdm_branch_criterion_without_a_diagnosis_is_unknown_naming_the_disease() -> None:
    finding = evaluate_criterion(JDM_ONLY_CD19, patient(), SCREENING)
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.missing == ("diagnosis.disease",)


def test_jdm_branch_criterion_is_evaluated_for_a_jdm_patient() -> None:
    jdm = patient(diagnosis={"disease": "jdm"},
                  b_cells={"cd19_positive": False, "method": "flow_cytometry",
                           "measured_on": SCREENING})
    assert evaluate_criterion(JDM_ONLY_CD19, jdm, SCREENING).outcome == Outcome.NOT_MET


def test_criterion_for_all_diseases_is_evaluated_without_a_diagnosis() -> None:
    everyone = bound("b_cell_count", {"above_per_ul": 5})
    counted = patient(b_cells={"count_per_ul": 6, "measured_on": SCREENING})
    finding = evaluate_criterion(everyone, counted, SCREENING)
    assert finding.outcome == Outcome.MET


# --- a whole trial -------------------------------------------------------------------------------


def small_trial(*criteria: BoundCriterion) -> LoadedTrial:
    trial = Trial.model_validate({
        "id": "NCT00000001", "title": "t", "sponsor": "s", "targets": ["CD19"], "phase": "1",
        "status": "Recruiting", "conditions": ["JDM"], "diseases": ["jdm", "sle"],
        "record_version": "v", "source": "test",
        "criteria": [c.criterion.model_dump() for c in criteria]})
    return LoadedTrial(trial, Path("NCT00000001.toml"), criteria)


def test_an_out_of_branch_criterion_does_not_block_eligibility() -> None:
    trial = small_trial(bound("b_cell_count", {"above_per_ul": 5}, criterion_id="I1"),
                        bound("cd19_expression", {}, diseases=["jdm"], criterion_id="I2"))
    result = screen_trial(trial, patient(diagnosis={"disease": "sle"},
                                         b_cells={"count_per_ul": 10,
                                                  "measured_on": SCREENING}), SCREENING)
    assert [c.outcome for c in result.criteria] == [Outcome.MET, Outcome.NOT_APPLICABLE]
    assert result.verdict == "eligible"


def test_trial_result_lists_missing_fields_of_unknown_criteria() -> None:
    trial = small_trial(bound("b_cell_count", {"above_per_ul": 5}, criterion_id="I1"),
                        bound("cd19_expression", {}, diseases=["jdm"], criterion_id="I2"))
    result = screen_trial(trial, patient(), SCREENING)
    assert result.verdict == "incomplete"
    assert result.missing_fields == ["b_cells.count_per_ul", "diagnosis.disease"]


def test_not_met_criterion_makes_the_trial_ineligible_despite_unknowns() -> None:
    trial = small_trial(bound("b_cell_count", {"above_per_ul": 5}, criterion_id="I1"),
                        bound("cd19_expression", {}, criterion_id="I2"))
    result = screen_trial(trial, patient(b_cells={"count_per_ul": 5, "measured_on": SCREENING}),
                          SCREENING)
    assert result.verdict == "ineligible"
    assert [c.id for c in result.with_outcome(Outcome.NOT_MET)] == ["I1"]


# --- work shared within one patient's screening ----------------------------------------------


def counting(item: BoundCriterion, calls: list[str]) -> BoundCriterion:
    """The criterion with its check's evaluation counted."""
    check = item.check

    def evaluate(facts: Facts, params: Any) -> Finding:
        calls.append(item.criterion.id)
        return check.evaluate(facts, params)

    return BoundCriterion(item.criterion, dataclasses.replace(check, evaluate=evaluate),
                          item.params)


def as_compared(finding: Finding) -> tuple[Any, ...]:
    return (finding.outcome, finding.evidence, finding.missing, list(finding.read.items()),
            finding.warnings, finding.derivations, finding.stale)


def test_branches_with_the_same_rule_share_one_evaluation_and_read_the_disease_first() -> None:
    calls: list[str] = []
    rule = {"above_per_ul": 5}
    trial = small_trial(*(counting(bound("b_cell_count", rule, diseases=branch,
                                         criterion_id=criterion_id), calls)
                          for criterion_id, branch in (("I1", ["jdm"]), ("I2", ["jdm", "sle"]),
                                                       ("I3", None), ("I4", ["sle"]))))
    jdm = patient(diagnosis={"disease": "jdm"},
                  b_cells={"count_per_ul": 10, "measured_on": SCREENING})
    result = screen_trial(trial, jdm, SCREENING)
    assert calls == ["I1"]  # once for the three that apply; I4 is not applicable
    assert [c.outcome for c in result.criteria] == [MET, MET, MET, NA]
    alone = [evaluate_criterion(item, jdm, SCREENING) for item in trial.criteria]
    assert [as_compared(c.finding) for c in result.criteria] == [as_compared(f) for f in alone]
    assert list(result.criteria[0].finding.read) == ["diagnosis.disease", "b_cells.count_per_ul",
                                                     "b_cells.measured_on"]
    assert "diagnosis.disease" not in result.criteria[2].finding.read


@pytest.mark.parametrize("diagnosis", [{"disease": "sle"}, None], ids=["other disease", "none"])
def test_criteria_of_a_branch_that_does_not_apply_share_its_finding(
        diagnosis: dict[str, str] | None) -> None:
    calls: list[str] = []
    trial = small_trial(counting(bound("b_cell_count", {"above_per_ul": 5}, diseases=["jdm"],
                                       criterion_id="I1"), calls),
                        counting(bound("cd19_expression", {}, diseases=["jdm"],
                                       criterion_id="I2"), calls),
                        counting(bound("cd19_expression", {}, diseases=["jdm", "imnm"],
                                       criterion_id="I3"), calls))
    one = patient(**({"diagnosis": diagnosis} if diagnosis else {}))
    result = screen_trial(trial, one, SCREENING)
    assert calls == []
    first, second, other_branch = (c.finding for c in result.criteria)
    assert second is first and other_branch is not first
    alone = [evaluate_criterion(item, one, SCREENING) for item in trial.criteria]
    assert [as_compared(c.finding) for c in result.criteria] == [as_compared(f) for f in alone]
    assert first.outcome == (NA if diagnosis else UNKNOWN)


def test_every_shared_finding_is_the_finding_its_criterion_gives_alone(
        bundled_trials: dict[str, LoadedTrial]) -> None:
    """Findings shared between criteria and trials, and the values looked up once per patient,
    change nothing: each criterion's finding, evidence and facts read included, is the one it
    gives evaluated on its own, for the sample patients and generated variants of them."""
    samples = {path.name: tomllib.loads(path.read_text(encoding="utf-8"))
               for path in sorted(SAMPLES.glob("*.toml"))}
    patients = [Patient.model_validate(data) for data in samples.values()]
    for made in generate([(name, data, 1) for name, data in samples.items()], 40, seed=5,
                         accept=lambda data: _valid(data) is not None):
        patients.append(Patient.model_validate(made.data))
    shared = 0
    for one in patients:
        screening = one.screening_date or SCREENING
        result = screen_patient(one, "p.toml", bundled_trials.values(), as_of=None,
                                today=screening)
        for trial in result.trials:
            for criterion in trial.criteria:
                alone = evaluate_criterion(criterion.item, one, screening)
                assert as_compared(criterion.finding) == as_compared(alone), (
                    one.id, trial.trial_id, criterion.id)
                shared += criterion.item.rule_key != criterion.item.finding_key and (
                    criterion.outcome != NA)
    assert shared > 0  # branches whose rule another criterion shares were among them


def _valid(data: dict[str, Any]) -> Patient | None:
    try:
        return Patient.model_validate(data)
    except ValueError:
        return None


# --- screening date ------------------------------------------------------------------------------

TODAY = date(2026, 12, 24)
AS_OF = date(2026, 11, 15)


def test_screening_date_in_the_file_wins_over_as_of_and_today() -> None:
    assert screening_date_for(patient(screening_date=SCREENING), AS_OF, TODAY) == (
        SCREENING, "patient file")


def test_as_of_is_used_when_the_file_has_no_screening_date() -> None:
    assert screening_date_for(patient(), AS_OF, TODAY) == (AS_OF, "--as-of")


def test_today_is_used_without_file_date_or_as_of() -> None:
    assert screening_date_for(patient(), None, TODAY) == (TODAY, "today")


def test_screen_patient_reports_and_uses_the_chosen_date() -> None:
    # Born 2021-11-20: 4 on the file's date (2026-11-02), 5 by today (2026-12-24).
    trial = small_trial(bound("age", {"min_years": 5}, criterion_id="I1"))
    child = patient(birth_date=date(2021, 11, 20), screening_date=SCREENING)
    result = screen_patient(child, "child.toml", [trial], as_of=None, today=TODAY)
    assert (result.screening_date, result.screening_date_source) == (SCREENING, "patient file")
    assert result.trials[0].verdict == "ineligible"
    undated = patient(birth_date=date(2021, 11, 20))
    later = screen_patient(undated, "child.toml", [trial], as_of=None, today=TODAY)
    assert (later.screening_date, later.screening_date_source) == (TODAY, "today")
    assert later.trials[0].verdict == "eligible"
