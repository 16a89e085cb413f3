"""Who is calling a page of the browser: the principal, or the redirect to signing in."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from api.auth import COOKIE, Principal
from api.context import page_principal
from api.problems import Problem


def signed_in(request: Request) -> Principal | Response:
    """The caller, or a redirect to the sign-in page (saying why, when the token was refused)."""
    try:
        who = page_principal(request)
    except Problem as p:
        response = RedirectResponse(f"/anmelden?hinweis={quote(p.detail)}", status_code=303)
        response.delete_cookie(COOKIE)
        return response
    if who is None:
        return RedirectResponse(f"/anmelden?weiter={quote(str(request.url.path))}", status_code=303)
    return who


def all_alliances(queries: Any, state: str | None, status: str | None) -> list[dict[str, Any]]:
    """The whole selection of the read models, page by page."""
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        page, cursor = queries.list_alliances(state=state, status=status, after=cursor, limit=500)
        rows.extend(page)
        if not cursor:
            return rows
