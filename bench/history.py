"""Large histories in minutes: a template made through the application, cloned under fresh ids.

`generate` (workers/demo_generate.py) writes through the commands and their rules: alliances of
years at intensity 40 at ~800 events/s here under load 9 (one transaction per alliance, 2026-11-30;
71/s before, one commit per command), so 1.5 M events would still take half an hour. So a template
of a few alliances is generated that way, and its stored events are copied again and again with
every id in them replaced by a fresh one (alliances, commitments, actors, meetings, persons, …),
straight into the event store, one transaction per clone. Each clone is then exactly the history
the aggregates make when given the same commands for a new alliance: valid by construction. What is
derived from an id is derived again (the commitment index's id is uuid5 of its alliance's); a
person's key in the key ring is copied to the person's new id, so sealed contact data stays
readable without encrypting it again. Command records (ids derived from the caller's command id)
are left out of the clones; the generator makes none. The template's snapshots (the latest of each
aggregate of 100 events or more, as a running store keeps them: storage/snapshots.py) are cloned
with the same ids, so a clone loads as fast as the store it copies would.

The ids are found once in the template (`patterns`): each stored state becomes a bytes format with
`%s` where an id stood, and a clone is one `%` per row with the clone's ids. The load writes
without syncing (a load cut off is made again; the file is synced at its end).

`tests/bench/test_history.py` loads a small cloned history through the application (every alliance
and commitment equal to its template's, ids aside) and rebuilds the read models from it, equal to
what the live projectors make and to the template's, ids aside.
"""

from __future__ import annotations

import random
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from uuid import UUID

import psycopg

from config.settings import Settings
from domain.alliance import Alliance
from domain.idempotency import CommandRecord, index_id
from workers.bootstrap import build_application
from workers.demo_generate import generate

# Ids are stored as 32 hex digits (originator ids, `uuid_hex` values) or in the canonical form
# inside strings (follow-up keys, recipients such as "partner:<id>"): both are replaced.
# (Both forms begin with 8 hex digits: written so, the search tries one branch at each byte, not two,
# 3.5 times faster over the template's 63 MB.)
UUID_PATTERN = re.compile(rb"(?<![0-9a-f-])[0-9a-f]{8}(?:[0-9a-f]{24}|"
                          rb"-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9a-f-])")
REGISTERED = f"{Alliance.Registered.__module__}:{Alliance.Registered.__qualname__}"
COMMAND_RECORD = f"{CommandRecord.__module__}:{CommandRecord.__qualname__}"
Row = tuple[str, int, str, bytes]


@dataclass(frozen=True)
class Template:
    rows: list[Row]  # originator_id, originator_version, topic, state; in notification order
    alliance_ids: list[str]
    person_keys: dict[str, str]
    snapshots: list[Row] = field(default_factory=list)  # the same columns, of stored_snapshots

    @property
    def alliances(self) -> int:
        return len(self.alliance_ids)


def make_template(settings: Settings, *, alliances: int, years: float, intensity: float, seed: int = 7,
                  now: datetime | None = None) -> Template:
    """`alliances` alliances generated through the application into `settings`' SQLite store."""
    app = build_application(settings, DEEPCOPY_FROM_AGGREGATE_CACHE="n")
    generate(app, alliances=alliances, years=years, intensity=intensity, seed=seed, now=now)
    app.close()
    db = sqlite3.connect(settings.events_path)
    rows: list[Row] = [
        (str(o), int(v), str(t), bytes(s))
        for o, v, t, s in db.execute("SELECT originator_id, originator_version, topic, state FROM stored_events "
                                     "ORDER BY rowid")
        if not str(t).startswith(COMMAND_RECORD)
    ]
    snapshots: list[Row] = [
        (str(o), int(v), str(t), bytes(s))
        for o, v, t, s in db.execute("SELECT originator_id, originator_version, topic, state FROM stored_snapshots "
                                     "ORDER BY originator_id, originator_version")
    ]
    db.close()
    keys_db = sqlite3.connect(settings.var_dir / "person-keys.db")
    keys = {str(p): str(k) for p, k in keys_db.execute("SELECT person_id, key FROM person_keys")}
    keys_db.close()
    registered = [o for o, _, t, _ in rows if t == REGISTERED]
    return Template(rows, registered, keys, snapshots)


@dataclass(frozen=True)
class Pattern:
    """A table of the template with its ids taken out, found once for all clones: each state is a
    bytes format with `%s` where an id stood (and `%%` where a `%` did), so a clone's state is one
    `%` of C code instead of a regular expression and a Python call per id (which took most of the
    5.2 minutes of 25 clones, 2026-11-30)."""

    rows: list[tuple[int, int, str, bytes, tuple[int, ...]]]  # originator, version, topic, format, ids
    # Ids are numbered 2 × i (32 hex digits) and 2 × i + 1 (canonical form) for the i-th of `ids`.


@dataclass(frozen=True)
class Patterns:
    ids: list[UUID]
    events: Pattern
    snapshots: Pattern


def patterns(template: Template) -> Patterns:
    numbers: dict[UUID, int] = {}

    def number(old: UUID) -> int:
        got = numbers.get(old)
        if got is None:
            got = numbers[old] = len(numbers)
        return got

    def pattern(table: list[Row]) -> Pattern:
        rows = []
        for originator, version, topic, state in table:
            pieces, ids, at = [], [], 0
            for match in UUID_PATTERN.finditer(state):
                text = match.group()
                ids.append(2 * number(UUID(text.decode())) + (len(text) != 32))
                pieces.append(state[at:match.start()].replace(b"%", b"%%"))
                at = match.end()
            pieces.append(state[at:].replace(b"%", b"%%"))
            fmt = b"%s".join(pieces) if ids else state
            rows.append((number(UUID(originator)), version, topic, fmt, tuple(ids)))
        return Pattern(rows)

    for alliance in template.alliance_ids:
        number(UUID(alliance))
    events, snapshots = pattern(template.rows), pattern(template.snapshots)
    return Patterns(list(numbers), events, snapshots)


