"""A batch stopped from outside (Ctrl-C, SIGTERM, a killed worker, a killed cartscreen) ends
promptly with its documented exit code, writes no --output file, leaves no temporary file and
no worker process behind.

Each test starts a parallel batch large enough to still be running when the signal comes,
waits until its worker processes exist, sends the signal, and looks at what is left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests_support import CARTSCREEN, ELIGIBLE, ROOT, command_environment

FILES = 3000  # several seconds of screening on two workers


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("interrupted-cohort")
    text = ELIGIBLE.read_text(encoding="utf-8")
    for index in range(FILES):
        (folder / f"p{index:04}.toml").write_text(
            text.replace('id = "CS-SLE-001"', f'id = "P{index:04}"'), encoding="utf-8")
    return folder


def _processes_naming(marker: str) -> list[int]:
    """Processes whose command line names ``marker`` (the batch and its forked workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in command:
                found.append(int(entry.name))
    return found


def _children(pid: int) -> list[int]:
    result = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True,
                            check=False)
    return [int(line) for line in result.stdout.split()]


def _start(cohort: Path, output: Path) -> tuple[subprocess.Popen[str], list[int]]:
    """The batch, started in its own process group, once its two workers are running."""
    environment = command_environment()
    process = subprocess.Popen(
        [str(CARTSCREEN), "check", str(cohort), "--format", "jsonl", "--output", str(output),
         "--jobs", "2"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    deadline = time.monotonic() + 30
    while len(workers := _children(process.pid)) < 2:
        assert process.poll() is None, "the batch ended before its workers started"
        assert time.monotonic() < deadline, "no workers started"
        time.sleep(0.05)
    time.sleep(0.3)  # well into the batch, far from its end
    assert process.poll() is None
    return process, workers


def _nothing_left(cohort: Path, output: Path) -> None:
    deadline = time.monotonic() + 10  # workers finishing the chunk they hold
    while _processes_naming(str(cohort)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_naming(str(cohort)) == [], "worker processes were left behind"
    assert sorted(p.name for p in output.parent.iterdir()) == [], \
        "an --output file or its temporary file was left"


@pytest.mark.parametrize(("sent", "to_group", "code", "stderr"), [
    (signal.SIGINT, True, 130, "cartscreen: interrupted\n"),  # Ctrl-C reaches the group
    (signal.SIGTERM, False, 143, "cartscreen: terminated\n"),  # a scheduler stopping the job
    (signal.SIGTERM, True, 143, "cartscreen: terminated\n"),
])
def test_a_stopped_batch_cleans_up(cohort: Path, tmp_path: Path, sent: signal.Signals,
                                   to_group: bool, code: int, stderr: str) -> None:
    output = tmp_path / "out" / "results.jsonl"
    output.parent.mkdir()
    process, _ = _start(cohort, output)
    if to_group:
        os.killpg(process.pid, sent)
    else:
        os.kill(process.pid, sent)
    _, err = process.communicate(timeout=30)
    assert (process.returncode, err) == (code, stderr)
    _nothing_left(cohort, output)


def test_a_killed_worker_ends_the_batch_with_one_line_not_a_hang(cohort: Path,
                                                                 tmp_path: Path) -> None:
    output = tmp_path / "out" / "results.jsonl"
    output.parent.mkdir()
    process, workers = _start(cohort, output)
    os.kill(workers[0], signal.SIGKILL)  # as the kernel's out-of-memory killer would
    _, err = process.communicate(timeout=30)
    assert process.returncode == 70
    assert err == ("cartscreen: a worker process stopped before finishing its files (killed, "
                   "or out of memory), so the results are incomplete and --output was not "
                   "written; run again, or with --jobs 1\n")
    _nothing_left(cohort, output)


def test_workers_do_not_outlive_a_killed_cartscreen(cohort: Path, tmp_path: Path) -> None:
    output = tmp_path / "out" / "results.jsonl"
    output.parent.mkdir()
    process, _ = _start(cohort, output)
    os.kill(process.pid, signal.SIGKILL)  # nothing can clean up after this but the kernel
    process.communicate(timeout=30)  # returns only once no worker holds stderr open
    deadline = time.monotonic() + 10
    while _processes_naming(str(cohort)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_naming(str(cohort)) == []
