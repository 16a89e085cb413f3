"""Key rings for the erasable keys (persons, generations of an alliance's free texts): a SQLite file
or a PostgreSQL schema of their own, never the event store.

A destroyed key must be gone from the disk, not only from the table: the SQLite file runs with
`secure_delete` (freed pages are overwritten with zeros) and a rollback journal (`journal_mode=DELETE`:
no WAL file keeps old pages after a commit); on PostgreSQL the table is vacuumed after each
destruction, so the dead row's bytes are freed for reuse, and it lives in a schema apart from the
events (`BUENDNIS_KEYRING_SCHEMA`, optionally another database: `BUENDNIS_KEYRING_DSN`) with its own
backup rule (docs/SECURITY.md).
"""

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
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA secure_delete=ON")
        # A file of before ran in WAL mode: back to a rollback journal, whose file is deleted after
        # each commit (the WAL is checkpointed and removed by the switch).
        self._db.execute("PRAGMA journal_mode=DELETE")
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
    """Keys in a table of a schema of their own (not the events' schema)."""

    def __init__(self, conninfo: str, schema: str, *, events_schema: str | None = None) -> None:
        self._conn = psycopg.connect(conninfo, autocommit=True)
        self._table = f'"{schema}".person_keys'
        self._lock = threading.Lock()
        with self._lock, self._conn.transaction():  # processes starting together create it once
            self._conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (ddl_lock_key(schema),))
            self._conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            self._conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._table} (person_id uuid PRIMARY KEY, key text NOT NULL)"
            )
            if events_schema is not None and events_schema != schema:
                self._move_from(events_schema)

    def _move_from(self, events_schema: str) -> None:
        """Keys kept in the events' schema before it had its own move here (once, in one transaction)."""
        old = self._conn.execute("SELECT to_regclass(%s)", (f'"{events_schema}".person_keys',)).fetchone()
        if old is not None and old[0] is not None:
            self._conn.execute(f'INSERT INTO {self._table} SELECT * FROM "{events_schema}".person_keys '
                               "ON CONFLICT DO NOTHING")
            self._conn.execute(f'DROP TABLE "{events_schema}".person_keys')

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
            if cur.rowcount > 0:
                # The deleted row stays in the table's pages until vacuumed; the table is small.
                self._conn.execute(f"VACUUM {self._table}")
        return cur.rowcount > 0

    def close(self) -> None:
        self._conn.close()
