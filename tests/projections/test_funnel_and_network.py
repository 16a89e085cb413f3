"""The dashboard's funnel with its drop-outs, and step 5's Netzwerk-Check counted over the alliances."""

from __future__ import annotations

from datetime import date, timedelta

from domain.application import AllianceApplication
from projections.queries import Queries
from projections.store import ProjectionStore
from tests.builders import BY, alliance_in_step
from tests.projections.conftest import catch_up
from workers.demo import SimClock


def test_dissolved_and_dormant_alliances_are_drop_outs_of_the_step_they_left(
    app: AllianceApplication, store: ProjectionStore, queries: Queries
) -> None:
    on_the_way = alliance_in_step(app, 2)
    resting = alliance_in_step(app, 2)
    app.pause(resting.alliance_id, reason="Elternzeit", by=BY)
    ended = alliance_in_step(app, 3)
    app.dissolve(ended.alliance_id, reason="keine Aktiven mehr", by=BY)
    del on_the_way
    catch_up(app, store)

    board = queries.dashboard()

    assert board["alliances_per_step"] == {"1": 0, "2": 2, "3": 0, "4": 0, "5": 0}
    assert board["drop_outs"] == {"dormant": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0},
                                  "dissolved": {"1": 0, "2": 0, "3": 1, "4": 0, "5": 0}}
    by_step = {f["step"]: f for f in board["funnel"]}
    assert (by_step[2]["active"], by_step[2]["dormant"], by_step[3]["dissolved"]) == (1, 1, 1)
    assert [by_step[s]["reached"] for s in range(1, 6)] == [3, 3, 1, 0, 0]
    assert queries.dashboard(status="dissolved")["alliances_per_step"]["3"] == 1


def test_the_netzwerk_check_is_counted_over_the_alliances_in_step_5(
    app: AllianceApplication, store: ProjectionStore, queries: Queries, clock: SimClock
) -> None:
    healthy = alliance_in_step(app, 5)
    aid = healthy.alliance_id
    today = clock.now.date()
    group = app.form_working_group(aid, name="AG Betreuung", theme="Betreuung", speaker_id=healthy.actors[0], by=BY)
    app.join_working_group(aid, group, actor_id=healthy.actors[3], by=BY)
    app.join_working_group(aid, group, actor_id=healthy.actors[4], by=BY)
    app.set_steering_group(aid, member_ids=healthy.actors[:2], by=BY)
    project = next(iter(app.get_alliance(aid).projects))
    app.change_project_status(aid, project, status="running", by=BY)  # type: ignore[arg-type]
    for months_ago in (2, 8):
        meeting = app.schedule_meeting(aid, kind="all_partners", on=today - timedelta(days=30 * months_ago),
                                       title=f"Bündnistreffen vor {months_ago} Monaten", by=BY)
        app.hold_meeting(aid, meeting, attendee_ids=healthy.actors[:5], by=BY)
    app.record_publicity(aid, on=today - timedelta(days=20), title="Pressemitteilung", by=BY)
    app.record_anchoring(aid, kind="gremium", name="Jugendhilfeausschuss", since=date(2020, 1, 1), by=BY)
    bare = alliance_in_step(app, 5)
    alliance_in_step(app, 4)
    catch_up(app, store)

    check = queries.dashboard()["network_check"]

    assert (check["in_step_5"], check["checked"], check["all_met"]) == (2, 2, 1)
    unmet = {c["code"]: c["unmet"] for c in check["criteria"]}
    assert unmet["steering_group"] == unmet["anchoring"] == unmet["publicity"] == 1
    assert unmet["speakers"] == 0
    assert [a["id"] for a in check["alliances"]] == [str(bare.alliance_id)]
