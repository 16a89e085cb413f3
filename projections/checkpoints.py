"""Signed, append-only checkpoints of the audit chain's head, kept outside the event store.

Each line is one JSON object: the chained position, the head hash and count at that position, the
previous line's signature, and an HMAC-SHA256 over all of it with a key derived from the audit
key (its own secret, not the token secret: whoever can mint tokens cannot sign checkpoints).
Whoever can rewrite the event store but does not hold the key cannot write a matching line, and
removing or reordering lines breaks the `prev` links.

Migration: checkpoints written before the audit key had its own file were signed with a key
derived from the token secret. They stay verifiable with `legacy_secret`, but only as the file's
first lines: once a line is signed with the audit key, its `prev` seals them, and an old-key line
after it is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from projections.errors import CheckpointCorrupt


@dataclass(frozen=True)
class Checkpoint:
    number: int
    position: int
    head: str
    events: int
    at: str
    mac: str


def _key(secret: str) -> bytes:
    # A key of its own, so a checkpoint signature can never pass for an API token and vice versa.
    return hashlib.sha256(b"buendnis:audit-checkpoint:" + secret.encode()).digest()


def _sign(key: bytes, body: dict[str, Any]) -> str:
    return hmac.new(
        key, orjson.dumps(body, option=orjson.OPT_SORT_KEYS), hashlib.sha256
    ).hexdigest()


class CheckpointFile:
    def __init__(self, path: Path, secret: str, *, legacy_secret: str | None = None) -> None:
        self.path = path
        self._key = _key(secret)
        self._legacy = _key(legacy_secret) if legacy_secret and legacy_secret != secret else None

    def entries(self) -> list[Checkpoint]:
        """Every checkpoint, checked; a damaged file raises CheckpointCorrupt naming the line."""
        if not self.path.exists():
            return []
        result: list[Checkpoint] = []
        previous = ""
        sealed = False  # a line signed with the audit key itself has been seen
        for number, line in enumerate(self.path.read_bytes().splitlines(), start=1):
            if not line.strip():
                continue
            where = f"Die Prüfpunktdatei {self.path} ist beschädigt (Zeile {number})"
            try:
                body = orjson.loads(line)
                mac = body.pop("mac")
                entry = Checkpoint(
                    int(body["n"]),
                    int(body["position"]),
                    str(body["head"]),
                    int(body["events"]),
                    str(body["at"]),
                    str(mac),
                )
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
                raise CheckpointCorrupt(f"{where}: kein lesbarer Prüfpunkt.") from None
            signed = _sign(self._key, body)
            if hmac.compare_digest(signed, entry.mac):
                sealed = True
            elif self._legacy is not None and not sealed and hmac.compare_digest(_sign(self._legacy, body), entry.mac):
                pass  # a line from before the audit key had its own file, not yet sealed by a newer one
            else:
                raise CheckpointCorrupt(
                    f"{where}: die Signatur stimmt nicht – die Zeile wurde verändert "
                    "oder mit einem anderen Schlüssel geschrieben."
                )
            if body.get("prev", "") != previous or entry.number != len(result) + 1:
                raise CheckpointCorrupt(
                    f"{where}: die Kette der Prüfpunkte ist unterbrochen – "
                    "Zeilen wurden entfernt, vertauscht oder eingefügt."
                )
            if result and (
                entry.position < result[-1].position or entry.events < result[-1].events
            ):
                raise CheckpointCorrupt(f"{where}: der Prüfpunkt liegt vor seinem Vorgänger.")
            result.append(entry)
            previous = entry.mac
        return result

    def append(
        self,
        position: int,
        head: str,
        events: int,
        *,
        previous: Checkpoint | None = None,
        known: bool = False,
    ) -> Checkpoint:
        """Appends a signed line; `known=True` trusts `previous` as the last line (no re-read)."""
        if not known:
            entries = self.entries()
            previous = entries[-1] if entries else None
        body = {
            "n": previous.number + 1 if previous else 1,
            "position": position,
            "head": head,
            "events": events,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "prev": previous.mac if previous else "",
        }
        mac = _sign(self._key, body)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "ab") as f:
            f.write(orjson.dumps({**body, "mac": mac}) + b"\n")
            f.flush()
            os.fsync(f.fileno())
        return Checkpoint(body["n"], position, head, events, body["at"], mac)  # type: ignore[arg-type]
