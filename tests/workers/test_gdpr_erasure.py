"""Erasing a person (with the alliance's free texts: notes, minutes, progress, reasons) leaves no
trace of them: not in any file under var/ (events, key ring, read models, exports, the mail spool,
the logs), not in PostgreSQL; the audit chain still verifies and
the statistics stay. Run as an operator would: real stores, the `buendnis` CLI as processes, a real
SMTP sink on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller

from config.settings import Settings, load_settings
from domain.application import AllianceApplication
from tests.builders import BY, new_alliance
from tests.conftest import POSTGRES_DSN
from tests.ports import free_port
from workers.bootstrap import build_application, build_queries
from workers.mail_sink import FileSink, mail_dir
from workers.projector import Runner
from workflows.notifications import SmtpMailer

BUENDNIS = Path(sys.executable).with_name("buendnis")
NAME, EMAIL, PHONE = "Jördis Quast-Mühlenbeck", "joerdis.quast@beispiel.invalid", "0171 5550199"
STRINGS = (NAME, "Quast-Mühlenbeck", EMAIL, PHONE)


def _forms(text: str) -> list[bytes]:
    """The ways a string can sit in a file: UTF-8, JSON with \\u escapes, UTF-16 (SQLite may use it)."""
    return [text.encode(), json.dumps(text)[1:-1].encode(), text.encode("utf-16-le"), text.casefold().encode()]


def _found_in(raw: bytes) -> list[str]:
    lowered = raw.lower()
    return [s for s in STRINGS if any(f in raw or f.lower() in lowered for f in _forms(s))]


def _files(var: Path) -> dict[str, bytes]:
    """Every file under var/, and what is inside the zip containers (xlsx) among them."""
    found: dict[str, bytes] = {}
    for path in sorted(p for p in var.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        found[str(path.relative_to(var))] = raw
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    found[f"{path.relative_to(var)}!{name}"] = z.read(name)
    return found


def _postgres_rows(schemas: list[str]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    with psycopg.connect(POSTGRES_DSN) as conn:
        tables = conn.execute("SELECT table_schema, table_name FROM information_schema.tables "
                              "WHERE table_schema = ANY(%s)", (schemas,)).fetchall()
        for schema, table in tables:
            rows = conn.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()
            parts = [bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for r in rows for v in r]
            found[f"{schema}.{table}"] = b"\n".join(parts)
    return found


def _cli(settings: Settings, var: Path, log: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BUENDNIS_VAR_DIR": str(var), "BUENDNIS_STORE": settings.store,
           "BUENDNIS_POSTGRES_DSN": settings.postgres_dsn, "BUENDNIS_POSTGRES_SCHEMA": settings.postgres_schema,
           "BUENDNIS_LOG_FORMAT": "json", "COLUMNS": "200"}
    result = subprocess.run([str(BUENDNIS), *args], capture_output=True, text=True, timeout=180, env=env)
    (var / "logs").mkdir(exist_ok=True)
    with (var / "logs" / f"{log}.log").open("a") as f:  # what the processes logged stays on disk
        f.write(result.stderr)
    assert result.returncode == 0, result.stderr
    return result


def _story(app: AllianceApplication) -> tuple[Any, Any]:
    g = new_alliance(app)
    actor = g.actors[0]
    person = app.add_contact_person(g.alliance_id, actor_id=actor, name=NAME, email=EMAIL, phone=PHONE,
                                    role="Personalleiterin", by=BY)
    app.add_contact_person(g.alliance_id, actor_id=g.actors[1], name="Bleibt Erhalten", by=BY)
    app.record_contact(g.alliance_id, actor_id=actor, on=date(2026, 3, 2), outcome="interested",
                       notes=f"{NAME}, Tel {PHONE}, meldet sich", by=BY)
    meeting = app.schedule_meeting(g.alliance_id, kind="team", on=date(2026, 3, 3), title="Teamtreffen",
                                   organiser_id=actor, by=BY)
    app.hold_meeting(g.alliance_id, meeting, attendee_ids=g.actors[:2], minutes=f"Protokoll: {NAME} berichtet",
                     by=BY)
    commitment = app.pledge_commitment(g.alliance_id, partner_id=actor, description="Räume für Ferienbetreuung",
                                       kind="raeume", by=BY)
    app.report_progress(g.alliance_id, commitment, on=date(2026, 3, 4), percent=40,
                        text=f"Schlüssel bei {NAME} ({EMAIL}) abholen", by=BY)
    app.fulfil_commitment(g.alliance_id, commitment, on=date(2026, 3, 5), note=f"Dank an {NAME}", by=BY)
    app.complete_step(g.alliance_id, 1, justification=f"{NAME} hat zugesagt", by=BY)
    app.pause(g.alliance_id, reason=f"{NAME} in Elternzeit, Tel {PHONE}", by=BY)
    app.resume(g.alliance_id, by=BY)
    return g.alliance_id, person


def _mail(settings: Settings) -> None:
    """A follow-up mail to the person through a real SMTP server into the sink's spool on disk."""
    port = free_port()
    controller = Controller(FileSink(mail_dir(settings)), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        message = EmailMessage()
        message["From"], message["To"] = settings.mail_from, EMAIL
        message["Subject"], message["Message-ID"] = "Erinnerung: Fortschritt", "<erinnerung-1@buendnis.invalid>"
        message.set_content(f"Guten Tag {NAME},\nbitte berichten Sie über die Zusage.")
        SmtpMailer("127.0.0.1", port).send(message)
    finally:
        controller.stop()


def _project(settings: Settings) -> None:
    """The projector process's work, run to the head (it sweeps erased keys when it starts)."""
    app = build_application(settings)
    runner = Runner(settings, app)
    try:
        while runner.round():
            pass
    finally:
        runner.close()
        app.close()


def _statistics(settings: Settings) -> dict[str, Any]:
    queries = build_queries(settings)
    try:
        board = queries.dashboard()
    finally:
        queries.close()
    return {k: v for k, v in board.items() if k not in ("generated_at", "as_of", "lag", "positions")}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Settings, Path]:
    var = tmp_path / "var"
    if request.param == "sqlite":
        return load_settings(store="sqlite", var_dir=var), var
    schema: str = request.getfixturevalue("pg_schema")
    return load_settings(store="postgres", postgres_dsn=POSTGRES_DSN, postgres_schema=schema, var_dir=var), var


