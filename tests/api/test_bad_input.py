"""Bad input gets 400, 413 or 422 with a German detail; never a 500, never a half-written change."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.auth import issue_token
from tests.api.conftest import SECRET, Api, is_problem
from tests.api.test_hostile_text import _resolve, _value
from tests.api.walk import ok, register, step_one


def events_of(api: Api) -> int:
    return api.application.recorder.max_notification_id() or 0


def test_malformed_json_is_400_and_changes_nothing(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        before = events_of(api)
        body = is_problem(
            c.post(
                f"/api/v1/alliances/{aid}/actors",
                content=b'{"name": "Kita",',
                headers={"Content-Type": "application/json"},
            ),
            400,
        )
        assert "JSON" in body["detail"]
        is_problem(
            c.post(
                f"/api/v1/alliances/{aid}/actors",
                content=b"[1, 2]",
                headers={"Content-Type": "application/json"},
            ),
            400,
        )
        is_problem(c.post(f"/api/v1/alliances/{aid}/actors"), 400)
        assert events_of(api) == before


def test_wrong_types_and_unknown_fields_are_422_in_german(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        wrong = is_problem(c.post(f"/api/v1/alliances/{aid}/actors", json={"name": 5, "sector": "kita"}), 422)
        assert "muss ein Text sein" in wrong["detail"]
        extra = is_problem(
            c.post(
                f"/api/v1/alliances/{aid}/actors",
                json={"name": "Kita", "sector": "kita", "admin": True},
            ),
            422,
        )
        assert "unbekannt" in extra["detail"] and extra["errors"][0]["field"] == "admin"
        missing = is_problem(c.post("/api/v1/alliances", json={"name": "Bündnis"}), 422)
        assert "fehlt" in missing["detail"]
        score = is_problem(
            c.post(
                f"/api/v1/alliances/{aid}/self-assessments",
                json={
                    "on": "2026-06-01",
                    "scores": {
                        "wirkung": "3",
                        "sichtbarkeit": 4,
                        "verankerung": 7,
                        "zusammenarbeit": 5,
                        "kultur": 3,
                        "kooperation": 1,
                    },
                },
            ),
            422,
        )
        assert {e["field"] for e in score["errors"]} == {"scores.wirkung", "scores.verankerung"}
        blank = is_problem(c.post(f"/api/v1/alliances/{aid}/goals", json={"text": "   "}), 422)
        assert "darf nicht leer sein" in blank["detail"]


def test_impossible_dates_and_unknown_codes_are_422(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        actor = ok(c.post(f"/api/v1/alliances/{aid}/actors", json={"name": "Kita", "sector": "kita"}), 201)["id"]
        date = is_problem(
            c.post(
                f"/api/v1/alliances/{aid}/contacts",
                json={"actor_id": actor, "on": "2026-02-30", "outcome": "interested"},
            ),
            422,
        )
        assert "kein gültiges Datum" in date["detail"]
        outcome = is_problem(
            c.post(
                f"/api/v1/alliances/{aid}/contacts",
                json={"actor_id": actor, "on": "2026-02-01", "outcome": "maybe"},
            ),
            422,
        )
        assert "Erlaubt" in outcome["detail"] and "interested" in outcome["detail"]
        sector = is_problem(c.post(f"/api/v1/alliances/{aid}/actors", json={"name": "Bank", "sector": "bank"}), 422)
        assert "kommune" in sector["detail"]
        state = is_problem(
            c.post("/api/v1/alliances", json={"name": "B", "municipality": "M", "state": "Bavaria"}),
            422,
        )
        assert "Bayern" in state["detail"]
        order = is_problem(
            c.post(
                f"/api/v1/alliances/{aid}/contacts",
                json={
                    "actor_id": actor,
                    "on": "2026-02-01",
                    "outcome": "interested",
                    "follow_up_on": "2026-01-01",
                },
            ),
            422,
        )
        assert "vor dem Gespräch" in order["detail"]
        is_problem(c.get(f"/api/v1/alliances/{aid}/commitments", params={"as_of": "gestern"}), 422)
        is_problem(c.get(f"/api/v1/alliances/{aid}/commitments", params={"as_of": "2026-13-01"}), 422)
        naive = is_problem(
            c.get(f"/api/v1/alliances/{aid}/commitments", params={"as_of": "2026-03-01T12:00:00"}),
            422,
        )
        assert "Zeitzone" in naive["detail"]
        early = is_problem(c.get(f"/api/v1/alliances/{aid}/commitments", params={"as_of": "1990-01-01"}), 422)
        assert "noch nicht" in early["detail"]
        is_problem(c.get("/api/v1/alliances/kein-uuid"), 422)
        is_problem(c.post(f"/api/v1/alliances/{aid}/steps/9/complete"), 422)
        is_problem(c.post(f"/api/v1/alliances/{aid}/steps/99999999999999999999999/complete"), 422)


def test_ids_of_another_alliance_are_refused(api: Api) -> None:
    with api.client() as c:
        a, b = register(c, "Bündnis A"), register(c, "Bündnis B")
        foreign = ok(c.post(f"/api/v1/alliances/{b}/actors", json={"name": "Kita B", "sector": "kita"}), 201)["id"]
        before = events_of(api)
        body = is_problem(
            c.post(
                f"/api/v1/alliances/{a}/contacts",
                json={"actor_id": foreign, "on": "2026-01-10", "outcome": "interested"},
            ),
            422,
        )
        assert "gehört nicht zu diesem Bündnis" in body["detail"]
        is_problem(
            c.post(
                f"/api/v1/alliances/{a}/commitments",
                json={"partner_id": foreign, "description": "Räume", "kind": "raeume"},
            ),
            422,
        )
        is_problem(c.post(f"/api/v1/alliances/{a}/team-members", json={"actor_id": foreign}), 422)
        assert events_of(api) == before
        cid = ok(
            c.post(
                f"/api/v1/alliances/{b}/commitments",
                json={"partner_id": foreign, "description": "Räume", "kind": "raeume"},
            ),
            201,
        )["id"]
        is_problem(c.post(f"/api/v1/alliances/{a}/commitments/{cid}/confirm"), 404)
        assert ok(c.get(f"/api/v1/alliances/{b}/commitments/{cid}"))["status"] == "pledged"


def test_bodies_over_one_megabyte_are_413(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        big = json.dumps({"text": "x" * 1_100_000}).encode()
        body = is_problem(
            c.post(
                f"/api/v1/alliances/{aid}/goals",
                content=big,
                headers={"Content-Type": "application/json"},
            ),
            413,
        )
        assert "zu groß" in body["detail"]

        def chunks() -> Any:
            for _ in range(12):
                yield b"x" * 100_000

        is_problem(
            c.post(
                f"/api/v1/alliances/{aid}/goals",
                content=chunks(),
                headers={"Content-Type": "application/json"},
            ),
            413,
        )


def test_missing_bad_and_expired_tokens_are_401(api: Api) -> None:
    with api.anonymous() as anon:
        is_problem(anon.get("/api/v1/dashboard"), 401)
        is_problem(anon.get("/api/v1/dashboard", headers={"Authorization": "Basic YWJj"}), 401)
        is_problem(anon.get("/api/v1/dashboard", headers={"Authorization": "Bearer kaputt"}), 401)
        forged = jwt.encode(
            {
                "iss": "buendnis",
                "role": "servicebuero",
                "iat": datetime.now(UTC),
                "exp": datetime.now(UTC) + timedelta(hours=1),
            },
            "another-secret-" * 4,
            algorithm="HS256",
        )
        is_problem(anon.get("/api/v1/dashboard", headers={"Authorization": f"Bearer {forged}"}), 401)
        expired = issue_token(SECRET, "servicebuero", now=datetime.now(UTC) - timedelta(days=2), ttl=timedelta(days=1))
        body = is_problem(anon.get("/api/v1/dashboard", headers={"Authorization": f"Bearer {expired}"}), 401)
        assert "abgelaufen" in body["detail"]
        unknown_role = jwt.encode(
            {
                "iss": "buendnis",
                "role": "admin",
                "iat": datetime.now(UTC),
                "exp": datetime.now(UTC) + timedelta(hours=1),
            },
            SECRET,
            algorithm="HS256",
        )
        is_problem(anon.get("/api/v1/dashboard", headers={"Authorization": f"Bearer {unknown_role}"}), 401)


def test_bad_idempotency_key_is_400(api: Api) -> None:
    with api.client() as c:
        is_problem(
            c.post(
                "/api/v1/alliances",
                json={"name": "B", "municipality": "M", "state": "Bayern"},
                headers={"Idempotency-Key": "k" * 201},
            ),
            400,
        )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=12,
)
FIELDS = st.dictionaries(
    st.sampled_from(
        [
            "name",
            "sector",
            "actor_id",
            "on",
            "outcome",
            "kind",
            "title",
            "state",
            "partner_id",
            "description",
            "amount",
            "scores",
            "signatory_ids",
            "symbolic_act",
            "municipality",
            "justification",
            "due_on",
            "theme",
            "reason",
            "text",
            "legal_form",
            "status",
            "actor_ids",
            "reason_code",
            "email",
            "percent",
            "since",
            "attendee_ids",
            "joined_on",
        ]
    ),
    JSON | st.sampled_from(["2026-02-29", "2026-03-01", "kita", "Bayern", "geld", "ev", "done", "Text",
                            "00000000-0000-0000-0000-000000000000"]),
    max_size=6,
)


WRITES = ("post", "put", "patch", "delete")


def write_operations(api: Api) -> list[tuple[str, str]]:
    """Every write on one alliance in the OpenAPI document: a new command route is fuzzed without a list."""
    doc = api.app.openapi()
    return sorted((method.upper(), path) for path, ops in doc["paths"].items() for method in ops
                  if method in WRITES and path.startswith("/api/v1/alliances/{alliance_id}"))


def base_body(doc: dict[str, Any], operation: tuple[str, str], ids: dict[str, str]) -> Any:
    """The operation's required fields with plausible values (None for a route without a body)."""
    method, path = operation
    content = doc["paths"][path][method.lower()].get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    schema = _resolve(doc, content["schema"])
    return {k: _value(doc, k, v, {"actor": ids["actor_id"]}) for k, v in schema.get("properties", {}).items()
            if k in schema.get("required", [])}


