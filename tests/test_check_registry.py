"""The check registry: every check documents itself, and its documented examples hold."""

from __future__ import annotations

from typing import Any

import pytest

from cartscreen.checks.base import Check, Facts, Outcome
from cartscreen.checks.registry import CHECKS
from cartscreen.freshness import DATED_RESULTS, DEFAULT_WINDOW_DAYS, dated_result, result_kinds
from cartscreen.patient import Patient

EXAMPLES = [
    pytest.param(check, example, id=f"{name}: {example.title}")
    for name, check in CHECKS.items()
    for example in check.examples
]


@pytest.mark.parametrize(("check", "example"), EXAMPLES)
def test_documented_example_gives_its_outcome(check: Check[Any], example: Any) -> None:
    patient = Patient.model_validate({"id": "example", **example.patient})
    params = check.params.model_validate(dict(example.params))
    # Only the windows of the results the check declares: reading an undeclared dated result
    # would fail here (KeyError), as it would when a trial is screened.
    declared = {kind: DEFAULT_WINDOW_DAYS[kind]
                for kind in result_kinds(check.results(params))}
    finding = check.evaluate(Facts(patient, example.screening_date, declared), params)
    assert finding.outcome == example.outcome, finding.evidence
    assert finding.evidence
    if finding.outcome == Outcome.UNKNOWN:
        assert finding.missing


@pytest.mark.parametrize("name", list(CHECKS))
def test_every_check_is_documented_with_a_passing_and_a_failing_example(name: str) -> None:
    check = CHECKS[name]
    assert check.summary and check.reads and check.family
    outcomes = {example.outcome for example in check.examples}
    if name == "investigator_review":
        assert Outcome.REVIEW in outcomes
    else:
        assert Outcome.MET in outcomes, "needs an example that passes"
        assert Outcome.NOT_MET in outcomes, "needs an example that fails"


def _assert_patient_key(path: str) -> None:
    """Fail unless the dotted key path leads through the patient model's fields."""
    model: Any = Patient
    for part in path.split("."):
        assert part in model.model_fields, f"{path}: no {part!r}"
        annotation = model.model_fields[part].annotation
        model = next(
            (a for a in getattr(annotation, "__args__", (annotation,))
             if isinstance(a, type) and hasattr(a, "model_fields")),
            annotation,
        )


@pytest.mark.parametrize("name", list(CHECKS))
def test_every_field_a_check_reads_exists_in_the_patient_model(name: str) -> None:
    for path in CHECKS[name].reads:
        _assert_patient_key(path)


def test_rule_descriptions_come_from_parameters() -> None:
    age = CHECKS["age"]
    params = age.params.model_validate({"min_years": 5, "max_years": 17, "max_inclusive": False})
    assert age.describe(params) == "age at the screening date, in whole years, ≥5 and <17"


@pytest.mark.parametrize("name", list(CHECKS))
def test_the_dated_results_a_check_declares_exist(name: str) -> None:
    check = CHECKS[name]
    for example in check.examples:
        params = check.params.model_validate(dict(example.params))
        for path in check.results(params):
            assert dated_result(path) is not None, path


def test_every_dated_result_names_date_keys_of_the_patient_model() -> None:
    for path, result in DATED_RESULTS.items():
        for key in (path, *result.dates):
            _assert_patient_key(key)
