"""The API served by uvicorn on a free port over a real store (SQLite file, PostgreSQL schema)."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
import uvicorn
from pydantic import SecretStr

from api.app import create_app
from api.auth import issue_token
from config.settings import Settings
from domain.application import AllianceApplication
from tests.ports import free_port
from workers.bootstrap import build_application, build_queries, build_token_store, group_commit
from workers.projector import serve as serve_projectors

# A fixed secret of 48 random bytes (a placeholder or a repeated character is refused).
SECRET = "q3J7vXw2LpZ9tR4mKc8HfN1sYb6GdE0uVa5WjQoTxIiPlUkSnMeCgBhFrDy-_zAO"


class ServerThread:
    """uvicorn in a thread of the test process, stopped cleanly at the end."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@dataclass
class Api:
    """A running API: its base URL, the application behind it, and token makers."""

    url: str
    application: AllianceApplication
    settings: Settings
    app: Any = None

    @property
    def unexpected_errors(self) -> int:
        """Answers given by the catch-all handler (no input may reach it)."""
        count: int = self.app.state.ctx.unexpected_errors
        return count

    def token(
        self,
        role: str = "servicebuero",
        alliance: UUID | str | None = None,
        partner: UUID | str | None = None,
    ) -> str:
        return issue_token(
            self.settings.secret(),
            role,
            alliance_id=UUID(str(alliance)) if alliance else None,
            partner_id=UUID(str(partner)) if partner else None,
        )

    def client(
        self,
        role: str = "servicebuero",
        alliance: UUID | str | None = None,
        partner: UUID | str | None = None,
    ) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token(role, alliance, partner)}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def anonymous(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    @contextmanager
    def signed_in_browser(self, token: str, target: str = "/") -> Iterator[httpx.Client]:
        """A client signed in as a browser is: the sign-in form's CSRF value and this site's Origin,
        then the session cookie; over plain HTTP as `make run` serves (cookies without `Secure`)."""
        ctx = self.app.state.ctx
        before, ctx.development = ctx.development, True
        try:
            with self.anonymous() as browser:
                form = re.search(r'name="csrf" value="([^"]+)"', browser.get("/anmelden").text)
                assert form is not None
                signed = browser.post("/anmelden", data={"token": token, "weiter": target, "csrf": form.group(1)},
                                      headers={"Origin": self.url})
                assert signed.status_code == 303 and signed.headers["location"] == target, signed.text
                yield browser
        finally:
            ctx.development = before


def read_models(settings: Settings, application: AllianceApplication) -> Any:
    """The projections' read models over the same store, sharing the API's application."""
    return build_queries(settings, application=application)


class ProjectorThread:
    """The projectors (when they are part of the code base) following the store in a thread."""

    def __init__(self, settings: Settings, application: AllianceApplication, queries: Any | None) -> None:
        self.settings, self.application, self.queries = settings, application, queries
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.error: BaseException | None = None

    def _run(self) -> None:

        async def main() -> None:
            self.loop, self.stop = asyncio.get_running_loop(), asyncio.Event()
            await serve_projectors(self.settings, self.application, self.stop)

        try:
            asyncio.run(main())
        except BaseException as e:  # reported at the end of the test
            self.error = e

    def __enter__(self) -> ProjectorThread:
        if self.queries is None:
            return self
        self.thread.start()
        # Wait until the projectors have set up their tables: the read side opening them at the
        # same moment can collide in PostgreSQL's catalogue (reported to the projections part).
        deadline = time.monotonic() + 30
        while True:
            try:
                self.queries.status()
                return self
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        if not self.thread.is_alive():
            return
        while self.loop is None or self.stop is None:
            time.sleep(0.01)
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(timeout=30)
        assert self.error is None, self.error


@pytest.fixture
def api_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The store's settings with a known token secret, and files (checkpoints, ...) under tmp."""
    # The rate limit of production stays on, roomy enough for tests that loop (test_rate_limits.py
    # checks a tight one).
    update: dict[str, Any] = {"token_secret": SecretStr(SECRET), "rate_limit": "6000/minute"}
    if settings.store == "postgres":
        update["var_dir"] = tmp_path / "var"
    return settings.model_copy(update=update)


@pytest.fixture
def api(api_settings: Settings) -> Iterator[Api]:
    application = build_application(api_settings)
    queries = read_models(api_settings, application)
    app = create_app(application, queries, api_settings, tokens=build_token_store(api_settings),
                     writes=group_commit(api_settings, application))
    with ProjectorThread(api_settings, application, queries), ServerThread(app) as url:
        running = Api(url, application, api_settings, app)
        yield running
    application.close()
    assert running.unexpected_errors == 0, "an input reached the catch-all handler"


def is_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Asserts a problem-details answer with a German detail and returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


Factory = Callable[..., Any]
