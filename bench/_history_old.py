"""Large histories in minutes: a template made through the application, cloned under fresh ids.

`generate` (workers/demo_generate.py) writes through the commands and their rules, about 2,000
events/s here: 1.5 M events would take a quarter of an hour. So a template of a few alliances is
generated that way, and its stored events are copied again and again with every id in them
replaced by a fresh one (alliances, commitments, actors, meetings, persons, …), straight into the
event store in large transactions. Each clone is then exactly the history the aggregates make when
given the same commands for a new alliance: valid by construction. What is derived from an id is
derived again (the commitment index's id is uuid5 of its alliance's); a person's key in the key
ring is copied to the person's new id, so sealed contact data stays readable. Command records
(ids derived from the caller's command id) are left out of the clones; the generator makes none.
The template's snapshots (the latest of each aggregate of 100 events or more, as a running store
keeps them: storage/snapshots.py) are cloned with the same ids, so a clone loads as fast as the
store it copies would.

`tests/bench/test_history.py` loads a small cloned history through the application and rebuilds
the read models from it, equal to what the live projectors make.
"""

from __future__ import annotations

import random
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import psycopg

from config.settings import Settings
from domain.alliance import Alliance
from domain.idempotency import CommandRecord, index_id
from workers.bootstrap import build_application
from workers.demo_generate import generate

# Ids are stored as 32 hex digits (originator ids, `uuid_hex` values) or in the canonical form
# inside strings (follow-up keys, recipients such as "partner:<id>"): both are replaced.
UUID_PATTERN = re.compile(rb"(?<![0-9a-f-])(?:[0-9a-f]{32}|"
                          rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![0-9a-f-])")
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


def clone(template: Template, rng: random.Random) -> tuple[list[Row], list[Row], dict[str, str]]:
    """One copy of the template under fresh ids: its rows, its snapshots and its person keys."""
    mapping: dict[UUID, UUID] = {}
    for alliance in map(UUID, template.alliance_ids):
        new = mapping[alliance] = UUID(int=rng.getrandbits(128), version=4)
        mapping[index_id(alliance)] = index_id(new)  # derived from its alliance's id, so derived again

    def fresh(old: UUID) -> UUID:
        got = mapping.get(old)
        if got is None:
            got = mapping[old] = UUID(int=rng.getrandbits(128), version=4)
        return got

    def swap(match: re.Match[bytes]) -> bytes:
        text = match.group()
        new = fresh(UUID(text.decode()))
        return (new.hex if len(text) == 32 else str(new)).encode()

    def copied(table: list[Row]) -> list[Row]:
        return [(fresh(UUID(originator)).hex, version, topic, UUID_PATTERN.sub(swap, state))
                for originator, version, topic, state in table]

    rows, snapshots = copied(template.rows), copied(template.snapshots)
    keys = {str(mapping[UUID(p)]): k for p, k in template.person_keys.items() if UUID(p) in mapping}
    return rows, snapshots, keys


def clones(template: Template, copies: int, seed: int = 11) -> Iterator[tuple[list[Row], list[Row], dict[str, str]]]:
    rng = random.Random(seed)
    for _ in range(copies):
        yield clone(template, rng)


def load_sqlite(settings: Settings, template: Template, copies: int) -> int:
    """Appends `copies` clones to the SQLite event store of `settings`; answers the events written."""
    app = build_application(settings)  # creates the tables and the key ring
    app.close()
    db = sqlite3.connect(settings.events_path, isolation_level=None)
    keys_db = sqlite3.connect(settings.var_dir / "person-keys.db", isolation_level=None)
    written = 0
    for rows, snapshots, keys in clones(template, copies):
        db.execute("BEGIN")
        db.executemany("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
                       "VALUES (?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO stored_snapshots (originator_id, originator_version, topic, state) "
                       "VALUES (?, ?, ?, ?)", snapshots)
        db.execute("COMMIT")
        keys_db.executemany("INSERT INTO person_keys VALUES (?, ?)", list(keys.items()))
        written += len(rows)
    db.close()
    keys_db.close()
    return written


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
