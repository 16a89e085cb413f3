"""PostgreSQL store: the connections of every process (and the test's writer) ended with
`pg_terminate_backend` again and again in the middle of their writes (every connection whose last
statement named the test's schema). Every alliance whose commands all succeeded gets its follow-ups
recorded, once each, and mailed; the relay and the projector carry on to the head of the log;
every read model equals a rebuild. A process that ends is started again, as systemd would."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import POSTGRES_DSN
from tests.reliability.stack import Stack, read_models_equal_a_rebuild, recorded_events, scaled, settle
from workers.bootstrap import build_application

pytestmark = pytest.mark.postgres
ROUNDS = scaled(25, 150)


@pytest.fixture
def pg_stack(tmp_path: Path, pg_schema: str) -> Iterator[Stack]:
    stack = Stack.create(tmp_path, store="postgres", dsn=POSTGRES_DSN, schema=pg_schema)
    try:
        yield stack
    finally:
        stack.stop()


def _terminate(schema: str) -> int:
    """Ends every connection whose last statement concerned the schema (this test's processes only)."""
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND position(%s in query) > 0", (schema,)).fetchall()
    return sum(1 for (ok,) in rows if ok)


def test_connections_terminated_mid_write_lose_nothing_and_record_nothing_twice(pg_stack: Stack) -> None:
    stack, schema = pg_stack, pg_stack.settings.postgres_schema
    stack.up()
    stop, failed, terminated = threading.Event(), [0], [0]

    def keep_writing() -> None:
        while not stop.wait(0.2):
            try:
                stack.write_alliance(contacts=2)
            except Exception:  # the connection was ended under the command: told, not half done
                failed[0] += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    rng, restarted = random.Random(), []
    try:
        for _ in range(ROUNDS):
            stop.wait(rng.uniform(0.2, 1.0))
            terminated[0] += _terminate(schema)
            restarted += stack.restart_dead()  # as systemd would (Restart=on-failure)
    finally:
        stop.set()
        writer.join(timeout=60)
    app = build_application(stack.settings)
    try:
        restarted += stack.restart_dead()
        sink = settle(stack, app, timeout=scaled(240, 900))
        counts = recorded_events(app)
        assert counts and set(counts.values()) == {1}
        ids = [n.id for n in app.recorder.select_notifications(1, 10_000_000)]
        assert ids == sorted(ids)
        codes = stack.stop()
        assert all(code == 0 for code in codes.values()), codes
        read_models_equal_a_rebuild(stack, app)
    finally:
        app.close()
    print(f"\n{terminated[0]} connections terminated in {ROUNDS} rounds; processes restarted: {restarted}; "
          f"{failed[0]} writes failed (told), "
          f"{len(stack.written)} alliances written whole; {len(counts)} follow-ups once each; "
          f"{sum(sink.values())} mails for {len(sink)} Message-IDs")
