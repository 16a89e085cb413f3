"""Step 4 of the guide: the founding, the signed declaration, and joining the federal initiative."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from domain import values as v
from domain.alliance import Alliance
from domain.commands.base import LATER, AllianceCommand, Change, Handles
from domain.errors import InvalidInput


@dataclass(frozen=True, kw_only=True)
class RecordFounding(AllianceCommand[None]):
    """The founding event, once and from step 3 on, with its symbolic act. Whether a declaration
    (Deklaration, Charta, Erklärung, ...) was adopted is said, not guessed from the act's words:
    `declaration` True or False; not given, there is one when partners signed. The partners who
    signed it there (each an actor, named once) sign on its day; signatories without a declaration
    are refused."""

    on: date
    symbolic_act: str
    signatory_ids: list[UUID]
    format: str | None = None
    declaration: bool | None = field(default=None, metadata=LATER)

    def check(self) -> Change[Alliance, None]:
        act = v.require_text(self.symbolic_act, "Der symbolische Akt", 500)
        fmt = v.optional_text(self.format, "Das Format", 200)
        if self.declaration is False and self.signatory_ids:
            raise InvalidInput("Ohne Deklaration kann niemand unterzeichnen: entweder „Deklaration“ angeben "
                               "oder die Unterzeichnenden weglassen.")
        declared = bool(self.signatory_ids) if self.declaration is None else self.declaration
        return lambda a, ctx: a.record_founding(on=self.on, symbolic_act=act, format=fmt, declaration=declared,
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
                        format: str | None = None, declaration: bool | None = None, by: str,
                        command_id: str | None = None) -> None:
        self.handle(RecordFounding(alliance_id=alliance_id, on=on, symbolic_act=symbolic_act,
                                   signatory_ids=signatory_ids, format=format, declaration=declaration), by=by,
                    command_id=command_id)

    def sign_declaration(self, alliance_id: UUID, *, actor_id: UUID, on: date, by: str,
                         command_id: str | None = None) -> None:
        self.handle(SignDeclaration(alliance_id=alliance_id, actor_id=actor_id, on=on), by=by, command_id=command_id)

    def join_federal_initiative(self, alliance_id: UUID, *, joined_on: date, by: str,
                                command_id: str | None = None) -> None:
        self.handle(JoinFederalInitiative(alliance_id=alliance_id, joined_on=joined_on), by=by,
                    command_id=command_id)
