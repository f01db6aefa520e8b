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
    return check.evaluate(facts, check.params.model_validate(params))


def days_before(days: int, screening: date = SCREENING) -> date:
    """The calendar date ``days`` days before the screening date."""
    return screening - timedelta(days=days)


RECENT = SCREENING - timedelta(days=3)

# The date keys of every dated screening result (see cartscreen.freshness), per table.
_DATE_KEYS = {
    "organ_function": ("echo_on", "ecg_on", "labs_on", "spo2_on", "lung_function_on",
                       "chest_imaging_on", "pulmonary_pressure_on"),
    "serology": ("tested_on",),
    "tuberculosis": ("tested_on",),
    "b_cells": ("measured_on",),
    "activity": ("assessed_on",),
    "pregnancy": ("test_date",),
}


def current(patient: dict[str, Any], on: date = RECENT) -> dict[str, Any]:
    """The fragment with every table of screening results dated ``on`` (3 days before
    screening) where it gives no date: for tests of what a check decides from the values,
    not of how old they may be."""
    dated = dict(patient)
    for table, keys in _DATE_KEYS.items():
        if table in dated:
            dated[table] = {**{key: on for key in keys}, **dated[table]}
    return dated
