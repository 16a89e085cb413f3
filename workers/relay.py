"""The relay process (`buendnis relay`): the event store's notification log → Temporal signals."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import structlog

from config.settings import Settings
from domain.application import AllianceApplication
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
    client = await connect_when_ready(settings, stop)
    if client is None:
        return
    relay = Relay(
        application, client, position_store(settings), WorkflowOptions(settings.task_queue)
    )
    log.info("relay_started", **relay.status())
    wake = asyncio.Event()
    async with wake_on_write(settings, application, wake):
        await relay.run(stop, wake=wake, idle_interval=FALLBACK_POLL)
    log.info("relay_stopped", **relay.status())


def status(settings: Settings, application: AllianceApplication) -> dict[str, float]:
    """The relay's position and lag (events not yet relayed, and the age of the oldest of them),
    for /health and the CLI."""
    position = position_store(settings).get()
    head = application.recorder.max_notification_id() or 0
    lag_seconds = 0.0
    if head > position:
        oldest = application.recorder.select_notifications(position + 1, 1)
        if oldest:
            saved_at = application.mapper.to_domain_event(oldest[0]).timestamp  # type: ignore[attr-defined]
            lag_seconds = max(0.0, (datetime.now(UTC) - saved_at).total_seconds())
    return {
        "position": position,
        "head": head,
        "lag": max(0, head - position),
        "lag_seconds": round(lag_seconds, 1),
    }
