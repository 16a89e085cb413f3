"""Poison halts loudly: an event the read models' database refuses stops those projections at it,
named in the log, in /health and in `buendnis projections status`; never retried for ever, never
skipped.

Fault injected: a commitment whose description holds a NUL, stored past the application's
boundary (as an event written before the boundary checked it would be), followed by good events;
the projector runs as its own process on PostgreSQL, which refuses NUL in text.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
import structlog
from typer.testing import CliRunner

from api.app import create_app
from api.auth import issue_token
from config.settings import Settings, load_settings
from domain.application import AllianceApplication
from domain.commitment import Commitment
from domain.errors import InvalidInput
from domain.values import CommitmentKind
from tests.api.conftest import ServerThread
from tests.builders import BY, new_alliance
from tests.conftest import POSTGRES_DSN
from tests.waiting import poll
from workers.bootstrap import build_application, build_queries
from workers.cli import app as cli

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
POISONED = ("overview", "timeline")  # the read models that keep a commitment's description


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


def _env(settings: Settings) -> dict[str, str]:
    return {"BUENDNIS_STORE": "postgres", "BUENDNIS_POSTGRES_DSN": POSTGRES_DSN,
            "BUENDNIS_POSTGRES_SCHEMA": settings.postgres_schema, "BUENDNIS_VAR_DIR": str(settings.var_dir),
            "BUENDNIS_LOG_FORMAT": "json"}


def _pledge_past_the_boundary(app: AllianceApplication, alliance_id: uuid.UUID, partner_id: uuid.UUID) -> int:
    commitment = Commitment._create(
        Commitment.Pledged, id=uuid.uuid4(), timestamp=app.clock(), by=BY, alliance_id=alliance_id,
        partner_id=partner_id, description="Räume\x00 für die Ferienbetreuung", kind=CommitmentKind.RAEUME,
        amount=None, unit=None, due_on=None, recurrence=None, action_item_id=None)
    app.save(commitment)
    return app.recorder.max_notification_id() or 0


def test_a_nul_in_a_stored_description_halts_those_projections_at_that_event_visibly(
    pg_schema: str, tmp_path: Path
) -> None:
    settings = load_settings(store="postgres", postgres_dsn=POSTGRES_DSN, postgres_schema=pg_schema,
                             var_dir=tmp_path / "var")
    app = build_application(settings)
    g = new_alliance(app)
    # Given the boundary refuses a NUL in a commitment's description …
    with pytest.raises(InvalidInput, match="U\\+0000"):
        app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Räume\x00", kind="raeume", by=BY)
    # … and yet one is stored (written past it), with good events after it
    poisoned_at = _pledge_past_the_boundary(app, g.alliance_id, g.actors[0])
    app.record_goal(g.alliance_id, text="Ferienbetreuung", by=BY)
    # When the projector runs as its own process
    projector = subprocess.Popen([str(Path(sys.executable).parent / "buendnis"), "projector"],
                                 env={**os.environ, **_env(settings), "PYTHONPATH": str(ROOT)}, cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    queries = build_queries(settings, application=app)
    try:
        # Then the read models holding the description halt at that event, the others go on to the end
        head = app.recorder.max_notification_id()
        status = poll(queries.status, lambda s: all(
            (s[n]["halted"] or {}).get("position") == poisoned_at if n in POISONED else s[n]["position"] == head
            for n in s), timeout=120)
        for name in POISONED:
            assert status[name]["position"] == poisoned_at - 1  # nothing before it lost, nothing skipped
            assert f"Position {poisoned_at}" in status[name]["halted"]["message"]
            assert "Commitment.Pledged" in status[name]["halted"]["message"]
        # … and it keeps serving the others (a new event reaches them) without retrying the halted ones
        app.record_goal(g.alliance_id, text="Elterncafé", by=BY)
        head = app.recorder.max_notification_id()
        poll(queries.status, lambda s: all(s[n]["position"] == head for n in s if n not in POISONED), timeout=120)
        # /health says degraded and why (the details are the Servicebüro's)
        office = {"Authorization": f"Bearer {issue_token(settings.secret(), 'servicebuero')}"}
        with ServerThread(create_app(app, queries, settings)) as url:
            health = httpx.get(f"{url}/health", headers=office).json()
        assert health["status"] == "degraded"
        projector_health = health["components"]["projector"]
        assert projector_health["state"] == "degraded"
        assert f"Position {poisoned_at}" in projector_health["reason"]
        # `buendnis projections status` names it
        shown = CliRunner().invoke(cli, ["projections", "status"], env={**_env(settings), "COLUMNS": "300"})
        assert shown.exit_code == 0, shown.output
        assert f"angehalten bei Position {poisoned_at}" in shown.output
        assert "Commitment.Pledged" in " ".join(shown.output.split())
    finally:
        projector.send_signal(signal.SIGTERM)
        try:
            _, err = projector.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            projector.kill()
            _, err = projector.communicate()
        queries.close()
        app.close()
    logs = [orjson.loads(line) for line in err.splitlines() if line.startswith(b"{")]
    halts = [entry for entry in logs if entry.get("event") == "projection_halted"]
    assert sorted(h["projection"] for h in halts) == sorted(POISONED)  # each halted once, not retried
    assert all(h["position"] == poisoned_at for h in halts)
    assert not [entry for entry in logs if entry.get("event") == "store_unavailable"]
    assert projector.returncode == 0, err.decode()[-2000:]
