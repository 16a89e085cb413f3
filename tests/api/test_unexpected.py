"""The catch-all handler: an unforeseen failure is logged and answered as a problem."""

from __future__ import annotations

from typing import Any

import httpx

from api.app import create_app
from config.settings import Settings
from tests.api.conftest import ServerThread, is_problem
from workers.bootstrap import build_application


class BrokenStore:
    """A hand-written fake: the store behind the application fails in a way no rule foresees."""

    def __init__(self, application: Any) -> None:
        self._application = application

    def __getattr__(self, name: str) -> Any:
        return getattr(self._application, name)

    def get_alliance(self, alliance_id: Any) -> Any:
        raise RuntimeError("disk on fire")


def test_an_unforeseen_failure_is_answered_as_a_problem_and_counted(api_settings: Settings) -> None:
    application = build_application(api_settings)
    app = create_app(BrokenStore(application), None, api_settings)  # type: ignore[arg-type]
    from api.auth import issue_token

    token = issue_token(api_settings.secret(), "servicebuero")
    with ServerThread(app) as url, httpx.Client(base_url=url) as c:
        body = is_problem(
            c.get(
                "/api/v1/alliances/00000000-0000-4000-8000-000000000000",
                headers={"Authorization": f"Bearer {token}"},
            ),
            500,
        )
    assert "interner Fehler" in body["detail"] and "disk" not in body["detail"]
    assert app.state.ctx.unexpected_errors == 1
    application.close()
