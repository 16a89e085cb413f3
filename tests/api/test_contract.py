"""Walks every row of API.md over real HTTP against the real store."""

from __future__ import annotations

from uuid import UUID

from domain.dates import berlin
from tests.api.conftest import Api, is_problem
from tests.api.walk import ok, register, step_one
from tests.waiting import poll


def test_health_needs_no_token_and_reports_each_component_to_the_servicebuero(api: Api) -> None:
    with api.anonymous() as anon:
        # The projectors may still be setting up their tables right after start.
        body = poll(lambda: ok(anon.get("/health")), lambda b: b["status"] == "ok")
    assert body == {"status": "ok"}  # positions, addresses and errors are not for anyone
    with api.client("koordination", alliance="00000000-0000-0000-0000-000000000001") as coordinator:
        assert ok(coordinator.get("/health")) == {"status": "ok"}
    with api.client() as office:
        body = ok(office.get("/health"))
    assert body["components"]["event_store"]["state"] == "ok"
    assert "projector" in body["components"]


def test_openapi_document_lists_every_call(api: Api) -> None:
    with api.anonymous() as anon:
        paths = ok(anon.get("/openapi.json"))["paths"]
    for path in (
        "/api/v1/alliances",
        "/api/v1/alliances/{alliance_id}",
        "/api/v1/alliances/{alliance_id}/actors",
        "/api/v1/alliances/{alliance_id}/steps/{n}/complete",
        "/api/v1/dashboard",
        "/api/v1/audit/verify",
        "/api/v1/alliances/{alliance_id}/commitments/{commitment_id}/amend",
        "/health",
    ):
        assert path in paths


