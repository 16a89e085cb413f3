"""Step 1 of the guide: actors, the conversations with them, and their contact persons."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

import orjson

from domain import values as v
from domain.alliance import Alliance
from domain.commands.base import (
    LATER,
    PERSONAL,
    SEALED,
    AllianceCommand,
    Change,
    Context,
    Handles,
    fingerprint_of,
    sealed_text,
)
from domain.errors import InvalidInput
from domain.personal_data import PersonalData, seal


@dataclass(frozen=True, kw_only=True)
class AddActor(AllianceCommand[UUID]):
    """An organisation joins the alliance's actors; no two actors share a name. Answers its id."""

    name: str
    sector: str

    def check(self) -> Change[Alliance, UUID]:
        actor_id, text = uuid4(), v.require_text(self.name, "Der Name des Akteurs", 200)
        code = v.parse_code(v.Sector, self.sector, "Akteurstyp")

        def change(a: Alliance, ctx: Context) -> UUID:
            a.add_actor(actor_id=actor_id, name=text, sector=code, by=ctx.by, at=ctx.now())
            return actor_id

        return change


@dataclass(frozen=True, kw_only=True)
class RecordContact(AllianceCommand[UUID]):
    """A conversation (Einzelgespräch) with one of the alliance's actors, with its outcome and an
    optional follow-up date that is not before it; its notes are sealed with the key of the
    alliance's free texts. Answers the contact's id."""

    actor_id: UUID
    on: date
    outcome: str
    follow_up_on: date | None = None
    notes: str | None = field(default=None, repr=False, metadata=SEALED)

    def check(self) -> Change[Alliance, UUID]:
        contact_id, result = uuid4(), v.parse_code(v.Outcome, self.outcome, "Ergebnis des Gesprächs")
        text = v.optional_text(self.notes, "Die Notiz")

        def change(a: Alliance, ctx: Context) -> UUID:
            notes = None if text is None else sealed_text(a, ctx, text)
            a.record_contact(contact_id=contact_id, actor_id=self.actor_id, on=self.on, outcome=result,
                             follow_up_on=self.follow_up_on, notes=notes, by=ctx.by, at=ctx.now())
            return contact_id

        return change


@dataclass(frozen=True, kw_only=True)
class AddContactPerson(AllianceCommand[UUID]):
    """A person at one of the alliance's actors. Name, e-mail, phone and role (the person's function at
    the organisation) are sealed with a key of the person's own and never stored in the clear, not
    even in the fingerprint. Answers the person's id."""

    actor_id: UUID
    name: str = field(repr=False, metadata=PERSONAL)
    email: str | None = field(default=None, repr=False, metadata=PERSONAL)
    phone: str | None = field(default=None, repr=False, metadata=PERSONAL)
    role: str | None = field(default=None, repr=False, metadata=PERSONAL)

    def check(self) -> Change[Alliance, UUID]:
        data = PersonalData.checked(self.name, self.email, self.phone, self.role)
        person_id = uuid4()

        def change(a: Alliance, ctx: Context) -> UUID:
            a.actor(self.actor_id)  # no key for a person of an actor the alliance does not have
            sealed = seal(data, ctx.key_ring.create(person_id))
            a.add_contact_person(person_id=person_id, actor_id=self.actor_id, sealed=sealed, by=ctx.by,
                                 at=ctx.now())
            return person_id

        return change

    def earlier_fingerprints(self) -> tuple[str, ...]:
        # Until store_v1 the fingerprint held a hash of the personal data; such a record still
        # answers a repeat of its request.
        digest = hashlib.sha256(orjson.dumps([self.name, self.email, self.phone])).hexdigest()
        return (fingerprint_of({"alliance_id": self.alliance_id, "expected_version": self.expected_version,
                                "actor_id": self.actor_id, "person": digest}),)


@dataclass(frozen=True, kw_only=True)
class EraseContactPerson(AllianceCommand[None]):
    """Erases a person's data (GDPR Art. 17) by destroying its key; the erasure and its reason (a code
    of `ErasureReason`, never free text: a reason would name the person) are recorded once (a person
    already erased: nothing more is recorded). A text reason from clients of before is not stored: a
    code given as `reason` counts, any other text is recorded as "sonstiges". The key goes after the
    event is stored: after a crash in between, the data is erased on record, and the sweep
    (`workers/gdpr.py`) or a repeat of the erasure destroys the key without recording it twice."""

    person_id: UUID
    reason: str | None = field(default=None, repr=False, metadata=SEALED)
    reason_code: str | None = field(default=None, metadata=LATER)

    def check(self) -> Change[Alliance, None]:
        code = erasure_reason(self.reason_code, self.reason)

        def change(a: Alliance, ctx: Context) -> None:
            person = a.persons.get(str(self.person_id))
            if person is None or not person.erased:
                a.erase_contact_person(person_id=self.person_id, reason=code.label, reason_code=code, by=ctx.by,
                                       at=ctx.now())

        return change

    def settle(self, ctx: Context) -> None:
        ctx.key_ring.destroy(self.person_id)


