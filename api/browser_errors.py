"""German error pages for browsers: what is not under /api/ and asks for HTML gets a page, not JSON."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from api.auth import Principal
from api.context import page_principal
from api.problems import Problem

_templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def wants_html(request: Request) -> bool:
    """A page request of a browser: not the API, and HTML among what it accepts."""
    path = request.url.path
    if path.startswith(("/api/", "/health", "/openapi.json", "/static/")):
        return False
    return "text/html" in request.headers.get("accept", "")


def _who(request: Request) -> Principal | None:
    try:
        return page_principal(request)
    except Problem:
        return None


def error_page(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    page = {"title": "Fehler", "status_code": status, "detail": detail, "who": _who(request)}
    response = _templates.TemplateResponse(request, "error.html", page, status_code=status)
    for name, value in (headers or {}).items():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response
