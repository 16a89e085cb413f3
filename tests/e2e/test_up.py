"""`buendnis up` as a user runs it: demo data, URLs and a token printed, Ctrl-C stops, data kept."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx

from config.settings import load_settings
from domain.follow_ups import FollowUpPolicy
from tests import clock as test_clock
from tests.ports import free_port
from tests.waiting import poll
from workers.bootstrap import build_application
from workers.mail_sink import read_mails

BIN = Path(sys.executable).parent / "buendnis"


def start(var: Path, port: int, log: Path, smtp_port: int | None = None) -> subprocess.Popen[bytes]:
    """`buendnis up` on the real clock: the Temporal dev server it starts is a Go program that
    libfaketime cannot move, so BUENDNIS_TEST_TODAY is not handed on (`up` refuses it; tested below)."""
    env = {
        **{k: v for k, v in os.environ.items() if k != test_clock.VARIABLE},
        "BUENDNIS_VAR_DIR": str(var),
        "BUENDNIS_API_PORT": str(port),
        "BUENDNIS_STORE": "sqlite",
        "BUENDNIS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "BUENDNIS_TEMPORAL_UI_PORT": str(free_port()),
        "BUENDNIS_SMTP_PORT": str(smtp_port or free_port()),
        "BUENDNIS_LOG_FORMAT": "json",
    }
    return subprocess.Popen(
        [str(BIN), "up"], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for_token(log: Path, process: subprocess.Popen[bytes], timeout: float = 240) -> str:
    """The Servicebüro token from the file whose path `up` prints (never the token itself)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        assert not re.search(r"ey[\w-]+\.[\w-]+\.[\w-]+", text), "a token on the screen or in the log"
        found = re.search(r"^  (/\S+servicebuero-token)$", text, re.M)
        if found:
            path = Path(found.group(1))
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            return path.read_text().strip()
        assert process.poll() is None, log.read_text(errors="replace")
        time.sleep(0.2)
    raise AssertionError("no token printed:\n" + log.read_text(errors="replace"))


def settled_mails(directory: Path, log: Path, timeout: float = 120) -> list[EmailMessage]:
    """The sink's mails once no new one arrived for five seconds (the workflows acted); failing,
    with the end of `up`'s log (what its parts said)."""
    deadline, count, quiet_since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        mails = read_mails(directory) if directory.exists() else []
        if len(mails) != count:
            count, quiet_since = len(mails), time.monotonic()
        elif count > 0 and time.monotonic() - quiet_since > 5:
            return mails
        time.sleep(0.5)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-60:])
    raise AssertionError(f"the mail sink did not settle within {timeout} s ({count} mails); up's log ends:\n{tail}")


def stop(process: subprocess.Popen[bytes]) -> int:
    """Ctrl-C, as in a terminal: to the process group (the Temporal dev server has a session of its own:
    `up` stops it; tests/e2e/test_up_signals.py signals the pid only, as a supervisor does)."""
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
        assert stat.S_IMODE(var.stat().st_mode) == 0o700
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            anonymous = c.get("/health").json()  # the status only (one answer: it may change between two)
            assert set(anonymous) == {"status"} and anonymous["status"] in ("ok", "degraded")
            health = c.get("/health", headers={"Authorization": f"Bearer {token}"}).json()
            assert health["components"]["event_store"]["state"] == "ok"
            events = health["components"]["event_store"]["position"]
            assert events > 100  # the demo alliances
            assert c.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        mails = settled_mails(var / "mail", first_log)
    finally:
        code = stop(process)
    out = first_log.read_text(errors="replace")
    assert code == 0, out
    # The demo's histories reach back years: its first start mails only what is current and
    # gathers what fell due long before into one summary per recipient.
    application = build_application(load_settings(store="sqlite", var_dir=var))
    try:
        registered = {n.originator_id for n in application.recorder.select_notifications(1, 10**7)
                      if n.topic.endswith("Alliance.Registered")}
        records = [r for aid in registered for r in application.get_alliance(aid).follow_ups.values()]
    finally:
        application.close()
    window = FollowUpPolicy().catch_up_days
    assert records, "the demo has follow-ups due"
    late = [r for r in records if not r.missed and r.sent_at - r.due_at > timedelta(days=window)]
    assert not late, "; ".join(f"{r.key} due {r.due_at} sent {r.sent_at}" for r in late)
    singles = [m for m in mails if not str(m["X-Buendnis-Follow-Up"]).startswith("summary:")]
    assert len(singles) <= len([r for r in records if not r.missed]) + 60  # + the commitments' own
    # The demo's oldest reminders are long missed (the stack runs on the real clock, see start()).
    assert any(r.missed for r in records)
    assert any(str(m["X-Buendnis-Follow-Up"]).startswith("summary:") for m in mails)
    assert f"http://127.0.0.1:{port}/" in out and "Demo-Bündnisse geladen" in out
    assert "Alle Dienste beendet" in out

    second_log = tmp_path / "second.log"
    process = start(var, port, second_log)
    try:
        token = wait_for_token(second_log, process)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            office = {"Authorization": f"Bearer {token}"}
            assert c.get("/health", headers=office).json()["components"]["event_store"]["position"] >= events
            assert c.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    finally:
        assert stop(process) == 0
    assert "Demo-Bündnisse geladen" not in second_log.read_text(errors="replace")