def clone(template: Template, rng: random.Random,
          found: Patterns | None = None) -> tuple[list[Row], list[Row], dict[str, str]]:
    """One copy of the template under fresh ids: its rows, its snapshots and its person keys."""
    found = found or patterns(template)
    mapping: dict[UUID, UUID] = {}
    for alliance in map(UUID, template.alliance_ids):
        new = mapping[alliance] = UUID(int=rng.getrandbits(128), version=4)
        mapping[index_id(alliance)] = index_id(new)  # derived from its alliance's id, so derived again
    fresh = [mapping.get(old) or UUID(int=rng.getrandbits(128), version=4) for old in found.ids]
    hexes = [new.hex for new in fresh]
    forms: list[bytes] = []
    for new in fresh:
        forms += (new.hex.encode(), str(new).encode())
    get = forms.__getitem__

    def copied(pattern: Pattern) -> list[Row]:
        return [(hexes[o], version, topic, fmt % tuple(map(get, ids)) if ids else fmt)
                for o, version, topic, fmt, ids in pattern.rows]

    rows, snapshots = copied(found.events), copied(found.snapshots)
    new_of = dict(zip(found.ids, fresh, strict=True))
    keys = {str(new_of[UUID(p)]): k for p, k in template.person_keys.items() if UUID(p) in new_of}
    return rows, snapshots, keys


def clones(template: Template, copies: int, seed: int = 11) -> Iterator[tuple[list[Row], list[Row], dict[str, str]]]:
    rng = random.Random(seed)
    found = patterns(template)
    for _ in range(copies):
        yield clone(template, rng, found)


def load_sqlite(settings: Settings, template: Template, copies: int) -> int:
    """Appends `copies` clones to the SQLite event store of `settings`; answers the events written."""
    app = build_application(settings)  # creates the tables and the key ring
    app.close()
    db = sqlite3.connect(settings.events_path, isolation_level=None)
    keys_db = sqlite3.connect(settings.var_dir / "person-keys.db", isolation_level=None)
    for conn in (db, keys_db):
        # A bulk load: nothing is synced to disk before the end (a load cut off is made again, never
        # read), and the primary key's pages of 1.5 M events stay in memory. Both are this
        # connection's own settings: the application's connections open with their defaults.
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-131072")  # 128 MiB
    written = 0
    for rows, snapshots, keys in clones(template, copies):
        db.execute("BEGIN")
        db.executemany("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
                       "VALUES (?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO stored_snapshots (originator_id, originator_version, topic, state) "
                       "VALUES (?, ?, ?, ?)", snapshots)
        db.execute("COMMIT")
        keys_db.execute("BEGIN")  # one transaction for the clone's keys, not one each
        keys_db.executemany("INSERT INTO person_keys VALUES (?, ?)", list(keys.items()))
        keys_db.execute("COMMIT")
        written += len(rows)
    for conn in (db, keys_db):
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # into the file, synced, before the store is used
        conn.close()
    return written


def raw_clone_insert_rate(template: Template, path: Path) -> float:
    """The anchor of the clones' load: one clone's rows, made beforehand, inserted by plain sqlite3
    into a fresh file of the event store's table (its primary key), with the load's settings: the
    pure cost of writing the same bytes, in events per second."""
    rows, snapshots, _ = clone(template, random.Random(0))
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-131072")
    for table in ("stored_events", "stored_snapshots"):
        db.execute(f"CREATE TABLE {table} (originator_id TEXT, originator_version INTEGER, topic TEXT, "
                   "state BLOB, PRIMARY KEY (originator_id, originator_version))")
    started = time.perf_counter()
    db.execute("BEGIN")
    db.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO stored_snapshots VALUES (?, ?, ?, ?)", snapshots)
    db.execute("COMMIT")
    seconds = time.perf_counter() - started
    db.close()
    return len(rows) / seconds


def load_postgres(settings: Settings, template: Template, copies: int) -> int:
    """Appends `copies` clones to the PostgreSQL event store of `settings` (COPY, one per clone)."""
    app = build_application(settings)
    table = app.recorder.events_table_name  # type: ignore[attr-defined]
    snapshots_table = app.snapshots.recorder.events_table_name  # type: ignore[union-attr]
    app.close()
    schema, keyring = settings.postgres_schema, settings.keyring_schema_name  # keys: a schema of their own
    written = 0
    with psycopg.connect(settings.postgres_dsn) as conn:
        for rows, snapshots, keys in clones(template, copies):
            with conn.cursor() as cur:
                for name, copied in ((table, rows), (snapshots_table, snapshots)):
                    with cur.copy(f'COPY "{schema}".{name} (originator_id, originator_version, topic, state) '
                                  "FROM STDIN") as copy:
                        for row in copied:
                            copy.write_row(row)
                cur.executemany(f'INSERT INTO "{keyring}".person_keys VALUES (%s, %s)', list(keys.items()))
            conn.commit()
            written += len(rows)
    return written


def timed(label: str, started: float) -> float:
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s", flush=True)
    return seconds