def test_an_erased_person_is_nowhere_and_the_audit_and_statistics_stay(
        stack: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, var = stack
    app = build_application(settings)
    alliance_id, person = _story(app)
    app.close()
    _mail(settings)
    _project(settings)
    exports = var / "exports"
    exports.mkdir()
    for kind, extra in (("overview", ()), ("commitments", ()), ("survey", ("--alliance", str(alliance_id)))):
        for fmt in ("csv", "xlsx"):
            _cli(settings, var, "exports", "projections", "export", kind, "--out", str(exports / f"{kind}.{fmt}"),
                 "--format", fmt, *extra)
    handed_out = tmp_path / "auskunft.json"  # the Art. 15 copy goes to the person, not under var/
    _cli(settings, var, "gdpr", "gdpr", "export", "--email", EMAIL, "--by", "datenschutz@servicebuero",
         "--out", str(handed_out))
    told = json.loads(handed_out.read_text())
    assert told["Ansprechperson"]["Name"] == NAME and told["Ansprechperson"]["Telefon"] == PHONE
    assert {t["Art"] for t in told["Freitexte, die die Person nennen"]} == {
        "Gesprächsnotiz", "Protokoll", "Fortschrittsbericht"}
    before = _statistics(settings)
    everything = _files(var)
    assert any(_found_in(raw) for raw in everything.values())  # the search finds them while they are there
    assert not any(_found_in(raw) for name, raw in everything.items() if name.startswith("events.db"))

    _cli(settings, var, "gdpr", "gdpr", "erase", "--person", str(person), "--reason", "loeschbitte",
         "--by", "datenschutz@servicebuero", "--texts")
    _cli(settings, var, "gdpr", "gdpr", "sweep")
    _project(settings)  # the read models learn of the erasure as it comes
    incremental = {name: _found_in(raw) for name, raw in _files(var).items() if name.startswith("projections")}
    assert {name: found for name, found in incremental.items() if found} == {}
    _cli(settings, var, "projections", "projections", "rebuild")
    for kind, extra in (("overview", ()), ("commitments", ()), ("survey", ("--alliance", str(alliance_id)))):
        _cli(settings, var, "exports", "projections", "export", kind, "--out", str(exports / f"{kind}-neu.xlsx"),
             "--format", "xlsx", *extra)
    verified = _cli(settings, var, "audit", "audit", "verify")

    left = {name: _found_in(raw) for name, raw in _files(var).items()}
    if settings.store == "postgres":
        schemas = [settings.postgres_schema, settings.keyring_schema_name]
        left |= {name: _found_in(raw) for name, raw in _postgres_rows(schemas).items()}
    assert {name: found for name, found in left.items() if found} == {}
    assert "In Ordnung" in verified.stdout + verified.stderr and " 0 in der Kette" not in verified.stdout
    assert _statistics(settings) == before
    app = build_application(settings)
    try:
        assert app.contact_person(alliance_id, person) is None
        assert app.key_ring.get(person) is None
        erasure = [e for e in app.events.get(alliance_id) if type(e).__name__ == "ContactPersonErased"][-1]
        assert erasure.by == "datenschutz@servicebuero" and erasure.reason_code == "loeschbitte"  # type: ignore[attr-defined]
    finally:
        app.close()


def test_the_gdpr_commands_refuse_bad_input_in_german_and_change_nothing(tmp_path: Path) -> None:
    var = tmp_path / "var"
    settings = load_settings(store="sqlite", var_dir=var)
    app = build_application(settings)
    alliance_id, person = _story(app)
    head = app.recorder.max_notification_id()
    app.close()
    env = {**os.environ, "BUENDNIS_VAR_DIR": str(var), "BUENDNIS_STORE": "sqlite", "COLUMNS": "200"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BUENDNIS), "gdpr", *args], capture_output=True, text=True, timeout=120, env=env)

    bad_code = run("erase", "--person", str(person), "--reason", "weil", "--by", "x")
    unknown = run("erase", "--email", "niemand@beispiel.invalid", "--reason", "loeschbitte", "--by", "x")
    both = run("export", "--person", str(person), "--email", EMAIL, "--by", "x")
    texts = run("erase-texts", "--alliance", str(alliance_id), "--reason", "irgendwas", "--by", "x")
    assert bad_code.returncode == 2 and "Grund der Löschung" in bad_code.stderr
    assert unknown.returncode == 2 and "nicht" in unknown.stderr
    assert both.returncode == 2 and "genau eines" in both.stderr
    assert texts.returncode == 2 and "Grund der Löschung" in texts.stderr
    assert "Traceback" not in bad_code.stderr + unknown.stderr + both.stderr + texts.stderr
    app = build_application(settings)
    try:
        assert app.recorder.max_notification_id() == head
        assert app.contact_person(alliance_id, person).name == NAME  # type: ignore[union-attr]
    finally:
        app.close()