def health(port: int, token: str) -> dict[str, Any]:
    """/health with its components: the details are the Servicebüro's (anyone gets the status only)."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10,
                      headers={"Authorization": f"Bearer {token}"}) as c:
        body: dict[str, Any] = c.get("/health").json()
        return body


def test_up_restarts_a_dead_temporal_server_and_logs_it(tmp_path: Path) -> None:
    var, port = tmp_path / "var", free_port()
    log = tmp_path / "up.log"
    process = start(var, port, log)
    try:
        token = wait_for_token(log, process)
        pid = temporal_pid(var)
        os.kill(pid, signal.SIGKILL)
        down = poll(lambda: health(port, token)["components"]["temporal"], lambda t: t["state"] != "ok", timeout=30)
        assert down["state"] == "down" and down["reason"]
        back = poll(lambda: health(port, token)["components"]["temporal"], lambda t: t["state"] == "ok", timeout=90)
        assert back["state"] == "ok" and temporal_pid(var) != pid
        assert process.poll() is None, "the stack goes on"
        assert (var / "log" / "temporal.log").stat().st_size > 0
    finally:
        assert stop(process) == 0
    assert "temporal_died" in log.read_text(errors="replace")


def test_a_part_that_keeps_failing_ends_the_stack_with_a_non_zero_exit(tmp_path: Path) -> None:
    var, port, smtp = tmp_path / "var", free_port(), free_port()
    log = tmp_path / "up.log"
    with socket.socket() as taken:  # the mail sink's port is taken: it fails at every start
        taken.bind(("127.0.0.1", smtp))
        taken.listen()
        process = start(var, port, log, smtp_port=smtp)
        try:
            code = process.wait(timeout=180)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    out = log.read_text(errors="replace")
    assert code == 1, out
    assert "Neustart in" in out and "ist beendet" in out


def temporal_pid(var: Path) -> int:
    """The dev server started for this var/ (its command line names the database file)."""
    found = subprocess.run(["pgrep", "-f", "--", f"--db-filename {var}/temporal.db"], capture_output=True, text=True)
    pids = [int(p) for p in found.stdout.split()]
    assert len(pids) == 1, found
    return pids[0]


def test_up_refuses_a_test_today_the_dev_server_cannot_share(tmp_path: Path) -> None:
    """With BUENDNIS_TEST_TODAY the application's clock would start then while the dev server's
    workflows run on the real clock: due dates from one, send times from the other (seen: due
    2026, sent 2028, none marked missed). `up` says so and starts nothing."""
    log = tmp_path / "up.log"
    env = {**os.environ, "BUENDNIS_VAR_DIR": str(tmp_path / "var"), test_clock.VARIABLE: "2028-02-29T05:30"}
    with log.open("wb") as out:
        code = subprocess.run([str(BIN), "up"], env=env, stdout=out, stderr=subprocess.STDOUT, timeout=120).returncode
    text = log.read_text(errors="replace")
    assert code == 2, text
    assert "BUENDNIS_TEST_TODAY" in text and "echten Uhr" in text
    assert not (tmp_path / "var" / "events.db").exists()  # nothing was started or stored
