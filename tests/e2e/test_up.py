"""`buendnis up` as a user runs it: demo data, URLs and a token printed, Ctrl-C stops, data kept."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.api.conftest import free_port

BIN = Path(sys.executable).parent / "buendnis"


def start(var: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BUENDNIS_VAR_DIR": str(var),
        "BUENDNIS_API_PORT": str(port),
        "BUENDNIS_STORE": "sqlite",
        "BUENDNIS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "BUENDNIS_TEMPORAL_UI_PORT": str(free_port()),
        "BUENDNIS_SMTP_PORT": str(free_port()),
        "BUENDNIS_LOG_FORMAT": "json",
    }
    return subprocess.Popen(
        [str(BIN), "up"], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for_token(log: Path, process: subprocess.Popen[bytes], timeout: float = 240) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"^(ey[\w-]+\.[\w-]+\.[\w-]+)$", log.read_text(errors="replace"), re.M)
        if found:
            return found.group(1)
        assert process.poll() is None, log.read_text(errors="replace")
        time.sleep(0.2)
    raise AssertionError("no token printed:\n" + log.read_text(errors="replace"))


def stop(process: subprocess.Popen[bytes]) -> int:
    """Ctrl-C, as in a terminal: to the process group (the Temporal dev server gets it too)."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        return process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise


def test_up_loads_the_demo_prints_urls_and_a_token_and_keeps_the_data_on_restart(tmp_path: Path) -> None:
    var, port = tmp_path / "var", free_port()
    first_log = tmp_path / "first.log"
    process = start(var, port, first_log)
    try:
        token = wait_for_token(first_log, process)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            health = c.get("/health").json()
            assert health["components"]["event_store"]["state"] == "ok"
            events = health["components"]["event_store"]["position"]
            assert events > 100  # the demo alliances
            assert c.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    finally:
        code = stop(process)
    out = first_log.read_text(errors="replace")
    assert code == 0, out
    assert f"http://127.0.0.1:{port}/" in out and "Demo-Bündnisse geladen" in out
    assert "Alle Dienste beendet" in out

    second_log = tmp_path / "second.log"
    process = start(var, port, second_log)
    try:
        token = wait_for_token(second_log, process)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            assert c.get("/health").json()["components"]["event_store"]["position"] >= events
            assert c.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    finally:
        assert stop(process) == 0
    assert "Demo-Bündnisse geladen" not in second_log.read_text(errors="replace")
