"""The follow-up policy of DOMAIN.md as pure functions: what is due, when the next one falls due."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.application import AllianceApplication
from domain.dates import BERLIN
from domain.facts import alliance_facts, commitment_facts
from domain.follow_ups import (
    AllianceFacts,
    CommitmentFacts,
    FollowUpPolicy,
    HeldMeeting,
    OpenContact,
    due_now,
    next_due_at,
    plan_alliance,
    plan_commitment,
)
from tests.builders import BY, alliance_in_step, new_alliance

POLICY = FollowUpPolicy()
T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def opens(d: date) -> datetime:
    """The sending window's start on day `d`: 08:00 in Berlin (as a UTC moment)."""
    return datetime(d.year, d.month, d.day, 8, tzinfo=BERLIN).astimezone(UTC)


def closes(d: date) -> datetime:
    """The sending window's end on day `d`: 11:00 in Berlin."""
    return datetime(d.year, d.month, d.day, 11, tzinfo=BERLIN).astimezone(UTC)


def facts(**kwargs: object) -> AllianceFacts:
    base = AllianceFacts(alliance_id="a1", step=1, status="active", step_entered_at=T0)
    return replace(base, **kwargs)  # type: ignore[arg-type]


def rules_due(f: AllianceFacts, now: datetime) -> dict[str, tuple[str, ...]]:
    return {p.rule: p.recipients for p in due_now(plan_alliance(f, now, POLICY), now)}


def test_step_stalled_for_90_days_reminds_the_coordinator() -> None:
    f = facts(step=2)
    assert "step_stalled" not in rules_due(f, T0 + timedelta(days=89))
    assert rules_due(f, T0 + timedelta(days=90))["step_stalled"] == ("koordination",)


def test_stalled_step_escalates_to_servicebuero_30_days_later() -> None:
    f = facts(step=2)
    assert "step_stalled_escalation" not in rules_due(f, T0 + timedelta(days=119))
    assert rules_due(f, T0 + timedelta(days=120))["step_stalled_escalation"] == ("servicebuero",)


def test_step_4_may_take_180_days_before_it_counts_as_stalled() -> None:
    f = facts(step=4)
    assert "step_stalled" not in rules_due(f, T0 + timedelta(days=179))
    assert "step_stalled" in rules_due(f, T0 + timedelta(days=180))


def test_a_new_step_arms_a_new_stall_reminder() -> None:
    before = plan_alliance(facts(step=2), T0, POLICY)
    after = plan_alliance(facts(step=3, step_entered_at=T0 + timedelta(days=50)), T0, POLICY)
    assert {p.key for p in before}.isdisjoint({p.key for p in after})


def test_step_5_has_no_stall_rule_but_the_meeting_cadence() -> None:
    f = facts(step=5, last_all_partner_meeting_on=date(2026, 1, 1))
    plans = {p.rule: p.due_at.date() for p in plan_alliance(f, T0, POLICY)}
    assert "step_stalled" not in plans
    assert plans["meeting_cadence"] == date(2026, 6, 1)
    assert plans["meeting_cadence_escalation"] == date(2026, 7, 1)


def test_an_all_partner_meeting_resets_the_cadence() -> None:
    f = facts(step=5, last_all_partner_meeting_on=date(2026, 1, 1))
    later = replace(f, last_all_partner_meeting_on=date(2026, 5, 20))
    assert {p.rule: p.due_at.date() for p in plan_alliance(later, T0, POLICY)}["meeting_cadence"] == date(2026, 10, 20)


def test_contact_follow_up_fires_on_its_date() -> None:
    f = facts(open_contacts=(OpenContact("c1", "x", date(2026, 2, 1)),))
    assert "contact_follow_up" not in rules_due(f, datetime(2026, 1, 31, tzinfo=UTC))
    assert "contact_follow_up" in rules_due(f, datetime(2026, 2, 1, 12, tzinfo=UTC))


