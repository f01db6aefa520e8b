from __future__ import annotations

from pathlib import Path

import pytest

from cartscreen.trial import LoadedTrial, bundled_trials_dir, load_trials

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_patients"


@pytest.fixture(scope="session")
def bundled_trials() -> dict[str, LoadedTrial]:
    return load_trials([bundled_trials_dir()]).trials
