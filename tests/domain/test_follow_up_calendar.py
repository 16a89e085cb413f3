"""The follow-up policy on any calendar day: working hours in Berlin, month ends, leap days, both
daylight-saving switches, year ends, and dates at the edge of what was ever stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.dates import BERLIN, berlin
from domain.follow_ups import (
    AllianceFacts,
    CommitmentFacts,
    FollowUpPolicy,
    HeldMeeting,
    OpenContact,
    due_now,
    is_stale,
    next_due_at,
    plan_alliance,
    plan_commitment,
    send_moment,
    send_offset,
)

POLICY = FollowUpPolicy()

# Moments where calendars go wrong: month and year ends, 29 February, the night of both
# daylight-saving switches in Europe/Berlin (2027-03-28 01:00 UTC, 2027-10-31 01:00 UTC).
SPECIAL = [
    datetime(2026, 11, 30, 4, 10, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
    datetime(2027, 1, 31, 23, 59, tzinfo=UTC),
    datetime(2027, 2, 28, 12, tzinfo=UTC),
    datetime(2028, 2, 29, 12, tzinfo=UTC),
    datetime(2027, 3, 28, 0, 59, tzinfo=UTC),
    datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
    datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
    datetime(2027, 10, 31, 2, 30, tzinfo=UTC),
    datetime(2030, 6, 15, 12, tzinfo=UTC),
    datetime(2099, 12, 31, 23, 59, tzinfo=UTC),
]
moments = st.one_of(
    st.sampled_from(SPECIAL),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)),
)
ids = st.uuids().map(str)


def in_window(moment: datetime, policy: FollowUpPolicy = POLICY) -> bool:
    local = berlin(moment).time()
    start = time(policy.send_hour)
    end = (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=policy.send_window_minutes)).time()
    return start <= local < end if policy.send_window_minutes else local == start


def alliance(start: datetime, alliance_id: str, step: int) -> AllianceFacts:
    day = berlin(start).date()
    return AllianceFacts(
        alliance_id=alliance_id,
        step=step,
        status="active",
        step_entered_at=start,
        step_ready=step < 5,
        open_contacts=(OpenContact("c1", "x", day + timedelta(days=10)),),
        last_all_partner_meeting_on=day if step == 5 else None,
        groups_without_speaker=(("g1", start),),
        meetings_without_minutes=(HeldMeeting("m1", day, None),),
        founded_on=day - timedelta(days=200),
    )


@settings(max_examples=300, deadline=None)
@given(start=moments, alliance_id=ids, step=st.integers(1, 5), hours=st.integers(0, 24 * 400))
def test_every_follow_up_goes_out_in_the_working_window_in_berlin(
    start: datetime, alliance_id: str, step: int, hours: int
) -> None:
    now = start + timedelta(hours=hours)
    for follow_up in plan_alliance(alliance(start, alliance_id, step), now, POLICY):
        if follow_up.rule == "step_ready":  # the answer to the coordinator's own entry: at once
            assert follow_up.due_at == now
            continue
        assert in_window(follow_up.due_at), (follow_up.rule, berlin(follow_up.due_at))


@settings(max_examples=300, deadline=None)
@given(start=moments, alliance_id=ids, days=st.integers(0, 400))
def test_a_commitment_falls_due_on_its_day_whatever_the_hour_it_is_looked_at(
    start: datetime, alliance_id: str, days: int
) -> None:
    due = berlin(start).date() + timedelta(days=days)
    facts = CommitmentFacts("c1", alliance_id, "p1", "confirmed", due)
    for hour in (0, 4, 7, 13, 23):
        looked_at = datetime.combine(berlin(start).date(), time(hour), tzinfo=BERLIN)
        plans = plan_commitment(facts, looked_at, POLICY)
        overdue = next(p for p in plans if p.rule == "commitment_overdue")
        assert berlin(overdue.due_at).date() == due and in_window(overdue.due_at)
        assert overdue not in due_now(plans, overdue.due_at - timedelta(seconds=1))
        assert overdue in due_now(plans, overdue.due_at)


@settings(max_examples=200, deadline=None)
@given(start=moments, alliance_id=ids)
def test_a_stalled_step_counts_berlin_calendar_days_from_its_start(start: datetime, alliance_id: str) -> None:
    plans = plan_alliance(replace(alliance(start, alliance_id, 2), step_ready=False), start, POLICY)
    stalled = next(p for p in plans if p.rule == "step_stalled")
    assert berlin(stalled.due_at).date() == berlin(start).date() + timedelta(days=POLICY.stalled_days)


@settings(max_examples=200, deadline=None)
@given(start=moments, alliance_id=ids)
def test_the_next_wake_up_is_never_in_the_past_and_never_skips_a_due_follow_up(
    start: datetime, alliance_id: str
) -> None:
    plans = plan_alliance(alliance(start, alliance_id, 3), start, POLICY)
    wake = next_due_at(plans, start)
    assert wake is None or wake > start
    not_yet = [p for p in plans if p not in due_now(plans, start)]
    assert all(wake is not None and wake <= p.due_at for p in not_yet)


def test_each_alliance_keeps_its_own_place_in_the_window() -> None:
    offsets = {send_offset(f"alliance-{i}", POLICY) for i in range(200)}
    assert len(offsets) > 50, "the fleet is spread over the window, not sent in one second"
    assert all(timedelta(0) <= o < timedelta(minutes=POLICY.send_window_minutes) for o in offsets)
    day = date(2027, 5, 3)
    assert send_moment(day, "alliance-7", POLICY) == send_moment(day, "alliance-7", POLICY)


def test_both_daylight_saving_switches_keep_the_local_hour() -> None:
    spring, autumn = date(2027, 3, 28), date(2027, 10, 31)
    for day in (spring, autumn, spring - timedelta(days=1), autumn + timedelta(days=1)):
        moment = send_moment(day, "a", replace(POLICY, send_window_minutes=0))
        assert berlin(moment).time() == time(8) and berlin(moment).date() == day


def test_dates_at_the_edge_of_the_calendar_plan_without_failing() -> None:
    edge = date(9999, 12, 31)
    now = datetime(2026, 11, 30, 4, 10, tzinfo=UTC)
    facts = AllianceFacts(
        alliance_id="a", step=5, status="active", step_entered_at=now,
        last_all_partner_meeting_on=edge, meetings_without_minutes=(HeldMeeting("m", edge, None),),
        founded_on=edge, open_contacts=(OpenContact("c", "x", edge),),
    )
    plan_alliance(facts, now, POLICY)
    last = plan_commitment(CommitmentFacts("c", "a", "p", "pledged", edge), now, POLICY)
    assert [p.rule for p in last] == ["commitment_due_soon", "commitment_overdue"]  # no escalation past 9999
    first = plan_commitment(CommitmentFacts("c", "a", "p", "pledged", date(1, 1, 5)), now, POLICY)
    assert [p.rule for p in first] == ["commitment_overdue", "commitment_overdue_escalation"]


def test_a_reminder_due_longer_ago_than_the_catch_up_window_is_stale() -> None:
    now = datetime(2027, 1, 20, 9, tzinfo=UTC)
    [overdue, *_] = plan_commitment(CommitmentFacts("c", "a", "p", "pledged", date(2027, 1, 1)), now, POLICY)
    assert not is_stale(overdue, overdue.due_at + timedelta(days=POLICY.catch_up_days), POLICY)
    assert is_stale(overdue, overdue.due_at + timedelta(days=POLICY.catch_up_days, seconds=1), POLICY)


def test_workflows_started_before_the_change_keep_seven_o_clock_utc() -> None:
    legacy = replace(POLICY, timing=1)
    facts = CommitmentFacts("c", "a", "p", "pledged", date(2027, 1, 1))
    plans = plan_commitment(facts, datetime(2026, 12, 1, tzinfo=UTC), legacy)
    assert [p.due_at for p in plans if p.rule == "commitment_overdue"] == [datetime(2027, 1, 1, 7, tzinfo=UTC)]
