"""Pure readings of a workflow's view: stalled-since, and the upcoming follow-ups for queries."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta

from domain.follow_ups import AllianceFacts, FollowUp, FollowUpPolicy, add_months, plan_alliance
from workflows.payloads import Upcoming


def stalled_since(facts: AllianceFacts, policy: FollowUpPolicy, now: datetime) -> datetime | None:
    """Since when the alliance is stalled (a step unchanged too long, no meeting in step 5)."""
    if facts.status != "active":
        return None
    if 1 <= facts.step <= 4:
        days = policy.stalled_days_step4 if facts.step == 4 else policy.stalled_days
        since = facts.step_entered_at + timedelta(days=days)
    else:
        last = facts.last_all_partner_meeting_on or facts.step_entered_at.date()
        since = datetime.combine(
            add_months(last, policy.cadence_reminder_months),
            datetime.min.time(),
            tzinfo=facts.step_entered_at.tzinfo,
        )
    return since if since <= now else None


def upcoming(plans: list[FollowUp]) -> list[Upcoming]:
    return [Upcoming(f.rule, f.label, f.key, f.due_at, f.recipients) for f in plans]


def time_until(wake: datetime | None, now: datetime) -> timedelta | None:
    """How long to sleep until `wake`, rounded up to a whole second (a timer never fires early)."""
    if wake is None:
        return None
    return timedelta(seconds=max(1, math.ceil((wake - now).total_seconds())))


def compact(facts: AllianceFacts, policy: FollowUpPolicy, now: datetime) -> AllianceFacts:
    """The facts with only those sent keys that the policy can still plan.

    A key names its anchor (a step entered at, a meeting date, a year since founding), and anchors
    only move forward; a key the plan no longer lists never comes back. Without this the view, and
    every reload recorded in the history, would grow by each follow-up ever sent.
    """
    planned = {f.key for f in plan_alliance(replace(facts, sent=frozenset()), now, policy)}
    return replace(facts, sent=facts.sent & planned)
