"""The relay process (`buendnis relay`): the event store's notification log → Temporal signals."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
import weakref
from typing import Any

import psycopg
import structlog

from config.settings import Settings
from domain.application import AllianceApplication
from projections.waits import LogWatch
from storage.wakes import wake_on_write
from workers.worker import connect_when_ready
from workflows.relay import Relay, WorkflowOptions
from workflows.relay_position import (
    MemoryPositionStore,
    PositionStore,
    PostgresPositionStore,
    SQLitePositionStore,
)

log = structlog.get_logger(__name__)
# The relay writes a heartbeat this often while its process lives; /health calls the relay down when
# the last one is older than STALE, and degraded when the oldest event not relayed waited longer.
HEARTBEAT_EVERY = 10.0
STALE = 60.0
# Seconds between reads when no wake came: a save wakes the relay at once (storage/wakes.py);
# the poll only covers a lost wake.
FALLBACK_POLL = 1.0


def position_store(settings: Settings) -> PositionStore:
    """A SQLite file var/relay.db beside the event store, or a table in the PostgreSQL schema."""
    if settings.store == "postgres":
        return PostgresPositionStore(settings.postgres_dsn, settings.postgres_schema)
    if settings.store == "sqlite":
        return SQLitePositionStore(settings.var_dir / "relay.db")
    return MemoryPositionStore()


async def serve(settings: Settings, application: AllianceApplication, stop: asyncio.Event) -> None:
    positions = await _position_store_when_ready(settings, stop)
    if positions is None:
        return
    beating = asyncio.create_task(_beat(positions, stop))
    try:
        client = await connect_when_ready(settings, stop)
        if client is None:
            return
        relay = Relay(application, client, positions, WorkflowOptions(settings.task_queue))
        log.info("relay_started", **relay.status())
        wake = asyncio.Event()
        async with wake_on_write(settings, application, wake):
            await relay.run(stop, wake=wake, idle_interval=FALLBACK_POLL)
        log.info("relay_stopped", **relay.status())
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating


async def _position_store_when_ready(settings: Settings, stop: asyncio.Event) -> PositionStore | None:
    """The position store, once the store lets it set up (a connection lost while starting is
    retried with a growing pause, not the end of the process)."""
    delay = 0.5
    while not stop.is_set():
        try:
            return await asyncio.to_thread(position_store, settings)
        except (sqlite3.OperationalError, psycopg.OperationalError) as e:
            log.warning("relay_store_unavailable", error=str(e), retry_in=delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 10.0)
    return None


async def _beat(positions: PositionStore, stop: asyncio.Event) -> None:
    """The heartbeat, from the start (waiting for Temporal is alive; /health reports Temporal)."""
    while not stop.is_set():
        try:
            await asyncio.to_thread(positions.beat)
        except Exception as e:  # the store is unavailable: the relay's own retries say more
            log.warning("relay_heartbeat_failed", error=str(e))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), HEARTBEAT_EVERY)


# The heads of each store's log this process has seen (projections/waits.py): the relay's lag in seconds.
_WATCHES: weakref.WeakKeyDictionary[AllianceApplication, LogWatch] = weakref.WeakKeyDictionary()


def status(settings: Settings, application: AllianceApplication,
           positions: PositionStore | None = None) -> dict[str, float]:
    """The relay's position and lag (events not yet relayed, and how long the oldest of them has
    waited), for /health and the CLI (`positions`: the store already open, else opened here)."""
    position = (positions or position_store(settings)).get()
    head = application.recorder.max_notification_id() or 0
    now = application.clock()
    watch = _WATCHES.setdefault(application, LogWatch())
    watch.observe(head, now)
    lag_seconds = 0.0
    if head > position:
        oldest = application.recorder.select_notifications(position + 1, 1)
        if oldest:
            saved_at = application.mapper.to_domain_event(oldest[0]).timestamp  # type: ignore[attr-defined]
            lag_seconds = watch.waited(oldest[0].id, saved_at, now)
    return {
        "position": position,
        "head": head,
        "lag": max(0, head - position),
        "lag_seconds": round(lag_seconds, 1),
    }


def probe(settings: Settings, application: AllianceApplication) -> dict[str, Any]:
    """The relay for /health: `down` when its heartbeat is older than STALE seconds (or there is
    none), `degraded` when the oldest event it has not relayed has waited longer than STALE."""
    positions = position_store(settings)
    state: dict[str, Any] = {"state": "ok", **status(settings, application, positions)}
    beaten = positions.last_beat()
    silent = None if beaten is None else round(max(0.0, time.time() - beaten), 1)
    state["heartbeat_age"] = silent
    if silent is None or silent > STALE:
        since = "noch nie gemeldet" if silent is None else f"seit {silent:.0f} s nicht gemeldet"
        state.update(state="down", reason=f"Das Relay hat sich {since} (kein Lebenszeichen).")
    elif state["lag_seconds"] > STALE:
        state.update(state="degraded", reason=f"Das Relay ist {state['lag']:.0f} Ereignisse zurück; "
                                              f"das älteste wartet seit {state['lag_seconds']:.0f} s.")
    return state
