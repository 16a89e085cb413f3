"""Step 5 of the guide, visibility and local anchoring: press work and the alliance's cooperations
and seats in local bodies."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from domain.alliance_parts.state import AllianceEvent, AllianceState
from domain.errors import RuleViolation
from domain.records import Anchoring, Publicity
from domain.values import AnchoringKind


class OutreachPart(AllianceState):
    """Press work is recorded by its day and title; a cooperation or a seat in a local body once by
    its kind and name."""

    class PublicityRecorded(AllianceEvent):
        publicity_id: UUID
        on: date
        title: str
        medium: str | None

        def apply(self, a: AllianceState) -> None:
            a.publicity[str(self.publicity_id)] = Publicity(self.publicity_id, self.on, self.title, self.medium)

    def record_publicity(self, *, publicity_id: UUID, on: date, title: str, medium: str | None, by: str,
                         at: datetime | None = None) -> None:
        self.require_open()
        self._require_new(self.publicity, publicity_id, "Pressearbeit")
        if any(p.on == on and p.title.casefold() == title.casefold() for p in self.publicity.values()):
            raise RuleViolation(f"„{title}“ am {on:%d.%m.%Y} ist bereits erfasst.")
        self._emit(self.PublicityRecorded, by, at, publicity_id=publicity_id, on=on, title=title, medium=medium)

    class AnchoringRecorded(AllianceEvent):
        anchoring_id: UUID
        kind: AnchoringKind
        name: str
        since: date

        def apply(self, a: AllianceState) -> None:
            a.anchorings[str(self.anchoring_id)] = Anchoring(self.anchoring_id, self.kind, self.name, self.since)

    def record_anchoring(self, *, anchoring_id: UUID, kind: AnchoringKind, name: str, since: date, by: str,
                         at: datetime | None = None) -> None:
        self.require_open()
        self._require_new(self.anchorings, anchoring_id, "Verankerung")
        if any(x.kind is kind and x.name.casefold() == name.casefold() for x in self.anchorings.values()):
            raise RuleViolation(f"{kind.label} „{name}“ ist bereits erfasst.")
        self._emit(self.AnchoringRecorded, by, at, anchoring_id=anchoring_id, kind=kind, name=name, since=since)
