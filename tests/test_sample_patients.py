"""Each sample patient gets the verdicts it declares, for every bundled trial."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cartscreen.checks.base import Outcome
from cartscreen.engine import screen_patient
from cartscreen.patient import load_patient
from cartscreen.trial import LoadedTrial

SAMPLES = Path(__file__).resolve().parents[1] / "sample_patients"
SAMPLE_FILES = sorted(SAMPLES.glob("*.toml"))


def test_there_are_at_least_fifteen_sample_patients() -> None:
    assert len(SAMPLE_FILES) >= 15


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_sample_patient_gets_its_declared_verdicts(
    path: Path, bundled_trials: dict[str, LoadedTrial]
) -> None:
    patient = load_patient(path)
    assert patient.screening_date is not None, "samples state their screening date"
    assert set(patient.expected_verdicts) == set(bundled_trials), "declare every trial"
    result = screen_patient(patient, str(path), bundled_trials.values(), as_of=None,
                            today=date(2000, 1, 1))
    got = {t.trial_id: t.verdict for t in result.trials}
    reasons = {
        t.trial_id: [f"{c.id} {c.outcome}: {c.evidence}" for c in t.criteria
                     if c.outcome in (Outcome.NOT_MET, Outcome.UNKNOWN)]
        for t in result.trials if got[t.trial_id] != patient.expected_verdicts[t.trial_id]
    }
    assert got == patient.expected_verdicts, reasons


def test_samples_cover_each_trial_as_eligible_and_ineligible_and_incomplete(
    bundled_trials: dict[str, LoadedTrial],
) -> None:
    seen: dict[str, set[str]] = {trial_id: set() for trial_id in bundled_trials}
    for path in SAMPLE_FILES:
        for trial_id, verdict in load_patient(path).expected_verdicts.items():
            seen[trial_id].add(verdict)
    for trial_id, verdicts in seen.items():
        assert {"eligible", "ineligible"} <= verdicts, trial_id
    assert any("incomplete" in v for v in seen.values())
