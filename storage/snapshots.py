"""Snapshots: only the latest of each aggregate is kept.

The application snapshots an alliance and a commitment every 100 events (`snapshotting_intervals`)
so that loading one replays at most 99 events after its snapshot. Kept all, they were most of a
store: an alliance of years has ~700 KB of state, written again every 100 events (91 % of the
bytes on disk of a history made through the commands, 2026-11-30). A load uses only the latest
snapshot; the as-of and history answers replay the events themselves (`AllianceApplication.replay`)
and never read a snapshot. So the recorders below delete an aggregate's older snapshots in the
transaction that stores its new one: the store holds one snapshot per aggregate of 100 events or
more, and loads are as fast as before. A load at an old version (`repository.get(id, version=v)`)
replays from the start when v is below the kept snapshot: correct, only slower. A bulk writer (the
generator) notes the snapshots due and takes only the latest of each at its end
(`AllianceApplication.snapshots_at_the_end`): the same rows, without the ones deleted again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteAggregateRecorder, SQLiteCursor


def latest_versions(stored: Sequence[StoredEvent]) -> dict[Any, int]:
    """The newest version stored for each aggregate in one insert."""
    latest: dict[Any, int] = {}
    for s in stored:
        latest[s.originator_id] = max(s.originator_version, latest.get(s.originator_id, 0))
    return latest


class LatestSnapshotSQLiteRecorder(SQLiteAggregateRecorder):
    """The SQLite snapshots' recorder: a new snapshot replaces the older ones of its aggregate."""

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        result = super()._insert_events(c, stored_events, **kwargs)
        c.executemany(
            f"DELETE FROM {self.events_table_name} WHERE originator_id=? AND originator_version<?",
            [(o.hex if isinstance(o, UUID) else o, v) for o, v in latest_versions(stored_events).items()],
        )
        return result