def test_every_call_of_the_contract_answers_as_written(api: Api) -> None:
    with api.client() as c:
        created = ok(
            c.post(
                "/api/v1/alliances",
                json={
                    "name": "Bündnis für Familie Lindau",
                    "municipality": "Lindau",
                    "state": "Bayern",
                },
            ),
            201,
        )
        assert created["step"] == 1 and created["status"] == "active"
        aid = created["id"]
        detail = ok(c.get(f"/api/v1/alliances/{aid}"))
        assert {"id", "name", "step", "status", "criteria", "version"} <= set(detail)
        assert detail["criteria"]["met"] is False and detail["criteria"]["unmet"]

        # Step 1: actors and contacts; then the step completes without a justification.
        actors = step_one(c, aid)
        assert ok(c.post(f"/api/v1/alliances/{aid}/steps/1/complete"))["step"] == 2

        # Step 2: the team, goals; completing too early is refused with the unmet criteria.
        refused = is_problem(c.post(f"/api/v1/alliances/{aid}/steps/2/complete", json={}), 409)
        assert refused["unmet"] and all(isinstance(t, str) for t in refused["unmet"])
        for actor in actors[:3]:
            ok(c.post(f"/api/v1/alliances/{aid}/team-members", json={"actor_id": actor}), 201)
        goal = ok(c.post(f"/api/v1/alliances/{aid}/goals", json={"text": "Ferienbetreuung sichern"}), 201)
        assert goal["id"]
        justified = ok(
            c.post(
                f"/api/v1/alliances/{aid}/steps/2/complete",
                json={"justification": "Liste weiterer Akteure folgt im Planungstreffen."},
            )
        )
        assert justified["step"] == 3

        # Step 3: the planning meeting and the action plan.
        meeting = ok(
            c.post(
                f"/api/v1/alliances/{aid}/meetings",
                json={"kind": "planning", "on": "2026-03-10", "title": "Planungsklausur"},
            ),
            201,
        )["id"]
        ok(
            c.post(
                f"/api/v1/alliances/{aid}/meetings/{meeting}/held",
                json={"attendee_ids": actors[:4], "minutes": "Aktionsplan entworfen."},
            )
        )
        project = ok(
            c.post(
                f"/api/v1/alliances/{aid}/action-plan",
                json={
                    "title": "Ferienbetreuung",
                    "theme": "verlässliche Kinderbetreuung",
                    "owner_id": actors[1],
                    "due_on": "2026-07-01",
                },
            ),
            201,
        )
        assert project["id"]
        assert (
            ok(
                c.post(
                    f"/api/v1/alliances/{aid}/steps/3/complete",
                    json={"justification": "Einladungen gehen mit der Gründung raus."},
                )
            )["step"]
            == 4
        )

        # Step 4: founding and joining the federal initiative meet the criterion.
        ok(
            c.post(
                f"/api/v1/alliances/{aid}/founding",
                json={
                    "on": "2026-05-08",
                    "symbolic_act": "Unterzeichnung der Deklaration",
                    "signatory_ids": actors[:3],
                },
            )
        )
        ok(c.post(f"/api/v1/alliances/{aid}/federal-initiative", json={"joined_on": "2026-05-20"}))
        assert ok(c.get(f"/api/v1/alliances/{aid}"))["criteria"] == {
            **ok(c.get(f"/api/v1/alliances/{aid}"))["criteria"],
            "met": True,
            "unmet": [],
        }
        assert ok(c.post(f"/api/v1/alliances/{aid}/steps/4/complete"))["step"] == 5

        # Step 5: working groups, commitments, self-assessment.
        group = ok(
            c.post(
                f"/api/v1/alliances/{aid}/working-groups",
                json={
                    "name": "AG Kinderbetreuung",
                    "theme": "verlässliche Kinderbetreuung",
                    "speaker_id": actors[2],
                },
            ),
            201,
        )
        assert group["id"]
        pledged = ok(
            c.post(
                f"/api/v1/alliances/{aid}/commitments",
                json={
                    "partner_id": actors[1],
                    "description": "Zuschuss Ferienbetreuung",
                    "kind": "geld",
                    "amount": "2500",
                    "unit": "EUR",
                    "due_on": "2026-09-30",
                },
            ),
            201,
        )
        assert pledged["status"] == "pledged"
        cid = pledged["id"]
        assert ok(c.post(f"/api/v1/alliances/{aid}/commitments/{cid}/confirm"))["status"] == "confirmed"
        assert (
            ok(
                c.post(
                    f"/api/v1/alliances/{aid}/commitments/{cid}/amend",
                    json={"amount": "3000", "reason": "Gemeinderat hat aufgestockt"},
                )
            )["status"]
            == "confirmed"
        )
        assert ok(c.post(f"/api/v1/alliances/{aid}/commitments/{cid}/fulfil"))["status"] == "fulfilled"
        second = ok(
            c.post(
                f"/api/v1/alliances/{aid}/commitments",
                json={
                    "partner_id": actors[3],
                    "description": "Räume für das Elterncafé",
                    "kind": "raeume",
                },
            ),
            201,
        )["id"]
        assert (
            ok(
                c.post(
                    f"/api/v1/alliances/{aid}/commitments/{second}/withdraw",
                    json={"reason": "Umbau des Gemeindehauses"},
                )
            )["status"]
            == "withdrawn"
        )
        ok(
            c.post(
                f"/api/v1/alliances/{aid}/self-assessments",
                json={
                    "on": "2026-06-01",
                    "scores": {
                        "wirkung": 3,
                        "sichtbarkeit": 4,
                        "verankerung": 2,
                        "zusammenarbeit": 5,
                        "kultur": 3,
                        "kooperation": 1,
                    },
                },
            ),
            201,
        )

        items = ok(c.get(f"/api/v1/alliances/{aid}/commitments"))["items"]
        assert {i["id"]: i["status"] for i in items} == {cid: "fulfilled", second: "withdrawn"}
        assert {"id", "partner_id", "description", "status", "due_on"} <= set(items[0])
        registered = api.application.registered_at(UUID(aid))
        then = ok(c.get(f"/api/v1/alliances/{aid}/commitments", params={"as_of": registered.isoformat()}))["items"]
        assert then == []
        day = berlin(api.application.clock()).date().isoformat()
        today = ok(c.get(f"/api/v1/alliances/{aid}/commitments", params={"as_of": day}))["items"]
        assert [i["status"] for i in today] == [i["status"] for i in items]

        follow = ok(c.get(f"/api/v1/alliances/{aid}/follow-ups"))["items"]
        assert follow and all({"rule", "due_at", "status"} <= set(f) for f in follow)
        assert {f["status"] for f in follow} <= {"scheduled", "sent"}
        assert any(f["rule"] == "meeting_cadence" for f in follow)


