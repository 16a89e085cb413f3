"""The projector process: runs every projection over the notification log until told to stop.

Each projection advances one batch per round in a worker thread (eventsourcing is synchronous).
One runner per projection: a process projects only what it holds the lease of (an advisory lock
on PostgreSQL, a file lock on SQLite); another process started beside it waits as a standby and
takes over when the holder ends. Each batch also checks its position inside its own transaction.
A projection that meets an event it cannot handle is halted and logged with the position and
the event; the others go on. The audit chain's head is anchored in the signed checkpoint file
every 5,000 events or five minutes, and once more on the way out.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time

import psycopg
import structlog
from eventsourcing.persistence import IntegrityError, PersistenceError

from config.settings import Settings
from domain.application import AllianceApplication
from projections.audit import Anchor
from projections.engine import Projector
from projections.errors import CheckpointCorrupt, ProjectionHalted
from projections.registry import NAMES, build_projection
from projections.store import Lease
from workers.bootstrap import build_store, checkpoint_file

log = structlog.get_logger("projector")
# What a store that went away (restarting, a terminated backend) raises: retried, never the end.
UNAVAILABLE = (PersistenceError, sqlite3.OperationalError, psycopg.OperationalError)
LEASE_RECHECK = 5.0  # seconds between looks at the leases (and at swapped generations)


class Runner:
    """All projectors of one process, stepped in turn."""

    def __init__(
        self, settings: Settings, application: AllianceApplication, names: list[str] | None = None
    ) -> None:
        self.store = build_store(settings)
        # Keys left behind by a crash between an erasure and the key's destruction go first.
        swept = application.sweep_erased_keys()
        if swept:
            log.warning("erased_keys_swept", count=swept)
        self.projectors = [
            Projector(application, self.store, build_projection(n, application))
            for n in (names or NAMES)
        ]
        self.anchor: Anchor | None = Anchor(checkpoint_file(settings))
        self.halted: dict[str, str] = {}
        self.application = application
        self._caught_up: dict[str, int] = {}
        self._cleared: set[str] = set()
        self._recheck_at = 0.0
        self._anchor_at = 0.0
        self.leases: dict[str, Lease] = {}
        self._waiting: set[str] = set()

    def round(self) -> int:
        """One batch for each projection that is behind; answers how many events were projected."""
        worked = 0
        head = self.application.recorder.max_notification_id() or 0
        if time.monotonic() > self._recheck_at:  # a rebuild elsewhere may have swapped a generation
            self._caught_up.clear()
            self._hold_leases()
            self._recheck_at = time.monotonic() + LEASE_RECHECK
        for p in self.projectors:
            if p.name in self.halted or p.name not in self.leases or self._caught_up.get(p.name, -1) >= head:
                continue
            try:
                done = p.step()
            except ProjectionHalted as e:
                self.halted[p.name] = e.message
                self.store.record_halt(p.name, e.position, e.message)
                log.error(
                    "projection_halted",
                    projection=p.name,
                    position=e.position,
                    topic=e.topic,
                    detail=e.message,
                )
                continue
            except IntegrityError:
                # Another runner committed this batch first: nothing was written twice.
                log.warning("batch_already_tracked", projection=p.name)
                continue
            except PersistenceError as e:
                log.warning("store_unavailable", projection=p.name, error=str(e))
                continue
            worked += done
            if done and p.name not in self._cleared:
                self.store.clear_halt(p.name)  # it moved on: whatever stopped it was fixed
                self._cleared.add(p.name)
            if not done:
                self._caught_up[p.name] = head
            if done and p.name == "audit":
                self.checkpoint(p)
        # Also on a timer, not only after a batch: what was chained before a quiet period gets anchored.
        if time.monotonic() >= self._anchor_at:
            self._anchor_at = time.monotonic() + 1.0
            for p in self.projectors:
                if p.name == "audit" and p.name not in self.halted and p.name in self.leases:
                    self.checkpoint(p)
        return worked

    def _hold_leases(self) -> None:
        """One runner per projection: takes the lease of each projection nobody holds (a standby
        takes over within LEASE_RECHECK seconds of the holder's end), drops leases it lost."""
        for p in self.projectors:
            lease = self.leases.get(p.name)
            if lease is not None and not lease.alive():
                del self.leases[p.name]
                log.warning("projection_lease_lost", projection=p.name)
            if p.name in self.leases:
                continue
            lease = self.store.lease(p.name)
            if lease is None:
                if p.name not in self._waiting:
                    log.info("projection_runs_elsewhere", projection=p.name)
                    self._waiting.add(p.name)
                continue
            self.leases[p.name] = lease
            self._waiting.discard(p.name)
            log.info("projection_lease_taken", projection=p.name)

    def checkpoint(self, projector: Projector, force: bool = False) -> None:
        if self.anchor is None:
            return
        try:
            self.anchor.maybe(projector.view(), force=force)
        except CheckpointCorrupt as e:
            self.anchor = None
            log.error("audit_checkpoints_corrupt", detail=e.message)

    def close(self) -> None:
        for p in self.projectors:
            if p.name == "audit" and p.name not in self.halted and p.name in self.leases:
                with contextlib.suppress(PersistenceError):
                    self.checkpoint(p, force=True)
            p.close()
        for lease in self.leases.values():
            lease.release()
        self.leases.clear()
        self.store.close()


async def serve(
    settings: Settings,
    application: AllianceApplication,
    stop: asyncio.Event,
    *,
    poll_interval: float = 0.1,
    names: list[str] | None = None,
) -> None:
    """Runs the projectors until `stop` is set; polls every `poll_interval` s when idle."""
    runner = await _start(settings, application, names, stop)
    if runner is None:
        return
    log.info("projector_started", projections=[p.name for p in runner.projectors])
    try:
        pause = 0.5
        while not stop.is_set():
            try:
                worked = await asyncio.to_thread(runner.round)
                pause = 0.5
            except UNAVAILABLE as e:  # a lease, halt or checkpoint statement lost its connection: later
                log.warning("store_unavailable", stage="round", error=str(e), retry_in=pause)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
                pause = min(pause * 2, 10.0)
                continue
            if not worked:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), poll_interval)
    finally:
        await asyncio.to_thread(runner.close)
        log.info("projector_stopped")


async def _start(settings: Settings, application: AllianceApplication, names: list[str] | None,
                 stop: asyncio.Event) -> Runner | None:
    """The runner, once the store lets it set up: a connection lost while starting (the database
    restarting, a terminated backend) is retried with a growing pause, not the end of the process."""
    delay = 0.5
    while not stop.is_set():
        try:
            return await asyncio.to_thread(Runner, settings, application, names)
        except UNAVAILABLE as e:
            log.warning("store_unavailable", stage="start", error=str(e), retry_in=delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 10.0)
    return None
