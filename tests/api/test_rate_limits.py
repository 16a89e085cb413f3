"""Per-token rate limits: past the limit a 429 problem with Retry-After; other tokens go on."""

from __future__ import annotations

import httpx

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
