"""Step 4 of the guide: the founding, the signed declaration, and joining the federal initiative."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain import values as v
from domain.alliance import Alliance
from domain.commands.base import AllianceCommand, Change, Handles


@dataclass(frozen=True, kw_only=True)
class RecordFounding(AllianceCommand[None]):
    """The founding event, once and from step 3 on, with its symbolic act; the partners who signed
    the declaration there (each an actor, named once) sign on its day."""

    on: date
    symbolic_act: str
    signatory_ids: list[UUID]
    format: str | None = None

    def check(self) -> Change[Alliance, None]:
        act = v.require_text(self.symbolic_act, "Der symbolische Akt", 500)
        fmt = v.optional_text(self.format, "Das Format", 200)
        return lambda a, ctx: a.record_founding(on=self.on, symbolic_act=act, format=fmt,
                                                signatory_ids=list(self.signatory_ids), by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class SignDeclaration(AllianceCommand[None]):
    """A partner signs the declaration once, at the founding or years after it, never before."""

    actor_id: UUID
    on: date

    def check(self) -> Change[Alliance, None]:
        return lambda a, ctx: a.sign_declaration(actor_id=self.actor_id, on=self.on, by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class JoinFederalInitiative(AllianceCommand[None]):
    """The alliance joins the federal initiative "Lokale Bündnisse für Familie", once."""

    joined_on: date

    def check(self) -> Change[Alliance, None]:
        return lambda a, ctx: a.join_federal_initiative(joined_on=self.joined_on, by=ctx.by, at=ctx.now())


class FoundingCommands(Handles):
    """The commands of step 4 as methods of the application."""

    def record_founding(self, alliance_id: UUID, *, on: date, symbolic_act: str, signatory_ids: list[UUID],
                        format: str | None = None, by: str, command_id: str | None = None) -> None:
        self.handle(RecordFounding(alliance_id=alliance_id, on=on, symbolic_act=symbolic_act,
                                   signatory_ids=signatory_ids, format=format), by=by, command_id=command_id)

    def sign_declaration(self, alliance_id: UUID, *, actor_id: UUID, on: date, by: str,
                         command_id: str | None = None) -> None:
        self.handle(SignDeclaration(alliance_id=alliance_id, actor_id=actor_id, on=on), by=by, command_id=command_id)

    def join_federal_initiative(self, alliance_id: UUID, *, joined_on: date, by: str,
                                command_id: str | None = None) -> None:
        self.handle(JoinFederalInitiative(alliance_id=alliance_id, joined_on=joined_on), by=by,
                    command_id=command_id)
