"""When `buendnis up` must end without its event loop (a part overran the shutdown), its child is
terminated and reaped first: nothing it started outlives it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from workers.up import end_process


def gone(pid: int) -> bool:
    """Neither running nor a zombie waiting to be reaped."""
    return not Path(f"/proc/{pid}").exists()


def test_a_child_is_terminated_and_reaped() -> None:
    child = subprocess.Popen(["sleep", "60"])

    end_process(child.pid, patience=10)

    assert gone(child.pid)


def test_a_child_that_ignores_sigterm_is_killed_after_the_patience_and_reaped() -> None:
    child = subprocess.Popen(["sh", "-c", "trap '' TERM; echo ready; exec sleep 60"], stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline() == b"ready\n"  # the trap is set

    end_process(child.pid, patience=0.5)

    assert gone(child.pid)
