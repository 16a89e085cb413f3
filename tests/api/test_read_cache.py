"""The dashboard cache: reused while nothing new was stored, refreshed in the background after."""

from __future__ import annotations

import threading
import time

import httpx

from api.auth import issue_token
from api.read_cache import ReadCache
from config.settings import Settings


class Fleet:
    """A hand-written fake read model counting how often it was asked."""

    def __init__(self) -> None:
        self.head, self.now, self.calls = 1, 0.0, 0
        self.gate = threading.Event()
        self.gate.set()

    def compute(self) -> int:
        self.gate.wait(5)
        self.calls += 1
        return self.head


def settle(fleet: Fleet, calls: int) -> None:
    deadline = time.monotonic() + 5
    while fleet.calls < calls and time.monotonic() < deadline:
        time.sleep(0.01)


def test_answer_is_reused_while_no_event_was_stored() -> None:
    fleet = Fleet()
    cache = ReadCache(lambda: fleet.head, ttl=2, clock=lambda: fleet.now)
    assert cache.get("d", fleet.compute) == 1
    fleet.now = 100.0
    assert cache.get("d", fleet.compute) == 1 and fleet.calls == 1


def test_after_new_events_the_old_answer_is_served_within_ttl_then_refreshed_in_the_background() -> None:
    fleet = Fleet()
    cache = ReadCache(lambda: fleet.head, ttl=2, clock=lambda: fleet.now)
    cache.get("d", fleet.compute)
    fleet.head, fleet.now = 2, 1.0
    assert cache.get("d", fleet.compute) == 1 and fleet.calls == 1  # within ttl: no work
    fleet.now = 3.0
    fleet.gate.clear()
    assert cache.get("d", fleet.compute) == 1  # stale answer at once, refresh started
    assert cache.get("d", fleet.compute) == 1  # only one refresh at a time
    fleet.gate.set()
    settle(fleet, 2)
    deadline = time.monotonic() + 5
    while cache.get("d", fleet.compute) != 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cache.get("d", fleet.compute) == 2 and fleet.calls == 2


def test_each_filter_has_its_own_answer() -> None:
    fleet = Fleet()
    cache = ReadCache(lambda: fleet.head, ttl=2, clock=lambda: fleet.now)
    assert cache.get(("d", "Bayern"), lambda: "by") == "by"
    assert cache.get(("d", None), lambda: "alle") == "alle"


def test_a_dashboard_computed_while_the_projectors_were_behind_is_refreshed_once_they_catch_up(
    api_settings: Settings,
) -> None:
    """No write after the projectors catch up: the cache must follow the read models, not the store."""
    from api.app import create_app
    from tests.api.conftest import ProjectorThread, ServerThread, read_models
    from tests.waiting import poll
    from workers.bootstrap import build_application

    application = build_application(api_settings)
    queries = read_models(api_settings, application)
    app = create_app(application, queries, api_settings)
    application.register_alliance(name="Bündnis Nachzügler", municipality="Spät", state="Bremen", by="test")
    with ServerThread(app) as url:
        token = issue_token(api_settings.secret(), "servicebuero")
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
            before = c.get("/api/v1/dashboard").json()  # computed with no projector running
            assert sum(before["alliances_per_step"].values()) == 0
            with ProjectorThread(api_settings, application, queries):
                after = poll(lambda: c.get("/api/v1/dashboard").json(),
                             lambda b: sum(b["alliances_per_step"].values()) == 1, timeout=20)
    assert after["alliances_per_step"]["1"] == 1
    application.close()
