"""Rebuilds from position 0 into a fresh generation, swapped in atomically when it has caught up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from domain.application import AllianceApplication
from projections.engine import Projection, Projector
from projections.errors import RebuildRunning
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


def rebuild(
    application: AllianceApplication,
    store: ProjectionStore,
    projection: Projection,
    *,
    batch_size: int = 2000,
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
    current = store.current(projection.name)
    fresh = current + 1
    store.drop(projection.name, fresh, projection.schema)  # leftovers of an interrupted rebuild
    projector = Projector(application, store, projection, generation=fresh, batch_size=batch_size)
    try:
        count = projector.catch_up(progress=progress)
        count += projector.catch_up(progress=progress)  # what arrived meanwhile
    finally:
        projector.close()
    store.swap(projection.name, fresh)
    store.drop(projection.name, current, projection.schema)
    store.clear_halt(projection.name)
    return count


def rebuild_many(
    application: AllianceApplication,
    store: ProjectionStore,
    projections: list[Projection],
    *,
    batch_size: int = 2000,
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
        Projector(application, store, p, generation=current[p.name] + 1, batch_size=batch_size)
        for p in projections
    ]
    count = 0
    try:
        while True:
            start = min(p.position() for p in projectors)
            notifications = application.recorder.select_notifications(
                start=start + 1, limit=batch_size
            )
            if not notifications:
                break
            items = [projectors[0].item(n) for n in notifications]
            for projector in projectors:
                position = projector.position()
                todo = [i for i in items if i.position > position]
                if todo:
                    projector.project(todo, after=position)
            count += len(items)
            if progress is not None:
                progress(len(items))
    finally:
        for projector in projectors:
            projector.close()
    for p in projections:
        store.swap(p.name, current[p.name] + 1)
        store.drop(p.name, current[p.name], p.schema)
        store.clear_halt(p.name)
    return count
