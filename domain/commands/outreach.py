"""Step 5 of the guide, visibility and local anchoring: press work, cooperations, seats in local bodies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from domain import values as v
from domain.alliance import Alliance
from domain.commands.base import AllianceCommand, Change, Context, Handles


@dataclass(frozen=True, kw_only=True)
class RecordPublicity(AllianceCommand[UUID]):
    """Press or public relations work on a day (a press release, an article, a stand), with an optional
    medium; the same title on the same day once. Answers its id."""

    on: date
    title: str
    medium: str | None = None

    def check(self) -> Change[Alliance, UUID]:
        publicity_id = uuid4()
        title = v.require_text(self.title, "Der Titel", 200)
        medium = v.optional_text(self.medium, "Das Medium", 200)

        def change(a: Alliance, ctx: Context) -> UUID:
            a.record_publicity(publicity_id=publicity_id, on=self.on, title=title, medium=medium, by=ctx.by,
                               at=ctx.now())
            return publicity_id

        return change


@dataclass(frozen=True, kw_only=True)
class RecordAnchoring(AllianceCommand[UUID]):
    """A strategic cooperation or a seat in a local decision-making body, since a day; each kind and
    name once. Answers its id."""

    kind: str
    name: str
    since: date

    def check(self) -> Change[Alliance, UUID]:
        anchoring_id = uuid4()
        code = v.parse_code(v.AnchoringKind, self.kind, "Art der Verankerung")
        name = v.require_text(self.name, "Der Name", 200)

        def change(a: Alliance, ctx: Context) -> UUID:
            a.record_anchoring(anchoring_id=anchoring_id, kind=code, name=name, since=self.since, by=ctx.by,
                               at=ctx.now())
            return anchoring_id

        return change


class OutreachCommands(Handles):
    """The commands on visibility and anchoring as methods of the application."""

    def record_publicity(self, alliance_id: UUID, *, on: date, title: str, medium: str | None = None, by: str,
                         command_id: str | None = None) -> UUID:
        return self.handle(RecordPublicity(alliance_id=alliance_id, on=on, title=title, medium=medium), by=by,
                           command_id=command_id)

    def record_anchoring(self, alliance_id: UUID, *, kind: str, name: str, since: date, by: str,
                         command_id: str | None = None) -> UUID:
        return self.handle(RecordAnchoring(alliance_id=alliance_id, kind=kind, name=name, since=since), by=by,
                           command_id=command_id)