def nearly_valid(doc: dict[str, Any], operation: tuple[str, str], ids: dict[str, str]) -> Any:
    """The plausible body with one of its fields (or none) replaced by anything: the bodies that get
    furthest before they are refused."""
    base = base_body(doc, operation, ids)
    if base is None:
        return st.just(None)
    method, path = operation
    content = doc["paths"][path][method.lower()]["requestBody"]["content"]["application/json"]
    keys = sorted(_resolve(doc, content["schema"]).get("properties", {}))
    change = st.tuples(st.sampled_from(keys), JSON | st.sampled_from(["Text", "2026-03-01", ""]))
    return st.just(base) | change.map(lambda c: {**base, c[0]: c[1]}) if keys else st.just(base)


def test_no_input_reaches_the_catch_all_handler(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        actors = step_one(c, aid)
        commitment = ok(c.post(f"/api/v1/alliances/{aid}/commitments", json={
            "partner_id": actors[0], "description": "Räume", "kind": "raeume"}), 201)["id"]
        meeting = ok(c.post(f"/api/v1/alliances/{aid}/meetings", json={
            "kind": "team", "on": "2026-03-01", "title": "Team"}), 201)["id"]
        ids = {"alliance_id": aid, "commitment_id": commitment, "meeting_id": meeting, "actor_id": actors[1], "n": "1"}
        operations = write_operations(api)
        assert len(operations) >= 40, operations

        doc = api.app.openapi()

        def send(operation: tuple[str, str], body: Any) -> None:
            method, path = operation
            url = path
            for name, value in ids.items():
                url = url.replace("{" + name + "}", value)
            url = re.sub(r"\{[a-z_]+\}", "00000000-0000-4000-8000-000000000000", url)
            before = events_of(api)
            response = c.request(method, url, content=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
            assert response.status_code < 500, response.text
            if response.status_code >= 400:
                assert response.headers["content-type"].startswith("application/problem+json")
                assert events_of(api) == before, f"{method} {path} refused with {response.status_code} but wrote"
            # Read after every write, accepted or not: the alliance and its commitments still answer.
            ok(c.get(f"/api/v1/alliances/{aid}"))
            ok(c.get(f"/api/v1/alliances/{aid}/commitments"))

        # Each with its plausible body first (the ones that get furthest); dissolving last, after the fuzz.
        for operation in operations:
            if not operation[1].endswith("/dissolve"):
                send(operation, base_body(doc, operation, ids))

        @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
        @given(operation=st.sampled_from(operations), data=st.data())
        def write_anything(operation: tuple[str, str], data: st.DataObject) -> None:
            near = nearly_valid(doc, operation, ids)
            send(operation, data.draw(st.one_of(near, near, FIELDS, JSON)))

        write_anything()
        send(("POST", "/api/v1/alliances/{alliance_id}/dissolve"), {"reason": "Ende"})
    assert api.unexpected_errors == 0


def test_unknown_filter_values_are_422_in_german(api: Api) -> None:
    with api.client() as c:
        state = is_problem(c.get("/api/v1/alliances", params={"state": "Bavaria"}), 422)
        assert "Bayern" in state["detail"] and "Parameter" in state["detail"]
        is_problem(c.get("/api/v1/alliances", params={"step": 9}), 422)
        is_problem(c.get("/api/v1/alliances", params={"status": "schlafend"}), 422)
        is_problem(c.get("/api/v1/alliances", params={"limit": 0}), 422)
        is_problem(c.get("/api/v1/dashboard", params={"state": "Bavaria"}), 422)