def test_a_later_conversation_cancels_the_contact_follow_up(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    memory_app.record_contact(g.alliance_id, actor_id=g.actors[0], on=date(2026, 1, 5), outcome="interested",
                              follow_up_on=date(2026, 2, 1), by=BY)
    assert len(alliance_facts(memory_app.get_alliance(g.alliance_id), memory_app.policy).open_contacts) == 1
    memory_app.record_contact(g.alliance_id, actor_id=g.actors[0], on=date(2026, 1, 20), outcome="active_role", by=BY)
    assert alliance_facts(memory_app.get_alliance(g.alliance_id), memory_app.policy).open_contacts == ()


def test_working_group_without_speaker_reminds_after_30_days() -> None:
    f = facts(step=5, groups_without_speaker=(("g1", T0),))
    assert "speaker_missing" not in rules_due(f, closes(date(2026, 1, 30)))
    assert "speaker_missing" not in rules_due(f, opens(date(2026, 1, 31)) - timedelta(seconds=1))
    assert "speaker_missing" in rules_due(f, closes(date(2026, 1, 31)))


def test_missing_minutes_go_to_the_meeting_organiser_7_days_after_the_meeting() -> None:
    f = facts(meetings_without_minutes=(HeldMeeting("m1", date(2026, 3, 1), "actor-7"),))
    assert "minutes_missing" not in rules_due(f, datetime(2026, 3, 7, 23, tzinfo=UTC))
    assert rules_due(f, datetime(2026, 3, 8, 12, tzinfo=UTC))["minutes_missing"] == ("organiser:actor-7",)


def test_self_assessment_is_asked_for_yearly_from_the_founding() -> None:
    f = facts(step=5, founded_on=date(2026, 6, 1), last_all_partner_meeting_on=date(2027, 5, 1))
    plans = [p for p in plan_alliance(f, datetime(2026, 7, 1, tzinfo=UTC), POLICY) if p.rule == "self_assessment"]
    assert [p.due_at.date() for p in plans] == [date(2027, 6, 1)]
    assessed = replace(f, self_assessment_dates=(date(2027, 5, 15),))
    now = datetime(2027, 6, 2, tzinfo=UTC)
    assert [p.due_at.date() for p in plan_alliance(assessed, now, POLICY) if p.rule == "self_assessment"] == [
        date(2028, 6, 1)]


def test_a_sent_follow_up_is_not_planned_again() -> None:
    f = facts(step=2)
    now = T0 + timedelta(days=95)
    sent = {p.key for p in due_now(plan_alliance(f, now, POLICY), now)}
    assert sent and not due_now(plan_alliance(replace(f, sent=frozenset(sent)), now, POLICY), now)


def test_a_dormant_alliance_gets_no_follow_ups() -> None:
    assert plan_alliance(facts(status="dormant", step=2), T0 + timedelta(days=400), POLICY) == []


def test_next_due_at_is_the_earliest_upcoming_follow_up() -> None:
    f = facts(step=2, open_contacts=(OpenContact("c1", "x", date(2026, 1, 20)),))
    wake = next_due_at(plan_alliance(f, T0, POLICY), T0)
    assert wake is not None and opens(date(2026, 1, 20)) <= wake < closes(date(2026, 1, 20))


def test_step_ready_tells_the_coordinator_once_the_criterion_holds(memory_app: AllianceApplication) -> None:
    from tests.builders import meet_step_1
    g = new_alliance(memory_app)
    assert not alliance_facts(memory_app.get_alliance(g.alliance_id), memory_app.policy).step_ready
    meet_step_1(g)
    f = alliance_facts(memory_app.get_alliance(g.alliance_id), memory_app.policy)
    noon = datetime(2026, 3, 2, 12, tzinfo=BERLIN)
    assert rules_due(f, noon)["step_ready"] == ("koordination",)


def test_step_ready_answers_at_once_even_late_as_the_coordinator_is_at_work_then() -> None:
    f = facts(step=1, step_ready=True)
    late = datetime(2026, 3, 2, 22, 30, tzinfo=BERLIN)
    assert rules_due(f, late)["step_ready"] == ("koordination",)


COMMITMENT = CommitmentFacts(commitment_id="c1", alliance_id="a1", partner_id="p1", status="confirmed",
                             due_on=date(2027, 3, 1))


def commitment_rules(f: CommitmentFacts, now: datetime) -> dict[str, tuple[str, ...]]:
    return {p.rule: p.recipients for p in due_now(plan_commitment(f, now, POLICY), now)}


def test_commitment_due_soon_reminds_partner_and_coordinator_14_days_before() -> None:
    assert "commitment_due_soon" not in commitment_rules(COMMITMENT, closes(date(2027, 2, 14)))
    assert commitment_rules(COMMITMENT, closes(date(2027, 2, 15)))["commitment_due_soon"] == (
        "partner:p1", "koordination")


def test_commitment_overdue_at_due_date_then_escalates_to_servicebuero_after_30_days() -> None:
    assert "commitment_overdue" not in commitment_rules(COMMITMENT, opens(date(2027, 3, 1)) - timedelta(seconds=1))
    at_due = commitment_rules(COMMITMENT, closes(date(2027, 3, 1)))
    assert at_due["commitment_overdue"] == ("koordination",) and "commitment_overdue_escalation" not in at_due
    assert "commitment_overdue_escalation" not in commitment_rules(COMMITMENT, closes(date(2027, 3, 30)))
    assert commitment_rules(COMMITMENT, closes(date(2027, 3, 31)))["commitment_overdue_escalation"] == (
        "servicebuero",)


@pytest.mark.parametrize("status", ["fulfilled", "withdrawn"])
def test_a_closed_commitment_gets_no_reminders(status: str) -> None:
    assert plan_commitment(replace(COMMITMENT, status=status), datetime(2027, 4, 1, tzinfo=UTC), POLICY) == []


@pytest.mark.parametrize("alliance_status", ["dormant", "dissolved"])
def test_a_commitment_of_a_dormant_or_dissolved_alliance_gets_no_reminders(alliance_status: str) -> None:
    facts = replace(COMMITMENT, alliance_status=alliance_status)
    assert plan_commitment(facts, datetime(2027, 4, 1, tzinfo=UTC), POLICY) == []
    assert plan_commitment(replace(facts, alliance_status="active"), datetime(2027, 4, 1, tzinfo=UTC), POLICY)


def test_an_amended_due_date_rearms_the_commitment_reminders() -> None:
    before = {p.key for p in plan_commitment(COMMITMENT, T0, POLICY)}
    after = {p.key for p in plan_commitment(replace(COMMITMENT, due_on=date(2027, 6, 1)), T0, POLICY)}
    assert before.isdisjoint(after)


def test_commitment_facts_follow_the_aggregate(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 5)
    cid = memory_app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Räume", kind="raeume",
                                       due_on=date(2027, 3, 1), by=BY)
    memory_app.record_commitment_follow_up(g.alliance_id, cid, key="k1", rule="commitment_due_soon",
                                           recipients=["koordination"], due_at=T0)
    assert not memory_app.record_commitment_follow_up(g.alliance_id, cid, key="k1", rule="commitment_due_soon",
                                                      recipients=["koordination"], due_at=T0)
    f = commitment_facts(memory_app.get_commitment(g.alliance_id, cid))
    assert (f.status, f.due_on, f.sent) == ("pledged", date(2027, 3, 1), frozenset({"k1"}))


def test_a_follow_up_key_is_recorded_once_on_the_alliance(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    first = memory_app.record_alliance_follow_up(g.alliance_id, key="step_stalled:x", rule="step_stalled",
                                                 subject_id=None, recipients=["koordination"], due_at=T0)
    again = memory_app.record_alliance_follow_up(g.alliance_id, key="step_stalled:x", rule="step_stalled",
                                                 subject_id=None, recipients=["koordination"], due_at=T0)
    assert (first, again) == (True, False)
    assert list(memory_app.get_alliance(g.alliance_id).follow_ups) == ["step_stalled:x"]


def test_a_bad_policy_value_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="stalled_days"):
        FollowUpPolicy(stalled_days=-3)
    with pytest.raises(ValueError, match="Eskalation"):
        FollowUpPolicy(cadence_reminder_months=7, cadence_escalation_months=6)
