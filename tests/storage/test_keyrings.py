"""The key ring in a store of its own: a destroyed key leaves no bytes behind, and the sweep destroys
every key whose erasure is recorded (a crash between the erasure and the destruction heals)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest

from config.settings import Settings
from domain.application import AllianceApplication
from storage.keyrings import PostgresKeyRing, SQLiteKeyRing
from tests.builders import BY, new_alliance
from tests.conftest import POSTGRES_DSN


def test_a_destroyed_key_leaves_no_bytes_in_the_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "person-keys.db"
    ring = SQLiteKeyRing(path)
    people = [uuid4() for _ in range(50)]
    keys = [ring.create(p) for p in people]
    gone = people[7]
    assert ring.destroy(gone) and ring.get(gone) is None
    ring.close()
    raw = b"".join(f.read_bytes() for f in tmp_path.iterdir())  # the file and any journal beside it
    assert keys[7].encode() not in raw and keys[8].encode() in raw
    assert sorted(f.name for f in tmp_path.iterdir()) == ["person-keys.db"]  # no WAL, no journal left


def test_a_key_ring_file_of_before_in_wal_mode_is_switched_to_a_rollback_journal(tmp_path: Path) -> None:
    path = tmp_path / "person-keys.db"
    with sqlite3.connect(path) as old:
        old.execute("PRAGMA journal_mode=WAL")
        old.execute("CREATE TABLE person_keys (person_id TEXT PRIMARY KEY, key TEXT NOT NULL)")
        old.execute("INSERT INTO person_keys VALUES ('00000000-0000-0000-0000-000000000001', 'k')")
    old.close()
    ring = SQLiteKeyRing(path)
    mode = ring._db.execute("PRAGMA journal_mode").fetchone()[0]
    secure = ring._db.execute("PRAGMA secure_delete").fetchone()[0]
    ring.close()
    assert (mode, secure) == ("delete", 1)
    assert not (tmp_path / "person-keys.db-wal").exists()


@pytest.mark.postgres
def test_the_postgres_key_ring_lives_in_its_own_schema_and_takes_over_the_keys_of_before(pg_schema: str) -> None:
    person = uuid4()
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:  # the layout of before: in the events' schema
        conn.execute(f'CREATE SCHEMA "{pg_schema}"')
        conn.execute(f'CREATE TABLE "{pg_schema}".person_keys (person_id uuid PRIMARY KEY, key text NOT NULL)')
        conn.execute(f'INSERT INTO "{pg_schema}".person_keys VALUES (%s, %s)', (person, "alter-schluessel"))
    ring = PostgresKeyRing(POSTGRES_DSN, f"{pg_schema}_keys", events_schema=pg_schema)
    try:
        assert ring.get(person) == "alter-schluessel"
        assert ring.destroy(person) and ring.get(person) is None
    finally:
        ring.close()
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
        tables = conn.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = 'person_keys' "
                              "AND table_schema IN (%s, %s)", (pg_schema, f"{pg_schema}_keys")).fetchall()
    assert tables == [(f"{pg_schema}_keys",)]


class ForgetfulKeyRing:
    """The real key ring, as if the process died after storing an erasure and before destroying the key."""

    def __init__(self, ring: object) -> None:
        self.ring = ring

    def create(self, key_id: object) -> str:
        return self.ring.create(key_id)  # type: ignore[attr-defined, no-any-return]

    def get(self, key_id: object) -> str | None:
        return self.ring.get(key_id)  # type: ignore[attr-defined, no-any-return]

    def destroy(self, key_id: object) -> bool:
        return False


def test_the_sweep_destroys_keys_whose_erasure_is_recorded(
        make_app: object, settings: Settings) -> None:
    app: AllianceApplication = make_app()  # type: ignore[operator]
    g = new_alliance(app)
    keep = app.add_contact_person(g.alliance_id, actor_id=g.actors[0], name="Bleibt Hier", by=BY)
    person = app.add_contact_person(g.alliance_id, actor_id=g.actors[0], name="Geht Bald", by=BY)
    app.record_contact(g.alliance_id, actor_id=g.actors[0], on=g.app.clock().date(), outcome="interested",
                       notes="Geht Bald rief an", by=BY)
    texts = app.get_alliance(g.alliance_id).text_key_id()
    ring = app.key_ring
    app.key_ring = ForgetfulKeyRing(ring)  # type: ignore[assignment]
    app.erase_contact_person(g.alliance_id, person_id=person, reason_code="loeschbitte", by=BY)
    app.erase_free_texts(g.alliance_id, reason_code="loeschbitte", by=BY)
    app.key_ring = ring
    assert ring.get(person) is not None and ring.get(texts) is not None  # the crash left them

    assert app.sweep_erased_keys() == 2
    assert ring.get(person) is None and ring.get(texts) is None and ring.get(keep) is not None
    assert app.sweep_erased_keys() == 0
