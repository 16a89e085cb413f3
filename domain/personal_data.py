"""Erasable personal data: contact persons and free text are sealed with keys that can be destroyed.

Events are never rewritten, yet a person may ask to be erased (GDPR Art. 17). So names, e-mail
addresses and phone numbers go into events only encrypted with a per-person key held outside the
event store (a key ring). Erasure destroys the key: the event, its hash and every statistic stay,
the person can no longer be read. Who erased whom and why (a code) is itself an event.

Free text that may name people (conversation notes, minutes, progress reports, fulfilment notes,
reasons and justifications of decisions)
is sealed the same way as a `SealedText`, with the key of the alliance's free texts ("Freitexte des
Bündnisses"): erasing them destroys that key, and later texts get a key of a new generation.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID, uuid5

import orjson
from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

from domain.errors import InvalidInput
from domain.values import optional_text, require_text

ERASED = "[gelöscht]"


@dataclass(frozen=True)
class PersonalData:
    name: str
    email: str | None = None
    phone: str | None = None
    role: str | None = None  # the person's function at the organisation ("Personalleiterin")

    @classmethod
    def checked(cls, name: object, email: object = None, phone: object = None, role: object = None) -> PersonalData:
        mail = optional_text(email, "Die E-Mail-Adresse", 254)
        if mail is not None and ("@" not in mail or " " in mail):
            raise InvalidInput(f"„{mail}“ ist keine gültige E-Mail-Adresse.")
        return cls(require_text(name, "Der Name", 200), mail, optional_text(phone, "Die Telefonnummer", 50),
                   optional_text(role, "Die Funktion", 200))


class KeyRing(Protocol):
    """Holds one secret key per id (a person, or a generation of an alliance's free texts); `destroy`
    makes what was sealed with it unreadable forever."""

    def create(self, person_id: UUID) -> str: ...

    def get(self, person_id: UUID) -> str | None: ...

    def destroy(self, person_id: UUID) -> bool: ...


class InMemoryKeyRing:
    """A key ring for tests and the in-memory store."""

    def __init__(self) -> None:
        self._keys: dict[UUID, str] = {}

    def create(self, person_id: UUID) -> str:
        return self._keys.setdefault(person_id, AESCipher.create_key(32))

    def get(self, person_id: UUID) -> str | None:
        return self._keys.get(person_id)

    def destroy(self, person_id: UUID) -> bool:
        return self._keys.pop(person_id, None) is not None


def _cipher(key: str) -> AESCipher:
    return AESCipher(Environment(env={AESCipher.CIPHER_KEY: key}))


def seal(data: PersonalData, key: str) -> str:
    fields = {"name": data.name, "email": data.email, "phone": data.phone}
    if data.role is not None:  # sealed data from before the role has no such field
        fields["role"] = data.role
    plain = orjson.dumps(fields)
    return b64encode(_cipher(key).encrypt(plain)).decode("ascii")


def unseal(sealed: str, key: str | None) -> PersonalData | None:
    """The person's data, or None once the key is destroyed."""
    if key is None:
        return None
    raw = orjson.loads(_cipher(key).decrypt(b64decode(sealed)))
    return PersonalData(raw["name"], raw["email"], raw["phone"], raw.get("role"))


@dataclass(frozen=True)
class SealedText:
    """Free text encrypted with the key `key_id` of the key ring (stored in events instead of the text)."""

    key_id: UUID
    sealed: str

    def __repr__(self) -> str:
        return f"SealedText(key_id={self.key_id})"


# Free text as events hold it: plain in events stored before sealing, sealed since.
FreeText = str | SealedText


def texts_key_id(alliance_id: UUID, generation: int) -> UUID:
    """The key of an alliance's free texts; a new generation after each erasure of them."""
    return uuid5(alliance_id, f"freitexte/{generation}")


def seal_text(text: str, key_id: UUID, key: str) -> SealedText:
    return SealedText(key_id, b64encode(_cipher(key).encrypt(text.encode("utf-8"))).decode("ascii"))


def reveal(value: FreeText | None, key_ring: KeyRing, erased: frozenset[str]) -> str | None:
    """The text to show: `ERASED` once its key is erased on record (`erased`: key ids as text) or
    destroyed; a plain text from before sealing is erased with the first erasure of free texts
    (`erased` then holds `PLAIN_TEXTS_ERASED`)."""
    if value is None:
        return None
    if isinstance(value, str):
        return ERASED if PLAIN_TEXTS_ERASED in erased else value
    if str(value.key_id) in erased:
        return ERASED
    key = key_ring.get(value.key_id)
    if key is None:
        return ERASED
    return _cipher(key).decrypt(b64decode(value.sealed)).decode("utf-8")


PLAIN_TEXTS_ERASED = "plain"
