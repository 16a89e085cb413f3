"""The audit timeline: every event of an alliance and of its commitments, told in German."""

from __future__ import annotations

from projections.alliance_events import AppendOnlyProjection, Seen
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


class TimelineProjection(AppendOnlyProjection):
    name = "timeline"
    title = "Prüfpfad je Bündnis"
    schema = SCHEMA

    insert = "INSERT INTO {events} VALUES (?, ?, ?, ?, ?, ?, ?, ?)"

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
