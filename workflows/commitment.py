"""CommitmentWorkflow: the reminders of one partner commitment, from its pledge until it closes.

Signals: `event(EventNotice)` from the relay. Updates: `refresh(RefreshRequest)`.
Queries: `view()`, `upcoming()`, `progress()`.
Reminds partner and coordinator before the due date, marks the commitment overdue at the due date
(through the application, which re-checks), escalates to the Servicebüro later, re-arms when the
due date is amended, and ends when fulfilled or withdrawn; a yearly commitment goes on with its
next period (the domain starts it on fulfilment).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.follow_ups import FollowUp, due_now, next_due_at, plan_commitment
    from workflows.activities import FollowUpActivities
    from workflows.alarm import OWN_FOLLOW_UPS, RELOAD_BEFORE_CONTINUE, STEADY_TIMER, Alarm
    from workflows.alliance import LOCAL_RETRY, LOCAL_TIMEOUT, PARALLEL_SENDS, send
    from workflows.payloads import (
        EVENT_SIGNAL,
        CommitmentCarry,
        CommitmentInput,
        CommitmentView,
        EventNotice,
        FollowUpOrder,
        LoadRequest,
        Notification,
        RefreshRequest,
        Upcoming,
    )
    from workflows.view import time_until, upcoming

CLOSED = ("fulfilled", "withdrawn")


@workflow.defn
class CommitmentWorkflow:
    """The follow-ups of one commitment; continues as new across the years of a recurring one."""

    def __init__(self) -> None:
        self._commitment_id = ""
        self._view: CommitmentView | None = None
        self._seen = 0
        self._dirty = False
        self._ignored = 0
        self._loads = 0
        self._cancelled: set[str] = set()
        self._generation = 1
        self._steady = False
        self._alarm = Alarm()

    @workflow.run
    async def run(self, input: CommitmentInput) -> str:
        self._commitment_id = input.commitment_id
        if input.carry is not None:
            self._view, self._seen = input.carry.view, input.carry.seen
            self._generation = input.carry.generation + 1
        self._steady = workflow.patched(STEADY_TIMER)
        while True:
            if (self._view is None or self._dirty) and await self._load() is None:
                workflow.logger.warning(
                    "Zusage %s gibt es nicht; Ablauf endet", self._commitment_id
                )
                return "unbekannt"
            assert self._view is not None
            now = workflow.now()
            plans = plan_commitment(self._view.facts, now, self._view.policy)
            if self._view.facts.status in CLOSED:
                return self._view.facts.status
            due = [f for f in due_now(plans, now) if f.key not in self._cancelled]
            if due:
                await self._fire_all(due, now)
                self._dirty = True
                continue
            info = workflow.info()
            if (
                info.is_continue_as_new_suggested()
                or info.get_current_history_length() >= input.max_history
            ):
                await workflow.wait_condition(workflow.all_handlers_finished)
                if self._dirty and workflow.patched(RELOAD_BEFORE_CONTINUE):
                    continue  # a signal came in while waiting: carry a view that knows it
                workflow.continue_as_new(
                    CommitmentInput(
                        commitment_id=input.commitment_id,
                        max_history=input.max_history,
                        carry=CommitmentCarry(self._view, self._seen, self._generation),
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
        if notice.aggregate_id != self._commitment_id and self._commitment_id:
            workflow.logger.warning(
                "Hinweis für %s an %s verworfen", notice.aggregate_id, self._commitment_id
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
    def view(self) -> CommitmentView | None:
        return self._view

    @workflow.query
    def upcoming(self) -> list[Upcoming]:
        if self._view is None:
            return []
        return upcoming(plan_commitment(self._view.facts, workflow.now(), self._view.policy))

    @workflow.query
    def progress(self) -> dict[str, int]:
        return {
            "seen": self._seen,
            "ignored": self._ignored,
            "loads": self._loads,
            "history_length": workflow.info().get_current_history_length(),
            "generation": self._generation,
        }

    async def _load(self) -> CommitmentView | None:
        self._dirty = False
        view: CommitmentView | None = await workflow.execute_local_activity_method(
            FollowUpActivities.load_commitment,
            LoadRequest(self._commitment_id, workflow.now()),
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
        if not workflow.patched(PARALLEL_SENDS):
            for follow_up in due:
                notification = await self._record(follow_up, now)
                if notification is not None:
                    await send(notification)
            return
        recorded = [n for f in due if (n := await self._record(f, now)) is not None]
        await asyncio.gather(*(send(n) for n in recorded))

    async def _record(self, follow_up: FollowUp, now: datetime) -> Notification | None:
        outcome = await workflow.execute_local_activity_method(
            FollowUpActivities.record_commitment_follow_up,
            FollowUpOrder(self._commitment_id, follow_up.key, now),
            start_to_close_timeout=LOCAL_TIMEOUT,
            retry_policy=LOCAL_RETRY,
        )
        if outcome.status == "cancelled":
            self._cancelled.add(follow_up.key)
        return outcome.notification if outcome.status == "recorded" else None
