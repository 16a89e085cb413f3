"""The OpenAPI document tells the truth: schemathesis (every check, fixed seed, stateful links) against
the running API over real HTTP finds no failure. `make soak-api` runs the same with ten times the examples."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from pydantic import SecretStr

from api.app import create_app
from api.paging import MAX_PAGE
from config.settings import Settings
from tests.api.conftest import SECRET, Api
from tests.api.schema_fuzz import run
from tests.api.walk import register, step_one
from workers.bootstrap import build_application

EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "3"))
MIN_REQUESTS = int(os.environ.get("SCHEMA_FUZZ_MIN_REQUESTS", "1000"))


def _problem_statuses(doc: dict[str, Any]) -> list[str]:
    """Operations whose 4xx/5xx answers are documented as something other than problem+json."""
    wrong = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                if path == "/health":
                    continue  # its 503 is the status body
                if status[0] in "45" and set(answer.get("content", {})) != {"application/problem+json"}:
                    wrong.append(f"{method.upper()} {path} {status}")
    return wrong


def _bare_answers(doc: dict[str, Any]) -> list[str]:
    """2xx answers documented as a bare object (no model) rather than a named schema or a file."""
    bare = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                for media, content in answer.get("content", {}).items():
                    schema = content.get("schema", {})
                    if status[0] == "2" and "$ref" not in schema and schema.get("format") != "binary":
                        bare.append(f"{method.upper()} {path} {status} {media}")
    return bare


def _unbounded_lists(doc: dict[str, Any]) -> list[str]:
    """GET operations answering `items` without a `cursor` and a `limit` of at most MAX_PAGE."""
    wrong = []
    for path, ops in doc["paths"].items():
        op = ops.get("get")
        ref = ((op or {}).get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
               .get("schema", {}).get("$ref", ""))
        answer = doc["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
        if op is None or "items" not in answer.get("properties", {}):
            continue
        params = {p["name"]: p["schema"] for p in op.get("parameters", [])}
        if "cursor" not in params or params.get("limit", {}).get("maximum", MAX_PAGE + 1) > MAX_PAGE:
            wrong.append(path)
    return wrong


def test_the_document_names_the_bearer_scheme_and_problem_answers() -> None:
    settings = Settings(store="memory", token_secret=SecretStr(SECRET))
    doc = create_app(build_application(settings), None, settings).openapi()
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    api_ops = [op for path, ops in doc["paths"].items() if path.startswith("/api/v1/") for op in ops.values()]
    assert api_ops and all(op["security"] == [{"bearer": []}] for op in api_ops)
    assert all({"401", "403", "429"} <= set(op["responses"]) for op in api_ops)
    assert _problem_statuses(doc) == []
    assert _bare_answers(doc) == []
    assert _unbounded_lists(doc) == [], "Listen ohne Cursor oder mit mehr als MAX_PAGE Einträgen je Seite"


# `make soak-api` also runs as a Koordination and a partner of a real alliance (their refusals documented too).
ROLES = os.environ.get("SCHEMA_FUZZ_ROLES", "servicebuero").split(",")


def _token(api: Api, role: str) -> str:
    if role == "servicebuero":
        return api.token()
    with api.client() as office:
        aid = register(office)
        actor = step_one(office, aid)[0]
    return api.token(role, alliance=aid, partner=actor if role == "partner" else None)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_schemathesis_finds_no_failure_with_every_check(api: Api, role: str) -> None:
    api.app.state.ctx.limiter = None  # thousands of requests from one token: the limit has its own test
    report = run(api.app.openapi(), api.url, _token(api, role), EXAMPLES)
    print(report.summary())  # the figures, shown with `pytest -s` (make soak-api)
    assert report.requests >= MIN_REQUESTS, report.summary()
    if role == "servicebuero":  # the others may not register alliances, so the links start nowhere
        assert report.statuses["201"] > 0, "no create succeeded: the stateful links have nothing to follow"
    assert report.phases["stateful"] > 0 and report.phases["fuzzing"] > 0, report.summary()
    assert not report.failures and not report.errors, report.summary()


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_a_method_a_path_lacks_is_405_with_every_method_of_the_path(api: Api) -> None:
    """Starlette named only the first route's methods (`OPTIONS /api/v1/alliances` said `Allow: POST`)."""
    wrong = []
    with api.client() as c:
        for path, ops in api.app.openapi()["paths"].items():
            url = re.sub(r"\{[a-z_]+\}", "00000000-0000-4000-8000-000000000000", path).replace("{n}", "1")
            documented = {m.upper() for m in ops}  # HEAD is not served (405) and not named
            response = c.options(url)
            allowed = {m.strip() for m in response.headers.get("allow", "").split(",") if m.strip()}
            if response.status_code != 405 or allowed != documented:
                wrong.append(f"OPTIONS {path}: {response.status_code} Allow {sorted(allowed)}, "
                             f"dokumentiert {sorted(documented)}")
    assert wrong == [], "\n".join(wrong)
