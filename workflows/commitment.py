"""CommitmentWorkflow: the reminders of one partner commitment, from its pledge until it closes.

Signals: `event(EventNotice)` from the relay. Updates: `refresh(RefreshRequest)`.
Queries: `view()`, `upcoming()`, `progress()`.
Reminds partner and coordinator before the due date, marks the commitment overdue at the due date
(through the application, which re-checks), escalates to the Servicebüro later, re-arms when the
due date is amended, and ends when fulfilled or withdrawn; a yearly commitment goes on with its
next period (the domain starts it on fulfilment). Silent while its alliance is dormant; when the
alliance is dissolved, an open commitment is withdrawn with that reason and the workflow ends.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.follow_ups import due_now, next_due_at, plan_commitment
    from workflows.activities import FollowUpActivities
    from workflows.alarm import RELOAD_BEFORE_CONTINUE
    from workflows.payloads import CommitmentCarry, CommitmentInput, CommitmentView, EndOrder, Upcoming
    from workflows.process import FollowUpProcess
    from workflows.view import upcoming

CLOSED = ("fulfilled", "withdrawn")
# The commitment follows its alliance: no reminders while the alliance is dormant (the pure policy
# sees the alliance's status in the view), and an open commitment of a dissolved alliance is
# withdrawn with the reason, which ends the workflow. The relay tells commitments of their
# alliance's pause, resumption and dissolution.
FOLLOWS_ALLIANCE = "commitment-follows-alliance-2027-01"


@workflow.defn
class CommitmentWorkflow(FollowUpProcess[CommitmentView]):
    """The follow-ups of one commitment; continues as new across the years of a recurring one."""

    LOAD = FollowUpActivities.load_commitment
    RECORD = FollowUpActivities.record_commitment_follow_up

    @workflow.run
    async def run(self, input: CommitmentInput) -> str:
        self._entity_id = input.commitment_id
        if input.carry is not None:
            self._view, self._seen = input.carry.view, input.carry.seen
            self._generation = input.carry.generation + 1
        self._begin()
        follows_alliance = workflow.patched(FOLLOWS_ALLIANCE)
        if input.carry is not None and self._apart:
            self._deliveries.resume(input.carry.undelivered, input.carry.unsent_summaries)
        while True:
            if (self._view is None or self._dirty) and await self._load() is None:
                return self._missing("Zusage")
            assert self._view is not None
            now = workflow.now()
            plans = plan_commitment(self._view.facts, now, self._policy())
            if self._view.facts.status in CLOSED:
                await self._delivered()
                return self._view.facts.status
            if follows_alliance and self._view.facts.alliance_status == "dissolved":
                # Ended with an event saying why; a commitment closed meanwhile keeps its status.
                status: str = await self._local(
                    FollowUpActivities.end_commitment_with_alliance, EndOrder(self._entity_id, now))
                await self._delivered()
                return status
            due = [f for f in due_now(plans, now) if f.key not in self._cancelled]
            if due:
                await self._fire_all(due, now)
                self._dirty = True
                continue
            if self._should_continue_as_new(input.max_history):
                await workflow.wait_condition(workflow.all_handlers_finished)
                if self._dirty and workflow.patched(RELOAD_BEFORE_CONTINUE):
                    continue  # a signal came in while waiting: carry a view that knows it
                undelivered = await self._hand_over()
                if self._dirty and self._apart:
                    continue
                workflow.continue_as_new(
                    CommitmentInput(
                        commitment_id=input.commitment_id,
                        max_history=input.max_history,
                        carry=CommitmentCarry(self._view, self._seen, self._generation, **undelivered),
                    )
                )
            await self._wait(next_due_at(plans, now), now)

    @workflow.query
    def view(self) -> CommitmentView | None:
        return self._view

    @workflow.query
    def upcoming(self) -> list[Upcoming]:
        if self._view is None:
            return []
        return upcoming(plan_commitment(self._view.facts, workflow.now(), self._policy()))
