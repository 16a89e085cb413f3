"""Revocation state of tokens and the stored calendar feeds (docs/SECURITY.md).

A token stays valid while its subject's version is still the one it carries, its id is not
revoked, and (for a page session) neither is the API token it was made from. Calendar feeds are
random secrets stored only as their SHA-256: each opens one alliance's feed as its role may see it,
nothing else, and can be revoked on its own. The rows live outside the event store (a small
SQLite file under var/ or tables of the deployment's PostgreSQL schema: storage/tokens.py), so
every API process shares them; `TokenState` caches its look-ups for `ttl` seconds.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID, uuid4


@dataclass(frozen=True)
class CalendarFeed:
    id: str
    subject: str
    role: str
    alliance_id: UUID
    partner_id: UUID | None
    created_at: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> CalendarFeed:
        partner = row.get("partner_id")
        return cls(str(row["id"]), str(row["subject"]), str(row["role"]), UUID(str(row["alliance_id"])),
                   UUID(str(partner)) if partner else None, str(row["created_at"]))


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenStore(Protocol):
    """Rows of the revocation state (storage/tokens.py on SQLite or PostgreSQL; memory below)."""

    def version(self, subject: str) -> int: ...

    def revoke_subject(self, subject: str) -> int: ...

    def revoke_token(self, jti: str, expires_at: datetime) -> None: ...

    def is_revoked(self, jti: str) -> bool: ...

    def add_feed(self, hashed: str, feed: dict[str, Any]) -> None: ...

    def feed(self, hashed: str) -> dict[str, Any] | None: ...

    def feeds(self, subject: str | None = None) -> list[dict[str, Any]]: ...

    def revoke_feed(self, feed_id: str) -> bool: ...


class InMemoryTokenStore:
    """For unit tests and a process without a store of its own."""

    def __init__(self) -> None:
        self._versions: dict[str, int] = {}
        self._revoked: dict[str, datetime] = {}
        self._feeds: dict[str, tuple[dict[str, Any], bool]] = {}
        self._lock = threading.Lock()

    def version(self, subject: str) -> int:
        return self._versions.get(subject, 0)

    def revoke_subject(self, subject: str) -> int:
        with self._lock:
            self._versions[subject] = self._versions.get(subject, 0) + 1
            for hashed, (feed, _) in list(self._feeds.items()):
                if feed["subject"] == subject:
                    self._feeds[hashed] = (feed, False)
            return self._versions[subject]

    def revoke_token(self, jti: str, expires_at: datetime) -> None:
        self._revoked[jti] = expires_at

    def is_revoked(self, jti: str) -> bool:
        return jti in self._revoked

    def add_feed(self, hashed: str, feed: dict[str, Any]) -> None:
        self._feeds[hashed] = (feed, True)

    def feed(self, hashed: str) -> dict[str, Any] | None:
        found = self._feeds.get(hashed)
        return found[0] if found and found[1] else None

    def feeds(self, subject: str | None = None) -> list[dict[str, Any]]:
        return [f for f, live in self._feeds.values() if live and subject in (None, f["subject"])]

    def revoke_feed(self, feed_id: str) -> bool:
        for hashed, (feed, live) in list(self._feeds.items()):
            if feed["id"] == feed_id and live:
                self._feeds[hashed] = (feed, False)
                return True
        return False


class TokenState:
    """What the API asks of the store, cached for `ttl` seconds (every request asks): a change made
    through this object is seen at once, one made by another process (the CLI) within `ttl`."""

    def __init__(self, store: TokenStore, ttl: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.store, self.ttl, self._clock = store, ttl, clock
        self._cache: dict[tuple[str, str], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def _get(self, kind: str, key: str, load: Callable[[], Any]) -> Any:
        now = self._clock()
        hit = self._cache.get((kind, key))
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        value = load()
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[(kind, key)] = (now, value)
        return value

    def version(self, subject: str) -> int:
        result: int = self._get("ver", subject, lambda: self.store.version(subject))
        return result

    def is_revoked(self, jti: str) -> bool:
        result: bool = self._get("jti", jti, lambda: self.store.is_revoked(jti))
        return result

    def valid(self, subject: str, version: int, jti: str, parent: str | None) -> bool:
        if version != self.version(subject):
            return False
        return not self.is_revoked(jti) and not (parent and self.is_revoked(parent))

    def revoke_subject(self, subject: str) -> int:
        self._cache.clear()
        return self.store.revoke_subject(subject)

    def revoke_token(self, jti: str, expires_at: datetime) -> None:
        self._cache.clear()
        self.store.revoke_token(jti, expires_at)

    def create_feed(
        self, subject: str, role: str, alliance_id: UUID, partner_id: UUID | None = None
    ) -> tuple[CalendarFeed, str]:
        """A new feed and its secret (32 random bytes), shown once: only its hash is kept."""
        secret = secrets.token_urlsafe(32)
        row = {"id": str(uuid4()), "subject": subject, "role": role, "alliance_id": str(alliance_id),
               "partner_id": str(partner_id) if partner_id else None,
               "created_at": datetime.now(UTC).isoformat(timespec="seconds")}
        self.store.add_feed(secret_hash(secret), row)
        return CalendarFeed.of(row), secret

    def feed(self, secret: str) -> CalendarFeed | None:
        hashed = secret_hash(secret)
        row = self._get("feed", hashed, lambda: self.store.feed(hashed))
        return CalendarFeed.of(row) if row else None

    def feeds(self, subject: str | None = None) -> list[CalendarFeed]:
        return [CalendarFeed.of(r) for r in self.store.feeds(subject)]

    def revoke_feed(self, feed_id: str) -> bool:
        self._cache.clear()
        return self.store.revoke_feed(feed_id)
