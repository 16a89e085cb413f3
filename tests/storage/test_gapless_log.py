"""PostgreSQL: the notification log is gapless for followers, and processes may start together.

Faults injected into real processes: several application processes write at once while a follower
tails the log the way the relay and the projectors do (read from its position + 1, move to the
last id read); several processes start at the same moment on a fresh schema.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from config.settings import Settings, load_settings
from tests.conftest import POSTGRES_DSN
from workers.bootstrap import build_application

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
PATIENCE = 300.0  # seconds before the test fails instead of waiting on


def _settings(schema: str) -> Settings:
    return load_settings(store="postgres", postgres_dsn=POSTGRES_DSN, postgres_schema=schema)


def _spawn(schema: str, go: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BUENDNIS_STORE": "postgres", "BUENDNIS_POSTGRES_DSN": POSTGRES_DSN,
           "BUENDNIS_POSTGRES_SCHEMA": schema, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.storage.concurrent_writer", str(go), *args],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _start_together(go: Path, processes: list[subprocess.Popen[bytes]]) -> None:
    """Gives the start signal once every process said it is ready (or fails when one ended)."""
    deadline = time.monotonic() + PATIENCE
    while len(list(go.parent.glob("ready-*"))) < len(processes):
        if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
            _finish(processes)
            raise AssertionError("nicht alle Prozesse wurden bereit")
        time.sleep(0.05)
    go.touch()


def _finish(processes: list[subprocess.Popen[bytes]]) -> None:
    failures = []
    for p in processes:
        try:
            _, err = p.communicate(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
        if p.returncode != 0:
            failures.append(f"Prozess endete mit {p.returncode}: {err.decode()[-1500:]}")
    assert not failures, "\n".join(failures)


def test_a_follower_tailing_the_log_skips_nothing_while_processes_write_at_once(
    pg_schema: str, tmp_path: Path
) -> None:
    # Given four application processes with three writer threads each, ready on one schema
    reader = build_application(_settings(pg_schema))
    go = tmp_path / "go"
    writers = [_spawn(pg_schema, go, "write", "504", "3") for _ in range(4)]
    # When they all write at once (4 × 504 alliances × 5 saves of one event: 10,080 events) while a
    # follower tails the log like the relay and the projectors do
    _start_together(go, writers)
    seen: list[int] = []
    position, deadline = 0, time.monotonic() + PATIENCE
    try:
        while True:
            finished = all(w.poll() is not None for w in writers)
            batch = reader.recorder.select_notifications(position + 1, 500)
            if batch:
                seen.extend(n.id for n in batch)
                position = batch[-1].id
            elif finished:
                break
            assert time.monotonic() < deadline, f"die Schreiber wurden in {PATIENCE} s nicht fertig"
    finally:
        _finish(writers)
    # Then the follower saw every stored event, each once
    with psycopg.connect(POSTGRES_DSN) as conn:
        stored = [r[0] for r in conn.execute(
            f'SELECT notification_id FROM "{pg_schema}".alliances_events ORDER BY notification_id')]
    reader.close()
    assert len(stored) == 4 * 504 * 5
    skipped = sorted(set(stored) - set(seen))
    assert not skipped, f"{len(skipped)} Ereignisse übersprungen, z. B. {skipped[:10]}"
    assert len(seen) == len(set(seen)) == len(stored)


def test_processes_starting_together_on_a_fresh_schema_all_come_up(pg_schema: str, tmp_path: Path) -> None:
    # Given six processes ready to build the application, read models, key ring and relay position
    go = tmp_path / "go"
    starters = [_spawn(pg_schema, go, "start") for _ in range(6)]
    # When they start at the same moment on a schema that does not exist yet
    _start_together(go, starters)
    # Then every one comes up (none fails with "tuple concurrently updated" or a duplicate key)
    _finish(starters)
    app = build_application(_settings(pg_schema))
    assert app.recorder.max_notification_id() is None
    app.close()
