"""Time in the domain: an aggregate's events never run back in time, dormant time does not count
as time in a step, a yearly commitment tells each period apart, and dates stay in 1990–2100."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.application import AllianceApplication
from domain.errors import InvalidInput
from domain.facts import alliance_facts
from domain.follow_ups import FollowUpPolicy, plan_alliance
from tests.builders import BY, alliance_in_step, new_alliance


class Clock:
    """A clock the test sets, as activities (workflow time) and the API (wall time) both do."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(memory_app: AllianceApplication) -> Clock:
    c = Clock(datetime(2027, 3, 1, 10, tzinfo=UTC))
    memory_app.clock = c
    return c


def test_an_event_stamped_earlier_than_the_last_one_keeps_the_order_of_time(
    memory_app: AllianceApplication, clock: Clock
) -> None:
    g = new_alliance(memory_app)
    clock.now -= timedelta(hours=5)  # an activity running on older workflow time
    memory_app.record_goal(g.alliance_id, text="Ferienbetreuung", by=BY)
    events = list(memory_app.events.get(g.alliance_id))
    stamps = [e.timestamp for e in events]
    assert stamps == sorted(stamps)
    assert memory_app.replay(g.alliance_id, stamps[-1]).version == len(events)  # type: ignore[union-attr]


def test_a_commitment_keeps_its_events_in_time_order_too(memory_app: AllianceApplication, clock: Clock) -> None:
    g = alliance_in_step(memory_app, 5)
    cid = memory_app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Räume", kind="raeume",
                                       due_on=date(2027, 6, 1), by=BY)
    clock.now -= timedelta(days=2)
    memory_app.confirm_commitment(g.alliance_id, cid, by=BY)
    stamps = [e.timestamp for e in memory_app.events.get(cid)]
    assert stamps == sorted(stamps)


def test_time_spent_dormant_does_not_count_towards_a_stalled_step(
    memory_app: AllianceApplication, clock: Clock
) -> None:
    g = new_alliance(memory_app)
    entered = memory_app.get_alliance(g.alliance_id).step_entered_at
    clock.now += timedelta(days=30)
    memory_app.pause(g.alliance_id, reason="Koordinatorin in Elternzeit", by=BY)
    clock.now += timedelta(days=200)
    memory_app.resume(g.alliance_id, reason="zurück", by=BY)
    alliance = memory_app.get_alliance(g.alliance_id)
    assert alliance.step_entered_at == entered + timedelta(days=200)
    clock.now += timedelta(days=59)  # 30 + 59 = 89 active days: not stalled yet
    plans = plan_alliance(alliance_facts(alliance, memory_app.policy), clock.now, FollowUpPolicy())
    stalled = next(p for p in plans if p.rule == "step_stalled")
    assert stalled.due_at > clock.now
    assert stalled.due_at.date() == (entered + timedelta(days=200 + 90)).date()


def test_a_fulfilled_yearly_period_is_kept_while_the_next_one_runs(
    memory_app: AllianceApplication, clock: Clock
) -> None:
    g = alliance_in_step(memory_app, 5)
    cid = memory_app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Ferienplätze",
                                       kind="betreuungsplaetze", due_on=date(2027, 7, 1), recurrence="yearly", by=BY)
    clock.now = datetime(2027, 6, 20, 9, tzinfo=UTC)
    memory_app.fulfil_commitment(g.alliance_id, cid, on=date(2027, 6, 20), by=BY)
    c = memory_app.get_commitment(g.alliance_id, cid)
    assert (c.status.value, c.period, c.due_on) == ("pledged", 2, date(2028, 7, 1))
    [first] = c.past_periods
    assert (first.period, first.due_on, first.fulfilled_on) == (1, date(2027, 7, 1), date(2027, 6, 20))
    [as_of] = memory_app.commitments(g.alliance_id, datetime(2027, 6, 21, tzinfo=UTC))
    assert [(p.period, p.fulfilled_on) for p in as_of.past_periods] == [(1, date(2027, 6, 20))]
    [before] = memory_app.commitments(g.alliance_id, datetime(2027, 6, 19, tzinfo=UTC))
    assert (before.period, before.past_periods) == (1, [])


@pytest.mark.parametrize("bad", [date(9999, 12, 31), date(1, 1, 1), date(1989, 12, 31), date(2101, 1, 1)])
def test_dates_outside_1990_to_2100_are_refused_before_anything_is_stored(
    memory_app: AllianceApplication, bad: date
) -> None:
    g = alliance_in_step(memory_app, 5)
    version = memory_app.get_alliance(g.alliance_id).version
    with pytest.raises(InvalidInput, match="zwischen 1990 und 2100"):
        memory_app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Räume", kind="raeume",
                                     due_on=bad, by=BY)
    with pytest.raises(InvalidInput, match="zwischen 1990 und 2100"):
        memory_app.schedule_meeting(g.alliance_id, kind="all_partners", on=bad, title="Bündnistreffen", by=BY)
    with pytest.raises(InvalidInput):  # a date before the talk is refused for that reason first
        memory_app.record_contact(g.alliance_id, actor_id=g.actors[0], on=date(2027, 1, 1), outcome="interested",
                                  follow_up_on=bad, by=BY)
    assert memory_app.get_alliance(g.alliance_id).version == version
    assert memory_app.commitments(g.alliance_id) == []
