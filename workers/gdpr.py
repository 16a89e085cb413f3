"""Data-subject rights from the command line: what is stored about a contact person (GDPR Art. 15)
and its erasure (Art. 17), each recorded as an event with who did it, when and (erasure) why.

A person is found by id or by e-mail address; the address is searched by unsealing the persons'
data with their keys (it is stored nowhere in clear, not even as a hash).
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain import values as v
from domain.alliance import Alliance
from domain.application import AllianceApplication
from domain.commitment import Commitment
from domain.dates import german_date, german_moment
from domain.errors import InvalidInput, NotFound
from domain.personal_data import ERASED, PersonalData, unseal


@dataclass(frozen=True)
class Found:
    alliance_id: UUID
    person_id: UUID


def _additions(application: AllianceApplication) -> list[Any]:
    topic = get_topic(Alliance.ContactPersonAdded)
    found, start = [], 1
    while True:
        batch = application.recorder.select_notifications(start=start, limit=1000, topics=[topic])
        found += [application.mapper.to_domain_event(n) for n in batch]
        if len(batch) < 1000:
            return found
        start = batch[-1].id + 1


def find_person(application: AllianceApplication, *, person_id: UUID | None = None,
                email: str | None = None) -> Found:
    """The contact person with this id, or whose (not erased) e-mail address is this one."""
    if (person_id is None) == (email is None):
        raise InvalidInput("Bitte genau eines angeben: --person ID oder --email ADRESSE.")
    for event in _additions(application):
        if person_id is not None and event.person_id == person_id:
            return Found(event.originator_id, person_id)
        if email is not None:
            data = unseal(event.sealed, application.key_ring.get(event.person_id))
            if data is not None and data.email is not None and data.email.casefold() == email.strip().casefold():
                return Found(event.originator_id, event.person_id)
    what = f"mit der ID {person_id}" if person_id is not None else "mit dieser E-Mail-Adresse"
    raise NotFound(f"Eine Ansprechperson {what} ist nicht (mehr lesbar) gespeichert.")


def _texts_naming(application: AllianceApplication, alliance: Alliance,
                  data: PersonalData | None) -> list[dict[str, str]]:
    """The alliance's free texts that name the person (by name, e-mail or phone)."""
    if data is None:
        return []
    needles = [x.casefold() for x in (data.name, data.email, data.phone) if x]
    texts: list[tuple[str, str, Any]] = []
    for c in alliance.contacts.values():
        texts.append(("Gesprächsnotiz", german_date(c.on), c.notes))
    for m in alliance.meetings.values():
        texts.append(("Protokoll", f"{m.title} ({german_date(m.held_on or m.on)})", m.minutes))
    for commitment in application.commitments(alliance.id):
        assert isinstance(commitment, Commitment)
        for p in commitment.progress:
            texts.append(("Fortschrittsbericht", f"{commitment.description} ({german_date(p.on)})", p.text))
    found = []
    for kind, where, value in texts:
        text = application.text(alliance, value)
        if text and text != ERASED and any(n in text.casefold() for n in needles):
            found.append({"Art": kind, "Zu": where, "Text": text})
    return found


def export_person(application: AllianceApplication, found: Found, *, by: str) -> dict[str, Any]:
    """Everything stored about the person, with German labels, and the disclosure recorded."""
    application.record_disclosure(found.alliance_id, person_id=found.person_id, by=by)
    alliance = application.get_alliance(found.alliance_id)
    person = alliance.persons[str(found.person_id)]
    data = application.contact_person(found.alliance_id, found.person_id)
    actor = alliance.actors.get(str(person.actor_id))
    history = []
    for event in application.events.get(found.alliance_id):
        if getattr(event, "person_id", None) != found.person_id:
            continue
        entry = {"Zeitpunkt": german_moment(event.timestamp), "Von": event.by,  # type: ignore[attr-defined]
                 "Vorgang": _WHAT.get(type(event).__name__, type(event).__name__)}
        code = getattr(event, "reason_code", None)
        if isinstance(code, v.ErasureReason):
            entry["Grund"] = code.label
        history.append(entry)
    return {
        "Auskunft nach Art. 15 DSGVO": {"Erteilt von": by, "Bündnis": alliance.name,
                                        "Bündnis-ID": str(alliance.id)},
        "Ansprechperson": {
            "ID": str(person.id),
            "Organisation": actor.name if actor else None,
            "Name": data.name if data else ERASED,
            "E-Mail": data.email if data else ERASED,
            "Telefon": data.phone if data else ERASED,
            "Funktion": data.role if data else ERASED,
            "Gelöscht": person.erased,
        },
        "Freitexte, die die Person nennen": _texts_naming(application, alliance, data),
        "Verlauf": history,
        "Wo sonst": ("Die Daten sind verschlüsselt im Ereignisspeicher abgelegt; ihr Schlüssel liegt im "
                     "Schlüsselbund. Tokens nennen nur eine Kennung (--person), keine Personendaten."),
    }


_WHAT = {
    "ContactPersonAdded": "als Ansprechperson erfasst (verschlüsselt)",
    "ContactPersonErased": "personenbezogene Daten gelöscht (Art. 17 DSGVO)",
    "PersonalDataDisclosed": "Auskunft erteilt (Art. 15 DSGVO)",
}


def erase_person(application: AllianceApplication, found: Found, *, reason_code: str, by: str,
                 texts: bool, mail_spool: Path | None = None) -> dict[str, Any]:
    """Erases the person (and, with `texts`, the alliance's free texts so far, which may name them);
    then sweeps every key whose erasure is recorded, and removes the mails to or about the person
    from the local mail sink's spool (`mail_spool`: var/mail of the embedded default)."""
    data = application.contact_person(found.alliance_id, found.person_id)
    application.erase_contact_person(found.alliance_id, person_id=found.person_id, reason_code=reason_code, by=by)
    if texts:
        application.erase_free_texts(found.alliance_id, reason_code=reason_code, by=by)
    swept = application.sweep_erased_keys()
    removed = scrub_mail_spool(mail_spool, data) if mail_spool is not None and data is not None else 0
    return {"person": str(found.person_id), "alliance": str(found.alliance_id), "texts": texts, "swept": swept,
            "mails_removed": removed}


def scrub_mail_spool(directory: Path, data: PersonalData) -> int:
    """Deletes the stored mails that name the person (addressed to them or mentioning name, e-mail or
    phone), read as decoded mails (headers and every text part) and as raw bytes."""
    if not directory.is_dir():
        return 0
    needles = [x.casefold() for x in (data.name, data.email, data.phone) if x]
    removed = 0
    for path in sorted(directory.glob("*.eml")):
        raw = path.read_bytes()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        texts = [str(v) for v in message.values()]
        texts += [str(part.get_content()) for part in message.walk() if part.get_content_maintype() == "text"]
        texts.append(raw.decode("utf-8", errors="replace"))
        if any(n in t.casefold() for t in texts for n in needles):
            path.unlink()
            removed += 1
    return removed
