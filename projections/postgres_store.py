"""Read models on PostgreSQL: tables `<name>_g<generation>_<table>` in the deployment schema."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Composed

from projections.store import Lease, ProjectionStore, Schema, View, ddl


class _PostgresView(PostgresTrackingRecorder):
    def __init__(
        self, datastore: PostgresDatastore, tracking_table_name: str, statements: list[str]
    ) -> None:
        super().__init__(datastore, tracking_table_name=tracking_table_name)
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in statements)


class _AdvisoryLease:
    def __init__(self, store: PostgresProjectionStore, key: str, conn: psycopg.Connection[Any]) -> None:
        self.store, self.key, self.conn = store, key, conn

    def alive(self) -> bool:
        with self.store._lease_lock:
            if self.conn is not self.store._lease_conn or self.key not in self.store._held:
                return False
            try:
                self.conn.execute("SELECT 1")
                return True
            except psycopg.Error:
                return False

    def release(self) -> None:
        with self.store._lease_lock:
            if self.key not in self.store._held or self.conn is not self.store._lease_conn:
                return
            self.store._held.discard(self.key)
            with contextlib.suppress(psycopg.Error):
                self.conn.execute(f"SELECT pg_advisory_unlock({_LEASE_KEY})", (self.key,))


POOL_WAIT_SECONDS = 30.0  # how long a read model waits for a free connection of its pool

# Two-key space: no clash with the one-key DDL lock. The lock goes with its session, e.g. when the
# process is killed; all leases of a store share one connection of their own.
_LEASE_KEY = "hashtext('buendnis-projection'), hashtext(%s)"


class PostgresProjectionStore(ProjectionStore):
    postgres = True

    def __init__(self, dsn: str, schema: str, parts: dict[str, str]) -> None:
        self.dsn = dsn
        self.schema = schema
        self._lease_conn: psycopg.Connection[Any] | None = None
        self._lease_lock = threading.Lock()
        self._held: set[str] = set()
        with self._ddl_lock() as conn:
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
            # As long as the event store waits for a connection (eventsourcing's 30 s from the
            # environment; the constructor's own default is 5 s): on loaded cores `buendnis
            # projections status` gave up after 5 s while the event store would have waited.
            connect_timeout=POOL_WAIT_SECONDS,
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

    def open(self, name: str, generation: int, schema: Schema, *, building: bool = False) -> View:
        names = {t: f'"{self.schema}"."{self._table(name, generation, t)}"' for t in schema.tables}
        statements = ddl(schema, names, lambda ix: f'"{self._table(name, generation, ix)}"')
        recorder = _PostgresView(
            self.datastore, self._table(name, generation, "tracking"), statements
        )
        with self._ddl_lock():
            recorder.create_table()
        return View(name, generation, recorder, names, True, owns_datastore=False, building=building)

    @contextmanager
    def _ddl_lock(self) -> Iterator[psycopg.Connection[Any]]:
        """Serialises table creation across processes: two `CREATE TABLE IF NOT EXISTS` of the same
        table at the same moment (the projector and the API's read side starting together) make
        PostgreSQL raise a unique violation in its catalogue instead of one of them waiting."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"buendnis-ddl:{self.schema}",))
            try:
                yield conn
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"buendnis-ddl:{self.schema}",))

    def lease(self, name: str) -> Lease | None:
        """A session advisory lock; PostgreSQL releases it when the session ends (a killed process)."""
        key = f"{self.schema}:{name}"
        with self._lease_lock:
            if key in self._held:
                return None  # held by this store already: a second holder in this process is refused too
            conn = self._lease_conn
            if conn is None or conn.closed or conn.broken:
                conn = self._lease_conn = psycopg.connect(self.dsn, autocommit=True)
                self._held.clear()  # a new session holds nothing
            row = conn.execute(f"SELECT pg_try_advisory_lock({_LEASE_KEY})", (key,)).fetchone()
            if row is None or not row[0]:
                return None
            self._held.add(key)
            return _AdvisoryLease(self, key, conn)

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
        with self._lease_lock:
            if self._lease_conn is not None:
                self._lease_conn.close()  # ends the session: every lease of this store goes with it
            self._held.clear()
        self.datastore.close()
