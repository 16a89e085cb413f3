"""`/health` says `degraded` when a read model or the relay is left behind by time (the oldest event
not handled waited longer than 60 s, whatever their number), and `down` for a relay without a
recent heartbeat. Anonymous callers get the status only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from api.app import create_app
from api.auth import issue_token
from config.settings import Settings
from domain.application import AllianceApplication
from projections.registry import NAMES
from tests import clock as test_clock
from tests.api.conftest import SECRET, ServerThread
from tests.builders import BY
from workers.api import component_probes
from workers.bootstrap import build_application, build_queries, build_store, build_token_store
from workers.projector import Runner
from workers.relay import position_store

AGO = timedelta(minutes=2)


def _written(settings: Settings, ago: timedelta, alliances: int = 2) -> None:
    """Events stored `ago` before the suite's now (another process, by its own clock)."""
    start = test_clock.now() - ago
    writer = build_application(settings, clock=lambda: start)
    try:
        for i in range(alliances):
            writer.register_alliance(name=f"Bündnis {i}", municipality="Gera", state="Thüringen", by=BY)
    finally:
        writer.close()


class Clock:
    """The health process's clock, moved on by the test (a minute passes without waiting one)."""

    def __init__(self) -> None:
        self.now = test_clock.now()

    def __call__(self) -> datetime:
        return self.now

    def wait(self, span: timedelta) -> None:
        self.now += span


@contextmanager
def _health(settings: Settings, clock: Clock) -> Iterator[tuple[httpx.Client, httpx.Client, AllianceApplication]]:
    application = build_application(settings, clock=clock)
    queries = build_queries(settings, application=application)
    app = create_app(application, queries, settings, tokens=build_token_store(settings),
                     probes=component_probes(settings, application))
    office = {"Authorization": f"Bearer {issue_token(settings.secret(), 'servicebuero')}"}
    try:
        with ServerThread(app) as url, httpx.Client(base_url=url, headers=office, timeout=30) as c, \
                httpx.Client(base_url=url, timeout=30) as anon:
            yield c, anon, application
    finally:
        queries.close()
        application.close()


def _settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"token_secret": SecretStr(SECRET), "var_dir": tmp_path / "var",
                                       "temporal_address": "127.0.0.1:1"})


def _catch_up(settings: Settings, application: AllianceApplication) -> None:
    runner = Runner(settings, application, list(NAMES))
    try:
        runner.round()
    finally:
        runner.close()


def test_read_models_left_behind_for_more_than_a_minute_make_the_status_degraded(
    settings: Settings, tmp_path: Path
) -> None:
    settings = _settings(settings, tmp_path)
    build_store(settings).close()
    position_store(settings).beat()
    clock = Clock()
    with _health(settings, clock) as (office, anon, application):
        # Given events written now: the projector is behind by their number, not by time
        _written(settings, timedelta(0), alliances=20)
        projector = office.get("/health").json()["components"]["projector"]
        assert projector["lag"] >= 20 and projector["lag_seconds"] < 60
        assert projector["state"] == "ok"
        # When two minutes pass without the projector moving
        clock.wait(AGO)
        body: dict[str, Any] = office.get("/health").json()
        projector = body["components"]["projector"]
        # Then the status is degraded, and says for how long
        assert body["status"] == "degraded"
        assert projector["state"] == "degraded" and projector["lag_seconds"] >= 100
        assert "wartet seit" in projector["reason"]
        assert anon.get("/health").json() == {"status": "degraded"}  # the status only
        # When the projector caught up, it is ok again
        _catch_up(settings, application)
        assert office.get("/health").json()["components"]["projector"]["state"] == "ok"
        # A history of long ago (the demo, an import) has not waited two years: it is counted from
        # the moment the log reached it
        _written(settings, timedelta(days=700), alliances=3)
        projector = office.get("/health").json()["components"]["projector"]
        assert projector["lag"] >= 3 and projector["lag_seconds"] < 60 and projector["state"] == "ok"
        clock.wait(AGO)
        assert office.get("/health").json()["components"]["projector"]["state"] == "degraded"


def test_a_relay_without_a_heartbeat_is_down_and_one_left_behind_degraded(settings: Settings, tmp_path: Path) -> None:
    settings = _settings(settings, tmp_path)
    positions = position_store(settings)
    clock = Clock()
    with _health(settings, clock) as (office, anon, application):
        relay = office.get("/health").json()["components"]["relay"]
        assert relay["state"] == "down" and "noch nie gemeldet" in relay["reason"]
        positions.beat(at=time.time() - 120)  # the relay process died two minutes ago
        relay = office.get("/health").json()["components"]["relay"]
        assert relay["state"] == "down" and "nicht gemeldet" in relay["reason"]
        assert anon.get("/health").json() == {"status": "degraded"}
        positions.beat()
        assert office.get("/health").json()["components"]["relay"]["state"] == "ok"
        _written(settings, timedelta(days=700))  # a history of long ago reached the log just now
        assert office.get("/health").json()["components"]["relay"]["state"] == "ok"
        clock.wait(AGO)  # alive, but two minutes behind
        positions.beat()
        relay = office.get("/health").json()["components"]["relay"]
        assert relay["state"] == "degraded" and relay["lag_seconds"] >= 100
        assert "wartet seit" in relay["reason"]
        positions.set(application.recorder.max_notification_id() or 0)
        assert office.get("/health").json()["components"]["relay"]["state"] == "ok"
