"""Run one registered check on a patient-file fragment, the way the engine runs a criterion."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cartscreen.checks.base import Facts, Finding
from cartscreen.checks.registry import CHECKS
from cartscreen.patient import Patient

SCREENING = date(2026, 11, 2)


def run(
    check_name: str,
    params: dict[str, Any],
    patient: dict[str, Any],
    screening: date = SCREENING,
) -> Finding:
    """Validate the patient fragment and the check's parameters, then evaluate the check."""
    check = CHECKS[check_name]
    facts = Facts(Patient.model_validate({"id": "t", **patient}), screening)
    return check.run(facts, check.params.model_validate(params))


def days_before(days: int, screening: date = SCREENING) -> date:
    """The calendar date ``days`` days before the screening date."""
    return screening - timedelta(days=days)
