"""cartscreen makes no network connection (issue 5, item 6; README, Privacy).

Two ways, both always run:

* every command runs with networking unavailable (``unshare -rn``: a new user and network
  namespace with no interface but a down loopback) and gives the same exit code and stdout as
  with the network there. Where the machine does not allow namespaces, the commands run under
  the socket guard below instead.
* every command runs in a Python whose socket module is replaced by a guard that records any
  attempt to open an internet socket, resolve a name or connect, and then raises; the record
  must stay empty. This also catches an attempt whose failure the code would swallow.
"""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

import pytest

from tests_support import CARTSCREEN, ELIGIBLE, ROOT, SAMPLES, command_environment, run

COMMANDS: list[tuple[str, ...]] = [
    ("check", str(ELIGIBLE)),
    ("check", str(SAMPLES), "--format", "json"),
    ("funnel", str(SAMPLES)),
    ("explain", "NCT06934447", "--patient", str(ELIGIBLE)),
    ("trials",),
    ("trials", "validate"),
    ("--version",),
]

GUARD = """
import os, socket, sys

def _record(what):
    with open(os.environ["CARTSCREEN_NETWORK_LOG"], "a", encoding="utf-8") as log:
        log.write(what + "\\n")

def _refuse(name):
    def refuse(*args, **kwargs):
        _record(name)
        raise OSError("network use refused by the test guard")
    return refuse

_init = socket.socket.__init__
def _socket_init(self, family=-1, *args, **kwargs):
    if family in (socket.AF_INET, socket.AF_INET6):
        _record("socket(AF_INET)")
        raise OSError("network use refused by the test guard")
    _init(self, family, *args, **kwargs)

socket.socket.__init__ = _socket_init
for name in ("connect", "connect_ex", "sendto", "bind"):
    setattr(socket.socket, name, _refuse("socket." + name))
for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
             "getnameinfo"):
    setattr(socket, name, _refuse(name))

from cartscreen.cli import main
sys.argv = ["cartscreen", *sys.argv[1:]]
main()
"""


@functools.cache
def namespaces_allowed() -> bool:
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True,
                              timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@functools.cache
def online(args: tuple[str, ...]) -> tuple[int, str]:
    """Exit code and stdout with the network there (each command is run once)."""
    result = run(*args)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout


def _environment(**extra: str) -> dict[str, str]:
    environment = command_environment()
    environment.update({"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb", **extra})
    return environment


def run_guarded(args: tuple[str, ...], log: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", GUARD, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60,
                          env=_environment(CARTSCREEN_NETWORK_LOG=str(log)))


def run_offline(args: tuple[str, ...], log: Path) -> subprocess.CompletedProcess[str]:
    """The command in a network namespace with no network; else under the socket guard."""
    if not namespaces_allowed():
        return run_guarded(args, log)
    return subprocess.run(["unshare", "-rn", str(CARTSCREEN), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env=_environment())


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_command_gives_the_same_result_with_networking_unavailable(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    offline = run_offline(args, tmp_path / "network.log")
    assert online(args)[0] == 0
    assert (offline.returncode, offline.stdout) == online(args), offline.stderr
    assert "Traceback" not in offline.stderr
    assert not (tmp_path / "network.log").exists()


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_command_never_opens_a_socket_or_resolves_a_name(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    log = tmp_path / "network.log"
    result = run_guarded(args, log)
    assert (result.returncode, result.stdout) == online(args), result.stderr
    assert not log.exists(), log.read_text(encoding="utf-8")


def test_the_guard_records_and_refuses_a_connection(tmp_path: Path) -> None:
    # Without this, a guard that never fires would make the test above pass vacuously.
    log = tmp_path / "network.log"
    probe = GUARD.replace("from cartscreen.cli import main", "main = None").replace(
        "main()", "import urllib.request\nurllib.request.urlopen('http://example.org', timeout=1)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=60, env=_environment(CARTSCREEN_NETWORK_LOG=str(log)))
    assert result.returncode != 0
    assert log.read_text(encoding="utf-8").splitlines()[0] in ("getaddrinfo",
                                                               "create_connection")
