"""Direct writes to the stored events, as an intruder with database access would make them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg

from config.settings import Settings


@contextmanager
def events_table(settings: Settings) -> Iterator[tuple[Any, str, str]]:
    """(connection, table, position column) of the application's stored events."""
    if settings.store == "sqlite":
        conn: Any = sqlite3.connect(settings.events_path, isolation_level=None)
        try:
            yield conn, "stored_events", "rowid"
        finally:
            conn.close()
    else:
        with psycopg.connect(settings.postgres_dsn, autocommit=True) as pg:
            yield (
                _PgAdapter(pg),
                f'"{settings.postgres_schema}".alliances_events',
                "notification_id",
            )


class _PgAdapter:
    """Lets the tamper helpers use `?` placeholders on PostgreSQL as on SQLite."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]


def flip_one_byte(settings: Settings, position: int) -> None:
    with events_table(settings) as (conn, table, pos):
        state = bytes(
            conn.execute(f"SELECT state FROM {table} WHERE {pos} = ?", (position,)).fetchone()[0]
        )
        # One bit of the JSON state near its end: same length, still "valid-looking".
        changed = state[:-2] + bytes([state[-2] ^ 0x01]) + state[-1:]
        conn.execute(f"UPDATE {table} SET state = ? WHERE {pos} = ?", (changed, position))


def delete_event(settings: Settings, position: int) -> None:
    with events_table(settings) as (conn, table, pos):
        conn.execute(f"DELETE FROM {table} WHERE {pos} = ?", (position,))


def swap_events(settings: Settings, first: int, second: int) -> None:
    """Exchanges the contents of two stored events, so each sits at the other's position."""
    with events_table(settings) as (conn, table, pos):
        rows = {
            p: conn.execute(
                f"SELECT originator_id, originator_version, topic, state FROM {table} "
                f"WHERE {pos} = ?",
                (p,),
            ).fetchone()
            for p in (first, second)
        }
        conn.execute(f"UPDATE {table} SET originator_version = -1 WHERE {pos} = ?", (first,))
        for target, source in ((second, first), (first, second)):
            conn.execute(
                f"UPDATE {table} SET originator_id = ?, originator_version = ?, topic = ?, "
                "state = ? "
                f"WHERE {pos} = ?",
                (*rows[source], target),
            )


def edit_checkpoints(checkpoints: Any, edit: Callable[[str], str]) -> None:
    """Changes the first signed checkpoint in place, wherever the deployment keeps them."""
    from projections.checkpoints import CheckpointFile

    if isinstance(checkpoints, CheckpointFile):
        checkpoints.path.write_text(edit(checkpoints.path.read_text()))
        return
    with psycopg.connect(checkpoints.dsn, autocommit=True) as pg:
        n, line = pg.execute(f"SELECT n, line FROM {checkpoints.table} ORDER BY n LIMIT 1").fetchone()  # type: ignore[misc]
        pg.execute(f"UPDATE {checkpoints.table} SET line = %s WHERE n = %s", (edit(bytes(line).decode()).encode(), n))


def forge_snapshot(settings: Settings, originator_id: UUID, edit: Callable[[bytes], bytes]) -> None:
    """Rewrites the latest snapshot of an aggregate (its state bytes)."""
    if settings.store == "sqlite":
        conn = sqlite3.connect(settings.events_path, isolation_level=None)
        try:
            state, version = conn.execute(
                "SELECT state, originator_version FROM stored_snapshots WHERE originator_id = ? "
                "ORDER BY originator_version DESC LIMIT 1", (originator_id.hex,)).fetchone()
            conn.execute("UPDATE stored_snapshots SET state = ? WHERE originator_id = ? AND originator_version = ?",
                         (edit(bytes(state)), originator_id.hex, version))
        finally:
            conn.close()
        return
    table = f'"{settings.postgres_schema}".alliances_snapshots'
    with psycopg.connect(settings.postgres_dsn, autocommit=True) as pg:
        state, version = pg.execute(  # type: ignore[misc]
            f"SELECT state, originator_version FROM {table} WHERE originator_id = %s "
            "ORDER BY originator_version DESC LIMIT 1", (originator_id,)).fetchone()
        pg.execute(f"UPDATE {table} SET state = %s WHERE originator_id = %s AND originator_version = %s",
                   (edit(bytes(state)), originator_id, version))
