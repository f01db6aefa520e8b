"""The installed tool carries its trials, so it finds them from any working directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_bundles_every_trial_file_and_sample_patient(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("cartscreen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    trial_files = sorted(p.name for p in (ROOT / "trials").glob("*.toml"))
    assert trial_files, "no trial files in the repository"
    for name in trial_files:
        assert f"cartscreen/_bundled_trials/{name}" in names
    assert "cartscreen/py.typed" in names
    samples = sorted(p.name for p in (ROOT / "sample_patients").glob("*.toml"))
    assert samples, "no sample patients in the repository"
    for name in samples:
        assert f"cartscreen/_sample_patients/{name}" in names
