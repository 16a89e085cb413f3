"""Rebuilds from position 0 into a fresh generation, swapped in atomically when it has caught up."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import cast

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.application import AllianceApplication
from projections.aggregates import AggregateCache
from projections.alliance_events import KNOWN_EVENTS, AllianceProjection, in_context
from projections.engine import BOOKKEEPING, Item, Projection, Projector
from projections.errors import RebuildRunning
from projections.log import batch_reader
from projections.store import Lease, ProjectionStore


@contextmanager
def rebuilding(store: ProjectionStore, names: list[str]) -> Iterator[None]:
    """Holds `<name>.rebuild` for each projection: one rebuild of a projection at a time (two would
    write and drop the same fresh generation). The live runner goes on meanwhile; after the swap
    both may write the new generation, which the tracking check inside each batch keeps exact."""
    leases: list[Lease] = []
    try:
        for name in names:
            lease = store.lease(f"{name}.rebuild")
            if lease is None:
                raise RebuildRunning(name)
            leases.append(lease)
        yield
    finally:
        for lease in leases:
            lease.release()


@contextmanager
def collected_per_batch() -> Iterator[Callable[[], int]]:
    """Python's cyclic garbage collector off while a rebuild runs; `collect()` after each batch
    collects the young generations (all that the batch allocated and still lives) at once, and the
    collector is as it was afterwards. With the collector on, its automatic collections ran every
    700 allocations and, as the cached aggregates grew, walked them again and again: off, a rebuild
    of all four read models took 18 % less CPU on 52k events and 21–45 % less on 245k (21 % in the
    quietest pair; 2026-11-30, bench/notes/projections.md, "fifth pass"). The old generation (what
    outlived a batch's collection, the cached aggregates among it) is not collected before the
    rebuild ends: a cycle that becomes garbage there waits for the collector's next full
    collection after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield lambda: gc.collect(1)
    finally:
        if enabled:
            gc.enable()


def rebuild(
    application: AllianceApplication,
    store: ProjectionStore,
    projection: Projection,
    *,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Builds the projection from position 0 into a fresh generation and swaps it in atomically."""
    with rebuilding(store, [projection.name]):
        return _rebuild(application, store, projection, batch_size=batch_size, progress=progress)


def _rebuild(
    application: AllianceApplication,
    store: ProjectionStore,
    projection: Projection,
    *,
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> int:
    # One projection alone takes the same path as several: the shared pass below.
    return _rebuild_many(application, store, [projection], batch_size=batch_size, progress=progress)


def rebuild_many(
    application: AllianceApplication,
    store: ProjectionStore,
    projections: list[Projection],
    *,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rebuilds several projections in one pass over the log, decoding each event once, and swaps
    each fresh generation in atomically."""
    with rebuilding(store, [p.name for p in projections]):
        return _rebuild_many(application, store, projections, batch_size=batch_size, progress=progress)


def _rebuild_many(
    application: AllianceApplication,
    store: ProjectionStore,
    projections: list[Projection],
    *,
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> int:
    current = {p.name: store.current(p.name) for p in projections}
    for p in projections:
        store.drop(p.name, current[p.name] + 1, p.schema)
    projectors = [
        Projector(application, store, p, generation=current[p.name] + 1, batch_size=batch_size, building=True)
        for p in projections
    ]
    shared = SharedPass(application, projectors)
    read = batch_reader(application)
    count = 0
    try:
        with collected_per_batch() as collect:
            while True:
                positions = [p.position() for p in projectors]
                start = min(positions)
                notifications = read(start + 1, batch_size)
                if not notifications:
                    break
                items = [shared.item(n) for n in notifications]
                if not (len(set(positions)) == 1 and shared.project(items, after=start)):
                    # Each projection on its own, with its own aggregates: the exact halt of an event
                    # one of them cannot take, or projections that stand at different positions.
                    items = [i if i.event is not None else projectors[0].item(i.notification) for i in items]
                    for projector in projectors:
                        position = projector.position()
                        todo = [i for i in items if i.position > position]
                        if todo:
                            projector.project(todo, after=position)
                count += len(items)
                if progress is not None:
                    progress(len(items))
                del notifications, items  # garbage by now, but for what the aggregates keep
                collect()
    finally:
        for projector in projectors:
            projector.close()
    for p in projections:
        store.swap(p.name, current[p.name] + 1)
        store.drop(p.name, current[p.name], p.schema)
        store.clear_halt(p.name)
    return count


class SharedPass:
    """Projects a batch into every projection at once: each event is applied to its aggregate once
    (one cache for all) and the same event in context goes to each projection before the next event
    changes the aggregates; each projection writes its own transaction, committed together at the
    end of the batch. Only for read models about alliances (all the rebuildable ones)."""

    def __init__(self, application: AllianceApplication, projectors: list[Projector]) -> None:
        self.projectors = projectors
        self.usable = all(isinstance(p.projection, AllianceProjection) for p in projectors)
        self.aggregates = AggregateCache(application, maxsize=20_000)
        self.known = frozenset(KNOWN_EVENTS)
        self.ignored = frozenset(BOOKKEEPING)
        # Bookkeeping is known by its topic before decoding (a command record per command, in use).
        self.skipped = frozenset(get_topic(cls) for cls in BOOKKEEPING) if self.usable else frozenset()

    def item(self, notification: Notification) -> Item:
        """The notification decoded, except bookkeeping that no read model shows (event None)."""
        if notification.topic in self.skipped:
            return Item(notification.id, notification, None)
        return self.projectors[0].item(notification)

    def project(self, items: list[Item], *, after: int) -> bool:
        """True when the batch was projected and committed in every projection; False when it was
        not (nothing of it is kept, the shared aggregates are forgotten): the caller projects it
        again one projection at a time, which halts at the exact event."""
        if not self.usable or any(i.event is not None and type(i.event) not in self.known
                                  and type(i.event) not in self.ignored for i in items):
            return False
        projections = [cast(AllianceProjection, p.projection) for p in self.projectors]
        try:
            with ExitStack() as stack:
                dbs = [stack.enter_context(p.view().write()) for p in self.projectors]
                for projector, db in zip(self.projectors, dbs, strict=True):
                    projector.view().claim(db, after)
                for projection, db in zip(projections, dbs, strict=True):
                    projection.begin(db)
                pairs = list(zip(projections, dbs, strict=True))
                for item in items:
                    if item.event is None or type(item.event) in self.ignored:
                        continue
                    seen = in_context(item, self.aggregates)
                    for projection, db in pairs:
                        projection.see(seen, db)
                for (projection, db), projector in zip(pairs, self.projectors, strict=True):
                    projection.finish(db)
                    projector.view().track(db, items[-1].position)
        except Exception:
            # Every transaction of the batch rolled back; a commit that got through before a later
            # one failed is refused by its tracking row when the batch is projected again.
            self.aggregates.clear()
            for projection in projections:
                projection.reset()
            return False
        return True