@dataclass(frozen=True, kw_only=True)
class RecordDisclosure(AllianceCommand[None]):
    """Records that what is stored about a contact person was handed out to the person (GDPR Art. 15:
    `buendnis gdpr export`), with who did it and when."""

    person_id: UUID

    def check(self) -> Change[Alliance, None]:
        return lambda a, ctx: a.record_disclosure(person_id=self.person_id, by=ctx.by, at=ctx.now())


def erasure_reason(code: str | None, text: str | None) -> v.ErasureReason:
    """The code of an erasure: `code`, else `text` when it is a code, else "sonstiges" for a text."""
    if code is not None:
        return v.parse_code(v.ErasureReason, code, "Grund der Löschung")
    if text is None or not text.strip():
        raise InvalidInput("Der Grund der Löschung fehlt (ein Code: "
                           + ", ".join(r.value for r in v.ErasureReason) + ").")
    return {r.value: r for r in v.ErasureReason}.get(text.strip(), v.ErasureReason.SONSTIGES)


@dataclass(frozen=True, kw_only=True)
class EraseFreeTexts(AllianceCommand[None]):
    """Erases the alliance's free texts so far (notes, minutes, progress reports, fulfilment notes, reasons:
    they may name people) by destroying their key, on request (GDPR Art. 17), recorded with who,
    when and a reason code; texts written afterwards are sealed with a new key. As for a person, the
    key goes after the event is stored, and the sweep heals a crash in between."""

    reason_code: str

    def check(self) -> Change[Alliance, None]:
        code = v.parse_code(v.ErasureReason, self.reason_code, "Grund der Löschung")

        def change(a: Alliance, ctx: Context) -> None:
            a.erase_free_texts(reason_code=code, by=ctx.by, at=ctx.now())

        return change

    def settle(self, ctx: Context) -> None:
        alliance = ctx.alliance(self.alliance_id, None)
        for key_id in getattr(alliance, "erased_text_keys", ()):
            ctx.key_ring.destroy(UUID(key_id))


class ActorCommands(Handles):
    """The commands of step 1 as methods of the application."""

    def add_actor(self, alliance_id: UUID, *, name: str, sector: str, by: str,
                  command_id: str | None = None) -> UUID:
        return self.handle(AddActor(alliance_id=alliance_id, name=name, sector=sector), by=by, command_id=command_id)

    def record_contact(self, alliance_id: UUID, *, actor_id: UUID, on: date, outcome: str,
                       follow_up_on: date | None = None, notes: str | None = None, by: str,
                       command_id: str | None = None) -> UUID:
        return self.handle(RecordContact(alliance_id=alliance_id, actor_id=actor_id, on=on, outcome=outcome,
                                         follow_up_on=follow_up_on, notes=notes), by=by, command_id=command_id)

    def add_contact_person(self, alliance_id: UUID, *, actor_id: UUID, name: str, email: str | None = None,
                           phone: str | None = None, role: str | None = None, by: str,
                           command_id: str | None = None) -> UUID:
        return self.handle(AddContactPerson(alliance_id=alliance_id, actor_id=actor_id, name=name, email=email,
                                            phone=phone, role=role), by=by, command_id=command_id)

    def erase_contact_person(self, alliance_id: UUID, *, person_id: UUID, reason: str | None = None,
                             reason_code: str | None = None, by: str, command_id: str | None = None) -> None:
        self.handle(EraseContactPerson(alliance_id=alliance_id, person_id=person_id, reason=reason,
                                       reason_code=reason_code), by=by, command_id=command_id)

    def record_disclosure(self, alliance_id: UUID, *, person_id: UUID, by: str,
                          command_id: str | None = None) -> None:
        self.handle(RecordDisclosure(alliance_id=alliance_id, person_id=person_id), by=by, command_id=command_id)

    def erase_free_texts(self, alliance_id: UUID, *, reason_code: str, by: str,
                         command_id: str | None = None) -> None:
        self.handle(EraseFreeTexts(alliance_id=alliance_id, reason_code=reason_code), by=by, command_id=command_id)
