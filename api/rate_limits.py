"""Requests per token (signed out: per address) and window, answered 429 with Retry-After.

Counted in each API process's memory (the `limits` library, moving window): with N API processes a
caller gets at most N times the limit; the limit is there to stop a runaway script or a guessing
loop, not to meter use.
"""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from api.problems import Problem


class RateLimiter:
    def __init__(self, limit: str) -> None:
        self.item = parse(limit)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, key: str, cost: int = 1) -> None:
        """Counts a request of `key`; a 429 problem when its window is full."""
        if self._limiter.hit(self.item, key, cost=cost):
            return
        stats = self._limiter.get_window_stats(self.item, key)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        raise Problem(
            429,
            f"Zu viele Anfragen; bitte in {wait} Sekunden wieder versuchen.",
            code="rate_limited",
            headers={"Retry-After": str(wait)},
        )


def rate_limiter(limit: str) -> RateLimiter | None:
    """The limiter for a setting like `600/minute`; None for `0` (no limit)."""
    return None if limit == "0" else RateLimiter(limit)
