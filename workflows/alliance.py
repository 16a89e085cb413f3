"""AllianceWorkflow: one long-running process per alliance that owns its follow-up timers.

Signals: `event(EventNotice)` from the relay (positions already seen are ignored).
Updates: `refresh(RefreshRequest)` reloads the view now (the sweep, after a policy change).
Queries: `view()` (the facts the rules see), `upcoming()` (follow-ups not yet due), `progress()`.
It reloads its view through a local activity when told of new events, asks the pure policy what is
due now and when to wake next, and lets activities re-check, record and send each follow-up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

with workflow.unsafe.imports_passed_through():
    from domain.follow_ups import due_now, next_due_at, plan_alliance
    from workflows.activities import FollowUpActivities
    from workflows.alarm import RELOAD_BEFORE_CONTINUE
    from workflows.payloads import AllianceCarry, AllianceInput, AllianceView, Upcoming
    from workflows.process import NETWORK_CHECK, FollowUpProcess
    from workflows.search_attributes import (
        ALLIANCE_STATUS,
        ALLIANCE_STEP,
        BUNDESLAND,
        STALLED_SINCE,
    )
    from workflows.view import stalled_since, upcoming


@workflow.defn
class AllianceWorkflow(FollowUpProcess[AllianceView]):
    """The follow-ups of one alliance, for as long as it lives (continues as new to stay short)."""

    LOAD = FollowUpActivities.load_alliance
    RECORD = FollowUpActivities.record_alliance_follow_up

    def __init__(self) -> None:
        super().__init__()
        self._search_attributes: tuple[str, ...] = ()

    @workflow.run
    async def run(self, input: AllianceInput) -> str:
        self._entity_id = input.alliance_id
        if input.carry is not None:
            self._view, self._seen = input.carry.view, input.carry.seen
            self._search_attributes = input.carry.search_attributes
            self._generation = input.carry.generation + 1
        self._begin()
        self._network = workflow.patched(NETWORK_CHECK)
        if input.carry is not None and self._apart:
            self._deliveries.resume(input.carry.undelivered, input.carry.unsent_summaries)
        while True:
            if self._view is None or self._dirty:
                view = await self._load()
                if view is None:
                    return self._missing("Bündnis")
            assert self._view is not None
            now = workflow.now()
            if input.search_attributes:
                self._upsert_search_attributes(self._view, now)
            if self._view.facts.status == "dissolved":
                await self._delivered()
                return "aufgelöst"
            plans = plan_alliance(self._view.facts, now, self._policy())
            due = [f for f in due_now(plans, now) if f.key not in self._cancelled]
            if due:
                await self._fire_all(due, now)
                self._dirty = True  # the recorded follow-ups change the view
                continue
            if self._should_continue_as_new(input.max_history):
                await workflow.wait_condition(workflow.all_handlers_finished)
                if self._dirty and workflow.patched(RELOAD_BEFORE_CONTINUE):
                    continue  # a signal came in while waiting: carry a view that knows it
                undelivered = await self._hand_over()
                if self._dirty and self._apart:
                    continue
                workflow.continue_as_new(
                    AllianceInput(
                        alliance_id=input.alliance_id,
                        max_history=input.max_history,
                        search_attributes=input.search_attributes,
                        carry=AllianceCarry(
                            self._view, self._seen, self._search_attributes, self._generation,
                            **undelivered,
                        ),
                    )
                )
            await self._wait(next_due_at(plans, now), now)

    @workflow.query
    def view(self) -> AllianceView | None:
        return self._view

    @workflow.query
    def upcoming(self) -> list[Upcoming]:
        if self._view is None:
            return []
        now = workflow.now()
        plans = plan_alliance(self._view.facts, now, self._policy())
        return upcoming([f for f in plans if f.due_at > now or f.key not in self._cancelled])

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

