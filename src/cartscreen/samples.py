"""The sample patients shipped with the package: hand-checked files to learn the format from
and to try the commands on (`cartscreen samples`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


def samples_dir() -> Path:
    """The sample patients shipped with the package, or the repository's sample_patients/ in
    a source checkout."""
    packaged = Path(str(resources.files("cartscreen"))) / "_sample_patients"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "sample_patients"


@dataclass(frozen=True)
class Sample:
    path: Path
    disease: str
    about: str  # the file's opening comment, one line
    expected: dict[str, str]  # trial id -> the verdict the file was hand-checked to get


def samples() -> list[Sample]:
    """Every sample patient, by file name."""
    found = []
    for path in sorted(samples_dir().glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
        found.append(Sample(path, data.get("diagnosis", {}).get("disease", ""),
                            _opening_comment(text), dict(data.get("expected_verdicts", {}))))
    return found


def _opening_comment(text: str) -> str:
    """The first sentence of the file's opening comment."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    about = " ".join(lines)
    end = about.find(". ")
    return about if end < 0 else about[:end + 1]
