"""Rebuilds from position 0 into a fresh generation, swapped in atomically when it has caught up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from domain.application import AllianceApplication
from projections import partitioned
from projections.engine import Projection, Projector
from projections.errors import RebuildRunning
from projections.log import batch_reader
from projections.partitioned import Partitions
from projections.shared_pass import SharedPass, collected_per_batch
from projections.store import Lease, ProjectionStore

__all__ = ["Partitions", "SharedPass", "collected_per_batch", "rebuild", "rebuild_many", "rebuilding"]


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


def rebuild(
    application: AllianceApplication,
    store: ProjectionStore,
    projection: Projection,
    *,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    partitions: Partitions | None = None,
) -> int:
    """Builds the projection from position 0 into a fresh generation and swaps it in atomically."""
    with rebuilding(store, [projection.name]):
        return _rebuild_many(application, store, [projection], batch_size=batch_size, progress=progress,
                             partitions=partitions)


def rebuild_many(
    application: AllianceApplication,
    store: ProjectionStore,
    projections: list[Projection],
    *,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    partitions: Partitions | None = None,
) -> int:
    """Rebuilds several projections in one pass over the log, decoding each event once, and swaps
    each fresh generation in atomically. With `partitions` (SQLite only), the log up to its end as it
    stands now is projected in several processes, split by alliance (projections/partitioned.py);
    the rest, and everything after a partition failed, in this one."""
    with rebuilding(store, [p.name for p in projections]):
        return _rebuild_many(application, store, projections, batch_size=batch_size, progress=progress,
                             partitions=partitions)


def _rebuild_many(
    application: AllianceApplication,
    store: ProjectionStore,
    projections: list[Projection],
    *,
    batch_size: int,
    progress: Callable[[int], None] | None,
    partitions: Partitions | None,
) -> int:
    current = {p.name: store.current(p.name) for p in projections}
    for p in projections:
        store.drop(p.name, current[p.name] + 1, p.schema)
    count, split, end = 0, False, application.recorder.max_notification_id() or 0
    if end and partitioned.usable(partitions, store, projections):
        assert partitions is not None
        for p in projections:  # the tables, created before the processes write them
            store.open(p.name, current[p.name] + 1, p.schema, building=True).close()
        done = partitioned.build(partitions, [type(p) for p in projections],
                                 [current[p.name] + 1 for p in projections],
                                 end=end, batch_size=batch_size, progress=progress)
        if done is None:  # in one process from position 0: it halts at the exact event, if one is at fault
            for p in projections:
                store.drop(p.name, current[p.name] + 1, p.schema)
        else:
            count, split = done, True
    projectors = [
        Projector(application, store, p, generation=current[p.name] + 1, batch_size=batch_size, building=True)
        for p in projections
    ]
    shared = SharedPass(application, projectors)
    read = batch_reader(application)
    try:
        if split:  # the partitions projected up to `end`: their position, as a batch would track it
            for projector in projectors:
                view = projector.view()
                with view.write() as db:
                    view.claim(db, 0)
                    view.track(db, end)
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
