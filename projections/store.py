"""Where read models live: one SQLite file per projection generation, or prefixed PostgreSQL tables.

eventsourcing's SQLite tracking table is not prefixed, so each projection (and each rebuilt
generation of it) gets a file of its own under `var/projections/`; on PostgreSQL every table of a
projection is named `<projection>_g<generation>_<table>` in the deployment's schema. A rebuild
writes a new generation and then moves the generation pointer in one atomic step.
"""

from __future__ import annotations

import contextlib
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import psycopg
from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder
from psycopg.sql import SQL, Composed

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
    ) -> None:
        self.name = name
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
            yield Db(cursor, self.names, self.postgres)

    @contextmanager
    def read(self) -> Iterator[Db]:
        with self.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            yield Db(cursor, self.names, self.postgres)

    def track(self, db: Db, position: int) -> None:
        """Records the position in the same transaction; a repeated position rolls it all back."""
        self.recorder._insert_tracking(db.cursor, Tracking(APPLICATION_NAME, position))  # type: ignore[attr-defined]

    def close(self) -> None:
        if self._owns_datastore:
            self.recorder.datastore.close()  # type: ignore[attr-defined]


def _ddl(schema: Schema, names: dict[str, str], index_name: Any) -> list[str]:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {names[t]} ({cols})" for t, cols in schema.tables.items()
    ]
    for ix, target in schema.indexes.items():
        table, cols = target.split("(", 1)
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {index_name(ix)} ON {names[table.strip()]} ({cols}"
        )
    return statements


class _SQLiteView(SQLiteTrackingRecorder):
    def __init__(self, datastore: SQLiteDatastore, statements: list[str]) -> None:
        super().__init__(datastore)
        self.create_table_statements.extend(statements)


class _PostgresView(PostgresTrackingRecorder):
    def __init__(
        self, datastore: PostgresDatastore, tracking_table_name: str, statements: list[str]
    ) -> None:
        super().__init__(datastore, tracking_table_name=tracking_table_name)
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in statements)


class ProjectionStore(ABC):
    """Opens generations of projections and moves the pointer to the current one."""

    postgres: bool

    @abstractmethod
    def current(self, name: str) -> int: ...

    @abstractmethod
    def open(self, name: str, generation: int, schema: Schema) -> View: ...

    @abstractmethod
    def swap(self, name: str, generation: int) -> None: ...

    @abstractmethod
    def drop(self, name: str, generation: int, schema: Schema) -> None: ...

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


class SQLiteProjectionStore(ProjectionStore):
    postgres = False

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def path(self, name: str, generation: int) -> Path:
        return self.directory / f"{name}-{generation}.db"

    def _pointer(self, name: str) -> Path:
        return self.directory / f"{name}.generation"

    def current(self, name: str) -> int:
        try:
            return int(self._pointer(name).read_text().strip())
        except FileNotFoundError:
            return 1

    def open(self, name: str, generation: int, schema: Schema) -> View:
        names = {t: t for t in schema.tables}
        datastore = SQLiteDatastore(str(self.path(name, generation)), lock_timeout=30, pool_size=2)
        recorder = _SQLiteView(datastore, _ddl(schema, names, lambda ix: ix))
        recorder.create_table()
        return View(name, generation, recorder, names, False, owns_datastore=True)

    def swap(self, name: str, generation: int) -> None:
        pointer = self._pointer(name)
        temporary = pointer.with_suffix(".tmp")
        temporary.write_text(f"{generation}\n")
        with open(temporary, "rb") as f:
            os.fsync(f.fileno())
        os.replace(temporary, pointer)  # atomic: readers see the old or the new generation

    def record_halt(self, name: str, position: int, message: str) -> None:
        path = self.directory / f"{name}.halted"
        path.write_bytes(orjson.dumps({"position": position, "message": message}))

    def clear_halt(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.directory / f"{name}.halted").unlink()

    def halts(self) -> dict[str, dict[str, Any]]:
        result = {}
        for path in self.directory.glob("*.halted"):
            with contextlib.suppress(FileNotFoundError, orjson.JSONDecodeError):
                result[path.stem] = orjson.loads(path.read_bytes())
        return result

    def drop(self, name: str, generation: int, schema: Schema) -> None:
        base = self.path(name, generation)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{base}{suffix}").unlink()


class PostgresProjectionStore(ProjectionStore):
    postgres = True

    def __init__(self, dsn: str, schema: str, parts: dict[str, str]) -> None:
        self.dsn = dsn
        self.schema = schema
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            conn.execute(
                f'CREATE TABLE IF NOT EXISTS "{schema}".projection_generations '
                "(name text PRIMARY KEY, generation integer NOT NULL)"
            )
            conn.execute(
                f'CREATE TABLE IF NOT EXISTS "{schema}".projection_halts '
                "(name text PRIMARY KEY, position bigint NOT NULL, message text NOT NULL)"
            )
        self.datastore = PostgresDatastore(
            parts["POSTGRES_DBNAME"],
            parts["POSTGRES_HOST"],
            parts["POSTGRES_PORT"],
            parts["POSTGRES_USER"],
            parts["POSTGRES_PASSWORD"],
            schema=schema,
            pool_size=2,
            max_overflow=4,
        )

    def _table(self, name: str, generation: int, table: str) -> str:
        return f"{name}_g{generation}_{table}"

    def current(self, name: str) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f'SELECT generation FROM "{self.schema}".projection_generations WHERE name = %s',
                (name,),
            )
            row = c.fetchone()
        return 1 if row is None else int(row["generation"])

    def open(self, name: str, generation: int, schema: Schema) -> View:
        names = {t: f'"{self.schema}"."{self._table(name, generation, t)}"' for t in schema.tables}
        statements = _ddl(schema, names, lambda ix: f'"{self._table(name, generation, ix)}"')
        recorder = _PostgresView(
            self.datastore, self._table(name, generation, "tracking"), statements
        )
        recorder.create_table()
        return View(name, generation, recorder, names, True, owns_datastore=False)

    def swap(self, name: str, generation: int) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f'INSERT INTO "{self.schema}".projection_generations VALUES (%s, %s) '
                "ON CONFLICT (name) DO UPDATE SET generation = EXCLUDED.generation",
                (name, generation),
            )

    def record_halt(self, name: str, position: int, message: str) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f'INSERT INTO "{self.schema}".projection_halts VALUES (%s, %s, %s) '
                "ON CONFLICT (name) DO UPDATE "
                "SET position = EXCLUDED.position, message = EXCLUDED.message",
                (name, position, message),
            )

    def clear_halt(self, name: str) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(f'DELETE FROM "{self.schema}".projection_halts WHERE name = %s', (name,))

    def halts(self) -> dict[str, dict[str, Any]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f'SELECT name, position, message FROM "{self.schema}".projection_halts')
            rows = c.fetchall()
        return {r["name"]: {"position": int(r["position"]), "message": r["message"]} for r in rows}

    def drop(self, name: str, generation: int, schema: Schema) -> None:
        with self.datastore.transaction(commit=True) as c:
            for t in [*schema.tables, "tracking"]:
                c.execute(
                    f'DROP TABLE IF EXISTS "{self.schema}"."{self._table(name, generation, t)}"'
                )

    def close(self) -> None:
        self.datastore.close()
