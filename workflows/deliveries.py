"""Delivering recorded follow-ups apart from the timer loop.

Recorded and delivered are two facts: a follow-up is recorded first (an event, by a local
activity), then its mail is sent by a normal activity in the background, so an SMTP server that
keeps failing holds up no timer, reload or later follow-up. A send is retried until the server
takes the mail (at least once: the Message-ID, derived from the key, is the same on every attempt)
or refuses it for good (5xx), which the activity records as "Zustellung fehlgeschlagen". Mails
still on their way when the workflow continues as new are carried into the next run and sent from
there (the old run's attempt may still land too: the same Message-ID marks the duplicate).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from workflows.activities import FollowUpActivities
    from workflows.payloads import Notification, Summary

SEND_TIMEOUT, SEND_RETRY = timedelta(minutes=1), RetryPolicy(maximum_interval=timedelta(minutes=10))


class Deliveries:
    """The mails of recorded follow-ups (and summaries) on their way, by key."""

    def __init__(self) -> None:
        self.mails: dict[str, Notification] = {}
        self.summaries: dict[str, Summary] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.done: set[str] = set()  # follow-up keys whose mail (or summary) was taken or refused in this run

    def mail(self, notification: Notification) -> None:
        key = notification.follow_up.key
        if key not in self.mails:
            self.mails[key] = notification
            self._start(key, self.mails, send(notification))

    def summary(self, summary: Summary) -> None:
        key = f"{summary.recipient}:" + ",".join(sorted(f.key for f in summary.follow_ups))
        if key not in self.summaries:
            self.summaries[key] = summary
            self._start(key, self.summaries, send_summary(summary))

    def resume(self, mails: tuple[Notification, ...], summaries: tuple[Summary, ...]) -> None:
        """Sends again what the previous run had not delivered when it continued as new."""
        for n in mails:
            self.mail(n)
        for s in summaries:
            self.summary(s)

    def _start(self, key: str, pending: dict[str, Any], sending: Awaitable[None]) -> None:
        async def until_done() -> None:
            try:
                await sending
            except ActivityError as e:  # not retryable (a bug in composing it): said, not hidden
                workflow.logger.error("Zustellung von %s aufgegeben: %s", key, e.cause or e)
            finally:
                item = pending.pop(key, None)
                self._tasks.pop(key, None)
                if isinstance(item, Summary):
                    self.done.update(f.key for f in item.follow_ups)
                elif item is not None:
                    self.done.add(key)

        self._tasks[key] = asyncio.create_task(until_done())


async def send(notification: Notification) -> None:
    await workflow.execute_activity_method(
        FollowUpActivities.send_notification,
        notification,
        start_to_close_timeout=SEND_TIMEOUT,
        retry_policy=SEND_RETRY,
    )


async def send_summary(summary: Summary) -> None:
    await workflow.execute_activity_method(
        FollowUpActivities.send_summary,
        summary,
        start_to_close_timeout=SEND_TIMEOUT,
        retry_policy=SEND_RETRY,
    )
