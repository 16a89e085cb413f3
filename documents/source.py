"""What the documents read: the alliance and its commitments as they stood at a moment.

`as_of` None is now. Contact persons are sealed (domain/personal_data.py): a document names them
only when the caller's role may see them, and only through the application's unseal API, so an
erased person never appears, not even on a sheet dated before the erasure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from domain.alliance import Alliance
from domain.application import AllianceApplication
from domain.commitment import Commitment
from domain.dates import berlin, german_date
from domain.errors import InvalidInput
from domain.records import Contact


@dataclass(frozen=True)
class Source:
    alliance: Alliance
    commitments: tuple[Commitment, ...]
    stand: date
    persons: dict[str, tuple[str, ...]] = field(default_factory=dict)  # actor id -> names
    show_persons: bool = False

    def name(self, actor_id: UUID | str | None, missing: str = "–") -> str:
        """An actor's name; `missing` when none is set (an owner not yet named)."""
        if actor_id is None:
            return missing
        actor = self.alliance.actors.get(str(actor_id))
        return actor.name if actor else "unbekannter Akteur"

    def persons_of(self, actor_id: UUID | str) -> str:
        return ", ".join(self.persons.get(str(actor_id), ()))

    def latest_contacts(self) -> dict[str, Contact]:
        """Each contacted actor's most recent Einzelgespräch."""
        latest: dict[str, Contact] = {}
        for c in self.alliance.contacts.values():
            key = str(c.actor_id)
            if key not in latest or c.on >= latest[key].on:
                latest[key] = c
        return latest


def load_source(application: AllianceApplication, alliance_id: UUID, *, as_of: datetime | None,
                now: datetime, show_persons: bool) -> Source:
    """The alliance as of `as_of` (now when None); persons' names only with `show_persons`."""
    if as_of is None:
        alliance = application.get_alliance(alliance_id)
        stand = berlin(now).date()
    else:
        registered = application.registered_at(alliance_id)
        if as_of < registered:
            raise InvalidInput(
                f"Am {german_date(as_of)} gab es das Bündnis hier noch nicht "
                f"(erfasst am {german_date(registered)})."
            )
        alliance = application.alliance_as_of(alliance_id, as_of)
        stand = berlin(min(as_of, now)).date()
    commitments = tuple(application.commitments(alliance_id, as_of))
    persons: dict[str, tuple[str, ...]] = {}
    if show_persons:
        for person in alliance.persons.values():
            data = None if person.erased else application.contact_person(alliance_id, person.id)
            if data is not None:
                key = str(person.actor_id)
                persons[key] = (*persons.get(key, ()), data.name)
    return Source(alliance, commitments, stand, persons, show_persons)
