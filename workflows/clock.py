"""Workflow time inside activities: the application's clock follows the `now` a workflow passed in.

In production workflow time is wall time; on the time-skipping test server it is not, and events
recorded by an activity must carry the simulated time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_workflow_now: ContextVar[datetime | None] = ContextVar("workflow_now", default=None)


@contextmanager
def at(now: datetime) -> Iterator[None]:
    token = _workflow_now.set(now)
    try:
        yield
    finally:
        _workflow_now.reset(token)


def following_workflow_time(
    fallback: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Callable[[], datetime]:
    """A clock for the application: the activity's workflow time when set, else `fallback()`."""

    def clock() -> datetime:
        return _workflow_now.get() or fallback()

    return clock
