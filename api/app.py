"""The FastAPI app factory: everything comes in as parameters, nothing connects at import."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from api.context import Context, Probe, Writes
from api.limits import MAX_BODY, BodyLimit
from api.openapi import install as install_openapi
from api.problems import CatchAll, install_problem_handlers
from api.rate_limits import rate_limiter
from api.read_cache import ReadCache
from api.security import SecurityHeaders
from api.tokens import InMemoryTokenStore, TokenState, TokenStore
from config.settings import Settings
from domain.application import AllianceApplication, Clock
from domain.follow_ups import FollowUpPolicy

STATIC = __file__.rsplit("/", 1)[0] + "/static"


def create_app(
    application: AllianceApplication,
    queries: Any | None,
    settings: Settings,
    *,
    follow_up_policy: FollowUpPolicy | None = None,
    probes: Mapping[str, Probe] | None = None,
    clock: Clock | None = None,
    max_body: int = MAX_BODY,
    tokens: TokenStore | None = None,
    writes: Writes | None = None,
) -> FastAPI:
    """The API and pages over `application` (writes, one alliance) and `queries` (read models)."""
    from api.routes import (
        alliances,
        browser,
        calendar,
        commitments,
        docs,
        documents,
        exports,
        feeds,
        guide,
        health,
        pages,
        reads,
    )

    app = FastAPI(
        title="buendnis – Lokale Bündnisse für Familie",
        version="1",
        description="Aufbau und Steuerung Lokaler Bündnisse für Familie. Fehler als RFC 9457 "
        "Problem Details mit deutschem `detail`.",
        # /docs is a German page (api/routes/fleet_pages.py); /docs/swagger the interactive Swagger UI
        # from the swagger-ui-bundle-v2 package's files, no CDN (api/routes/docs.py).
        docs_url=None,
        redoc_url=None,
    )
    app.state.ctx = Context(
        application=application,
        queries=queries,
        secret=settings.secret(),
        follow_up_policy=follow_up_policy or settings.policies()[1],
        # One today for pages, API and commands: the application's clock unless told otherwise
        clock=clock or application.clock,
        probes=dict(probes or {}),
        mail_dir=settings.var_dir / "mail",
        inline_writes=settings.store == "sqlite",
        # The revocation state every API process shares (workers/bootstrap.py builds it); memory
        # only for a test app on its own.
        tokens=TokenState(tokens if tokens is not None else InMemoryTokenStore()),
        development=settings.development,
        public_url=settings.public_url,
        limiter=rate_limiter(settings.rate_limit),
        writes=writes,
    )
    # Keyed on the read models' positions, not the store's head: what they answer changes only
    # when a projector moves, and it may move long after the last write.
    head = queries.positions if queries is not None else lambda: application.recorder.max_notification_id() or 0
    app.state.ctx.fleet_cache = ReadCache(head)
    install_problem_handlers(app)
    install_openapi(app)
    for module in (health, alliances, guide, commitments, reads, calendar, documents, exports, feeds, pages, browser,
                   docs):
        app.include_router(module.router)
    for downloads in (documents.pages, exports.pages):
        app.include_router(downloads)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/docs/assets", StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(CatchAll)  # also catches what the body guard lets through
    app.add_middleware(SecurityHeaders)  # outermost: every answer, the catch-all's too
    return app
