"""The audit timeline: every event of an alliance and of its commitments, told in German."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.alliance import Alliance
from domain.personal_data import ERASED
from projections.alliance_events import AppendOnlyProjection, Seen
from projections.keys import BatchKeys
from projections.sentences import FREE_TEXTS, describe
from projections.store import Db, Schema
from projections.values import SEALED_TEXT, dumps, event_data_json, event_type, loads

# The events after which an alliance's erased keys (`Alliance.erased_keys`) are not what they were.
ERASURES = (Alliance.FreeTextsErased, Alliance.ContactPersonErased)

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

    table = "events"

    def __init__(self, application: Any) -> None:
        super().__init__(application)
        self._erased: set[str] = set()
        self.keys = BatchKeys(application.key_ring)

    def begin(self, db: Db) -> None:
        super().begin(db)
        self._erased = set()
        self.keys.clear()

    def reset(self) -> None:
        super().reset()
        self.keys.clear()

    def see(self, seen: Seen, db: Db) -> None:
        e = seen.event
        if isinstance(e, ERASURES):
            self.keys.forget(seen.alliance_id)  # the alliance's erased keys changed with this event
            if isinstance(e, Alliance.FreeTextsErased):
                self._erased.add(seen.alliance_id)
        self._rows.append(
            (
                seen.item.position,
                seen.alliance_id,
                seen.commitment_id,
                seen.at,
                event_type(e),
                e.by,
                event_data_json(e),
                describe(e, seen.alliance, seen.commitment, self._reveal(seen.alliance, seen.alliance_id)),
            )
        )

    def finish(self, db: Db) -> None:
        super().finish(db)
        for alliance_id in sorted(self._erased):
            self._erase_plain_texts(db, alliance_id)
        self._erased = set()

    def _reveal(self, alliance: Alliance, alliance_id: str | None = None) -> Callable[[Any], str | None]:
        # The erased keys are gathered only for an event with free text (most have none); with
        # `alliance_id`, the ones remembered for it in this batch (see `see`), else afresh.
        ring = self.keys

        def shown(value: Any) -> str | None:
            erased = ring.erased(alliance_id, alliance) if alliance_id is not None else alliance.erased_keys()
            return ring.reveal(value, erased)

        return shown

    def _erase_plain_texts(self, db: Db, alliance_id: str) -> None:
        """The alliance's free texts leave its rows once they are erased: sentences quoting them are
        told again („[gelöscht]“), and texts stored in clear before sealing leave the event's data."""
        types = sorted(FREE_TEXTS)
        marks = ", ".join("?" for _ in types)
        rows = db.all(f"SELECT position, type, data FROM {{events}} WHERE alliance_id = ? AND type IN ({marks})",
                      [alliance_id, *types])
        for row in rows:
            data = loads(row["data"])
            for name in FREE_TEXTS[row["type"]]:
                if isinstance(data.get(name), str) and data[name] not in ("", ERASED, SEALED_TEXT):
                    data[name] = ERASED
            db.execute("UPDATE {events} SET data = ?, text = ? WHERE position = ?",
                       [dumps(data), self._sentence(row["position"]), row["position"]])

    def _sentence(self, position: int) -> str | None:
        """The event at `position` told again, its free texts as they may be read now."""
        notifications = self.application.recorder.select_notifications(start=position, limit=1)
        if not notifications or notifications[0].id != position:
            return None
        event = self.application.mapper.to_domain_event(notifications[0])
        if isinstance(event, Alliance.Event):
            alliance = self.aggregates.latest(event.originator_id)
            return describe(event, alliance, None, self._reveal(alliance))
        commitment = self.aggregates.latest(event.originator_id)
        alliance = self.aggregates.latest(commitment.alliance_id)
        return describe(event, alliance, commitment, self._reveal(alliance))
