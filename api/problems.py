"""RFC 9457 problem details with a German `detail`, and the mapping of the domain's typed errors."""

from __future__ import annotations

import traceback
from typing import Any

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.validation import german_errors
from domain.errors import (
    ConcurrencyConflict,
    DomainError,
    IdempotencyConflict,
    InvalidInput,
    NotFound,
    RuleViolation,
)

log = structlog.get_logger("api")

TITLES = {
    400: "Ungültige Anfrage",
    401: "Nicht angemeldet",
    403: "Nicht erlaubt",
    404: "Nicht gefunden",
    405: "Methode nicht erlaubt",
    406: "Format nicht verfügbar",
    409: "Konflikt",
    413: "Anfrage zu groß",
    415: "Falsches Format",
    422: "Ungültige Eingabe",
    429: "Zu viele Anfragen",
    500: "Interner Fehler",
    503: "Nicht verfügbar",
}
DEFAULT_DETAILS = {
    400: "Der Inhalt der Anfrage konnte nicht gelesen werden.",
    404: "Diese Adresse gibt es nicht.",
    405: "Diese Methode ist hier nicht erlaubt.",
    406: "Dieses Format wird nicht angeboten.",
    415: "Dieses Format wird nicht angenommen; erwartet wird JSON.",
}


class Problem(Exception):
    """An answer that is a problem: raised by routes and auth, rendered by the handler below."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.code, self.headers, self.extra = (
            status,
            detail,
            code,
            headers,
            extra,
        )


def problem_response(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": f"about:blank#{code}" if code else "about:blank",
        "title": TITLES.get(status, "Fehler"),
        "status": status,
        "detail": detail,
    }
    body.update(extra)
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type="application/problem+json",
        headers=headers,
    )


def domain_problem(error: DomainError) -> Problem:
    if isinstance(error, InvalidInput):
        return Problem(422, error.message, code=error.code)
    if isinstance(error, NotFound):
        return Problem(404, error.message, code=error.code)
    if isinstance(error, RuleViolation):
        problem = Problem(409, error.message, code=error.code)
        if error.unmet:
            problem.extra["unmet"] = error.unmet
        return problem
    if isinstance(error, ConcurrencyConflict | IdempotencyConflict):
        return Problem(409, error.message, code=error.code)
    return Problem(409, error.message, code=error.code)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_response(exc.status, exc.detail, code=exc.code, headers=exc.headers, **exc.extra)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        p = domain_problem(exc)
        return problem_response(p.status, p.detail, code=p.code, **p.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = german_errors(exc.errors())
        from api.browser_errors import error_page, wants_html

        if wants_html(request):
            return error_page(request, 422, "; ".join(e["detail"] for e in errors) or "Die Anfrage ist ungültig.")
        malformed = any(e["code"] in ("json_invalid", "body_not_json") for e in errors)
        status = 400 if malformed else 422
        return problem_response(
            status,
            "; ".join(e["detail"] for e in errors) or "Die Anfrage ist ungültig.",
            code="malformed_json" if malformed else "invalid_input",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        # Framework messages are English: answer with our German text for the status instead.
        detail = DEFAULT_DETAILS.get(exc.status_code, "Die Anfrage konnte nicht bearbeitet werden.")
        from api.browser_errors import error_page, wants_html  # a browser gets a page (imports auth)

        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request)}
        if wants_html(request):
            return error_page(request, exc.status_code, detail, headers)
        return problem_response(exc.status_code, detail, headers=headers)


def allowed_methods(request: Request) -> str:
    """Every method of every route at this path: Starlette's 405 names only the first route's (FastAPI
    makes one route per method, so `OPTIONS /api/v1/alliances` said `Allow: POST` though GET is there too)."""
    # FastAPI keeps included routers nested; iter_route_contexts gives each route with its full path.
    path = request.url.path
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            methods |= set(route.methods or ())
    return ", ".join(sorted(methods))


class CatchAll:
    """Never a bare 500: an unforeseen error is logged and answered as a problem (and counted).

    An ASGI middleware rather than an exception handler, so the error is not re-raised to the
    server after the answer is sent. Tests show no input reaches it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            scope["app"].state.ctx.unexpected_errors += 1
            log.error(
                "unexpected_error",
                path=scope.get("path"),
                method=scope.get("method"),
                error=repr(exc),
                traceback=traceback.format_exc(),
            )
            if not started:
                response = problem_response(
                    500, "Ein interner Fehler ist aufgetreten; er wurde protokolliert.", code="internal_error"
                )
                await response(scope, receive, send)
