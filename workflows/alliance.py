"""AllianceWorkflow: one long-running process per alliance that owns its follow-up timers.

Signals: `event(EventNotice)` from the relay (positions already seen are ignored).
Updates: `refresh(RefreshRequest)` reloads the view now (the sweep, after a policy change).
Queries: `view()` (the facts the rules see), `upcoming()` (follow-ups not yet due), `progress()`.
It reloads its view through a local activity when told of new events, asks the pure policy what is
due now and when to wake next, and lets activities re-check, record and send each follow-up.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeUpdate

with workflow.unsafe.imports_passed_through():
    from domain.follow_ups import FollowUp, due_now, next_due_at, plan_alliance
    from workflows.activities import FollowUpActivities
    from workflows.alarm import OWN_FOLLOW_UPS, RELOAD_BEFORE_CONTINUE, STEADY_TIMER, Alarm
    from workflows.payloads import (
        EVENT_SIGNAL,
        AllianceCarry,
        AllianceInput,
        AllianceView,
        EventNotice,
        FollowUpOrder,
        LoadRequest,
        Notification,
        RefreshRequest,
        Upcoming,
    )
    from workflows.search_attributes import (
        ALLIANCE_STATUS,
        ALLIANCE_STEP,
        BUNDESLAND,
        STALLED_SINCE,
    )
    from workflows.view import stalled_since, time_until, upcoming

LOCAL_TIMEOUT, LOCAL_RETRY = (
    timedelta(seconds=30),
    RetryPolicy(maximum_interval=timedelta(minutes=1)),
)
# Record all due follow-ups first, then send their mails in parallel (was: one after the other).
PARALLEL_SENDS = "parallel-sends-2026-11"
SEND_TIMEOUT, SEND_RETRY = timedelta(minutes=1), RetryPolicy(maximum_interval=timedelta(minutes=10))


@workflow.defn
class AllianceWorkflow:
    """The follow-ups of one alliance, for as long as it lives (continues as new to stay short)."""

    def __init__(self) -> None:
        self._alliance_id = ""
        self._view: AllianceView | None = None
        self._seen = 0
        self._dirty = False
        self._ignored = 0
        self._loads = 0
        self._cancelled: set[str] = set()
        self._generation = 1
        self._steady = False
        self._alarm = Alarm()
        self._search_attributes: tuple[str, ...] = ()

    @workflow.run
    async def run(self, input: AllianceInput) -> str:
        self._alliance_id = input.alliance_id
        if input.carry is not None:
            self._view, self._seen = input.carry.view, input.carry.seen
            self._search_attributes = input.carry.search_attributes
            self._generation = input.carry.generation + 1
        self._steady = workflow.patched(STEADY_TIMER)
        while True:
            if self._view is None or self._dirty:
                view = await self._load()
                if view is None:
                    workflow.logger.warning(
                        "Bündnis %s gibt es nicht; Ablauf endet", self._alliance_id
                    )
                    return "unbekannt"
            assert self._view is not None
            now = workflow.now()
            if input.search_attributes:
                self._upsert_search_attributes(self._view, now)
            if self._view.facts.status == "dissolved":
                return "aufgelöst"
            plans = plan_alliance(self._view.facts, now, self._view.policy)
            due = [f for f in due_now(plans, now) if f.key not in self._cancelled]
            if due:
                await self._fire_all(due, now)
                self._dirty = True  # the recorded follow-ups change the view
                continue
            if self._should_continue_as_new(input):
                await workflow.wait_condition(workflow.all_handlers_finished)
                if self._dirty and workflow.patched(RELOAD_BEFORE_CONTINUE):
                    continue  # a signal came in while waiting: carry a view that knows it
                workflow.continue_as_new(
                    AllianceInput(
                        alliance_id=input.alliance_id,
                        max_history=input.max_history,
                        search_attributes=input.search_attributes,
                        carry=AllianceCarry(
                            self._view, self._seen, self._search_attributes, self._generation
                        ),
                    )
                )
            wake = next_due_at(plans, now)
            if self._steady:
                self._alarm.arm(wake, now)
                await workflow.wait_condition(lambda: self._dirty or self._alarm.rang)
                self._alarm.clear_if_rang()
                continue
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self._dirty, timeout=time_until(wake, now)
                )

    @workflow.signal(name=EVENT_SIGNAL)
    def event(self, notice: EventNotice) -> None:
        if notice.aggregate_id != self._alliance_id and self._alliance_id:
            workflow.logger.warning(
                "Hinweis für %s an %s verworfen", notice.aggregate_id, self._alliance_id
            )
            return
        if notice.position <= self._seen:
            self._ignored += 1
            return
        self._seen = notice.position
        if self._steady and set(notice.event_types) <= OWN_FOLLOW_UPS:
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
    def view(self) -> AllianceView | None:
        return self._view

    @workflow.query
    def upcoming(self) -> list[Upcoming]:
        if self._view is None:
            return []
        now = workflow.now()
        plans = plan_alliance(self._view.facts, now, self._view.policy)
        return upcoming([f for f in plans if f.due_at > now or f.key not in self._cancelled])

    @workflow.query
    def progress(self) -> dict[str, int]:
        return {
            "seen": self._seen,
            "ignored": self._ignored,
            "loads": self._loads,
            "history_length": workflow.info().get_current_history_length(),
            "generation": self._generation,
        }

    async def _load(self) -> AllianceView | None:
        self._dirty = False
        view: AllianceView | None = await workflow.execute_local_activity_method(
            FollowUpActivities.load_alliance,
            LoadRequest(self._alliance_id, workflow.now()),
            start_to_close_timeout=LOCAL_TIMEOUT,
            retry_policy=LOCAL_RETRY,
        )
        if view != self._view:
            # Changed facts or policy may make a cancelled follow-up due again; an unchanged view
            # keeps it cancelled (no re-firing loop should the activity keep disagreeing).
            self._cancelled.clear()
        self._view = view
        self._loads += 1
        return view

    async def _fire_all(self, due: list[FollowUp], now: datetime) -> None:
        """Records each due follow-up (re-checked by the activity), then sends the mails at once."""
        if not workflow.patched(PARALLEL_SENDS):
            # Workflows started before the change record and send one after the other.
            for follow_up in due:
                notification = await self._record(follow_up, now)
                if notification is not None:
                    await send(notification)
            return
        recorded = [n for f in due if (n := await self._record(f, now)) is not None]
        await asyncio.gather(*(send(n) for n in recorded))

    async def _record(self, follow_up: FollowUp, now: datetime) -> Notification | None:
        outcome = await workflow.execute_local_activity_method(
            FollowUpActivities.record_alliance_follow_up,
            FollowUpOrder(self._alliance_id, follow_up.key, now),
            start_to_close_timeout=LOCAL_TIMEOUT,
            retry_policy=LOCAL_RETRY,
        )
        if outcome.status == "cancelled":
            self._cancelled.add(follow_up.key)
        return outcome.notification if outcome.status == "recorded" else None

    def _should_continue_as_new(self, input: AllianceInput) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= input.max_history
        )

    def _upsert_search_attributes(self, view: AllianceView, now: datetime) -> None:
        since = stalled_since(view.facts, view.policy, now)
        wanted = (
            str(view.facts.step),
            view.facts.status,
            view.state,
            since.isoformat() if since else "",
        )
        if wanted == self._search_attributes:
            return
        updates: list[SearchAttributeUpdate[Any]] = [
            ALLIANCE_STEP.value_set(view.facts.step),
            ALLIANCE_STATUS.value_set(view.facts.status),
            BUNDESLAND.value_set(view.state),
            STALLED_SINCE.value_set(since) if since else STALLED_SINCE.value_unset(),
        ]
        workflow.upsert_search_attributes(updates)
        self._search_attributes = wanted


async def send(notification: Notification) -> None:
    await workflow.execute_activity_method(
        FollowUpActivities.send_notification,
        notification,
        start_to_close_timeout=SEND_TIMEOUT,
        retry_policy=SEND_RETRY,
    )
