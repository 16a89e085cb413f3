"""The Servicebüro overview agrees with the aggregates themselves, counted another way."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from statistics import median

import pytest

from domain.application import AllianceApplication
from domain.errors import InvalidInput
from domain.follow_ups import FollowUpPolicy
from domain.values import MeetingKind
from projections.queries import Queries
from projections.store import ProjectionStore
from tests.projections.conftest import catch_up
from workers.demo import SimClock, load_demo

OPEN = ("pledged", "confirmed", "overdue")


@pytest.fixture
def demo(app: AllianceApplication, store: ProjectionStore, clock: SimClock) -> list:
    ids = load_demo(app, now=clock.now)
    catch_up(app, store)
    return [app.get_alliance(i) for i in ids]


def test_the_funnel_counts_alliances_per_step_state_and_status(
    demo: list, queries: Queries, clock: SimClock
) -> None:
    board = queries.dashboard()
    assert board["alliances_per_step"] == {
        str(s): sum(a.step == s for a in demo) for s in range(1, 6)
    }
    assert board["per_state"] == dict(sorted(Counter(a.state.value for a in demo).items()))
    dormant = [a for a in demo if a.paused]
    assert board["per_status"] == {
        "active": len(demo) - len(dormant),
        "dormant": len(dormant),
        "dissolved": 0,
    }
    assert board["foundings_per_year"] == dict(
        sorted(Counter(str(a.founding.on.year) for a in demo if a.founding).items())
    )


def test_stalled_alliances_are_active_ones_unchanged_in_steps_1_to_4_beyond_the_policy(
    demo: list, queries: Queries, clock: SimClock
) -> None:
    policy = FollowUpPolicy()
    expected = {
        str(a.id)
        for a in demo
        if not a.paused
        and a.step <= 4
        and (clock.now - a.step_entered_at).days
        >= (policy.stalled_days_step4 if a.step == 4 else policy.stalled_days)
    }
    board = queries.dashboard()
    assert {s["id"] for s in board["stalled"]} == expected
    assert board["stalled_alliances"] == len(expected) > 0


def test_overdue_commitments_are_the_open_ones_past_their_due_date(
    demo: list, queries: Queries, app: AllianceApplication, clock: SimClock
) -> None:
    today = clock.now.date()
    expected = {
        str(c.id)
        for a in demo
        for c in app.commitments(a.id)
        if c.status.value in OPEN and c.due_on is not None and c.due_on < today
    }
    board = queries.dashboard()
    assert board["overdue_commitments"] == len(expected) > 0
    assert {o["commitment_id"] for o in board["overdue"]} == expected


def test_meeting_cadence_counts_all_partner_meetings_of_the_last_12_months(
    demo: list, queries: Queries, clock: SimClock
) -> None:
    year_ago = clock.now.date() - timedelta(days=365)
    steering = [a for a in demo if a.step == 5 and not a.paused]
    below = {
        str(a.id)
        for a in steering
        if sum(
            1
            for m in a.meetings.values()
            if m.kind is MeetingKind.ALL_PARTNERS and m.held_on and m.held_on >= year_ago
        )
        < 2
    }
    cadence = queries.dashboard()["meeting_cadence"]
    assert cadence["in_step_5"] == len(steering)
    assert {a["id"] for a in cadence["alliances_below"]} == below


def test_days_per_step_and_six_dimension_averages(
    demo: list, queries: Queries, app: AllianceApplication
) -> None:
    board = queries.dashboard()
    first_step_days = []
    for a in demo:
        entered = a.created_on
        for e in app.events.get(a.id):
            if type(e).__name__ == "StepCompleted" and e.step == 1:
                first_step_days.append((e.timestamp - entered).total_seconds() / 86400)
    assert board["days_per_step"]["1"]["count"] == len(first_step_days)
    assert board["days_per_step"]["1"]["median"] == round(median(first_step_days), 1)
    assert sum(board["days_per_step"]["1"]["distribution"].values()) == len(first_step_days)
    latest = [a.self_assessments[-1].scores for a in demo if a.self_assessments]
    assert board["dimension_averages"]["wirkung"] == round(
        sum(s["wirkung"] for s in latest) / len(latest), 2
    )


def test_partner_mix_and_missing_sectors(demo: list, queries: Queries) -> None:
    board = queries.dashboard()
    assert board["partner_mix"] == dict(
        Counter(actor.sector.value for a in demo for actor in a.actors.values())
    )
    for a in demo:
        present = {actor.sector.value for actor in a.actors.values()}
        assert (
            set(board["missing_sectors"].get(str(a.id), []))
            == {"kommune", "unternehmen", "kammer", "arbeitsagentur", "freier_traeger", "kita"}
            - present
        )


def test_filters_by_state_and_status(demo: list, queries: Queries) -> None:
    board = queries.dashboard(state="Sachsen")
    saxony = [a for a in demo if a.state.value == "Sachsen"]
    assert board["alliances"] == len(saxony) > 0
    assert board["partner_mix"] == dict(
        Counter(x.sector.value for a in saxony for x in a.actors.values())
    )
    assert board["foundings_per_year"] == dict(
        Counter(str(a.founding.on.year) for a in saxony if a.founding)
    )
    dormant = queries.dashboard(status="dormant")
    assert dormant["days_per_step"]["1"]["count"] == sum(1 for a in demo if a.paused)
    assert queries.dashboard(status="dormant")["alliances"] == sum(a.paused for a in demo)
    with pytest.raises(InvalidInput, match="Bundesland"):
        queries.dashboard(state="Atlantis")
    with pytest.raises(InvalidInput, match="Erlaubt: active, dormant, dissolved"):
        queries.dashboard(status="schläft")


def test_an_alliance_without_activity_for_a_year_counts_as_dormant(
    demo: list, queries: Queries, clock: SimClock
) -> None:
    clock.advance(3 * 365)
    assert queries.dashboard()["per_status"]["dormant"] == len(demo)


def test_alliance_list_pages_through_everything_once(demo: list, queries: Queries) -> None:
    seen, cursor = [], None
    while True:
        items, cursor = queries.list_alliances(limit=5, after=cursor)
        seen += [i["id"] for i in items]
        if cursor is None:
            break
    assert sorted(seen) == sorted(str(a.id) for a in demo) and len(seen) == len(set(seen))
    items, _ = queries.list_alliances(step=5)
    assert {i["id"] for i in items} == {str(a.id) for a in demo if a.step == 5}
    with pytest.raises(InvalidInput, match="Cursor"):
        queries.list_alliances(after="kaputt")
    with pytest.raises(InvalidInput, match="Schritt 9"):
        queries.list_alliances(step=9)


def test_alliance_detail_shows_the_checklist_and_commitments(
    demo: list, queries: Queries, app: AllianceApplication
) -> None:
    for a in demo:
        detail = queries.alliance(a.id)
        assert detail["unmet"] == a.unmet_criteria(app.policy)
        assert detail["step"] == a.step
        assert {c["id"]: c["status"] for c in detail["commitments"]} == {
            str(c.id): c.status.value for c in app.commitments(a.id)
        }
        assert sum(len(v) for v in detail["actors_by_sector"].values()) == len(a.actors)
        assert {f["key"] for f in detail["follow_ups_sent"]} == set(a.follow_ups)
        assert all(
            f["status"] == "scheduled" and f["key"] not in a.follow_ups
            for f in detail["follow_ups_scheduled"]
        )
    assert any(queries.alliance(a.id)["follow_ups_scheduled"] for a in demo)
