"""`buendnis backup` and `buendnis restore`: every store under var/, consistently; after a restore
the read models equal a rebuild, the audit chain verifies, personal data opens, the relay resumes;
on PostgreSQL pg_dump/pg_restore as docs/RELIABILITY.md says."""

from __future__ import annotations

import stat
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import psycopg
import pytest

from api.tokens import TokenState
from config.settings import load_settings
from projections.rebuild import rebuild
from projections.registry import NAMES, build_projection
from tests.conftest import POSTGRES_DSN
from tests.projections.conftest import snapshot
from workers.backup import BackupError, backup, restore
from workers.bootstrap import build_application, build_queries, build_store, build_token_store
from workers.demo import load_demo
from workers.projector import Runner
from workers.up import servicebuero_token_file
from workflows.relay_position import SQLitePositionStore

BUENDNIS = Path(sys.executable).parent / "buendnis"


def caught_up(runner: Runner) -> None:
    while runner.round():
        pass
    for p in runner.projectors:
        if p.name == "audit":
            runner.checkpoint(p, force=True)


def test_a_backup_restores_every_store_and_they_agree(tmp_path: Path) -> None:
    settings = load_settings(store="sqlite", var_dir=tmp_path / "var")
    app = build_application(settings)
    load_demo(app)
    [actor_alliance] = [a for a in list(app.repository.get(n.originator_id) for n in app.recorder.select_notifications(
        1, 10**6) if n.topic.endswith("Alliance.Registered"))[:1]]
    actor = next(iter(actor_alliance.actors))
    person = app.add_contact_person(actor_alliance.id, actor_id=uuid.UUID(actor), name="Erika Muster",
                                    email="erika@example.invalid", by="koordination")
    runner = Runner(settings, app)
    caught_up(runner)
    relay = SQLitePositionStore(settings.var_dir / "relay.db")
    relay.set(app.recorder.max_notification_id() or 0)

    # While the backup runs, the stack goes on: commands, projectors and the relay move on.
    stop = threading.Event()

    def busy() -> None:
        while not stop.is_set():
            app.register_alliance(name="Während der Sicherung", municipality="Jetzt", state="Bremen", by="k")
            caught_up(runner)
            relay.set(app.recorder.max_notification_id() or 0)

    writer = threading.Thread(target=busy)
    writer.start()
    try:
        manifest = backup(settings, tmp_path / "sicherung")
    finally:
        stop.set()
        writer.join(timeout=60)
    head = manifest["events_head"]
    runner.close()
    app.close()

    restored_settings = load_settings(store="sqlite", var_dir=tmp_path / "var2", token_secret=settings.secret())
    (tmp_path / "var2").mkdir()
    restore(restored_settings, tmp_path / "sicherung")
    restored = build_application(restored_settings)
    try:
        assert restored.recorder.max_notification_id() == head
        data = restored.contact_person(actor_alliance.id, person)
        assert data is not None and data.name == "Erika Muster"
        assert SQLitePositionStore(restored_settings.var_dir / "relay.db").get() <= head
        follower = Runner(restored_settings, restored)
        caught_up(follower)
        follower.close()
        queries = build_queries(restored_settings, application=restored)
        assert queries.verify_audit()["ok"], queries.verify_audit()["problems"]
        store = build_store(restored_settings)
        for name in NAMES:
            if name == "audit":
                continue
            followed = snapshot(store, name)
            rebuild(restored, store, build_projection(name, restored))
            assert snapshot(store, name) == followed, name
        queries.close()
    finally:
        restored.close()


def test_the_secrets_and_the_token_store_come_back_with_a_restore(tmp_path: Path) -> None:
    settings = load_settings(store="sqlite", var_dir=tmp_path / "var")
    app = build_application(settings)
    aid = app.register_alliance(name="Bündnis", municipality="Ort", state="Hessen", by="k")
    app.close()
    token_file = servicebuero_token_file(settings)
    tokens = TokenState(build_token_store(settings), ttl=0)
    tokens.revoke_subject("koordination:weg")
    _feed, feed_secret = tokens.create_feed("servicebuero", "servicebuero", aid)
    audit_key, token_secret = settings.audit_secret(), settings.secret()
    manifest = backup(settings, tmp_path / "sicherung")
    assert {"tokens.db", "token-secret", "audit-key", "servicebuero-token"} <= {f["name"] for f in manifest["files"]}

    restored_settings = load_settings(store="sqlite", var_dir=tmp_path / "var2")
    restore(restored_settings, tmp_path / "sicherung")
    var = restored_settings.var_dir
    assert restored_settings.audit_secret() == audit_key and restored_settings.secret() == token_secret
    for name in ("token-secret", "audit-key", "servicebuero-token", "tokens.db"):
        assert stat.S_IMODE((var / name).stat().st_mode) == 0o600, name
    assert (var / "servicebuero-token").read_text() == token_file.read_text()
    restored_tokens = TokenState(build_token_store(restored_settings), ttl=0)
    assert restored_tokens.version("koordination:weg") == 1
    assert restored_tokens.feed(feed_secret) is not None


def test_a_damaged_backup_or_an_occupied_var_is_refused(tmp_path: Path) -> None:
    settings = load_settings(store="sqlite", var_dir=tmp_path / "var")
    app = build_application(settings)
    app.register_alliance(name="Bündnis", municipality="Ort", state="Hessen", by="k")
    app.close()
    backup(settings, tmp_path / "sicherung")
    with pytest.raises(BackupError, match="nicht leer"):
        backup(settings, tmp_path / "sicherung")
    with pytest.raises(BackupError, match="schon ein Ereignisspeicher"):
        restore(settings, tmp_path / "sicherung")
    with (tmp_path / "sicherung" / "events.db").open("ab") as f:
        f.write(b"x")
    with pytest.raises(BackupError, match=r"beschädigt: events\.db"):
        restore(settings, tmp_path / "sicherung", replace=True)
    done = subprocess.run([str(BUENDNIS), "restore", str(tmp_path / "sicherung"), "--ersetzen"],
                          capture_output=True, text=True, env={"BUENDNIS_VAR_DIR": str(tmp_path / "var"),
                                                               "PATH": "/usr/bin:/bin"}, timeout=60)
    assert done.returncode == 1 and "beschädigt" in done.stderr


@pytest.mark.postgres
def test_postgresql_is_backed_up_with_pg_dump_and_restored_with_pg_restore(pg_schema: str, tmp_path: Path) -> None:
    settings = load_settings(store="postgres", postgres_dsn=POSTGRES_DSN, postgres_schema=pg_schema,
                             var_dir=tmp_path / "var")
    app = build_application(settings)
    load_demo(app)
    runner = Runner(settings, app)
    caught_up(runner)
    runner.close()
    head = app.recorder.max_notification_id()
    app.close()
    dump = tmp_path / "buendnis.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--schema={pg_schema}", f"--file={dump}", POSTGRES_DSN],
                   check=True, timeout=120)
    database = f"restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    try:
        target = POSTGRES_DSN.rsplit("/", 1)[0] + f"/{database}"
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={target}", str(dump)], check=True, timeout=120)
        restored_settings = settings.model_copy(update={"postgres_dsn": target})
        restored = build_application(restored_settings)
        try:
            assert restored.recorder.max_notification_id() == head
            queries = build_queries(restored_settings, application=restored)
            assert queries.verify_audit()["ok"], queries.verify_audit()["problems"]
            queries.close()
        finally:
            restored.close()
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
