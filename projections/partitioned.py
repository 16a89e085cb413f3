"""A rebuild split by alliance over several processes, all writing the same fresh generation.

Each partition is a forked process with an application and store of its own (`Partitions.open`):
it reads the whole log up to a fixed end, decodes and projects only the events of its alliances
(an alliance's events and its commitments'), with the shared pass's batches and aggregate cache,
and commits each read model's rows of a batch without a tracking position. The parent sets the
position once every partition has finished (`projections/rebuild.py`). Anything a partition cannot
do (an event of an unknown kind, an event it cannot decode or project, a lost process) fails the
whole split: the caller drops the fresh generation and rebuilds in one process, which halts at
the exact event as before. SQLite only (`usable`): on PostgreSQL the rebuild stays in one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.alliance import Alliance
from domain.application import AllianceApplication
from domain.commitment import Commitment
from projections.alliance_events import KNOWN_EVENTS, AllianceProjection
from projections.engine import Item, Projection, Projector
from projections.log import filtered_reader
from projections.shared_pass import SharedPass, collected_per_batch
from projections.store import ProjectionStore

Open = Callable[[], tuple[AllianceApplication, ProjectionStore]]


@dataclass(frozen=True)
class Partitions:
    """Rebuild in `count` processes, split by alliance; `open` builds the application and the store
    in each (the composition root's builders: the parent's connections are not shared)."""

    count: int
    open: Open


class Unpartitioned(Exception):
    """An event no partition can be sure is its own (an unknown kind, a commitment never pledged)."""


def usable(partitions: Partitions | None, store: ProjectionStore, projections: list[Projection]) -> bool:
    return (
        partitions is not None
        and partitions.count > 1
        and not store.postgres
        and "fork" in multiprocessing.get_all_start_methods()
        and all(isinstance(p, AllianceProjection) for p in projections)
    )


class Owners:
    """Which partition an event belongs to, told from its stored record: an alliance's events by the
    alliance's id, a commitment's by the alliance its `Pledged` event names (decoded by every
    partition; the commitment's later events follow it in the log)."""

    def __init__(self, count: int, part: int, skipped: frozenset[str]) -> None:
        self.count, self.part, self.skipped = count, part, skipped
        self.alliance_topics = frozenset(get_topic(c) for c in KNOWN_EVENTS if issubclass(c, Alliance.Event))
        self.commitment_topics = frozenset(get_topic(c) for c in KNOWN_EVENTS if issubclass(c, Commitment.Event))
        self.pledged = get_topic(Commitment.Pledged)
        self.commitments: dict[int, int] = {}  # a commitment's id (its integer) -> its partition
        self.stored: dict[str, int] = {}  # an alliance's or commitment's id as stored (text) -> its partition

    def keep(self, topic: str, originator: str) -> bool:
        """False for a row surely another partition's (or bookkeeping), before it is even a
        Notification; what is kept, `of` decides."""
        if topic in self.alliance_topics:
            owner = self.stored.get(originator)
            if owner is None:
                owner = self.stored[originator] = UUID(originator).int % self.count
            return owner == self.part
        if topic in self.commitment_topics and topic != self.pledged:
            owner = self.stored.get(originator)
            return owner is None or owner == self.part
        return topic not in self.skipped  # a pledge (whose alliance tells), an unknown kind (fails)

    def of(self, notification: Notification, decode: Callable[[Notification], Item]) -> tuple[int | None, Item | None]:
        """(the partition, the item if it had to be decoded); partition None: no read model's event."""
        topic = notification.topic
        if topic in self.alliance_topics:
            return _uuid(notification.originator_id).int % self.count, None
        if topic == self.pledged:
            item = decode(notification)
            owner = self.commitments[_uuid(notification.originator_id).int] = item.event.alliance_id.int % self.count
            self.stored[str(notification.originator_id)] = owner
            return owner, item
        if topic in self.commitment_topics:
            owner = self.commitments.get(_uuid(notification.originator_id).int)
            if owner is None:
                raise Unpartitioned(f"Position {notification.id}: Zusage ohne bekanntes Bündnis")
            return owner, None
        return None, None


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def build(
    partitions: Partitions,
    kinds: list[type[Projection]],
    generations: list[int],
    *,
    end: int,
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> int | None:
    """Projects positions 1..`end` into the fresh generations, one process per partition; answers
    how many notifications that was, or None when a partition failed (its rows are left: drop them)."""
    context = multiprocessing.get_context("fork")  # no re-import, no pickling: the children start at once
    processes, receivers = [], []
    try:
        for part in range(partitions.count):
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(
                target=_run, args=(partitions, kinds, generations, part, end, batch_size, sender), daemon=True
            )
            process.start()
            sender.close()
            processes.append(process)
            receivers.append(receiver)
        counts: dict[Any, int] = {}
        waiting: list[Any] = list(receivers)
        while waiting:
            for ready in wait(waiting):
                assert isinstance(ready, Connection)
                try:
                    kind, value = ready.recv()
                except EOFError:  # the process ended without a word
                    return None
                if kind == "progress":
                    if progress is not None:
                        progress(value)
                elif kind == "done":
                    counts[ready] = value
                    waiting.remove(ready)
                else:
                    return None
        return counts[receivers[0]]
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # only after a failure: each process sends "done" last
            process.join()
        for receiver in receivers:
            receiver.close()


def _run(partitions: Partitions, kinds: list[type[Projection]], generations: list[int], part: int, end: int,
         batch_size: int, sender: Connection) -> None:
    # The parent's heap, inherited: never walked nor collected here (nor written by the collector's
    # bookkeeping: the pages stay shared with the parent).
    gc.freeze()
    try:
        count = _project(partitions, kinds, generations, part, end, batch_size, sender)
    except BaseException as e:  # reported: the parent rebuilds in one process
        sender.send(("failed", f"{type(e).__name__}: {e}"))
    else:
        sender.send(("done", count))
    finally:
        sender.close()
        # At once: no exit handlers, finalizers or flushes of what the parent's other threads held
        # at the fork (a lock taken then is never released here).
        os._exit(0)


def _project(partitions: Partitions, kinds: list[type[Projection]], generations: list[int], part: int, end: int,
             batch_size: int, sender: Connection) -> int:
    application, store = partitions.open()
    projectors = [
        Projector(application, store, kind(application), generation=generation, batch_size=batch_size, building=True)
        for kind, generation in zip(kinds, generations, strict=True)
    ]
    try:
        shared = SharedPass(application, projectors)
        owners = Owners(partitions.count, part, shared.skipped)
        read = filtered_reader(application, owners.keep)
        start, count = 1, 0
        with collected_per_batch() as collect:
            while start <= end:
                notifications, rows, last = read(start, end, batch_size)
                if not rows:
                    break
                start = last + 1
                items = []
                for notification in notifications:
                    owner, item = owners.of(notification, shared.item)
                    if owner == part:
                        items.append(item or shared.item(notification))
                if items and not shared.project(items, after=None):
                    raise Unpartitioned(f"Stapel ab Position {items[0].position}: nicht in einem Zug projiziert")
                count += rows
                if part == 0:
                    sender.send(("progress", rows))
                del notifications, items
                collect()
        return count
    finally:
        for projector in projectors:
            projector.close()
        store.close()
        application.close()
