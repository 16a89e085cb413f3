"""Token revocation state and calendar feeds: a SQLite file under var/ or tables of the
deployment's PostgreSQL schema, shared by every API process (api/tokens.py reads them).

Feeds are plain rows here (id, subject, role, alliance_id, partner_id, created_at as text)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

TABLES = (
    "CREATE TABLE IF NOT EXISTS {p}token_versions (subject TEXT PRIMARY KEY, version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {p}revoked_tokens (jti TEXT PRIMARY KEY, expires_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {p}calendar_feeds (hash TEXT PRIMARY KEY, id TEXT UNIQUE NOT NULL, "
    "subject TEXT NOT NULL, role TEXT NOT NULL, alliance_id TEXT NOT NULL, partner_id TEXT, "
    "created_at TEXT NOT NULL, revoked_at TEXT)",
)
FEED = "id, subject, role, alliance_id, partner_id, created_at"


FIELDS = ("id", "subject", "role", "alliance_id", "partner_id", "created_at")


def _feed(row: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(FIELDS, row, strict=True))


def _now() -> str:
    return datetime.now(UTC).isoformat()


class _SqlTokenStore:
    """The statements, written once with `?`; each backend runs them its own way."""

    prefix = ""

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        raise NotImplementedError

    def _t(self, sql: str) -> str:
        return sql.replace("{p}", self.prefix)

    def version(self, subject: str) -> int:
        rows = self._run(self._t("SELECT version FROM {p}token_versions WHERE subject = ?"), (subject,))
        return int(rows[0][0]) if rows else 0

    def revoke_subject(self, subject: str) -> int:
        rows = self._run(self._t(
            "INSERT INTO {p}token_versions VALUES (?, 1) ON CONFLICT (subject) "
            "DO UPDATE SET version = {p}token_versions.version + 1 RETURNING version"), (subject,))
        self._run(self._t("UPDATE {p}calendar_feeds SET revoked_at = ? WHERE subject = ? AND revoked_at IS NULL"),
                  (_now(), subject))
        return int(rows[0][0])

    def revoke_token(self, jti: str, expires_at: datetime) -> None:
        self._run(self._t("DELETE FROM {p}revoked_tokens WHERE expires_at < ?"), (_now(),))
        self._run(self._t("INSERT INTO {p}revoked_tokens VALUES (?, ?) ON CONFLICT (jti) DO NOTHING"),
                  (jti, expires_at.astimezone(UTC).isoformat()))

    def is_revoked(self, jti: str) -> bool:
        return bool(self._run(self._t("SELECT 1 FROM {p}revoked_tokens WHERE jti = ?"), (jti,)))

    def add_feed(self, hashed: str, feed: dict[str, Any]) -> None:
        self._run(self._t(f"INSERT INTO {{p}}calendar_feeds (hash, {FEED}) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                  (hashed, *(feed[f] for f in FIELDS)))

    def feed(self, hashed: str) -> dict[str, Any] | None:
        rows = self._run(self._t(f"SELECT {FEED} FROM {{p}}calendar_feeds WHERE hash = ? AND revoked_at IS NULL"),
                         (hashed,))
        return _feed(rows[0]) if rows else None

    def feeds(self, subject: str | None = None) -> list[dict[str, Any]]:
        sql = f"SELECT {FEED} FROM {{p}}calendar_feeds WHERE revoked_at IS NULL"
        rows = (self._run(self._t(sql + " AND subject = ? ORDER BY created_at"), (subject,)) if subject
                else self._run(self._t(sql + " ORDER BY created_at")))
        return [_feed(r) for r in rows]

    def revoke_feed(self, feed_id: str) -> bool:
        rows = self._run(self._t("UPDATE {p}calendar_feeds SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL "
                                 "RETURNING id"), (_now(), feed_id))
        return bool(rows)


class SQLiteTokenStore(_SqlTokenStore):
    """The embedded default: var/tokens.db, created 0600 like every secret file under var/."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            path.touch(mode=0o600)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()
        for sql in TABLES:
            self._db.execute(self._t(sql))

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        with self._lock:
            return list(self._db.execute(sql, tuple(params)).fetchall())

    def close(self) -> None:
        self._db.close()


class PostgresTokenStore(_SqlTokenStore):
    """Scale-out: tables in the deployment's schema, so every API process sees a revocation."""

    def __init__(self, conninfo: str, schema: str) -> None:
        self.prefix = f'"{schema}".'
        self._conn = psycopg.connect(conninfo, autocommit=True)
        self._lock = threading.Lock()
        with self._lock:
            for sql in TABLES:
                self._conn.execute(self._t(sql))  # type: ignore[arg-type]

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        with self._lock:
            cur = self._conn.execute(sql.replace("?", "%s"), tuple(params))  # type: ignore[arg-type]
            return list(cur.fetchall()) if cur.description else []

    def close(self) -> None:
        self._conn.close()
