"""The notification log read in batches for a rebuild, without the recorder's per-row overhead."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.sqlite import SQLiteApplicationRecorder

from domain.application import AllianceApplication

Read = Callable[[int, int], list[Notification]]
# Whether a row is wanted, told from its topic and its originator's id as stored (text).
Keep = Callable[[str, str], bool]
# `read(start, end, limit)`: (the wanted notifications, rows read, the last position read).
ReadSome = Callable[[int, int, int], tuple[list[Notification], int, int]]


def batch_reader(application: AllianceApplication) -> Read:
    """`read(start, limit)`: the notifications from position `start` on, as
    `recorder.select_notifications(start=start, limit=limit)` answers them. On SQLite the rows are
    read as tuples and each aggregate's id is parsed once per rebuild: the recorder builds a
    `sqlite3.Row` and parses a UUID per row, three quarters of the time it takes to read a batch
    (0.35 against 0.08 s of CPU for 60,000 events). Other backends read through the recorder."""
    recorder = application.recorder
    if not isinstance(recorder, SQLiteApplicationRecorder):
        return lambda start, limit: list(recorder.select_notifications(start=start, limit=limit))
    statement = (
        f"SELECT rowid, originator_id, originator_version, topic, state FROM {recorder.events_table_name} "
        "WHERE rowid>=? ORDER BY rowid LIMIT ?"
    )
    ids: dict[str, UUID | str] = {}
    as_uuid = recorder.datastore.originator_id_type == "uuid"

    def read(start: int, limit: int) -> list[Notification]:
        if len(ids) > 100_000:
            ids.clear()  # bounded; the next ids are parsed anew
        with recorder.datastore.transaction(commit=False) as c:
            c.execute(statement, [start, limit])
            rows = c.fetchall()
        notifications = []
        for position, text, version, topic, state in rows:
            originator_id = ids.get(text)
            if originator_id is None:
                originator_id = ids[text] = UUID(text) if as_uuid else text
            notifications.append(Notification(id=position, originator_id=originator_id,
                                              originator_version=version, topic=topic, state=state))
        return notifications

    return read


def filtered_reader(application: AllianceApplication, keep: Keep) -> ReadSome:
    """`read(start, end, limit)`: of the (at most `limit`) rows at positions `start`..`end`, the
    notifications that `keep` wants, with how many rows were read and the last one's position. On
    SQLite a Notification is built only for a row kept: a partition of a split rebuild
    (projections/partitioned.py) keeps about one row in two."""
    recorder = application.recorder
    if not isinstance(recorder, SQLiteApplicationRecorder):
        def read_all(start: int, end: int, limit: int) -> tuple[list[Notification], int, int]:
            rows = [n for n in recorder.select_notifications(start=start, limit=limit) if n.id <= end]
            kept = [n for n in rows if keep(n.topic, str(n.originator_id))]
            return kept, len(rows), rows[-1].id if rows else start - 1
        return read_all
    statement = (
        f"SELECT rowid, originator_id, originator_version, topic, state FROM {recorder.events_table_name} "
        "WHERE rowid>=? AND rowid<=? ORDER BY rowid LIMIT ?"
    )
    ids: dict[str, UUID | str] = {}
    as_uuid = recorder.datastore.originator_id_type == "uuid"

    def read(start: int, end: int, limit: int) -> tuple[list[Notification], int, int]:
        if len(ids) > 100_000:
            ids.clear()
        with recorder.datastore.transaction(commit=False) as c:
            c.execute(statement, [start, end, limit])
            rows = c.fetchall()
        notifications = []
        for position, text, version, topic, state in rows:
            if not keep(topic, text):
                continue
            originator_id = ids.get(text)
            if originator_id is None:
                originator_id = ids[text] = UUID(text) if as_uuid else text
            notifications.append(Notification(id=position, originator_id=originator_id,
                                              originator_version=version, topic=topic, state=state))
        return notifications, len(rows), rows[-1][0] if rows else start - 1

    return read
