"""Step 1 of the guide: the actors an alliance talks to, its conversations with them (Einzelgespräche)
and their contact persons, whose personal data is sealed and can be erased."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.alliance_parts.state import AllianceEvent, AllianceState
from domain.errors import InvalidInput, NotFound, RuleViolation
from domain.records import Actor, Contact, ContactPerson
from domain.values import ErasureReason, Outcome, Sector


class ActorsPart(AllianceState):
    """Actors, their conversations and contact persons; no two actors share a name."""

    class ActorAdded(AllianceEvent):
        actor_id: UUID
        name: str
        sector: Sector

        def apply(self, a: AllianceState) -> None:
            a.actors[str(self.actor_id)] = Actor(self.actor_id, self.name, self.sector, self.timestamp)

    def add_actor(self, *, actor_id: UUID, name: str, sector: Sector, by: str,
                  at: datetime | None = None) -> None:
        self.require_open()
        self._require_new(self.actors, actor_id, "Akteur")
        if any(a.name.casefold() == name.casefold() for a in self.actors.values()):
            raise RuleViolation(f"Ein Akteur namens „{name}“ ist bereits erfasst.")
        self._emit(self.ActorAdded, by, at, actor_id=actor_id, name=name, sector=sector)

    class ContactRecorded(AllianceEvent):
        contact_id: UUID
        actor_id: UUID
        on: date
        outcome: Outcome
        follow_up_on: date | None
        notes: str | None

        def apply(self, a: AllianceState) -> None:
            a.contacts[str(self.contact_id)] = Contact(
                self.contact_id, self.actor_id, self.on, self.outcome, self.follow_up_on, self.notes
            )

    def record_contact(self, *, contact_id: UUID, actor_id: UUID, on: date, outcome: Outcome,
                       follow_up_on: date | None, notes: str | None, by: str,
                       at: datetime | None = None) -> None:
        self.require_open()
        self.actor(actor_id)
        self._require_new(self.contacts, contact_id, "Einzelgespräch")
        if follow_up_on is not None and follow_up_on < on:
            raise InvalidInput("Das Datum der Nachverfolgung liegt vor dem Gespräch.")
        self._emit(self.ContactRecorded, by, at, contact_id=contact_id, actor_id=actor_id, on=on,
                   outcome=outcome, follow_up_on=follow_up_on, notes=notes)

    class ContactPersonAdded(AllianceEvent):
        person_id: UUID
        actor_id: UUID
        sealed: str

        def apply(self, a: AllianceState) -> None:
            a.persons[str(self.person_id)] = ContactPerson(self.person_id, self.actor_id, self.sealed, False)

    def add_contact_person(self, *, person_id: UUID, actor_id: UUID, sealed: str, by: str,
                           at: datetime | None = None) -> None:
        self.require_open()
        self.actor(actor_id)
        self._require_new(self.persons, person_id, "Ansprechperson")
        self._emit(self.ContactPersonAdded, by, at, person_id=person_id, actor_id=actor_id, sealed=sealed)

    class ContactPersonErased(AllianceEvent):
        """The person's key was destroyed; the sealed data can never be read again. Version 2 keeps the
        reason as a code too (version 1: text only)."""

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["reason_code"] = None

        person_id: UUID
        reason: str
        reason_code: ErasureReason | None

        def apply(self, a: AllianceState) -> None:
            key = str(self.person_id)
            a.persons[key] = replace(a.persons[key], erased=True)

    def erase_contact_person(self, *, person_id: UUID, reason: str, reason_code: ErasureReason | None, by: str,
                             at: datetime | None = None) -> None:
        person = self.persons.get(str(person_id))
        if person is None:
            raise NotFound(f"Ansprechperson {person_id} gehört nicht zu diesem Bündnis.")
        if person.erased:
            raise RuleViolation("Die personenbezogenen Daten dieser Person sind bereits gelöscht.")
        self._emit(self.ContactPersonErased, by, at, person_id=person_id, reason=reason, reason_code=reason_code)
