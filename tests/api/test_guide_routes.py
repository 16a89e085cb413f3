"""Every command of the guide over HTTP: each route's happy path, a role that may not, a rule that says no
(409 problem+json with the German reason), and ids of another alliance answered 404."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import httpx

from tests.api.conftest import Api, is_problem
from tests.api.walk import ok
from tests.builders import BY, Given, alliance_in_step
from tests.unreadable import assert_unreadable
from tests.waiting import poll


def given(api: Api, step: int) -> tuple[Given, str, list[str]]:
    g = alliance_in_step(api.application, step)
    return g, str(g.alliance_id), [str(a) for a in g.actors]


def conflict(response: httpx.Response, words: str) -> dict[str, Any]:
    body = is_problem(response, 409)
    assert words in body["detail"], body
    return body


def test_reopen_pause_resume_dissolve_and_the_legal_form(api: Api) -> None:
    g, aid, actors = given(api, 3)
    base = f"/api/v1/alliances/{aid}"
    with api.client("koordination", alliance=aid) as coordinator, \
            api.client("partner", alliance=aid, partner=actors[0]) as partner, \
            api.client("koordination", alliance=uuid4()) as stranger:
        is_problem(partner.post(f"{base}/steps/2/reopen", json={"reason": "Team neu aufstellen"}), 403)
        conflict(coordinator.post(f"{base}/steps/3/reopen", json={"reason": "x"}), "nicht abgeschlossen")
        assert ok(coordinator.post(f"{base}/steps/2/reopen", json={"reason": "Team neu aufstellen"})) == {"step": 2}

        is_problem(partner.post(f"{base}/pause"), 403)
        assert ok(coordinator.post(f"{base}/pause", json={"reason": "Elternzeit"})) == {"status": "dormant"}
        conflict(coordinator.post(f"{base}/pause"), "ruht bereits")
        conflict(coordinator.post(f"{base}/steps/2/complete"), "ruht")
        assert ok(coordinator.post(f"{base}/resume")) == {"status": "active"}
        conflict(coordinator.post(f"{base}/resume"), "aktiv")

        is_problem(partner.put(f"{base}/legal-form", json={"legal_form": "ev"}), 403)
        assert ok(coordinator.put(f"{base}/legal-form", json={"legal_form": "ev"})) == {"legal_form": "ev"}
        conflict(coordinator.put(f"{base}/legal-form", json={"legal_form": "ev"}), "bereits")
        is_problem(coordinator.put(f"{base}/legal-form", json={"legal_form": "gmbh"}), 422)

        is_problem(stranger.post(f"{base}/dissolve", json={"reason": "x"}), 403)
        is_problem(coordinator.post(f"{base}/dissolve", json={}), 422)
        assert ok(coordinator.post(f"{base}/dissolve", json={"reason": "keine Aktiven mehr"})) == {
            "status": "dissolved"}
        conflict(coordinator.post(f"{base}/pause"), "aufgelöst")
        assert ok(coordinator.get(base))["status"] == "dissolved"
    with api.client() as office:
        is_problem(office.post(f"/api/v1/alliances/{uuid4()}/pause"), 404)
    del g


def test_candidates_team_and_contact_persons_whose_erasure_leaves_nothing_readable(api: Api) -> None:
    g, aid, actors = given(api, 3)
    _, other, _ = given(api, 1)
    base = f"/api/v1/alliances/{aid}"
    with api.client("koordination", alliance=aid) as coordinator, \
            api.client("partner", alliance=aid, partner=actors[0]) as partner:
        is_problem(partner.post(f"{base}/candidates", json={"name": "VHS", "sector": "sonstige"}), 403)
        vhs = {"name": "VHS Jena", "sector": "sonstige"}
        candidate = ok(coordinator.post(f"{base}/candidates", json=vhs), 201)["id"]
        assert ok(coordinator.post(f"{base}/candidates/{candidate}/invitation", json={"on": "2026-04-10"})) == {
            "id": candidate, "invited_on": "2026-04-10"}
        is_problem(coordinator.post(f"{base}/candidates/{uuid4()}/invitation", json={"on": "2026-04-10"}), 404)
        is_problem(coordinator.post(f"{base}/candidates/{candidate}/invitation", json={"on": 20260410}), 422)

        is_problem(partner.delete(f"{base}/team-members/{actors[2]}"), 403)
        removed = coordinator.delete(f"{base}/team-members/{actors[2]}", params={"reason": "keine Zeit"})
        assert removed.status_code == 204 and removed.content == b""
        conflict(coordinator.delete(f"{base}/team-members/{actors[2]}"), "gehört nicht zum Bündnisteam")
        is_problem(coordinator.delete(f"{base}/team-members/{uuid4()}"), 404)
        assert actors[2] not in ok(coordinator.get(base))["team"]

        person = {"name": "Paula Berger", "email": "p.berger@example.org", "phone": "0561 1234", "role": "Leitung"}
        is_problem(partner.post(f"{base}/actors/{actors[0]}/contact-persons", json=person), 403)
        is_problem(coordinator.post(f"{base}/actors/{actors[0]}/contact-persons", json={**person, "email": "x"}), 422)
        pid = ok(coordinator.post(f"{base}/actors/{actors[0]}/contact-persons", json=person), 201)["id"]
        assert ok(coordinator.get(f"{base}/contact-persons/{pid}")) == {
            "id": pid, "actor_id": actors[0], "erased": False, **person}
        is_problem(partner.get(f"{base}/contact-persons/{pid}"), 403)

        is_problem(coordinator.post(f"{base}/contact-persons/{pid}/erasure", json={"reason_code": "lust"}), 422)
        is_problem(partner.post(f"{base}/contact-persons/{pid}/erasure", json={"reason_code": "loeschbitte"}), 403)
        is_problem(coordinator.post(f"{base}/contact-persons/{uuid4()}/erasure", json={"reason_code": "loeschbitte"}),
                   404)
        assert ok(coordinator.post(f"{base}/contact-persons/{pid}/erasure", json={"reason_code": "loeschbitte"})) == {
            "id": pid, "erased": True}

        gone = {"id": pid, "actor_id": actors[0], "erased": True, "name": None, "email": None, "phone": None,
                "role": None}
        assert ok(coordinator.get(f"{base}/contact-persons/{pid}")) == gone
        assert ok(coordinator.get(f"{base}/contact-persons"))["items"] == [gone]
        everywhere = [coordinator.get(base).text, coordinator.get(f"{base}/follow-ups").text,
                      poll(lambda: coordinator.get(f"{base}/history").text,
                               lambda text: "Löschbitte" in text, timeout=20)]
        # The whole phone number: its prefix "0561" turned up in the page's hex ids by chance.
        assert_unreadable(("Paula", "Berger", "p.berger", "0561 1234"), everywhere)
    with api.client("koordination", alliance=other) as foreign:
        is_problem(foreign.get(f"/api/v1/alliances/{other}/contact-persons/{pid}"), 404)
    del g


def test_meetings_minutes_invitations_action_items_and_the_commitment_of_their_owner(api: Api) -> None:
    g, aid, actors = given(api, 3)
    base = f"/api/v1/alliances/{aid}"
    with api.client("koordination", alliance=aid) as coordinator, \
            api.client("partner", alliance=aid, partner=actors[1]) as owner, \
            api.client("partner", alliance=aid, partner=actors[2]) as other_partner:
        meeting = ok(coordinator.post(f"{base}/meetings", json={"kind": "team", "on": "2026-05-04",
                                                                "title": "Teamtreffen Mai"}), 201)["id"]
        conflict(coordinator.post(f"{base}/meetings/{meeting}/minutes", json={"text": "Räume"}),
                 "erst nach dem Treffen")
        ok(coordinator.post(f"{base}/meetings/{meeting}/held", json={"attendee_ids": actors[:3]}))
        is_problem(owner.post(f"{base}/meetings/{meeting}/minutes", json={"text": "x"}), 403)
        assert ok(coordinator.post(f"{base}/meetings/{meeting}/minutes", json={"text": "Aufgaben verteilt."})) == {
            "meeting_id": meeting, "minutes": True}

        assert ok(coordinator.post(f"{base}/meetings/{meeting}/invitations", json={"actor_ids": actors[3:5]})) == {
            "meeting_id": meeting, "invited": actors[3:5]}
        conflict(coordinator.post(f"{base}/meetings/{meeting}/invitations", json={"actor_ids": actors[3:4]}),
                 "bereits eingeladen")
        is_problem(coordinator.post(f"{base}/meetings/{meeting}/invitations", json={"actor_ids": [str(uuid4())]}), 422)

        item = {"text": "Räume für die Ferienbetreuung stellen", "owner_id": actors[1], "due_on": "2026-07-01"}
        is_problem(owner.post(f"{base}/meetings/{meeting}/action-items", json=item), 403)
        is_problem(coordinator.post(f"{base}/meetings/{meeting}/action-items", json={**item, "owner_id": str(uuid4())}),
                   422)
        is_problem(coordinator.post(f"{base}/meetings/{uuid4()}/action-items", json=item), 404)
        iid = ok(coordinator.post(f"{base}/meetings/{meeting}/action-items", json=item), 201)["id"]
        loose = ok(coordinator.post(f"{base}/meetings/{meeting}/action-items", json={"text": "Flyer"}), 201)["id"]
        todo = ok(coordinator.post(f"{base}/meetings/{meeting}/action-items", json={"text": "Protokoll"}), 201)["id"]

        is_problem(other_partner.post(f"{base}/action-items/{iid}/commitment", json={"kind": "raeume"}), 403)
        conflict(coordinator.post(f"{base}/action-items/{loose}/commitment", json={"kind": "raeume"}),
                 "keine verantwortliche Organisation")
        created = ok(owner.post(f"{base}/action-items/{iid}/commitment",
                                json={"kind": "raeume", "amount": "2", "unit": "Räume"}), 201)
        assert {k: created[k] for k in ("status", "partner_id", "due_on", "action_item_id")} == {
            "status": "pledged", "partner_id": actors[1], "due_on": "2026-07-01", "action_item_id": iid}
        conflict(coordinator.post(f"{base}/action-items/{iid}/commitment", json={"kind": "raeume"}),
                 "bereits eine Zusage")
        commitment = ok(coordinator.get(f"{base}/commitments/{created['id']}"))
        assert (commitment["partner_id"], commitment["action_item_id"]) == (actors[1], iid)
        (shown,) = [m for m in ok(coordinator.get(base))["meetings"] if m["id"] == meeting]
        assert {i["id"]: i["commitment_id"] for i in shown["action_items"]} == {
            iid: created["id"], loose: None, todo: None}
        assert shown["invited"] == actors[3:5]

        is_problem(owner.post(f"{base}/action-items/{todo}/done"), 403)
        assert ok(coordinator.post(f"{base}/action-items/{todo}/done")) == {"id": todo, "done": True}
        conflict(coordinator.post(f"{base}/action-items/{todo}/done"), "bereits erledigt")
        is_problem(coordinator.post(f"{base}/action-items/{uuid4()}/done"), 404)
    del g


def test_action_plan_signatures_groups_steering_press_work_and_anchoring(api: Api) -> None:
    g, aid, actors = given(api, 5)
    _, other, other_actors = given(api, 5)
    app = api.application
    base = f"/api/v1/alliances/{aid}"
    project = str(next(iter(app.get_alliance(g.alliance_id).projects)))
    group = str(app.form_working_group(g.alliance_id, name="AG Betreuung", theme="Betreuung", by=BY))
    with api.client("koordination", alliance=aid) as coordinator, \
            api.client("partner", alliance=aid, partner=actors[0]) as partner:
        is_problem(partner.patch(f"{base}/action-plan/{project}", json={"status": "running"}), 403)
        assert ok(coordinator.patch(f"{base}/action-plan/{project}", json={"status": "running"})) == {
            "id": project, "status": "running"}
        conflict(coordinator.patch(f"{base}/action-plan/{project}", json={"status": "running"}), "bereits den Status")
        is_problem(coordinator.patch(f"{base}/action-plan/{project}", json={"status": "fertig"}), 422)

        is_problem(partner.post(f"{base}/signatures", json={"actor_id": actors[5], "on": "2028-03-01"}), 403)
        assert ok(coordinator.post(f"{base}/signatures", json={"actor_id": actors[5], "on": "2028-03-01"}), 201) == {
            "actor_id": actors[5], "on": "2028-03-01"}
        conflict(coordinator.post(f"{base}/signatures", json={"actor_id": actors[5], "on": "2028-04-01"}),
                 "bereits unterzeichnet")
        is_problem(coordinator.post(f"{base}/signatures", json={"actor_id": actors[4], "on": "2020-01-01"}), 422)
        is_problem(coordinator.post(f"{base}/signatures", json={"actor_id": other_actors[4], "on": "2028-01-01"}), 422)

        is_problem(partner.post(f"{base}/working-groups/{group}/speaker", json={"actor_id": actors[2]}), 403)
        assert ok(coordinator.post(f"{base}/working-groups/{group}/speaker", json={"actor_id": actors[2]})) == {
            "id": group, "speaker_id": actors[2]}
        conflict(coordinator.post(f"{base}/working-groups/{group}/speaker", json={"actor_id": actors[2]}), "bereits")
        assert ok(coordinator.post(f"{base}/working-groups/{group}/members", json={"actor_id": actors[3]})) == {
            "id": group, "member_ids": [actors[3]]}
        conflict(coordinator.post(f"{base}/working-groups/{group}/members", json={"actor_id": actors[3]}),
                 "arbeitet bereits")
        is_problem(coordinator.post(f"{base}/working-groups/{uuid4()}/members", json={"actor_id": actors[3]}), 404)

        is_problem(partner.put(f"{base}/steering-group", json={"actor_ids": actors[:2]}), 403)
        is_problem(coordinator.put(f"{base}/steering-group", json={"actor_ids": []}), 422)
        assert ok(coordinator.put(f"{base}/steering-group", json={"actor_ids": actors[:2], "reason": "gewählt"})) == {
            "member_ids": actors[:2]}

        press = {"on": "2028-02-01", "title": "Pressemitteilung Ferienbetreuung", "medium": "Thüringer Allgemeine"}
        is_problem(partner.post(f"{base}/publicity", json=press), 403)
        ok(coordinator.post(f"{base}/publicity", json=press), 201)
        conflict(coordinator.post(f"{base}/publicity", json=press), "bereits erfasst")
        body = {"kind": "gremium", "name": "Jugendhilfeausschuss", "since": "2027-01-01"}
        ok(coordinator.post(f"{base}/anchorings", json=body), 201)
        conflict(coordinator.post(f"{base}/anchorings", json=body), "bereits erfasst")
        is_problem(coordinator.post(f"{base}/anchorings", json={**body, "kind": "verein"}), 422)

        detail = ok(coordinator.get(base))
        check = detail["criteria"]
        assert (check["kind"], check["blocking"]) == ("network_check", False)
        codes = {c["code"]: c["met"] for c in check["checklist"]}
        assert codes["steering_group"] and codes["speakers"] and codes["quick_wins"] and codes["anchoring"]
        assert [p["title"] for p in detail["publicity"]] == [press["title"]]
    with api.client("koordination", alliance=other) as foreign:
        is_problem(foreign.patch(f"/api/v1/alliances/{other}/action-plan/{project}", json={"status": "done"}), 404)
        is_problem(foreign.post(f"/api/v1/alliances/{other}/working-groups/{group}/speaker",
                                json={"actor_id": other_actors[0]}), 404)


def test_progress_on_ones_own_commitment_and_who_may_pledge(api: Api) -> None:
    g, aid, actors = given(api, 2)
    app = api.application
    base = f"/api/v1/alliances/{aid}"
    app.record_contact(g.alliance_id, actor_id=UUID(actors[5]), on=date(2026, 3, 1), outcome="not_interested", by=BY)
    with api.client("koordination", alliance=aid) as coordinator, \
            api.client("partner", alliance=aid, partner=actors[1]) as mine, \
            api.client("partner", alliance=aid, partner=actors[2]) as theirs:
        refused = conflict(coordinator.post(f"{base}/commitments", json={
            "partner_id": actors[5], "description": "Spende", "kind": "geld"}), "abgesagt")
        assert "01.03.2026" in refused["detail"]
        cid = ok(mine.post(f"{base}/commitments", json={
            "partner_id": actors[1], "description": "Zuschuss Ferienbetreuung", "kind": "geld", "amount": "2500",
            "unit": "EUR"}), 201)["id"]
        progress = {"on": "2026-06-01", "text": "Die Hälfte ist überwiesen.", "amount": "1250", "percent": 50}
        is_problem(theirs.post(f"{base}/commitments/{cid}/progress", json=progress), 403)
        is_problem(mine.post(f"{base}/commitments/{cid}/progress", json={**progress, "percent": 120}), 422)
        assert ok(mine.post(f"{base}/commitments/{cid}/progress", json=progress), 201) == {
            "commitment_id": cid, **progress}
        assert ok(coordinator.get(f"{base}/commitments/{cid}"))["progress"] == [
            {"on": "2026-06-01", "text": "Die Hälfte ist überwiesen.", "percent": 50, "amount": "1250"}]
        ok(coordinator.post(f"{base}/commitments/{cid}/withdraw", json={"reason": "Haushaltssperre"}))
        conflict(mine.post(f"{base}/commitments/{cid}/progress", json=progress), "zurückgezogen")
        is_problem(coordinator.post(f"{base}/commitments/{uuid4()}/progress", json=progress), 404)


def test_a_declaration_is_said_not_guessed_and_the_dashboard_shows_funnel_and_netzwerk_check(api: Api) -> None:
    g, aid, actors = given(api, 4)
    base = f"/api/v1/alliances/{aid}"
    with api.client("koordination", alliance=aid) as coordinator:
        is_problem(coordinator.post(f"{base}/founding", json={
            "on": "2026-06-01", "symbolic_act": "Charta", "signatory_ids": actors[:2], "declaration": False}), 422)
        ok(coordinator.post(f"{base}/founding", json={
            "on": "2026-06-01", "symbolic_act": "Charta für Familienfreundlichkeit", "signatory_ids": [],
            "declaration": True}))
        ok(coordinator.post(f"{base}/federal-initiative", json={"joined_on": "2026-06-15"}))
        detail = ok(coordinator.get(base))
        assert detail["founding"]["declaration"] and detail["declaration"]
        assert detail["criteria"]["unmet"] == ["Deklaration von Partnern unterzeichnet"]
        assert detail["criteria"]["blocking"]
    with api.client() as office:
        board = poll(lambda: ok(office.get("/api/v1/dashboard")),
                         lambda b: sum(b["alliances_per_step"].values()) >= 1, timeout=20)
        assert [f["step"] for f in board["funnel"]] == [1, 2, 3, 4, 5]
        assert set(board["drop_outs"]) == {"dormant", "dissolved"}
        assert {c["code"] for c in board["network_check"]["criteria"]} >= {"steering_group", "publicity"}
    del g
