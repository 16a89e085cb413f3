"""Key rings for per-person keys: a SQLite file or a PostgreSQL table, never the event store."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from uuid import UUID

import psycopg
from eventsourcing.cryptography import AESCipher

from storage.postgres_events import ddl_lock_key


class SQLiteKeyRing:
    """Keys in their own SQLite file, so erasing a key never touches the events."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            path.touch(mode=0o600)  # the keys that make personal data readable: for this user only
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS person_keys (person_id TEXT PRIMARY KEY, key TEXT NOT NULL)")
        self._lock = threading.Lock()

    def create(self, person_id: UUID) -> str:
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO person_keys VALUES (?, ?)",
                             (str(person_id), AESCipher.create_key(32)))
            row = self._db.execute("SELECT key FROM person_keys WHERE person_id = ?", (str(person_id),)).fetchone()
        return str(row[0])

    def get(self, person_id: UUID) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT key FROM person_keys WHERE person_id = ?", (str(person_id),)).fetchone()
        return None if row is None else str(row[0])

    def destroy(self, person_id: UUID) -> bool:
        with self._lock:
            cur = self._db.execute("DELETE FROM person_keys WHERE person_id = ?", (str(person_id),))
        return cur.rowcount > 0

    def close(self) -> None:
        self._db.close()


class PostgresKeyRing:
    """Keys in a table of the deployment's schema."""

    def __init__(self, conninfo: str, schema: str) -> None:
        self._conn = psycopg.connect(conninfo, autocommit=True)
        self._table = f'"{schema}".person_keys'
        self._lock = threading.Lock()
        with self._lock, self._conn.transaction():  # processes starting together create it once
            self._conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (ddl_lock_key(schema),))
            self._conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._table} (person_id uuid PRIMARY KEY, key text NOT NULL)"
            )

    def create(self, person_id: UUID) -> str:
        with self._lock:
            self._conn.execute(f"INSERT INTO {self._table} VALUES (%s, %s) ON CONFLICT DO NOTHING",
                               (person_id, AESCipher.create_key(32)))
            row = self._conn.execute(f"SELECT key FROM {self._table} WHERE person_id = %s", (person_id,)).fetchone()
        assert row is not None
        return str(row[0])

    def get(self, person_id: UUID) -> str | None:
        with self._lock:
            row = self._conn.execute(f"SELECT key FROM {self._table} WHERE person_id = %s", (person_id,)).fetchone()
        return None if row is None else str(row[0])

    def destroy(self, person_id: UUID) -> bool:
        with self._lock:
            cur = self._conn.execute(f"DELETE FROM {self._table} WHERE person_id = %s", (person_id,))
        return cur.rowcount > 0

    def close(self) -> None:
        self._conn.close()
