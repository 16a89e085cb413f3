"""Per-token rate limits: past the limit a 429 problem with Retry-After; other tokens go on."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from api.problems import Problem
from api.rate_limits import RateLimiter
from tests.api.conftest import Api, is_problem


def test_a_token_over_its_limit_gets_429_with_retry_after_and_others_go_on(api: Api) -> None:
    api.app.state.ctx.limiter = RateLimiter("5/minute")
    try:
        with api.client() as busy, api.client() as other:
            for _ in range(5):
                assert busy.get("/api/v1/inbox").status_code == 200
            body = is_problem(busy.get("/api/v1/inbox"), 429)
            assert body["type"].endswith("rate_limited")
            assert 1 <= int(busy.get("/api/v1/inbox").headers["retry-after"]) <= 60
            assert other.get("/api/v1/inbox").status_code == 200
    finally:
        api.app.state.ctx.limiter = None


def test_sign_in_attempts_are_limited_per_address(api: Api) -> None:
    api.app.state.ctx.limiter = RateLimiter("30/minute")  # a sign-in attempt counts 10
    api.app.state.ctx.development = True
    try:
        with httpx.Client(base_url=api.url, timeout=30) as browser:
            page = browser.get("/anmelden").text
            csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            answers = [browser.post("/anmelden", data={"token": "geraten", "csrf": csrf},
                                    headers={"Origin": api.url}).status_code for _ in range(4)]
        assert answers == [401, 401, 401, 429]
    finally:
        api.app.state.ctx.limiter = None
        api.app.state.ctx.development = False


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_window_moves_a_refused_request_does_not_count_and_retry_after_says_when_there_is_room() -> None:
    clock = Clock()
    limiter = RateLimiter("3/minute", clock=clock)
    for second in (0, 10, 20):
        clock.now = 1000.0 + second
        limiter.hit("token:a")
    clock.now = 1030.0
    with pytest.raises(Problem) as refused:
        limiter.hit("token:a")
    assert refused.value.status == 429
    assert refused.value.headers == {"Retry-After": "30"}  # the first request leaves the window at 1060
    limiter.hit("token:b")  # another key has its own window
    clock.now = 1060.0
    limiter.hit("token:a")  # the first has left; the refused one was never counted
    with pytest.raises(Problem):
        limiter.hit("token:a")
    clock.now = 1081.0
    limiter.hit("token:a", cost=2)  # the requests of 1010 and 1020 have left


def test_counting_requests_starts_no_thread() -> None:
    """The limiter runs on the API's event loop for every request: a thread started per request
    (as the `limits` library's memory storage did under load) cost a tenth of the loop's time."""
    limiter = RateLimiter("999999/minute")
    before = threading.active_count()
    started = []
    original = threading.Thread.start

    def counting_start(self: threading.Thread) -> None:
        started.append(self)
        original(self)

    threading.Thread.start = counting_start  # type: ignore[method-assign]
    try:
        for i in range(200):
            limiter.hit(f"token:{i % 3}")
            time.sleep(0.0002)
    finally:
        threading.Thread.start = original  # type: ignore[method-assign]
    assert started == [] and threading.active_count() == before