def test_lists_history_dashboard_and_audit_answer_as_written(api: Api) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis Passau")
        step_one(c, aid)
        listed = poll(
            lambda: ok(c.get("/api/v1/alliances", params={"state": "Bayern"})),
            lambda b: any(i["id"] == aid for i in b["items"]),
        )
        assert any(i["id"] == aid for i in listed["items"]) and "next" in listed
        history = poll(
            lambda: ok(c.get(f"/api/v1/alliances/{aid}/history"))["items"],
            lambda items: len(items) >= 12,
        )
        assert [h["position"] for h in history] == sorted(h["position"] for h in history)
        assert {"position", "at", "type", "by", "data"} <= set(history[0])
        board = poll(
            lambda: ok(c.get("/api/v1/dashboard")),
            lambda b: sum(b["alliances_per_step"].values()) >= 1,
        )
        assert set(board["alliances_per_step"]) == {"1", "2", "3", "4", "5"}
        assert {"overdue_commitments", "stalled_alliances"} <= set(board)
        audit = ok(c.get("/api/v1/audit/verify"))
        assert audit["ok"] is True and audit["events_checked"] >= 1, audit["problems"]


def test_pages_are_german_html(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        for path in ("/", f"/alliances/{aid}"):
            page = c.get(path)
            assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
            assert '<html lang="de"' in page.text


def test_alliance_page_names_who_each_follow_up_goes_to(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        page = c.get(f"/alliances/{aid}").text
        # A new alliance's step-1 stall reminder goes to the coordination, its escalation to the Servicebüro.
        assert "Schritt stockt (an Koordination)" in page
        assert "Eskalation an das Servicebüro (an Servicebüro)" in page
        assert "(an )" not in page


def test_same_idempotency_key_and_body_gives_the_same_answer_and_changes_nothing_twice(
    api: Api,
) -> None:
    with api.client() as c:
        aid = register(c)
        body = {"name": "Stadtwerke", "sector": "unternehmen"}
        first = c.post(f"/api/v1/alliances/{aid}/actors", json=body, headers={"Idempotency-Key": "k-1"})
        again = c.post(f"/api/v1/alliances/{aid}/actors", json=body, headers={"Idempotency-Key": "k-1"})
        assert first.status_code == again.status_code == 201 and first.json() == again.json()
        assert len(ok(c.get(f"/api/v1/alliances/{aid}"))["actors"]) == 1
        other = c.post(
            f"/api/v1/alliances/{aid}/actors",
            json={**body, "name": "Sparkasse"},
            headers={"Idempotency-Key": "k-1"},
        )
        assert "Idempotenzschlüssel" in is_problem(other, 409)["detail"]
        created = [
            c.post(
                "/api/v1/alliances",
                json={"name": "Bündnis Kempten", "municipality": "Kempten", "state": "Bayern"},
                headers={"Idempotency-Key": "reg"},
            )
            for _ in range(2)
        ]
        assert created[0].json() == created[1].json()


def test_a_write_is_read_back_at_once(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        for i in range(5):
            actor = ok(
                c.post(f"/api/v1/alliances/{aid}/actors", json={"name": f"Kita {i}", "sector": "kita"}),
                201,
            )
            assert actor["id"] in {a["id"] for a in ok(c.get(f"/api/v1/alliances/{aid}"))["actors"]}


def test_unknown_alliance_is_404_and_a_domain_rule_is_409(api: Api) -> None:
    with api.client() as c:
        is_problem(c.get("/api/v1/alliances/00000000-0000-4000-8000-000000000000"), 404)
        aid = register(c)
        body = is_problem(c.post(f"/api/v1/alliances/{aid}/steps/1/complete"), 409)
        assert len(body["unmet"]) == 3
        is_problem(c.post(f"/api/v1/alliances/{aid}/steps/5/complete"), 409)


def test_completing_a_step_with_a_stale_version_is_a_409_conflict(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        step_one(c, aid)
        version = ok(c.get(f"/api/v1/alliances/{aid}"))["version"]
        ok(c.post(f"/api/v1/alliances/{aid}/goals", json={"text": "Jemand anderes war schneller"}), 201)
        stale = is_problem(c.post(f"/api/v1/alliances/{aid}/steps/1/complete", headers={"If-Match": str(version)}), 409)
        assert "inzwischen" in stale["detail"]
        current = ok(c.get(f"/api/v1/alliances/{aid}"))["version"]
        done = c.post(f"/api/v1/alliances/{aid}/steps/1/complete", headers={"If-Match": str(current)})
        assert ok(done)["step"] == 2


def test_pages_escape_what_users_typed(api: Api) -> None:
    with api.client() as c:
        aid = register(c, "<script>alert('Bündnis')</script>")
        ok(
            c.post(f"/api/v1/alliances/{aid}/actors", json={"name": "<img src=x onerror=alert(1)>", "sector": "kita"}),
            201,
        )
        page = c.get(f"/alliances/{aid}").text
    assert "<script>alert(" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
