"""How long the oldest event a follower has not handled yet has waited.

An event's timestamp is the moment it describes, which is not always the moment it was stored: the
demo and imported histories carry days long past. Counted from the timestamp alone, a follower
catching up on such a history would look hours behind. So the wait counts from the later of the
event's timestamp and the first moment this process saw the log reach that event: never longer than
the event has really been waiting for, and growing as soon as a follower stops keeping up.
"""

from __future__ import annotations

import bisect
import threading
from datetime import datetime

KEPT = 4096  # observations kept: a follower far behind is reported from the oldest one kept


class LogWatch:
    """The heads of the log this process has seen, each with the moment it first saw it."""

    def __init__(self) -> None:
        self._heads: list[int] = []
        self._moments: list[datetime] = []
        self._lock = threading.Lock()

    def observe(self, head: int, now: datetime) -> None:
        with self._lock:
            if not self._heads or head > self._heads[-1]:
                self._heads.append(head)
                self._moments.append(now)
                if len(self._heads) > KEPT:
                    del self._heads[: len(self._heads) - KEPT]
                    del self._moments[: len(self._moments) - KEPT]

    def first_seen(self, notification_id: int) -> datetime | None:
        """When a head at or past `notification_id` was first seen (None: not seen yet)."""
        with self._lock:
            index = bisect.bisect_left(self._heads, notification_id)
            if index == len(self._heads):
                return None
            return self._moments[index]

    def waited(self, notification_id: int, timestamp: datetime, now: datetime) -> float:
        """Seconds the event `notification_id` (with `timestamp`) has waited, as far as this process
        can tell; 0 for an event it has not seen in the log before."""
        seen = self.first_seen(notification_id)
        since = max(timestamp, seen if seen is not None else now)
        return round(max(0.0, (now - since).total_seconds()), 1)
