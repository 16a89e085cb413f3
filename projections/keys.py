"""The key ring as a batch of projection reads it: each key looked up once per batch."""

from __future__ import annotations

from base64 import b64decode
from typing import Any
from uuid import UUID

from eventsourcing.cryptography import AESCipher
from eventsourcing.utils import Environment

from domain.personal_data import FreeText, KeyRing, SealedText, reveal


class BatchKeys:
    """Keys of the key ring remembered until `clear` (at the start of each batch): a rebuild reveals
    thousands of free texts sealed with the same few keys, one query each before. A key destroyed
    during a batch may still be read in that batch, as it could be without the cache (the lookup
    could come first); its erasure on record (`erased_keys`) is checked before any key."""

    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring
        self._keys: dict[UUID, str | None] = {}
        self._ciphers: dict[str, AESCipher] = {}
        self._erased: dict[str, frozenset[str]] = {}

    def clear(self) -> None:
        self._keys.clear()
        self._ciphers.clear()
        self._erased.clear()

    def erased(self, alliance_id: str, alliance: Any) -> frozenset[str]:
        """`alliance.erased_keys()` remembered until `forget` (or `clear`): it walks every contact
        person of the alliance, for each event with free text (a tenth of a timeline rebuild's time).
        The caller forgets an alliance when it sees an event that erases (`ERASURES`)."""
        keys = self._erased.get(alliance_id)
        if keys is None:
            keys = self._erased[alliance_id] = alliance.erased_keys()
        return keys

    def forget(self, alliance_id: str) -> None:
        self._erased.pop(alliance_id, None)

    def reveal(self, value: FreeText | None, erased: frozenset[str]) -> str | None:
        """`domain.personal_data.reveal` with this batch's keys, each key's cipher built once."""
        if isinstance(value, SealedText) and str(value.key_id) not in erased:
            key = self.get(value.key_id)
            if key is not None:
                cipher = self._ciphers.get(key)
                if cipher is None:
                    cipher = self._ciphers[key] = AESCipher(Environment(env={AESCipher.CIPHER_KEY: key}))
                return cipher.decrypt(b64decode(value.sealed)).decode("utf-8")
        return reveal(value, self, erased)  # plain, erased or without key: the domain's rule

    def get(self, person_id: UUID) -> str | None:
        try:
            return self._keys[person_id]
        except KeyError:
            key = self._keys[person_id] = self.ring.get(person_id)
            return key

    def create(self, person_id: UUID) -> str:
        self._keys.pop(person_id, None)
        return self.ring.create(person_id)

    def destroy(self, person_id: UUID) -> bool:
        self._keys.pop(person_id, None)
        return self.ring.destroy(person_id)
