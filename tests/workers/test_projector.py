"""The projector process keeps every read model current and anchors the audit chain at exit."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import structlog
from eventsourcing.domain import Aggregate

from config.settings import Settings
from domain.application import AllianceApplication
from workers.bootstrap import build_queries, checkpoint_file
from workers.demo import load_demo
from workers.projector import Runner, serve


@pytest.fixture(autouse=True)
def _default_logging() -> None:
    """Logs to the test's own stderr, whatever an earlier test configured."""
    structlog.reset_defaults()


async def test_projector_follows_new_events_and_stops_when_told(
    make_app: type, settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"var_dir": tmp_path / "var"})
    app: AllianceApplication = make_app()
    load_demo(app)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, app, stop, poll_interval=0.05))
    queries = build_queries(settings, application=app)
    try:
        aid = app.register_alliance(name="Bündnis Kiel", municipality="Kiel", state="Schleswig-Holstein", by="k@test")
        deadline = time.monotonic() + 60
        while any(s["lag"] for s in queries.status().values()) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert all(s["lag"] == 0 for s in queries.status().values())
        assert queries.timeline(aid)[0]["type"] == "Alliance.Registered"
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    entries = checkpoint_file(settings).entries()
    assert entries and entries[-1].position == app.recorder.max_notification_id()
    assert queries.verify_audit()["ok"]
    queries.close()


class Unknown(Aggregate):
    """An aggregate no read model has a rule for."""


def test_a_halted_projection_is_logged_and_the_others_go_on(make_app: type, settings: Settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"var_dir": tmp_path / "var"})
    app: AllianceApplication = make_app()
    app.register_alliance(name="Bündnis Hof", municipality="Hof", state="Bayern", by="k@test")
    app.save(Unknown())
    stranger_at = app.recorder.max_notification_id()
    app.register_alliance(name="Bündnis Selb", municipality="Selb", state="Bayern", by="k@test")
    runner = Runner(settings, app)
    try:
        while runner.round():
            pass
        assert set(runner.halted) == {"overview", "detail", "timeline", "inbox"}
        assert all(f"Position {stranger_at}" in message for message in runner.halted.values())
        halted = runner.store.halts()
        assert set(halted) == set(runner.halted)
        assert halted["overview"]["position"] == stranger_at
        audit = next(p for p in runner.projectors if p.name == "audit")
        assert audit.position() == app.recorder.max_notification_id()  # the chain covers every event
    finally:
        runner.close()
