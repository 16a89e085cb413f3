"""Where the relay keeps its position in the notification log: SQLite, PostgreSQL, or memory."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Protocol


class PositionStore(Protocol):
    def get(self) -> int: ...

    def set(self, position: int) -> None: ...


class MemoryPositionStore:
    def __init__(self) -> None:
        self.position = 0

    def get(self) -> int:
        return self.position

    def set(self, position: int) -> None:
        self.position = position


class SQLitePositionStore:
    """A small SQLite file of its own (one row per relay name), written with synchronous=FULL."""

    def __init__(self, path: Path, name: str = "relay") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.name = path, name
        with self._connect() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS relay_position "
                "(name TEXT PRIMARY KEY, position INTEGER NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def get(self) -> int:
        conn = self._connect()
        try:
            row = conn.execute(
                "SELECT position FROM relay_position WHERE name = ?", (self.name,)
            ).fetchone()
        finally:
            conn.close()
        return int(row[0]) if row else 0

    def set(self, position: int) -> None:
        conn = self._connect()
        try:
            with conn:
                conn.execute(
                    "INSERT INTO relay_position (name, position) VALUES (?, ?) ON CONFLICT (name) "
                    "DO UPDATE SET position = excluded.position",
                    (self.name, position),
                )
        finally:
            conn.close()


class PostgresPositionStore:
    """A table `relay_position` in the application's schema."""

    def __init__(self, dsn: str, schema: str, name: str = "relay") -> None:
        import psycopg

        self._psycopg: Any = psycopg
        self.dsn, self.table, self.name = dsn, f'"{schema}".relay_position', name
        with psycopg.connect(dsn) as conn:  # one transaction under the schema's DDL lock, so that
            # processes starting together create it once (the key of storage/postgres_events.py)
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"buendnis-ddl:{schema}",))
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} "
                "(name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
            )

    def get(self) -> int:
        with self._psycopg.connect(self.dsn) as conn:
            row = conn.execute(
                f"SELECT position FROM {self.table} WHERE name = %s", (self.name,)
            ).fetchone()
        return int(row[0]) if row else 0

    def set(self, position: int) -> None:
        with self._psycopg.connect(self.dsn) as conn:
            conn.execute(
                f"INSERT INTO {self.table} (name, position) VALUES (%s, %s) ON CONFLICT (name) "
                "DO UPDATE SET position = excluded.position",
                (self.name, position),
            )
