"""Wake on write: the relay reads a save at once, from this process or another (a datagram on
SQLite, NOTIFY on PostgreSQL); a wake that never comes only leaves it to its poll.

The relays here poll once an hour unless said otherwise, so a save they relay within the test was
relayed because of the wake; the assertions are on what the workflows were told, never on times.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from config.settings import Settings, load_settings
from storage.wakes import wake_on_write
from tests.conftest import POSTGRES_DSN
from tests.workflows.conftest import Harness, eventually, open_harness
from workflows.relay import Relay

BY = "koordination"
HOUR = 3600.0


@asynccontextmanager
async def running(relay: Relay, *, wake: asyncio.Event | None, idle_interval: float = HOUR) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop, idle_interval=idle_interval, wake=wake))
    try:
        await asyncio.sleep(0.3)  # its first read found nothing: it waits now
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def told(h: Harness, alliance_id: object) -> int:
    """How far the alliance's workflow has seen the log (0: not started)."""
    try:
        progress = await h.env.client.get_workflow_handle(f"alliance-{alliance_id}").query("progress")
    except Exception:
        return 0
    return int(progress["seen"])


def write_elsewhere(settings: Settings, name: str) -> None:
    """Registers an alliance from another process, as `buendnis api` beside the relay would."""
    script = textwrap.dedent(f"""
        from config.settings import load_settings
        from workers.bootstrap import build_application
        settings = load_settings(**{settings_overrides(settings)!r})
        app = build_application(settings)
        app.register_alliance(name={name!r}, municipality="Anderswo", state="Hessen", by="koordination")
        app.close()
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)


def settings_overrides(settings: Settings) -> dict[str, str]:
    if settings.store == "sqlite":
        return {"store": "sqlite", "var_dir": str(settings.var_dir)}
    return {"store": "postgres", "postgres_dsn": settings.postgres_dsn, "postgres_schema": settings.postgres_schema}


async def test_the_relay_wakes_on_a_save_in_its_own_process(ts_env: WorkflowEnvironment, tmp_path: Path) -> None:
    settings = load_settings(store="sqlite", var_dir=tmp_path / "var")
    async with open_harness(ts_env, tmp_path / "var", settings) as h:
        relay, wake = h.relay(), asyncio.Event()
        async with wake_on_write(settings, h.app, wake), running(relay, wake=wake):
            alliance_id = await asyncio.to_thread(
                h.app.register_alliance, name="Bündnis Wach", municipality="Sofort", state="Bayern", by=BY
            )
            head = h.app.recorder.max_notification_id()
            await eventually(lambda: relay.position >= head, what="der Relay hat die Speicherung gelesen")
            assert await eventually(lambda: told(h, alliance_id)) == head


@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_the_relay_wakes_on_a_save_in_another_process(
    ts_env: WorkflowEnvironment, tmp_path: Path, store: str, request: pytest.FixtureRequest
) -> None:
    if store == "sqlite":
        settings = load_settings(store="sqlite", var_dir=tmp_path / "var")
    else:
        schema = request.getfixturevalue("pg_schema")
        settings = load_settings(store="postgres", postgres_dsn=POSTGRES_DSN, postgres_schema=schema,
                                 var_dir=tmp_path / "var")
    async with open_harness(ts_env, tmp_path / "var", settings) as h:
        first = h.app.register_alliance(name="Bündnis Hier", municipality="Hier", state="Bayern", by=BY)
        relay, wake = h.relay(), asyncio.Event()
        async with wake_on_write(settings, h.app, wake), running(relay, wake=wake):
            await eventually(lambda: relay.position >= 1, what="der Relay hat den Anfang gelesen")
            await asyncio.to_thread(write_elsewhere, settings, "Bündnis Dort")
            head = h.app.recorder.max_notification_id()
            await eventually(lambda: relay.position >= head, timeout=20,
                             what="der Relay hat die Speicherung des anderen Prozesses gelesen")
        other = next(n.originator_id for n in h.app.recorder.select_notifications(1, 100) if n.originator_id != first)
        assert await eventually(lambda: told(h, other)) == head


async def test_a_lost_wake_only_delays_the_poll_still_relays(ts_env: WorkflowEnvironment, tmp_path: Path) -> None:
    async with open_harness(ts_env, tmp_path / "var") as h:
        relay = h.relay()
        never = asyncio.Event()  # a wake that is lost: nothing ever sets it
        async with running(relay, wake=never, idle_interval=0.2):
            alliance_id = await asyncio.to_thread(
                h.app.register_alliance, name="Bündnis Still", municipality="Später", state="Bayern", by=BY
            )
            head = h.app.recorder.max_notification_id()
            await eventually(lambda: relay.position >= head, what="der Relay hat beim Abfragen gelesen")
            assert await eventually(lambda: told(h, alliance_id)) == head
