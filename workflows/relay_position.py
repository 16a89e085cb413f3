"""Where the relay keeps its position in the notification log: SQLite, PostgreSQL, or memory."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any, Protocol


class PositionStore(Protocol):
    def get(self) -> int: ...

    def set(self, position: int) -> None: ...

    # The relay's heartbeat (wall-clock seconds since the epoch): written every few seconds while
    # the relay process lives, even with nothing to relay, so /health can tell a dead relay from
    # an idle one.
    def beat(self, at: float | None = None) -> None: ...

    def last_beat(self) -> float | None: ...


class MemoryPositionStore:
    def __init__(self) -> None:
        self.position = 0
        self.beaten: float | None = None

    def beat(self, at: float | None = None) -> None:
        self.beaten = time.time() if at is None else at

    def last_beat(self) -> float | None:
        return self.beaten

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
            conn.execute("CREATE TABLE IF NOT EXISTS relay_heartbeat (name TEXT PRIMARY KEY, beat_at REAL NOT NULL)")

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

    def beat(self, at: float | None = None) -> None:
        conn = self._connect()
        try:
            with conn:
                conn.execute(
                    "INSERT INTO relay_heartbeat (name, beat_at) VALUES (?, ?) ON CONFLICT (name) "
                    "DO UPDATE SET beat_at = excluded.beat_at",
                    (self.name, time.time() if at is None else at),
                )
        finally:
            conn.close()

    def last_beat(self) -> float | None:
        conn = self._connect()
        try:
            row = conn.execute("SELECT beat_at FROM relay_heartbeat WHERE name = ?", (self.name,)).fetchone()
        finally:
            conn.close()
        return float(row[0]) if row else None


class PostgresPositionStore:
    """A table `relay_position` in the application's schema."""

    def __init__(self, dsn: str, schema: str, name: str = "relay") -> None:
        import psycopg

        self._psycopg: Any = psycopg
        self.dsn, self.table, self.name = dsn, f'"{schema}".relay_position', name
        self.beats = f'"{schema}".relay_heartbeat'
        with psycopg.connect(dsn) as conn:  # one transaction under the schema's DDL lock, so that
            # processes starting together create it once (the key of storage/postgres_events.py)
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"buendnis-ddl:{schema}",))
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} "
                "(name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
            )
            conn.execute(f"CREATE TABLE IF NOT EXISTS {self.beats} (name TEXT PRIMARY KEY, "
                         "beat_at DOUBLE PRECISION NOT NULL)")

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

    def beat(self, at: float | None = None) -> None:
        with self._psycopg.connect(self.dsn) as conn:
            conn.execute(
                f"INSERT INTO {self.beats} (name, beat_at) VALUES (%s, %s) ON CONFLICT (name) "
                "DO UPDATE SET beat_at = excluded.beat_at",
                (self.name, time.time() if at is None else at),
            )

    def last_beat(self) -> float | None:
        with self._psycopg.connect(self.dsn) as conn:
            row = conn.execute(f"SELECT beat_at FROM {self.beats} WHERE name = %s", (self.name,)).fetchone()
        return float(row[0]) if row else None
