"""The audit timeline: every event of an alliance and of its commitments, told in German."""

from __future__ import annotations

from typing import Any

from projections.alliance_events import AllianceProjection, Seen
from projections.sentences import describe
from projections.store import Db, Schema
from projections.values import event_data_json, event_type, iso

SCHEMA = Schema(
    tables={
        "events": "position BIGINT PRIMARY KEY, alliance_id TEXT, commitment_id TEXT, at TEXT, "
        "type TEXT, "
        "by_whom TEXT, data TEXT, text TEXT"
    },
    indexes={"events_alliance": "events(alliance_id, position)"},
)


class TimelineProjection(AllianceProjection):
    name = "timeline"
    title = "Prüfpfad je Bündnis"
    schema = SCHEMA

    def __init__(self, application: Any) -> None:
        super().__init__(application)
        self._rows: list[tuple[Any, ...]] = []

    def begin(self, db: Db) -> None:
        self._rows = []

    def reset(self) -> None:
        super().reset()
        self._rows = []

    def see(self, seen: Seen, db: Db) -> None:
        e = seen.event
        self._rows.append(
            (
                seen.item.position,
                seen.alliance_id,
                str(seen.commitment.id) if seen.commitment is not None else None,
                iso(e.timestamp),
                event_type(e),
                e.by,
                event_data_json(e),
                describe(e, seen.alliance, seen.commitment),
            )
        )

    def finish(self, db: Db) -> None:
        db.executemany("INSERT INTO {events} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self._rows)
        self._rows = []
