"""The projector loop: pull notifications, project a batch, track its position in one transaction.

On SQLite eventsourcing cannot subscribe (no LISTEN/NOTIFY), so every backend is pulled with
`recorder.select_notifications` in this loop. A batch of events and the position of its last
event are committed together: a crash anywhere in a batch leaves neither, and a batch that was
already committed is refused by the tracking table (IntegrityError), so nothing counts twice.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import psycopg
from eventsourcing.persistence import DataError, IntegrityError, Notification, OperationalError

from domain.application import AllianceApplication
from domain.idempotency import CommandRecord, CommitmentIndex
from projections.aggregates import AggregateCache
from projections.errors import ProjectionHalted
from projections.store import Db, ProjectionStore, Schema, View

# Events that no read model shows: bookkeeping of the application, not what happened to an alliance.
BOOKKEEPING: tuple[type, ...] = (
    CommandRecord.Applied,
    CommitmentIndex.Opened,
    CommitmentIndex.CommitmentAdded,
)


@dataclass(slots=True)
class Item:
    """One notification as a projection reads it; read only by convention (not frozen: built for
    every event, and a frozen dataclass sets each field through object.__setattr__)."""

    position: int
    notification: Notification
    event: Any  # the decoded domain event (None for projections that read raw stored events)


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
            except DATA_ERRORS as e:
                raise halted(self.name, item, e) from e
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


# The database refused a value of an event (a NUL in PostgreSQL text, a number out of range): the
# same batch would fail the same way on every retry, so the projection halts at that event.
DATA_ERRORS: tuple[type[Exception], ...] = (DataError, psycopg.DataError, sqlite3.DataError)


def halted(projection: str, item: Item, error: Exception) -> ProjectionHalted:
    n = item.notification
    return ProjectionHalted(
        projection, item.position, n.topic,
        f"Aggregat {n.originator_id}, Version {n.originator_version}: die Datenbank lehnt einen Wert "
        f"ab ({type(error).__name__}: {str(error).strip()[:300]})",
    )


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
        building: bool = False,
    ) -> None:
        self.application = application
        self.store = store
        self.projection = projection
        self.batch_size = batch_size
        self._pinned = generation
        self._building = building  # a rebuild's fresh generation (see ProjectionStore.open)
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
            self._view = self.store.open(self.name, generation, self.projection.schema, building=self._building)
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
        self.project([self.item(n) for n in notifications], after=start)
        return len(notifications)

    def project(self, items: list[Item], *, after: int) -> None:
        """One transaction: the batch's changes and the position of its last event, or neither.
        `after` is the position the batch was read from; checked first inside the transaction, so a
        batch another runner projected meanwhile (even in part) is refused whole (IntegrityError).

        When the database refuses a value only at the end of the batch (a flush, the commit), the
        batch is projected again one event per transaction, so the halt names that event and
        everything before it is kept."""
        view = self.view()
        try:
            with view.write() as db:
                view.claim(db, after)
                self.projection.process(items, db)
                view.track(db, items[-1].position)
        except DATA_ERRORS as e:
            self.projection.reset()
            if len(items) == 1:
                raise halted(self.name, items[0], e) from e
            for item in items:
                self.project([item], after=after)
                after = item.position
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

    def item(self, notification: Notification) -> Item:
        """The notification as this projection reads it; an event it cannot decode halts it."""
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
