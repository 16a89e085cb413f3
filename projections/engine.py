"""The projector loop: pull notifications, project a batch, track its position in one transaction.

On SQLite eventsourcing cannot subscribe (no LISTEN/NOTIFY), so every backend is pulled with
`recorder.select_notifications` in this loop. A batch of events and the position of its last
event are committed together: a crash anywhere in a batch leaves neither, and a batch that was
already committed is refused by the tracking table (IntegrityError), so nothing counts twice.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

import psycopg
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Notification, OperationalError

from domain.application import AllianceApplication
from domain.idempotency import CommandRecord, CommitmentIndex
from projections.errors import ProjectionHalted
from projections.store import Db, ProjectionStore, Schema, View

# Events that no read model shows: bookkeeping of the application, not what happened to an alliance.
BOOKKEEPING: tuple[type, ...] = (
    CommandRecord.Applied,
    CommitmentIndex.Opened,
    CommitmentIndex.CommitmentAdded,
)


@dataclass(frozen=True)
class Item:
    position: int
    notification: Notification
    event: Any  # the decoded domain event (None for projections that read raw stored events)


class AggregateCache:
    """Aggregates as they stood at the last projected event, so handlers can read names and state.

    A miss (after a restart, or an evicted entry) loads the aggregate at the version just before
    the event from the application's repository, so incremental projection and a rebuild see the
    same state.
    """

    def __init__(self, application: AllianceApplication, maxsize: int = 4000) -> None:
        self.application = application
        self.maxsize = maxsize
        self._items: OrderedDict[UUID, Aggregate] = OrderedDict()

    def clear(self) -> None:
        self._items.clear()

    def before(self, event: Any) -> Any:
        """The aggregate just before `event` (None for a creation event)."""
        version = event.originator_version
        if version == 1:
            return None
        aggregate = self._items.get(event.originator_id)
        if aggregate is None or aggregate.version != version - 1:
            aggregate = self.application.repository.get(event.originator_id, version=version - 1)
            self._put(event.originator_id, aggregate)
        else:
            self._items.move_to_end(event.originator_id)
        return aggregate

    def apply(self, event: Any) -> Any:
        """The aggregate right after `event`."""
        aggregate = event.mutate(self.before(event))
        self._put(event.originator_id, aggregate)
        return aggregate

    def latest(self, aggregate_id: UUID) -> Any:
        """The aggregate as last projected, or as it stands in the store when not cached."""
        aggregate = self._items.get(aggregate_id)
        if aggregate is None:
            aggregate = self.application.repository.get(aggregate_id)
            self._put(aggregate_id, aggregate)
        return aggregate

    def _put(self, aggregate_id: UUID, aggregate: Aggregate) -> None:
        self._items[aggregate_id] = aggregate
        self._items.move_to_end(aggregate_id)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)


Handler = Callable[[Item, Db], None]


class Projection(ABC):
    """A read model: its tables and how a batch of events changes them."""

    name: ClassVar[str]
    title: ClassVar[str]
    schema: ClassVar[Schema]
    decodes: ClassVar[bool] = True
    rebuildable: ClassVar[bool] = True

    def __init__(self, application: AllianceApplication) -> None:
        self.application = application
        self.aggregates = AggregateCache(application)

    @abstractmethod
    def handlers(self) -> dict[type, Handler]:
        """One handler per event class this projection understands (bookkeeping included)."""

    def begin(self, db: Db) -> None:
        """Called at the start of each batch."""
        return None

    def finish(self, db: Db) -> None:
        """Called at the end of each batch, inside the same transaction: flush what is pending."""
        return None

    def reset(self) -> None:
        """Forgets in-memory state after a failed batch (its transaction was rolled back)."""
        self.aggregates.clear()

    def process(self, items: list[Item], db: Db) -> None:
        table = self._table()
        self.begin(db)
        for item in items:
            handler = table.get(type(item.event))
            if handler is None:
                raise ProjectionHalted(
                    self.name,
                    item.position,
                    item.notification.topic,
                    "für diese Ereignisart gibt es in der Projektion keine Regel",
                )
            try:
                handler(item, db)
            except ProjectionHalted:
                raise
            except (sqlite3.IntegrityError, psycopg.IntegrityError) as e:
                # Rows of this batch exist: another runner was first; not the event's fault.
                raise IntegrityError(str(e)) from e
            except (sqlite3.Error, psycopg.Error) as e:
                raise OperationalError(str(e)) from e
            except Exception as e:
                raise ProjectionHalted(
                    self.name, item.position, item.notification.topic, f"{type(e).__name__}: {e}"
                ) from e
        self.finish(db)

    def _table(self) -> dict[type, Handler]:
        cached: dict[type, Handler] | None = getattr(self, "_handlers", None)
        if cached is None:
            cached = self.handlers()
            for cls in BOOKKEEPING:
                cached.setdefault(cls, _ignore)
            self._handlers = cached
        return cached


def _ignore(item: Item, db: Db) -> None:
    del item, db


class Projector:
    """Runs one projection over the application's notification log, one transaction per batch."""

    def __init__(
        self,
        application: AllianceApplication,
        store: ProjectionStore,
        projection: Projection,
        *,
        generation: int | None = None,
        batch_size: int = 500,
    ) -> None:
        self.application = application
        self.store = store
        self.projection = projection
        self.batch_size = batch_size
        self._pinned = generation
        self._view: View | None = None

    @property
    def name(self) -> str:
        return self.projection.name

    def view(self) -> View:
        """The generation to write: the current one, unless pinned (a rebuild writes a new one)."""
        generation = self._pinned or self.store.current(self.name)
        if self._view is None or self._view.generation != generation:
            if self._view is not None:
                self._view.close()
                self.projection.reset()
            self._view = self.store.open(self.name, generation, self.projection.schema)
        return self._view

    def position(self) -> int:
        return self.view().position()

    def lag(self) -> int:
        return max(0, (self.application.recorder.max_notification_id() or 0) - self.position())

    def step(self) -> int:
        """Projects the next batch; answers how many events it took (0 when caught up)."""
        view = self.view()
        start = view.position()
        notifications = self.application.recorder.select_notifications(
            start=start + 1, limit=self.batch_size
        )
        if not notifications:
            return 0
        self.project([self._item(n) for n in notifications])
        return len(notifications)

    def project(self, items: list[Item]) -> None:
        """One transaction: the batch's changes and the position of its last event, or neither."""
        view = self.view()
        try:
            with view.write() as db:
                self.projection.process(items, db)
                view.track(db, items[-1].position)
        except BaseException:
            self.projection.reset()
            raise

    def catch_up(
        self, until: int | None = None, progress: Callable[[int], None] | None = None
    ) -> int:
        """Projects up to `until` (the log's end when None); answers how many events it took."""
        total = 0
        while True:
            if until is not None and self.position() >= until:
                return total
            done = self.step()
            if not done:
                return total
            total += done
            if progress is not None:
                progress(done)

    def _item(self, notification: Notification) -> Item:
        if not self.projection.decodes:
            return Item(notification.id, notification, None)
        try:
            event = self.application.mapper.to_domain_event(notification)
        except Exception as e:
            raise ProjectionHalted(
                self.name,
                notification.id,
                notification.topic,
                f"nicht lesbar: {type(e).__name__}: {e}",
            ) from e
        return Item(notification.id, notification, event)

    def close(self) -> None:
        if self._view is not None:
            self._view.close()
            self._view = None


def rebuild(
    application: AllianceApplication,
    store: ProjectionStore,
    projection: Projection,
    *,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Builds the projection from position 0 into a fresh generation and swaps it in atomically."""
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
            items = [projectors[0]._item(n) for n in notifications]
            for projector in projectors:
                position = projector.position()
                todo = [i for i in items if i.position > position]
                if todo:
                    projector.project(todo)
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
