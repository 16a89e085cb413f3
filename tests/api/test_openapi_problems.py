"""Problem details are documented in one place: api/openapi.py derives every problem status of every
operation from what its request carries, with one Problem schema; no router declares its own."""

from __future__ import annotations

from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import SecretStr

from api.app import create_app
from api.openapi import PROBLEM, REF
from config.settings import Settings
from tests.api.conftest import SECRET
from workers.bootstrap import build_application


def _app():  # type: ignore[no-untyped-def]
    settings = Settings(store="memory", token_secret=SecretStr(SECRET))
    return create_app(build_application(settings), None, settings)


def test_no_route_declares_problem_answers_of_its_own() -> None:
    app = _app()
    own = sorted(f"{sorted(c.methods or ())} {c.path}: {status}" for c in iter_route_contexts(app.routes)
                 if isinstance(c.route, APIRoute) and c.path != "/health"  # its 503 is its status body
                 for status in c.route.responses if str(status)[0] in "45")
    assert own == []


def test_every_problem_answer_refers_to_the_one_problem_schema() -> None:
    doc = _app().openapi()
    assert doc["components"]["schemas"]["Problem"] == PROBLEM
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                if status.startswith(("4", "5")) and path != "/health":
                    assert answer["content"] == {"application/problem+json": {"schema": REF}}, (method, path, status)
