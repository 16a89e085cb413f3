"""Step 4 of the guide: the founding, the signed declaration and joining the federal initiative."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from domain.alliance_parts.state import AllianceEvent, AllianceState
from domain.errors import InvalidInput, RuleViolation
from domain.records import Founding, Signature


class FoundingPart(AllianceState):
    """Founded once, from step 3 on, with or without a declaration (said explicitly); partners sign
    the declaration at the founding or years later."""

    class FoundingHeld(AllianceEvent):
        on: date
        symbolic_act: str
        format: str | None
        declaration: bool

        def apply(self, a: AllianceState) -> None:
            a.founding = Founding(self.on, self.symbolic_act, self.format, self.declaration)

    class DeclarationSigned(AllianceEvent):
        actor_id: UUID
        on: date

        def apply(self, a: AllianceState) -> None:
            a.signatures[str(self.actor_id)] = Signature(self.actor_id, self.on)

    def record_founding(self, *, on: date, symbolic_act: str, format: str | None, declaration: bool,
                        signatory_ids: list[UUID], by: str, at: datetime | None = None) -> None:
        self.require_open()
        if self.founding is not None:
            raise RuleViolation(f"Die Gründung ist bereits erfasst (am {self.founding.on:%d.%m.%Y}).")
        if self.step < 3:
            raise RuleViolation("Gegründet wird in Schritt 4; vorher fehlen Team und Planungstreffen.")
        for actor_id in signatory_ids:
            self.actor(actor_id)
        if len(set(signatory_ids)) != len(signatory_ids):
            raise InvalidInput("Ein Partner ist mehrfach als Unterzeichner genannt.")
        if signatory_ids and not declaration:
            raise InvalidInput("Ohne Deklaration kann niemand unterzeichnen.")
        self._emit(self.FoundingHeld, by, at, on=on, symbolic_act=symbolic_act, format=format,
                   declaration=declaration)
        for actor_id in signatory_ids:
            self._emit(self.DeclarationSigned, by, at, actor_id=actor_id, on=on)

    @property
    def has_declaration(self) -> bool:
        """A declaration was adopted at the founding, or partners signed one since."""
        return (self.founding is not None and self.founding.declaration) or bool(self.signatures)

    def sign_declaration(self, *, actor_id: UUID, on: date, by: str, at: datetime | None = None) -> None:
        """A partner signs the declaration, at the founding or years after it (a signature after a
        founding without one means the alliance adopted a declaration since)."""
        self.require_open()
        actor = self.actor(actor_id)
        if self.founding is None:
            raise RuleViolation("Die Deklaration wird bei oder nach der Gründung unterzeichnet.")
        if on < self.founding.on:
            raise InvalidInput("Eine Unterschrift kann nicht vor der Gründung liegen.")
        if str(actor_id) in self.signatures:
            raise RuleViolation(f"{actor.name} hat die Deklaration bereits unterzeichnet.")
        self._emit(self.DeclarationSigned, by, at, actor_id=actor_id, on=on)

    class InitiativeJoined(AllianceEvent):
        joined_on: date

        def apply(self, a: AllianceState) -> None:
            a.joined_initiative_on = self.joined_on

    def join_federal_initiative(self, *, joined_on: date, by: str, at: datetime | None = None) -> None:
        self.require_open()
        if self.joined_initiative_on is not None:
            raise RuleViolation("Das Bündnis ist der Initiative bereits beigetreten.")
        self._emit(self.InitiativeJoined, by, at, joined_on=joined_on)
