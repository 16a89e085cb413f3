"""Requests per token (signed out: per address) and window, answered 429 with Retry-After.

Counted in each API process's memory, over a moving window: with N API processes a caller gets at
most N times the limit; the limit is there to stop a runaway script or a guessing loop, not to
meter use. Each key keeps the moments of its counted requests (at most the limit's worth) and drops
those older than the window when it is next asked; no timer thread, no lock held across anything
slow (the `limits` library used before started a thread per request when busy: 10 % of the API's
time on its event loop under load, bench/notes/api.md).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable

from api.problems import Problem

WINDOWS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}
SWEEP_EVERY = 10_000  # hits between sweeps of keys whose window is empty (bounded memory)


def parse_limit(limit: str) -> tuple[int, float]:
    """`600/minute` as (600, 60.0)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(second|minute|hour)\s*", limit)
    if match is None:
        raise ValueError(f"Unbekannte Begrenzung {limit!r}; erwartet etwa „600/minute“.")
    return int(match[1]), WINDOWS[match[2]]


class RateLimiter:
    def __init__(self, limit: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.amount, self.window = parse_limit(limit)
        self._clock = clock
        self._hits: dict[str, tuple[deque[tuple[float, int]], list[int]]] = {}  # key: (when, cost), [sum]
        self._lock = threading.Lock()  # sync page dependencies run in threads
        self._since_sweep = 0

    def hit(self, key: str, cost: int = 1) -> None:
        """Counts a request of `key`; a 429 problem when its window is full (a refused request
        does not count)."""
        now = self._clock()
        with self._lock:
            entry = self._hits.get(key)
            if entry is None:
                entry = self._hits[key] = (deque(), [0])
            hits, total = entry
            horizon = now - self.window
            while hits and hits[0][0] <= horizon:
                total[0] -= hits.popleft()[1]
            if total[0] + cost <= self.amount:
                hits.append((now, cost))
                total[0] += cost
                self._maybe_sweep(horizon)
                return
            wait = self._wait(hits, total[0] + cost - self.amount, now)
        raise Problem(
            429,
            f"Zu viele Anfragen; bitte in {wait} Sekunden wieder versuchen.",
            code="rate_limited",
            headers={"Retry-After": str(wait)},
        )

    def _wait(self, hits: deque[tuple[float, int]], excess: int, now: float) -> int:
        """Whole seconds until enough of the counted requests have left the window."""
        freed = 0
        for when, cost in hits:
            freed += cost
            if freed >= excess:
                return max(1, math.ceil(when + self.window - now))
        return max(1, math.ceil(self.window))  # the request alone costs more than the limit

    def _maybe_sweep(self, horizon: float) -> None:
        self._since_sweep += 1
        if self._since_sweep < SWEEP_EVERY:
            return
        self._since_sweep = 0
        for key in [k for k, (hits, _) in self._hits.items() if not hits or hits[-1][0] <= horizon]:
            del self._hits[key]


def rate_limiter(limit: str) -> RateLimiter | None:
    """The limiter for a setting like `600/minute`; None for `0` (no limit)."""
    return None if limit == "0" else RateLimiter(limit)
