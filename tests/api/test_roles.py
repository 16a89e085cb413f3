"""Who may do what: koordination is bound to one alliance, a partner to its own commitments."""

from __future__ import annotations

from tests.api.conftest import Api, is_problem
from tests.api.walk import ok, register, step_one


def test_koordination_of_alliance_a_gets_403_on_alliance_b(api: Api) -> None:
    with api.client() as office:
        a, b = register(office, "Bündnis A"), register(office, "Bündnis B")
    with api.client("koordination", alliance=a) as coordinator:
        assert ok(coordinator.get(f"/api/v1/alliances/{a}"))["id"] == a
        ok(
            coordinator.post(f"/api/v1/alliances/{a}/actors", json={"name": "Kita", "sector": "kita"}),
            201,
        )
        is_problem(coordinator.get(f"/api/v1/alliances/{b}"), 403)
        is_problem(
            coordinator.post(f"/api/v1/alliances/{b}/actors", json={"name": "Kita", "sector": "kita"}),
            403,
        )
        is_problem(coordinator.get(f"/api/v1/alliances/{b}/commitments"), 403)
        is_problem(coordinator.get(f"/api/v1/alliances/{b}/follow-ups"), 403)
        is_problem(coordinator.post(f"/api/v1/alliances/{b}/steps/1/complete"), 403)
        # The fleet views and registering alliances are the Servicebüro's.
        is_problem(coordinator.get("/api/v1/dashboard"), 403)
        is_problem(coordinator.get("/api/v1/alliances"), 403)
        is_problem(coordinator.get("/api/v1/audit/verify"), 403)
        is_problem(
            coordinator.post("/api/v1/alliances", json={"name": "X", "municipality": "Y", "state": "Bayern"}),
            403,
        )
    with api.client() as office:
        assert ok(office.get(f"/api/v1/alliances/{b}"))["actors"] == []


def test_partner_cannot_touch_another_partners_commitments(api: Api) -> None:
    with api.client() as office:
        aid = register(office)
        actors = step_one(office, aid)
        mine = ok(
            office.post(
                f"/api/v1/alliances/{aid}/commitments",
                json={"partner_id": actors[0], "description": "Räume", "kind": "raeume"},
            ),
            201,
        )["id"]
        theirs = ok(
            office.post(
                f"/api/v1/alliances/{aid}/commitments",
                json={"partner_id": actors[1], "description": "Geld", "kind": "geld"},
            ),
            201,
        )["id"]
    with api.client("partner", alliance=aid, partner=actors[0]) as partner:
        assert ok(partner.post(f"/api/v1/alliances/{aid}/commitments/{mine}/confirm"))["status"] == "confirmed"
        for action, body in (
            ("confirm", None),
            ("fulfil", None),
            ("withdraw", {"reason": "egal"}),
            ("amend", {"reason": "x", "description": "weniger Geld"}),
        ):
            is_problem(
                partner.post(f"/api/v1/alliances/{aid}/commitments/{theirs}/{action}", json=body),
                403,
            )
        is_problem(
            partner.post(
                f"/api/v1/alliances/{aid}/commitments",
                json={"partner_id": actors[1], "description": "Fremde Zusage", "kind": "geld"},
            ),
            403,
        )
        ok(
            partner.post(
                f"/api/v1/alliances/{aid}/commitments",
                json={"partner_id": actors[0], "description": "Noch mehr Räume", "kind": "raeume"},
            ),
            201,
        )
        # A partner reads its alliance, but does not run it.
        assert ok(partner.get(f"/api/v1/alliances/{aid}"))["id"] == aid
        is_problem(
            partner.post(f"/api/v1/alliances/{aid}/actors", json={"name": "Neu", "sector": "kita"}),
            403,
        )
        is_problem(partner.post(f"/api/v1/alliances/{aid}/steps/1/complete"), 403)
    with api.client() as office:
        statuses = {i["id"]: i["status"] for i in ok(office.get(f"/api/v1/alliances/{aid}/commitments"))["items"]}
        assert statuses[theirs] == "pledged" and statuses[mine] == "confirmed"


def test_partner_of_one_alliance_cannot_read_another(api: Api) -> None:
    with api.client() as office:
        a, b = register(office, "Bündnis A"), register(office, "Bündnis B")
        actor = ok(
            office.post(f"/api/v1/alliances/{a}/actors", json={"name": "Kita", "sector": "kita"}),
            201,
        )["id"]
    with api.client("partner", alliance=a, partner=actor) as partner:
        is_problem(partner.get(f"/api/v1/alliances/{b}"), 403)
        is_problem(partner.get(f"/api/v1/alliances/{b}/commitments"), 403)
