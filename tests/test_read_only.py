"""Inputs are read-only: no command changes, touches or adds a file beside its inputs (issue 5,
item 6).

Each command runs through the real entry point on copies of sample patients (one of them a
bad file) and of the bundled trials, whose modification times are first set to a fixed past
instant so that any rewrite, even of the same bytes, shows. Afterwards every input has the same
bytes and ``st_mtime_ns``, and the input folders hold exactly the files they held before.
Outputs go to a separate folder, which then holds only the requested output.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from cartscreen.trial import bundled_trials_dir
from tests_support import SAMPLES, run

PAST_NS = 1_500_000_000 * 10**9  # 2017-07-14, before any file here was written
PATIENTS = ["sle-refractory-eligible.toml", "jdm-refractory-eligible.toml",
            "ssc-latent-tb.toml", "pjia-one-active-joint.toml"]
BAD_PATIENT = 'id = "BAD"\nsex = "femal"\n'


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[str, ...]
    exit_code: int
    output: str | None = None  # the file --output writes, inside the output folder
    stdin: str | None = None


COMMANDS = [
    Command("check-one-table", ("check", "{clinic}/sle-refractory-eligible.toml"), 0),
    Command("check-folder-table", ("check", "{clinic}"), 3),
    Command("check-json", ("check", "{clinic}", "--format", "json"), 3),
    Command("check-jsonl", ("check", "{clinic}", "--format", "jsonl"), 3),
    Command("check-csv", ("check", "{clinic}", "--format", "csv"), 3),
    Command("check-detail-own-trials", ("check", "{clinic}", "--detail", "--trials", "{trials}"),
            3),
    Command("check-json-output", ("check", "{clinic}", "--format", "json", "--output",
                                  "{out}/results.json"), 3, "results.json"),
    Command("check-csv-output", ("check", "{clinic}", "--format", "csv", "--output",
                                 "{out}/results.csv"), 3, "results.csv"),
    Command("check-stdin-paths", ("check", "-", "--format", "jsonl"), 0,
            stdin="{clinic}/sle-refractory-eligible.toml\n{clinic}/ssc-latent-tb.toml\n"),
    Command("check-fail-on", ("check", "{clinic}/jdm-refractory-eligible.toml", "--fail-on",
                              "incomplete"), 0),
    Command("funnel-table", ("funnel", "{clinic}"), 3),
    Command("funnel-json-output", ("funnel", "{clinic}", "--format", "json", "--output",
                                   "{out}/funnel.json"), 3, "funnel.json"),
    Command("explain-patient", ("explain", "NCT06222853", "--patient",
                                "{clinic}/sle-refractory-eligible.toml"), 0),
    Command("explain-patient-json", ("explain", "NCT06792344", "--patient",
                                     "{clinic}/ssc-latent-tb.toml", "--format", "json"), 0),
    # --output naming an input is refused before anything is screened (exit 2, usage).
    Command("check-output-over-an-input", ("check", "{clinic}", "--format", "jsonl",
                                           "--output", "{clinic}/ssc-latent-tb.toml"), 2),
    Command("check-output-over-an-input-by-another-path", (
        "check", "{clinic}/sle-refractory-eligible.toml", "--output",
        "{clinic}/../clinic/./sle-refractory-eligible.toml"), 2),
    Command("funnel-output-over-an-input", ("funnel", "{clinic}", "--output",
                                            "{clinic}/zz-bad.toml"), 2),
    Command("trials", ("trials", "--trials", "{trials}"), 0),
    Command("trials-validate", ("trials", "validate", "{trials}"), 0),
]


def _snapshot(folders: list[Path]) -> dict[Path, tuple[bytes, int]]:
    """Every file under the folders (and the folders' own entries) with bytes and mtime."""
    return {path: (path.read_bytes() if path.is_file() else b"", path.stat().st_mtime_ns)
            for folder in folders for path in sorted([folder, *folder.rglob("*")])}


def _inputs(tmp_path: Path) -> dict[str, Path]:
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    for name in PATIENTS:
        shutil.copyfile(SAMPLES / name, clinic / name)
    (clinic / "zz-bad.toml").write_text(BAD_PATIENT, encoding="utf-8")
    trials = tmp_path / "own-trials"
    shutil.copytree(bundled_trials_dir(), trials, ignore=shutil.ignore_patterns("registry-text"))
    out = tmp_path / "out"
    out.mkdir()
    for path in [*clinic.rglob("*"), *trials.rglob("*"), clinic, trials]:
        os.utime(path, ns=(PAST_NS, PAST_NS))
    return {"clinic": clinic, "trials": trials, "out": out}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_command_leaves_its_inputs_byte_for_byte_and_adds_nothing_beside_them(
    command: Command, tmp_path: Path
) -> None:
    folders = _inputs(tmp_path)
    before = _snapshot([folders["clinic"], folders["trials"]])
    args = [arg.format(**folders) for arg in command.args]
    stdin = command.stdin.format(**folders) if command.stdin else None
    result = run(*args, cwd=folders["out"], stdin=stdin)
    assert result.returncode == command.exit_code, result.stderr
    after = _snapshot([folders["clinic"], folders["trials"]])
    assert after.keys() == before.keys(), "files were added beside or removed from the inputs"
    changed = [str(path) for path in before if after[path] != before[path]]
    assert not changed, f"inputs changed: {changed}"
    written = sorted(p.name for p in folders["out"].iterdir())
    assert written == ([command.output] if command.output else [])
    assert set(tmp_path.iterdir()) == {folders["clinic"], folders["trials"], folders["out"]}


def test_the_snapshot_sees_a_rewrite_of_identical_bytes(tmp_path: Path) -> None:
    # The property would hold vacuously if mtimes were not compared at full resolution.
    folders = _inputs(tmp_path)
    before = _snapshot([folders["clinic"]])
    target = folders["clinic"] / PATIENTS[0]
    target.write_bytes(target.read_bytes())
    assert _snapshot([folders["clinic"]]) != before
