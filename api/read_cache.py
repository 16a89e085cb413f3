"""A short-lived cache for the fleet-wide read models (the dashboard), which API.md lets lag.

An answer is reused while the read models it comes from stand where they stood (their positions are
the `head`), and for at most `ttl` seconds after they moved;
then the next caller gets the cached answer while one background thread computes the fresh one
(so no request waits for the whole fleet to be summed up, except the very first).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import structlog

log = structlog.get_logger("api")


@dataclass
class _Entry:
    value: Any
    head: Hashable
    at: float
    refreshing: bool = False


class ReadCache:
    def __init__(
        self, head: Callable[[], Hashable], ttl: float = 2.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._head, self.ttl, self._clock = head, ttl, clock
        self._entries: dict[Hashable, _Entry] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        head = self._head()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (entry.head == head or self._clock() - entry.at < self.ttl):
                return entry.value
            if entry is not None and not entry.refreshing:
                entry.refreshing = True
                threading.Thread(target=self._refresh, args=(key, compute, head), daemon=True).start()
            if entry is not None:
                return entry.value
        value = compute()
        with self._lock:
            self._entries[key] = _Entry(value, head, self._clock())
        return value

    def _refresh(self, key: Hashable, compute: Callable[[], Any], head: Hashable) -> None:
        try:
            value = compute()
        except Exception as e:  # keep serving the older answer; the next caller tries again
            log.warning("read_cache_refresh_failed", key=str(key), error=repr(e))
            with self._lock:
                if key in self._entries:
                    self._entries[key].refreshing = False
            return
        with self._lock:
            self._entries[key] = _Entry(value, head, self._clock())
