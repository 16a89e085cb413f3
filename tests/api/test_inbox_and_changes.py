"""Extensions of API.md: the caller's inbox and what changed in an alliance's commitments."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from tests.api.conftest import Api, is_problem
from tests.api.walk import ok, register, step_one
from tests.waiting import poll


def test_inbox_shows_each_role_what_was_sent_to_it(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        actors = step_one(c, aid)
    due = api.application.clock()
    api.application.record_alliance_follow_up(
        UUID(aid), key=f"stalled:{aid}", rule="step_stalled", subject_id=aid, recipients=["koordination"], due_at=due
    )
    api.application.record_alliance_follow_up(
        UUID(aid),
        key=f"escalation:{aid}",
        rule="step_stalled_escalation",
        subject_id=aid,
        recipients=["servicebuero"],
        due_at=due,
    )
    with api.client("koordination", alliance=aid) as coordinator:
        items = poll(lambda: ok(coordinator.get("/api/v1/inbox"))["items"], lambda i: len(i) >= 1)
        assert [i["rule"] for i in items] == ["step_stalled"], api.app.state.ctx.queries.status()
        is_problem(coordinator.get("/api/v1/inbox", params={"alliance": str(UUID(int=1))}), 403)
    with api.client() as office:
        items = poll(
            lambda: ok(office.get("/api/v1/inbox", params={"alliance": aid}))["items"], lambda i: len(i) >= 1
        )
        assert [i["rule"] for i in items] == ["step_stalled_escalation"]
    # A partner sees what went to its own organisation, never another partner's follow-up of the same
    # alliance (both recorded here, so the assertion has something that could leak).
    for actor, rule in ((actors[0], "commitment_due_soon"), (actors[1], "commitment_overdue")):
        api.application.record_alliance_follow_up(
            UUID(aid), key=f"{rule}:{actor}", rule=rule, subject_id=None, recipients=[f"partner:{actor}"], due_at=due
        )
    with api.client("partner", alliance=aid, partner=actors[0]) as partner:
        items = poll(lambda: ok(partner.get("/api/v1/inbox"))["items"], lambda i: len(i) >= 1)
        assert [i["rule"] for i in items] == ["commitment_due_soon"]
    with api.client("partner", alliance=aid, partner=actors[1]) as other:
        items = poll(lambda: ok(other.get("/api/v1/inbox"))["items"], lambda i: len(i) >= 1)
        assert [i["rule"] for i in items] == ["commitment_overdue"]
    with api.client("koordination", alliance=aid) as coordinator:
        assert [i["rule"] for i in ok(coordinator.get("/api/v1/inbox"))["items"]] == ["step_stalled"]


def test_commitment_changes_between_two_moments(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        actors = step_one(c, aid)
        cid = ok(
            c.post(
                f"/api/v1/alliances/{aid}/commitments",
                json={"partner_id": actors[0], "description": "Räume", "kind": "raeume"},
            ),
            201,
        )["id"]
        between = api.application.clock()
        ok(c.post(f"/api/v1/alliances/{aid}/commitments/{cid}/confirm"))
        until = (api.application.clock() + timedelta(seconds=1)).isoformat()
        answer = poll(
            lambda: c.get(
                f"/api/v1/alliances/{aid}/commitments-changes", params={"since": between.isoformat(), "until": until}
            ),
            lambda r: r.status_code == 200 and bool(r.json()["changed"]),
        )
        diff = ok(answer)
        assert diff["changed"][0]["id"] == cid
        assert diff["changed"][0]["changes"]["status"] == {"before": "pledged", "after": "confirmed"}
        is_problem(c.get(f"/api/v1/alliances/{aid}/commitments-changes", params={"since": until}), 422)
