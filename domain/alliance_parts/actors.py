"""Step 1 of the guide: the actors an alliance talks to, its conversations with them (Einzelgespräche)
and their contact persons, whose personal data is sealed and can be erased."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.alliance_parts.state import AllianceEvent, AllianceState
from domain.errors import InvalidInput, NotFound, RuleViolation
from domain.personal_data import PLAIN_TEXTS_ERASED, FreeText, texts_key_id
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
        notes: FreeText | None  # sealed since free texts are (plain in older events)

        def apply(self, a: AllianceState) -> None:
            a.contacts[str(self.contact_id)] = Contact(
                self.contact_id, self.actor_id, self.on, self.outcome, self.follow_up_on, self.notes
            )

    def record_contact(self, *, contact_id: UUID, actor_id: UUID, on: date, outcome: Outcome,
                       follow_up_on: date | None, notes: FreeText | None, by: str,
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
        reason as a code too (version 1: text only); since reasons are codes only, `reason` holds the
        code's label."""

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

    class PersonalDataDisclosed(AllianceEvent):
        """What is stored about a contact person was handed out on the person's request (GDPR Art. 15):
        who did it and when is on record."""

        person_id: UUID

        def apply(self, a: AllianceState) -> None:
            pass

    def record_disclosure(self, *, person_id: UUID, by: str, at: datetime | None = None) -> None:
        if str(person_id) not in self.persons:
            raise NotFound(f"Ansprechperson {person_id} gehört nicht zu diesem Bündnis.")
        self._emit(self.PersonalDataDisclosed, by, at, person_id=person_id)

    # ---- the alliance's free texts ----------------------------------------------------------------

    def text_key_id(self) -> UUID:
        """The key new free texts of this alliance are sealed with."""
        return texts_key_id(self.id, len(getattr(self, "erased_text_keys", ())))

    def erased_keys(self) -> frozenset[str]:
        """The keys erased on record (free-text generations and persons), as text; with
        `PLAIN_TEXTS_ERASED` once free texts were erased (which covers texts stored before sealing)."""
        texts = tuple(getattr(self, "erased_text_keys", ()))
        persons = tuple(k for k, p in self.persons.items() if p.erased)
        return frozenset((*texts, *persons, *((PLAIN_TEXTS_ERASED,) if texts else ())))

    class FreeTextsErased(AllianceEvent):
        """The key of the alliance's free texts (notes, minutes, progress reports, reasons) was destroyed, on
        request (GDPR Art. 17); later texts are sealed with a key of the next generation."""

        key_id: UUID
        reason_code: ErasureReason

        def apply(self, a: AllianceState) -> None:
            a.erased_text_keys = (*getattr(a, "erased_text_keys", ()), str(self.key_id))

    def erase_free_texts(self, *, reason_code: ErasureReason, by: str, at: datetime | None = None) -> UUID:
        """Erases the free texts sealed so far; answers the key to destroy."""
        key_id = self.text_key_id()
        self._emit(self.FreeTextsErased, by, at, key_id=key_id, reason_code=reason_code)
        return key_id
