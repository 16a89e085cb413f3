"""The authorisation matrix: every operation of the OpenAPI document and every page route, for
every kind of caller, answers as ACCESS says. Generated from the app's routes: a route without an
entry fails, and so does an entry for a route that is gone.

Authorisation comes before validation: the matrix sends bodies that are always invalid, so an
allowed caller gets 422 and nothing changes, a refused one its 401/403.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import SecretStr
from starlette.routing import Mount, Route

from api import access
from api.app import create_app
from api.routes.common import caller
from config.settings import Settings
from tests.api.conftest import SECRET, Api
from tests.api.walk import ok, register, step_one
from workers.bootstrap import build_application

CALLERS = ("office", "coord_own", "coord_foreign", "partner_own", "partner_foreign_alliance",
           "partner_foreign_partner", "anonymous")
OK = "ok"  # the route's own answer for an allowed caller (ALLOWED, else 200 for GET, 422 for a write)
# Who may call, as a row over CALLERS.
CLASSES: dict[str, tuple[Any, ...]] = {
    "public": (OK, OK, OK, OK, OK, OK, OK),
    "office": (OK, 403, 403, 403, 403, 403, 401),
    "coordination": (OK, OK, 403, 403, 403, 403, 401),
    "member": (OK, OK, 403, OK, 403, OK, 401),
    "exports": (OK, OK, OK, 403, 403, 403, 401),  # a Koordination its own alliance's (api/visibility.py)
    "owner": (OK, OK, 403, OK, 403, 403, 401),
    "signed_in": (OK, OK, OK, OK, OK, OK, 401),
    "feed_secret_only": (401, 401, 401, 401, 401, 401, 401),  # a bearer token opens no feed
    "page_home": (OK, 303, 303, 303, 303, 303, 303),  # others go to their alliance; signed out: sign in
    "page_member": (OK, OK, 403, OK, 403, OK, 303),
    "page_office": (OK, 403, 403, 403, 403, 403, 303),
    "page_coordination": (OK, OK, 403, 403, 403, 403, 303),
    "page_exports": (OK, OK, OK, 403, 403, 403, 303),
    "page_form": (403, 403, 403, 403, 403, 403, 403),  # no CSRF value: refused for everyone
    "page_signed_in_form": (403, 403, 403, 403, 403, 403, 303),
    "page_signed_in": (OK, OK, OK, OK, OK, OK, 303),
    # A form the caller may use, sent as JSON: refused as not a form (415) only after the role check.
    "page_coordination_form": (415, 415, 403, 403, 403, 403, 303),
    "page_office_form": (415, 403, 403, 403, 403, 403, 303),
    "files": (),  # static files and Swagger UI's: mounted directories, nothing to authorise
}
A = "/api/v1/alliances/{alliance_id}"
ACCESS: dict[tuple[str, str], str] = {
    ("GET", "/health"): "public",
    ("POST", "/api/v1/alliances"): "office",
    ("GET", "/api/v1/alliances"): "office",
    ("GET", A): "member",
    ("POST", f"{A}/actors"): "coordination",
    ("POST", f"{A}/contacts"): "coordination",
    ("POST", f"{A}/team-members"): "coordination",
    ("POST", f"{A}/goals"): "coordination",
    ("POST", f"{A}/meetings"): "coordination",
    ("POST", f"{A}/meetings/{{meeting_id}}/held"): "coordination",
    ("POST", f"{A}/action-plan"): "coordination",
    ("POST", f"{A}/founding"): "coordination",
    ("POST", f"{A}/federal-initiative"): "coordination",
    ("POST", f"{A}/steps/{{n}}/complete"): "coordination",
    ("POST", f"{A}/working-groups"): "coordination",
    ("POST", f"{A}/self-assessments"): "coordination",
    ("POST", f"{A}/commitments"): "member",  # a partner pledges for its own organisation (checked in the body)
    ("GET", f"{A}/commitments"): "member",  # a partner's list holds its own only
    ("GET", f"{A}/commitments/{{commitment_id}}"): "owner",
    ("POST", f"{A}/commitments/{{commitment_id}}/confirm"): "owner",
    ("POST", f"{A}/commitments/{{commitment_id}}/fulfil"): "owner",
    ("POST", f"{A}/commitments/{{commitment_id}}/withdraw"): "owner",
    ("POST", f"{A}/commitments/{{commitment_id}}/amend"): "owner",
    ("GET", f"{A}/follow-ups"): "member",
    ("GET", f"{A}/history"): "member",
    ("GET", f"{A}/commitments-changes"): "member",
    # the guide's commands beyond the first contract (api/routes/guide/)
    ("DELETE", f"{A}/team-members/{{actor_id}}"): "coordination",
    ("GET", f"{A}/contact-persons"): "coordination",
    ("GET", f"{A}/contact-persons/{{person_id}}"): "coordination",
    ("PATCH", f"{A}/action-plan/{{project_id}}"): "coordination",
    # a partner only for an item it owns; the matrix's item is nobody's
    ("POST", f"{A}/action-items/{{item_id}}/commitment"): "coordination",
    ("POST", f"{A}/action-items/{{item_id}}/done"): "coordination",
    ("POST", f"{A}/actors/{{actor_id}}/contact-persons"): "coordination",
    ("POST", f"{A}/anchorings"): "coordination",
    ("POST", f"{A}/candidates"): "coordination",
    ("POST", f"{A}/candidates/{{candidate_id}}/invitation"): "coordination",
    ("POST", f"{A}/commitments/{{commitment_id}}/progress"): "owner",
    ("POST", f"{A}/contact-persons/{{person_id}}/erasure"): "coordination",
    ("POST", f"{A}/dissolve"): "coordination",
    ("POST", f"{A}/meetings/{{meeting_id}}/action-items"): "coordination",
    ("POST", f"{A}/meetings/{{meeting_id}}/invitations"): "coordination",
    ("POST", f"{A}/meetings/{{meeting_id}}/minutes"): "coordination",
    ("POST", f"{A}/pause"): "coordination",
    ("POST", f"{A}/publicity"): "coordination",
    ("POST", f"{A}/resume"): "coordination",
    ("POST", f"{A}/signatures"): "coordination",
    ("POST", f"{A}/steps/{{n}}/reopen"): "coordination",
    ("POST", f"{A}/working-groups/{{group_id}}/members"): "coordination",
    ("POST", f"{A}/working-groups/{{group_id}}/speaker"): "coordination",
    ("PUT", f"{A}/legal-form"): "coordination",
    ("PUT", f"{A}/steering-group"): "coordination",
    ("GET", "/api/v1/inbox"): "signed_in",
    ("GET", "/api/v1/dashboard"): "office",
    ("GET", "/api/v1/audit/verify"): "office",
    ("GET", "/calendar/{alliance_id}.ics"): "feed_secret_only",
    ("POST", f"{A}/calendar-feeds"): "member",
    ("GET", f"{A}/calendar-feeds"): "member",
    ("DELETE", f"{A}/calendar-feeds/{{feed_id}}"): "member",
    ("GET", f"{A}/documents/{{name}}"): "coordination",  # the Werkzeugbox names organisations and people
    ("GET", "/api/v1/exports/{name}"): "exports",
    # pages and documents outside the OpenAPI document
    ("GET", "/"): "page_home",
    ("GET", "/alliances/{alliance_id}"): "page_member",
    ("GET", "/post"): "page_office",
    ("GET", "/anmelden"): "public",
    ("POST", "/anmelden"): "page_form",
    ("POST", "/abmelden"): "page_form",
    ("POST", "/alliances/{alliance_id}/kalender"): "page_signed_in_form",
    ("GET", "/alliances/{alliance_id}/werkzeugbox/{name}"): "page_coordination",
    ("GET", "/exporte/{name}"): "page_exports",
    ("GET", "/docs"): "page_signed_in",  # the API described in German
    ("GET", "/docs/swagger"): "public",  # Swagger UI from the package's files
    ("GET", "/alliances/{alliance_id}/formulare/{slug}"): "page_coordination",
    ("POST", "/alliances/{alliance_id}/formulare/{slug}"): "page_coordination_form",
    ("GET", "/buendnisse/neu"): "page_office",
    ("POST", "/buendnisse/neu"): "page_office_form",
    ("GET", "/buendnisse"): "page_office",
    ("GET", "/buendnisse/stockend"): "page_office",
    ("GET", "/buendnisse/netzwerk-check"): "page_office",
    ("GET", "/zusagen/ueberfaellig"): "page_office",
    ("GET", "/posteingang"): "page_signed_in",
    ("GET", "/openapi.json"): "public",
    ("MOUNT", "/static"): "files",
    ("MOUNT", "/docs/assets"): "files",
}
# An allowed caller's answer where it is not 200 (GET) or 422 (a write with an invalid body).
ALLOWED = {
    ("DELETE", f"{A}/calendar-feeds/{{feed_id}}"): 404,  # an unknown feed
    ("DELETE", f"{A}/team-members/{{actor_id}}"): 404,  # an unknown actor (no body to refuse)
    ("GET", f"{A}/contact-persons/{{person_id}}"): 404,  # an unknown person
}
QUERY = {("GET", f"{A}/commitments-changes"): {"since": "2099-01-01", "until": "2100-01-01"}}
# Path values of one route beyond the world's ids (a real document or export, so allowed callers get it).
PATHS = {
    ("GET", f"{A}/documents/{{name}}"): {"name": "AM1.docx"},
    ("GET", "/alliances/{alliance_id}/werkzeugbox/{name}"): {"name": "AM1.docx"},
    ("GET", "/api/v1/exports/{name}"): {"name": "overview.csv"},
    ("GET", "/exporte/{name}"): {"name": "overview.csv"},
    ("GET", "/alliances/{alliance_id}/formulare/{slug}"): {"slug": "akteur"},
    ("POST", "/alliances/{alliance_id}/formulare/{slug}"): {"slug": "akteur"},
}


def routes(app: Any) -> set[tuple[str, str]]:
    """Every operation of the OpenAPI document and every route outside it."""
    found = {(method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops}
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            found.add(("MOUNT", str(route.path)))
        elif isinstance(route.original_route, Route) and not getattr(route, "include_in_schema", False):
            found |= {(m, str(route.path)) for m in (route.methods or ()) if m != "HEAD"}
    return found


def test_every_route_has_an_entry_in_the_matrix_and_every_entry_a_route() -> None:
    settings = Settings(store="memory", token_secret=SecretStr(SECRET))
    app = create_app(build_application(settings), None, settings)
    present = routes(app)
    missing = sorted(present - set(ACCESS))
    assert not missing, f"Neue Routen ohne Eintrag in ACCESS (wer darf?): {missing}"
    assert sorted(set(ACCESS) - present) == [], "Einträge ohne Route"
    assert set(ACCESS.values()) <= set(CLASSES)


# The class each guard of api/access.py (and `caller`, signed in) stands for (the first dependency
# of a route): the matrix's entry for an API route must be its guard's class, so a route whose guard
# changes, or a new route, cannot keep a stale expectation.
GUARDS = {
    "office": "office",
    "coordination": "coordination",
    "alliance_member": "member",
    "commitment_owner": "owner",
    "action_item_owner": "coordination",  # a partner only for its own item; the matrix's item is nobody's
    "document_reader": "coordination",
    "exporter": "exports",
    "caller": "signed_in",
}


def test_each_api_route_is_in_the_class_of_its_guard() -> None:
    settings = Settings(store="memory", token_secret=SecretStr(SECRET))
    app = create_app(build_application(settings), None, settings)
    wrong = []
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.route, APIRoute) or not str(route.path).startswith("/api/v1/"):
            continue
        guard = route.route.dependant.dependencies[0].call.__name__ if route.route.dependant.dependencies else None
        for method in route.methods or ():
            expected = ACCESS.get((method, str(route.path)))
            if GUARDS.get(str(guard)) != expected:
                wrong.append(f"{method} {route.path}: guard {guard}, matrix {expected}")
    assert wrong == [], "\n".join(wrong)


def test_every_api_route_is_guarded_by_api_access_or_only_signed_in() -> None:
    """One place says who may do what: no router keeps guards of its own beside api/access.py."""
    settings = Settings(store="memory", token_secret=SecretStr(SECRET))
    app = create_app(build_application(settings), None, settings)
    elsewhere = set()
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.route, APIRoute) or not str(route.path).startswith("/api/v1/"):
            continue
        if route.route.dependant.dependencies:
            guard = route.route.dependant.dependencies[0].call
            if guard is not caller and guard.__module__ != access.__name__:
                elsewhere.add(f"{guard.__module__}.{guard.__name__}")
    assert sorted(elsewhere) == []


def _world(api: Api) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    with api.client() as office:
        a, b = register(office, "Bündnis A"), register(office, "Bündnis B")
        actors = step_one(office, a)
        foreign = ok(office.post(f"/api/v1/alliances/{b}/actors", json={"name": "Q", "sector": "kita"}), 201)["id"]
        commitment = ok(office.post(f"/api/v1/alliances/{a}/commitments", json={
            "partner_id": actors[0], "description": "Räume", "kind": "raeume"}), 201)["id"]
        meeting = ok(office.post(f"/api/v1/alliances/{a}/meetings", json={
            "kind": "team", "on": "2026-03-01", "title": "Team"}), 201)["id"]
    headers = {
        "office": {"Authorization": f"Bearer {api.token()}"},
        "coord_own": {"Authorization": f"Bearer {api.token('koordination', alliance=a)}"},
        "coord_foreign": {"Authorization": f"Bearer {api.token('koordination', alliance=b)}"},
        "partner_own": {"Authorization": f"Bearer {api.token('partner', alliance=a, partner=actors[0])}"},
        "partner_foreign_alliance": {"Authorization": f"Bearer {api.token('partner', alliance=b, partner=foreign)}"},
        "partner_foreign_partner": {"Authorization": f"Bearer {api.token('partner', alliance=a, partner=actors[1])}"},
        "anonymous": {},
    }
    params = {"alliance_id": a, "commitment_id": commitment, "meeting_id": meeting, "n": "1"}
    return headers, params


def _fill(path: str, params: dict[str, str]) -> str:
    """The path with the world's ids; any other id an unknown one (its route must still authorise first)."""
    while "{" in path:
        name = path[path.index("{") + 1:path.index("}")]
        path = path.replace("{" + name + "}", params.get(name, str(uuid4())))
    return path


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_every_route_answers_every_caller_as_the_matrix_says(api: Api) -> None:
    headers, params = _world(api)
    wrong: list[str] = []
    with httpx.Client(base_url=api.url, timeout=30, follow_redirects=False) as http:
        present = routes(api.app)
        for (method, path), access in sorted(ACCESS.items()):
            assert (method, path) in present
            if access == "files":
                continue
            url = _fill(path, {**params, **PATHS.get((method, path), {})})
            query = dict(QUERY.get((method, path), {}))
            if access == "feed_secret_only":
                query["token"] = "kein-Geheimnis"
            for caller, expected in zip(CALLERS, CLASSES[access], strict=True):
                if expected == OK:
                    expected = ALLOWED.get((method, path), 200 if method == "GET" else 422)
                body = None if method in ("GET", "DELETE") else {"__matrix__": True}
                response = http.request(method, url, headers=headers[caller], params=query, json=body)
                if response.status_code != expected:
                    wrong.append(f"{method} {path} as {caller}: {response.status_code}, expected {expected}")
    assert wrong == [], "\n".join(wrong)


# Routes that still check who may call in their own body, beside their guard: the read routes and the
# pages (in other hands while this was written). Every other route leaves it to its guard.
CHECKS_OF_THEIR_OWN = {"reads.py", "pages.py"}
GUARD_CHECKS = {"require_servicebuero", "require_alliance", "require_coordination"}


def test_no_route_repeats_its_guard_in_its_body() -> None:
    """The guard of api/access.py decides; a route checks only what its body adds (a pledge's partner)."""
    import ast
    from pathlib import Path

    import api.routes

    repeated = []
    for path in sorted(Path(api.routes.__file__).parent.rglob("*.py")):
        if path.name in CHECKS_OF_THEIR_OWN:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in GUARD_CHECKS:
                repeated.append(f"{path.name}:{node.lineno} {node.attr}")
    assert repeated == []
