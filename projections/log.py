"""The notification log read in batches for a rebuild, without the recorder's per-row overhead."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.sqlite import SQLiteApplicationRecorder

from domain.application import AllianceApplication

Read = Callable[[int, int], list[Notification]]


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
