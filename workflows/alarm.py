"""The timer of a workflow's next follow-up, kept across signals: re-armed when its time changes.

Cancelling and restarting a timer on every signal cost two history events and a command each;
most events do not move the next follow-up.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from temporalio import workflow

from workflows.view import time_until

# Workflows started before these changes keep waiting the old way until they continue as new.
STEADY_TIMER = "steady-timer-2026-11"
RELOAD_BEFORE_CONTINUE = "reload-before-continue-as-new-2026-11"
OWN_FOLLOW_UPS = frozenset({"FollowUpRecorded"})
# Delivered facts the workflow's own send activities record: nothing to reload for (a new event type,
# so no history from before it exists contains a notice of it).
DELIVERIES = frozenset({"FollowUpDelivered"})


class Alarm:
    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._wake: datetime | None = None
        self.rang = False

    def arm(self, wake: datetime | None, now: datetime) -> None:
        if wake == self._wake and (wake is None or self._task is not None):
            return
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._wake, self.rang = wake, False
        if wake is not None:
            self._task = asyncio.create_task(self._ring(time_until(wake, now)))
        else:
            self._task = None

    async def _ring(self, delay: object) -> None:
        await workflow.sleep(delay)  # type: ignore[arg-type]
        self.rang = True

    def clear_if_rang(self) -> None:
        if self.rang:
            self._task, self._wake, self.rang = None, None, False
