"""The workflow's view stays small: sent keys whose anchors moved on are dropped."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.follow_ups import AllianceFacts, FollowUpPolicy, plan_alliance
from workflows.view import compact


def test_view_keeps_only_the_sent_keys_the_policy_can_still_plan() -> None:
    entered = datetime(2021, 3, 1, 9, tzinfo=UTC)
    now = datetime(2025, 9, 1, 9, tzinfo=UTC)
    old_meetings = [date(2021 + n // 2, 1 + 6 * (n % 2), 15) for n in range(8)]
    sent = {f"meeting_cadence:a:{d}" for d in old_meetings} | {
        f"self_assessment:a:{y}" for y in (1, 2, 3)
    }
    last = date(2025, 1, 15)
    current = {f"meeting_cadence:a:{last}", "self_assessment:a:4"}
    facts = AllianceFacts(
        "a",
        5,
        "active",
        entered,
        last_all_partner_meeting_on=last,
        founded_on=date(2021, 6, 1),
        sent=frozenset(sent | current),
    )
    policy = FollowUpPolicy()

    small = compact(facts, policy, now)

    assert small.sent == frozenset(current)
    assert plan_alliance(small, now, policy) == plan_alliance(facts, now, policy)
