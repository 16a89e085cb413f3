"""The event store on PostgreSQL: eventsourcing's recorders with a gapless insert function and
table creation serialised across processes.

eventsourcing 9.5.6 keeps commit order equal to notification-id order by taking
`LOCK TABLE … IN EXCLUSIVE MODE` before each insert, but only on its plain insert path: the
database function used with POSTGRES_ENABLE_DB_FUNCTIONS (`es_insert_events_*`) inserts without
it, so two concurrent saves can commit out of id order and a follower that moves past the highest
id it saw (relay, projectors, audit chain) skips the other save for good. The function created
here takes the lock first. Ids a rolled-back save drew stay holes for ever, which followers may
pass: with the lock, no lower id can commit after a higher one was seen.

Several processes starting together on a fresh schema used to race in `CREATE OR REPLACE
FUNCTION` ("tuple concurrently updated") and `CREATE TABLE IF NOT EXISTS` (a unique violation in
the catalogue); every creation runs under one advisory lock per schema, the same one the read
models' store and the key ring take (`ddl_lock_key`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from psycopg.errors import DuplicateObject
from psycopg.sql import SQL, Identifier

from storage.snapshots import latest_versions


def ddl_lock_key(schema: str) -> str:
    """The advisory lock (`pg_advisory_lock(hashtext(key))`) every table creation in `schema` takes.
    projections/postgres_store.py and workflows/relay_position.py spell the same key."""
    return f"buendnis-ddl:{schema}"


class _LockedDDL:
    """`create_table` in one transaction under the schema's advisory lock (types in savepoints)."""

    datastore: PostgresDatastore
    sql_create_statements: list[Any]

    def create_table(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (ddl_lock_key(self.datastore.schema),))
            for statement in self.sql_create_statements:
                if "CREATE TYPE" in statement.as_string():
                    try:
                        with curs.connection.transaction():  # a savepoint: an existing type is fine
                            curs.execute(statement, prepare=False)
                    except DuplicateObject:
                        pass
            self._create_table(curs)  # type: ignore[attr-defined]
        self.datastore.register_type_adapters()


class LockedAggregateRecorder(_LockedDDL, PostgresAggregateRecorder):
    """The snapshots' recorder: a new snapshot replaces the older ones of its aggregate, in one
    transaction (storage/snapshots.py)."""

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if stored_events:
            with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
                self._insert_stored_events(curs, stored_events, **kwargs)
                curs.executemany(
                    SQL("DELETE FROM {schema}.{table} WHERE originator_id = %s AND originator_version < %s").format(
                        schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name)),
                    list(latest_versions(stored_events).items()),
                )
        return None


class GaplessApplicationRecorder(_LockedDDL, PostgresApplicationRecorder):
    """The events' recorder: its insert function locks the table like the plain insert path."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.sql_create_pg_function_insert_events = SQL(
            "CREATE OR REPLACE FUNCTION "
            "{schema}.{insert_events}(events {schema}.{event}[]) "
            "RETURNS SETOF bigint "
            "LANGUAGE plpgsql "
            "AS "
            "$BODY$"
            "BEGIN"
            "    SET LOCAL lock_timeout = '{lock_timeout}s';"
            "    LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE;"
            "    NOTIFY {channel};"
            "    RETURN QUERY"
            "    INSERT INTO {schema}.{table} AS t ("
            "    originator_id, originator_version, topic, state)"
            "    SELECT originator_id, originator_version, topic, state"
            "    FROM unnest(events)"
            "    RETURNING notification_id;"
            "END;"
            "$BODY$"
        ).format(
            insert_events=Identifier(self.pg_function_name_insert_events),
            lock_timeout=self.datastore.lock_timeout,
            channel=Identifier(self.channel_name),
            event=Identifier(self.stored_event_type_name),
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
        )
        self.sql_create_statements[self.create_insert_function_statement_index] = (
            self.sql_create_pg_function_insert_events
        )


class GaplessPostgresFactory(PostgresFactory):
    """PERSISTENCE_MODULE=storage.postgres_events:GaplessPostgresFactory"""

    aggregate_recorder_class = LockedAggregateRecorder
    application_recorder_class = GaplessApplicationRecorder
