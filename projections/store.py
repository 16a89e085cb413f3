"""Where read models live: one SQLite file per projection generation, or prefixed PostgreSQL tables.

eventsourcing's SQLite tracking table is not prefixed, so each projection (and each rebuilt
generation of it) gets a file of its own under `var/projections/`; on PostgreSQL every table of a
projection is named `<projection>_g<generation>_<table>` in the deployment's schema. A rebuild
writes a new generation and then moves the generation pointer in one atomic step.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder

from domain.application import AllianceApplication

APPLICATION_NAME = AllianceApplication.name


@dataclass(frozen=True)
class Schema:
    """Tables as `name -> column definitions` and indexes as `name -> table(columns)`."""

    tables: dict[str, str]
    indexes: dict[str, str] = field(default_factory=dict)


class Db:
    """A cursor inside one transaction; statements name tables as `{table}` and use `?`."""

    def __init__(self, cursor: Any, names: dict[str, str], postgres: bool) -> None:
        self.cursor = cursor
        self._names = names
        self._postgres = postgres
        self._cache: dict[str, str] = {}

    @property
    def postgres(self) -> bool:
        return self._postgres

    def sql(self, statement: str) -> str:
        text = self._cache.get(statement)
        if text is None:
            text = statement.format(**self._names)
            if self._postgres:
                text = text.replace("?", "%s")
            self._cache[statement] = text
        return text

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(self.sql(statement), tuple(params))

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(self.sql(statement), [tuple(r) for r in rows])

    def append(self, table: str, rows: Sequence[Sequence[Any]]) -> None:
        """Adds rows with every column of `table`, in order: on PostgreSQL one COPY stream (executemany
        sends a statement per row, each parsed, bound and answered), on SQLite one executemany."""
        if not rows:
            return
        if self._postgres:
            with self.cursor.copy(f"COPY {self._names[table]} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(rows[0]))
            self.cursor.executemany(f"INSERT INTO {self._names[table]} VALUES ({marks})", rows)

    def all(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        self.execute(statement, params)
        return [dict(row) for row in self.cursor.fetchall()]

    def rows(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        """Rows as the driver gives them (indexable by column name), without copying into dicts."""
        self.execute(statement, params)
        return list(self.cursor.fetchall())

    def one(self, statement: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        self.execute(statement, params)
        row = self.cursor.fetchone()
        return None if row is None else dict(row)


class View:
    """One generation of one projection: its tables and its tracking position, written together."""

    def __init__(
        self,
        name: str,
        generation: int,
        recorder: TrackingRecorder,
        names: dict[str, str],
        postgres: bool,
        owns_datastore: bool,
        building: bool = False,
    ) -> None:
        self.name = name
        self.building = building
        self.generation = generation
        self.recorder = recorder
        self.names = names
        self.postgres = postgres
        self._owns_datastore = owns_datastore

    def position(self) -> int:
        return self.recorder.max_tracking_id(APPLICATION_NAME) or 0

    @contextmanager
    def write(self) -> Iterator[Db]:
        with self.recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
            if self.building and self.postgres:
                # A generation being built is thrown away unless complete, and the swap's own commit
                # flushes the log up to it: its batches need not wait for the disk.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            yield Db(cursor, self.names, self.postgres)

    @contextmanager
    def read(self) -> Iterator[Db]:
        with self.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            yield Db(cursor, self.names, self.postgres)

    def claim(self, db: Db, after: int) -> None:
        """First in a batch's transaction: locks the tracking row until the commit and checks it
        still says `after`, the position the batch was read from. If another runner moved it since,
        IntegrityError rolls the batch back before anything of it counts (a batch that merely
        overlapped another's would otherwise pass the tracking insert and count events twice)."""
        table = self.tracking_table
        if self.postgres:
            db.cursor.execute(f"INSERT INTO {table} VALUES (%s, 0) ON CONFLICT (application_name) DO NOTHING",
                              (APPLICATION_NAME,))
            db.cursor.execute(f"SELECT notification_id FROM {table} WHERE application_name = %s FOR UPDATE",
                              (APPLICATION_NAME,))
            current = int(db.cursor.fetchone()["notification_id"])
        else:  # the INSERT takes SQLite's write lock first, so the position read is the latest
            db.cursor.execute(f"INSERT INTO {table} VALUES (?, 0) ON CONFLICT (application_name) DO NOTHING",
                              (APPLICATION_NAME,))
            db.cursor.execute(f"SELECT notification_id FROM {table} WHERE application_name = ?",
                              (APPLICATION_NAME,))
            current = int(db.cursor.fetchone()[0])
        if current != after:
            raise IntegrityError(
                f"Projektion „{self.name}“: Position {current} statt {after}; ein anderer Läufer war schneller"
            )

    @property
    def tracking_table(self) -> str:
        if self.postgres:
            r: Any = self.recorder
            return f'"{r.datastore.schema}"."{r.tracking_table_name}"'
        return "tracking"

    def track(self, db: Db, position: int) -> None:
        """Records the position in the same transaction; a repeated position rolls it all back."""
        self.recorder._insert_tracking(db.cursor, Tracking(APPLICATION_NAME, position))  # type: ignore[attr-defined]

    def close(self) -> None:
        if self._owns_datastore:
            self.recorder.datastore.close()  # type: ignore[attr-defined]


def ddl(schema: Schema, names: dict[str, str], index_name: Any) -> list[str]:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {names[t]} ({cols})" for t, cols in schema.tables.items()
    ]
    for ix, target in schema.indexes.items():
        table, cols = target.split("(", 1)
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {index_name(ix)} ON {names[table.strip()]} ({cols}"
        )
    return statements


class Lease(Protocol):
    """A projection held by this process (an advisory lock, a file lock)."""

    def alive(self) -> bool:
        """Still held (on PostgreSQL the lock goes with its connection)."""

    def release(self) -> None: ...


class ProjectionStore(ABC):
    """Opens generations of projections and moves the pointer to the current one."""

    postgres: bool

    @abstractmethod
    def current(self, name: str) -> int: ...

    @abstractmethod
    def open(self, name: str, generation: int, schema: Schema, *, building: bool = False) -> View:
        """The generation's tables, created if missing. `building`: a rebuild writes it, not yet
        swapped in; its commits need not reach the disk one by one (`swap` makes it durable first)."""

    @abstractmethod
    def swap(self, name: str, generation: int) -> None: ...

    @abstractmethod
    def drop(self, name: str, generation: int, schema: Schema) -> None: ...

    @abstractmethod
    def lease(self, name: str) -> Lease | None:
        """Holds `name` (a projection, or `<projection>.rebuild`) for this process until released or
        the process ends: one runner per projection. None when another process holds it."""

    @abstractmethod
    def record_halt(self, name: str, position: int, message: str) -> None:
        """Remembers, outside any projection's tables, that a projector stopped and why."""

    @abstractmethod
    def clear_halt(self, name: str) -> None: ...

    @abstractmethod
    def halts(self) -> dict[str, dict[str, Any]]:
        """{name: {"position", "message"}} of every projection that is halted."""

    def close(self) -> None:
        """Releases shared connections."""
        return None
