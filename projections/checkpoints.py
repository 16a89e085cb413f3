"""Signed, append-only checkpoints of the audit chain's head, kept apart from the chain.

Each checkpoint is one JSON object: the chained position, the head hash and count at that
position, the previous checkpoint's signature (`prev`), the id of the signing key (`kid`), and an
HMAC-SHA256 over all of it. Whoever can rewrite the event store but does not hold the key cannot
write a matching checkpoint, and removing or reordering checkpoints breaks the `prev` links.

Where they are kept: a JSON-lines file under var/ (embedded default) or a table in the PostgreSQL
schema (scale-out, so every API process verifies against the same checkpoints). Appending takes an
exclusive lock (a file lock; `LOCK TABLE`) and reads the last checkpoint inside it, so any number
of processes (projectors, `buendnis audit checkpoint`) can append without breaking the chain.
After a key rotation the old keys stay listed for verification: each checkpoint names its key.

The key is derived from the audit key (its own secret, not the token secret: whoever can mint
tokens cannot sign checkpoints). Checkpoints written before the audit key existed were signed with
a key derived from the token secret; it is listed as an older secret, so they stay verifiable. Older
keys only verify what came before: once a checkpoint is signed with a newer key, a later one signed
with an older key is refused (whoever still holds only the old secret cannot add to the chain).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
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


def signing_key(secret: str) -> bytes:
    # A key of its own, so a checkpoint signature can never pass for an API token and vice versa.
    return hashlib.sha256(b"buendnis:audit-checkpoint:" + secret.encode()).digest()


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"buendnis:key-id:" + key).hexdigest()[:16]


def _sign(key: bytes, body: dict[str, Any]) -> str:
    return hmac.new(key, orjson.dumps(body, option=orjson.OPT_SORT_KEYS), hashlib.sha256).hexdigest()


class Checkpoints:
    """The signing and checking of checkpoints; subclasses say where the lines are kept."""

    def _damaged(self, number: int) -> str:
        return f"Die Prüfpunkte sind beschädigt (Eintrag {number})"

    def __init__(self, secret: str, older_secrets: Sequence[str] = ()) -> None:
        """`older_secrets`: the secrets before `secret`, newest first."""
        self._key = signing_key(secret)
        self._keys: dict[str, bytes] = {}
        for k in (self._key, *(signing_key(s) for s in older_secrets)):
            self._keys.setdefault(key_id(k), k)
        self._rank = {kid: n for n, kid in enumerate(self._keys)}  # 0: the current key; higher: older

    # ---- where the lines live (subclasses) ----------------------------------------------------

    def _lines(self) -> list[bytes]:
        raise NotImplementedError

    @contextmanager
    def _locked(self) -> Iterator[tuple[Callable[[], bytes | None], Callable[[bytes], None]]]:
        """Yields (read the last line, append a line) under an exclusive lock."""
        raise NotImplementedError
        yield  # pragma: no cover

    # ---- reading and checking -----------------------------------------------------------------

    def _parse(self, line: bytes, number: int) -> tuple[Checkpoint, dict[str, Any]]:
        entry, body, _rank = self._parse_ranked(line, number)
        return entry, body

    def _parse_ranked(self, line: bytes, number: int) -> tuple[Checkpoint, dict[str, Any], int]:
        """The checkpoint, its signed body, and the rank of the key that signed it (0: current)."""
        where = self._damaged(number)
        try:
            body = orjson.loads(line)
            mac = body.pop("mac")
            entry = Checkpoint(int(body["n"]), int(body["position"]), str(body["head"]), int(body["events"]),
                               str(body["at"]), str(mac))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            raise CheckpointCorrupt(f"{where}: kein lesbarer Prüfpunkt.") from None
        kid = body.get("kid")
        kids = [kid] if kid in self._keys else [] if kid is not None else list(self._keys)
        for candidate in kids:
            if hmac.compare_digest(_sign(self._keys[candidate], body), entry.mac):
                return entry, body, self._rank[candidate]
        raise CheckpointCorrupt(
            f"{where}: die Signatur stimmt nicht – der Eintrag wurde verändert "
            "oder mit einem anderen (unbekannten) Schlüssel geschrieben."
        )

    def entries(self) -> list[Checkpoint]:
        """Every checkpoint, checked; a damaged one raises CheckpointCorrupt naming its number."""
        result: list[Checkpoint] = []
        previous = ""
        newest = len(self._keys)  # the rank of the newest key seen so far
        for number, line in enumerate((ln for ln in self._lines() if ln.strip()), start=1):
            entry, body, rank = self._parse_ranked(line, number)
            if rank > newest:
                raise CheckpointCorrupt(
                    f"{self._damaged(number)}: der Eintrag ist mit einem älteren Schlüssel signiert als sein "
                    "Vorgänger – nach einem Schlüsselwechsel schreibt nur noch der neue Schlüssel."
                )
            newest = rank
            if body.get("prev", "") != previous or entry.number != len(result) + 1:
                raise CheckpointCorrupt(
                    f"{self._damaged(number)}: die Kette der Prüfpunkte ist "
                    "unterbrochen – Einträge wurden entfernt, vertauscht oder eingefügt."
                )
            if result and (entry.position < result[-1].position or entry.events < result[-1].events):
                raise CheckpointCorrupt(f"{self._damaged(number)}: der Prüfpunkt liegt vor seinem Vorgänger.")
            result.append(entry)
            previous = entry.mac
        return result

    def last(self) -> Checkpoint | None:
        with self._locked() as (read_last, _append):
            line = read_last()
        return None if line is None else self._parse(line, 0)[0]

    def append(self, position: int, head: str, events: int, **_ignored: Any) -> Checkpoint | None:
        """Appends a signed checkpoint after the last one, read under the lock; None when the last
        one already covers `events` (another process was first)."""
        with self._locked() as (read_last, write):
            line = read_last()
            previous = None if line is None else self._parse(line, 0)[0]
            if previous is not None and previous.events >= events:
                return None
            body = {
                "n": previous.number + 1 if previous else 1,
                "position": position,
                "head": head,
                "events": events,
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "prev": previous.mac if previous else "",
                "kid": key_id(self._key),
            }
            mac = _sign(self._key, body)
            write(orjson.dumps({**body, "mac": mac}))
        return Checkpoint(int(body["n"]), position, head, events, str(body["at"]), mac)  # type: ignore[call-overload]


class CheckpointFile(Checkpoints):
    """Checkpoints as lines of a file; appends hold an exclusive lock on it (flock)."""

    def __init__(self, path: Path, secret: str, older_secrets: Sequence[str] = ()) -> None:
        super().__init__(secret, older_secrets)
        self.path = path

    def _damaged(self, number: int) -> str:
        return f"Die Prüfpunktdatei {self.path} ist beschädigt (Zeile {number})"

    def _lines(self) -> list[bytes]:
        return self.path.read_bytes().splitlines() if self.path.exists() else []

    @contextmanager
    def _locked(self) -> Iterator[tuple[Callable[[], bytes | None], Callable[[bytes], None]]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)

            def read_last() -> bytes | None:
                size = os.fstat(fd).st_size
                chunk, offset = b"", size
                while offset > 0:
                    step = min(4096, offset)
                    offset -= step
                    chunk = os.pread(fd, step, offset) + chunk
                    lines = [ln for ln in chunk.splitlines() if ln.strip()]
                    if len(lines) > 1 or (lines and offset == 0):
                        return lines[-1]
                return None

            def write(line: bytes) -> None:
                os.write(fd, line + b"\n")
                os.fsync(fd)

            yield read_last, write
        finally:
            os.close(fd)  # releases the lock


class PostgresCheckpoints(Checkpoints):
    """Checkpoints as rows of `audit_checkpoints` in the deployment's schema (all API processes see
    the same ones); appends hold `LOCK TABLE … IN EXCLUSIVE MODE` for their transaction."""

    def __init__(self, dsn: str, schema: str, secret: str, older_secrets: Sequence[str] = ()) -> None:
        super().__init__(secret, older_secrets)
        self.dsn, self.schema = dsn, schema
        self.table = f'"{schema}".audit_checkpoints'
        self._created = False

    def _damaged(self, number: int) -> str:
        return f"Die Prüfpunkte in {self.schema}.audit_checkpoints sind beschädigt (Eintrag {number})"

    def _connect(self) -> Any:
        import psycopg

        conn = psycopg.connect(self.dsn)
        if not self._created:
            with conn.transaction():
                # Serialise creation: processes starting together must not race on the catalog.
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('buendnis:audit_checkpoints'))")
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                conn.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (n BIGINT PRIMARY KEY, line BYTEA NOT NULL)")
            self._created = True
        return conn

    def _lines(self) -> list[bytes]:
        with self._connect() as conn:
            return [bytes(r[0]) for r in conn.execute(f"SELECT line FROM {self.table} ORDER BY n")]

    @contextmanager
    def _locked(self) -> Iterator[tuple[Callable[[], bytes | None], Callable[[bytes], None]]]:
        with self._connect() as conn, conn.transaction():
            conn.execute(f"LOCK TABLE {self.table} IN EXCLUSIVE MODE")

            def read_last() -> bytes | None:
                row = conn.execute(f"SELECT line FROM {self.table} ORDER BY n DESC LIMIT 1").fetchone()
                return None if row is None else bytes(row[0])

            def write(line: bytes) -> None:
                n = int(orjson.loads(line)["n"])
                conn.execute(f"INSERT INTO {self.table} (n, line) VALUES (%s, %s)", (n, line))

            yield read_last, write
