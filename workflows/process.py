"""What the alliance and the commitment workflows share: notices, reloads, firing, waiting.

Signals: `event(EventNotice)` from the relay (positions already seen are ignored).
Updates: `refresh(RefreshRequest)` reloads the view now. Queries: `progress()`.
A subclass names its two local activities (load the view, record a follow-up) and runs the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.follow_ups import FollowUp, FollowUpPolicy, is_stale
    from workflows.alarm import DELIVERIES, OWN_FOLLOW_UPS, STEADY_TIMER, Alarm
    from workflows.deliveries import Deliveries, send, send_summary
    from workflows.payloads import (
        EVENT_SIGNAL,
        EventNotice,
        FollowUpOrder,
        LoadRequest,
        Notification,
        RefreshRequest,
        Summary,
    )
    from workflows.view import time_until

LOCAL_TIMEOUT, LOCAL_RETRY = (
    timedelta(seconds=30),
    RetryPolicy(maximum_interval=timedelta(minutes=1)),
)
# A missing aggregate fails the workflow (it used to complete it), and a local activity that keeps
# failing (store unreachable, an event that cannot be read) gives up after ~19 min of backoff and
# fails it too: the relay's next notice and the daily sweep start failed workflows again. Backoffs
# from 2 s on are workflow timers, so a failing load does not hold the workflow task.
LOAD_FAILS = "missing-aggregate-fails-2027-01"
LOCAL_RETRY_BOUNDED = RetryPolicy(maximum_interval=timedelta(minutes=5), maximum_attempts=12)
LOCAL_RETRY_THRESHOLD = timedelta(seconds=2)
# Record all due follow-ups first, then send their mails in parallel (was: one after the other).
PARALLEL_SENDS = "parallel-sends-2026-11"
# Mails go out in the background (workflows/deliveries.py), a record answered "already" included.
SENDS_APART = "sends-apart-2027-01"
HAND_OVER = timedelta(minutes=10)
# Recorded and delivered as two facts in the store: each record awaits its mail until the send
# activity records it delivered (or refused); every load hands the view's undelivered follow-ups to
# the background, so a mail whose record committed but whose run failed, was terminated, or whose
# worker died before the workflow heard of it is still sent (by this run or the one started next).
DELIVERED_FACT = "delivered-fact-2027-01"
# Berlin working-hour timing, and reminders due long before they could be sent go into a summary.
CALENDAR = "berlin-time-and-catch-up-2026-12"
# The Netzwerk-Check's follow-ups in step 5 (steering group, press work, passive partners).
NETWORK_CHECK = "network-check-2027-01"

V = TypeVar("V")


class FollowUpProcess(Generic[V]):
    """State and handlers of a workflow that keeps one aggregate's follow-ups."""

    LOAD: ClassVar[Any]  # the local activity that loads the view (a FollowUpActivities method)
    RECORD: ClassVar[Any]  # the local activity that re-checks and records one follow-up

    def __init__(self) -> None:
        self._entity_id = ""
        self._view: V | None = None
        self._seen = 0
        self._dirty = False
        self._ignored = 0
        self._loads = 0
        self._cancelled: set[str] = set()
        self._generation = 1
        self._steady = False
        self._calendar = False
        self._strict = False
        self._network = False  # the alliance workflow decides it per run (see its `run`)
        self._apart = False
        self._tracked = False
        self._deliveries = Deliveries()
        self._alarm = Alarm()

    def _begin(self) -> None:
        """Decides once per run which versions of the workflow's behaviour apply (see the patches)."""
        self._steady = workflow.patched(STEADY_TIMER)
        self._calendar = workflow.patched(CALENDAR)
        self._strict = workflow.patched(LOAD_FAILS)
        self._apart = workflow.patched(SENDS_APART)
        self._tracked = self._apart and workflow.patched(DELIVERED_FACT)

    def _policy(self) -> FollowUpPolicy:
        """The view's policy, with the timing this run started with (older runs replay 07:00 UTC) and
        the Netzwerk-Check's rules only in runs started since they exist."""
        policy: FollowUpPolicy = self._view.policy  # type: ignore[union-attr]
        if not self._calendar:
            policy = replace(policy, timing=1)
        return policy if self._network else replace(policy, network_rules=0)

    @workflow.signal(name=EVENT_SIGNAL)
    def event(self, notice: EventNotice) -> None:
        if notice.aggregate_id != self._entity_id and self._entity_id:
            workflow.logger.warning("Hinweis für %s an %s verworfen", notice.aggregate_id, self._entity_id)
            return
        if notice.position <= self._seen:
            self._ignored += 1
            return
        self._seen = notice.position
        if self._steady and set(notice.event_types) <= OWN_FOLLOW_UPS | DELIVERIES:
            return  # recorded by this workflow, which reloaded its view after recording
        self._dirty = True

    @workflow.update
    async def refresh(self, request: RefreshRequest) -> int:
        """Reloads the view now; answers how many loads there were (an operator's or the sweep's
        request, e.g. after the policy file changed: the view carries the policy it was loaded with)."""
        loads = self._loads
        self._dirty = True
        await workflow.wait_condition(lambda: self._loads > loads)
        return self._loads

    @refresh.validator
    def _refresh_allowed(self, request: RefreshRequest) -> None:
        if self._view is None:
            raise ValueError("Der Ablauf hat seine Sicht noch nicht geladen.")

    @workflow.query
    def progress(self) -> dict[str, int]:
        return {
            "seen": self._seen,
            "ignored": self._ignored,
            "loads": self._loads,
            "history_length": workflow.info().get_current_history_length(),
            "generation": self._generation,
        }

    async def _local(self, activity: Any, arg: Any) -> Any:
        """Runs one of the workflow's local activities (bounded retries since LOAD_FAILS)."""
        if not self._strict:
            return await workflow.execute_local_activity_method(
                activity, arg, start_to_close_timeout=LOCAL_TIMEOUT, retry_policy=LOCAL_RETRY)
        return await workflow.execute_local_activity_method(
            activity, arg, start_to_close_timeout=LOCAL_TIMEOUT, retry_policy=LOCAL_RETRY_BOUNDED,
            local_retry_threshold=LOCAL_RETRY_THRESHOLD)

    def _missing(self, what: str) -> str:
        """Ends a run whose aggregate the store does not hold: fails it (since LOAD_FAILS), so the
        relay and the sweep start it again once the store has it; older runs completed."""
        if self._strict:
            raise ApplicationError(f"{what} {self._entity_id} gibt es im Ereignisspeicher nicht",
                                   type="AggregateNotFound", non_retryable=True)
        workflow.logger.warning("%s %s gibt es nicht; Ablauf endet", what, self._entity_id)
        return "unbekannt"

    async def _load(self) -> V | None:
        self._dirty = False
        view: V | None = await self._local(type(self).LOAD, LoadRequest(self._entity_id, workflow.now()))
        if view != self._view:
            # Changed facts or policy may make a cancelled follow-up due again; an unchanged view
            # keeps it cancelled (no re-firing loop should the activity keep disagreeing).
            self._cancelled.clear()
        self._view = view
        self._loads += 1
        if self._tracked and view is not None:
            self._deliver_undelivered(view)
        return view

    def _deliver_undelivered(self, view: Any) -> None:
        """Hands over what the store says was recorded but not delivered and is not on its way (a
        mail taken in this run is not sent again should a load from before its fact come late)."""
        done = self._deliveries.done
        for n in view.undelivered:
            if n.follow_up.key not in done:
                self._deliveries.mail(n)
        missed = [n for n in view.unsummarised if n.follow_up.key not in done]
        for summary in summarise(missed):
            self._deliveries.summary(summary)

    async def _fire_all(self, due: list[FollowUp], now: datetime) -> None:
        """Records each due follow-up (re-checked by the activity), then sends the mails at once."""
        if self._apart:
            await self._fire_apart(due, now)
            return
        if not workflow.patched(PARALLEL_SENDS):
            # Workflows started before the change record and send one after the other.
            for follow_up in due:
                notification = await self._record(follow_up, now)
                if notification is not None:
                    await send(notification)
            return
        if not self._calendar:
            recorded = [n for f in due if (n := await self._record(f, now)) is not None]
            await asyncio.gather(*(send(n) for n in recorded))
            return
        policy = self._policy()
        stale = {f.key for f in due if is_stale(f, now, policy)}
        recorded = [n for f in due if (n := await self._record(f, now, f.key in stale)) is not None]
        current = [n for n in recorded if n.follow_up.key not in stale]
        summaries = summarise([n for n in recorded if n.follow_up.key in stale])
        await asyncio.gather(*(send(n) for n in current), *(send_summary(s) for s in summaries))

    async def _fire_apart(self, due: list[FollowUp], now: datetime) -> None:
        """Records each due follow-up, then hands its mail to the background. A record answered
        "already" (an earlier attempt stored it, its result was lost) is delivered too."""
        policy = self._policy()
        stale = {f.key for f in due if self._calendar and is_stale(f, now, policy)}
        recorded = [n for f in due if (n := await self._record(f, now, f.key in stale, already=True)) is not None]
        for n in recorded:
            if n.follow_up.key not in stale:
                self._deliveries.mail(n)
        for summary in summarise([n for n in recorded if n.follow_up.key in stale]):
            self._deliveries.summary(summary)

    async def _delivered(self) -> None:
        """Before the workflow ends: until every mail on its way was taken or refused for good
        (an activity left behind by a closed workflow is never completed)."""
        if self._apart:
            await workflow.wait_condition(lambda: not self._deliveries.mails and not self._deliveries.summaries)

    async def _hand_over(self) -> dict[str, Any]:
        """Before continuing as new: waits (at most HAND_OVER) for the mails on their way, and
        answers what is still undelivered then, for the next run to send (into the carry)."""
        if not self._apart:
            return {}
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: not self._deliveries.mails and not self._deliveries.summaries, timeout=HAND_OVER)
        return {"undelivered": tuple(self._deliveries.mails.values()),
                "unsent_summaries": tuple(self._deliveries.summaries.values())}

    async def _record(self, follow_up: FollowUp, now: datetime, missed: bool = False,
                      already: bool = False) -> Notification | None:
        order = (
            FollowUpOrder(self._entity_id, follow_up.key, now, self._policy().timing, missed,
                          awaits_delivery=self._tracked)
            if self._calendar
            else FollowUpOrder(self._entity_id, follow_up.key, now, timing=1)
        )
        outcome = await self._local(type(self).RECORD, order)
        if outcome.status == "cancelled":
            self._cancelled.add(follow_up.key)
        wanted = ("recorded", "already") if already else ("recorded",)
        return outcome.notification if outcome.status in wanted else None

    async def _wait(self, wake: datetime | None, now: datetime) -> None:
        """Until new events arrive or the next follow-up falls due."""
        if self._steady:
            self._alarm.arm(wake, now)
            await workflow.wait_condition(lambda: self._dirty or self._alarm.rang)
            self._alarm.clear_if_rang()
            return
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(lambda: self._dirty, timeout=time_until(wake, now))

    def _should_continue_as_new(self, max_history: int) -> bool:
        info = workflow.info()
        return info.is_continue_as_new_suggested() or info.get_current_history_length() >= max_history


def summarise(missed: list[Notification]) -> list[Summary]:
    """One summary per recipient role, listing each missed follow-up addressed to it."""
    by_role: dict[str, list[FollowUp]] = {}
    for n in missed:
        for role in n.follow_up.recipients:
            by_role.setdefault(role, []).append(n.follow_up)
    first = missed[0] if missed else None
    return [
        Summary(first.alliance_id, role, tuple(items), first.commitment_id)
        for role, items in by_role.items()
        if first is not None
    ]
