"""`buendnis up` under a supervisor (systemd, docker): SIGTERM or SIGINT to its own pid only, not
to its process group, stops the whole stack with exit code 0 and leaves no child process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.test_up import start, wait_for_token
from tests.ports import free_port


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (children, their children, ...), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # ended while we looked
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """Running, or ended but not reaped by anyone (a zombie is not stopped cleanly either)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "X"


def signal_pid_only(process: subprocess.Popen[bytes], sig: signal.Signals, timeout: float = 60) -> int:
    os.kill(process.pid, sig)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        for pid in descendants(process.pid) | {process.pid}:
            os.kill(pid, signal.SIGKILL)
        raise


def wait_for_children(process: subprocess.Popen[bytes], timeout: float = 240) -> set[int]:
    """The process's children once the Temporal dev server (the one child `up` starts) is among them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = descendants(process.pid)
        if children:
            return children
        assert process.poll() is None
        time.sleep(0.05)
    raise AssertionError("up started no child process")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_to_the_pid_only_stops_the_running_stack_and_its_children(tmp_path: Path, sig: signal.Signals) -> None:
    log = tmp_path / "up.log"
    process = start(tmp_path / "var", free_port(), log)
    wait_for_token(log, process)
    children = descendants(process.pid)
    assert children, "the Temporal dev server runs as a child"

    code = signal_pid_only(process, sig)

    out = log.read_text(errors="replace")
    assert code == 0, out
    assert [pid for pid in children if alive(pid)] == [], out
    assert "Alle Dienste beendet" in out


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_starting_stops_the_start_and_its_children(tmp_path: Path, sig: signal.Signals) -> None:
    log = tmp_path / "up.log"
    process = start(tmp_path / "var", free_port(), log)
    children = wait_for_children(process)  # the dev server was just spawned and is not ready yet

    code = signal_pid_only(process, sig)

    out = log.read_text(errors="replace")
    assert code == 0, out
    assert [pid for pid in children if alive(pid)] == [], out
    assert "buendnis läuft" not in out, "the stack went on starting after the signal"
    assert not (tmp_path / "var" / "servicebuero-token").exists()
