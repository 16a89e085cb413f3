"""Cross-site request forgery guard of the page forms: a token per session and the Origin check.

The token is an HMAC of the session's access token (the sign-in cookie, or the bearer header of
a page call) under the deployment's secret: it changes with each sign-in, needs no server-side
store, and a page of another site can neither read nor compute it. Every form POST must carry it
as the hidden field `_csrf`; a POST whose Origin (or, without one, Referer) is another site is
refused before the token is looked at. One module, so the sign-in's guard can share it.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

from fastapi import Request

from api.auth import COOKIE, bearer
from api.problems import Problem

FIELD = "_csrf"
FORM_TYPE = "application/x-www-form-urlencoded"


def session_token(request: Request) -> str | None:
    """What the session is: the bearer token of the call, else the sign-in cookie."""
    return bearer(request.headers.get("authorization")) or request.cookies.get(COOKIE)


def csrf_token(secret: str, session: str) -> str:
    return hmac.new(secret.encode(), b"csrf\0" + session.encode(), hashlib.sha256).hexdigest()


def token_for(request: Request) -> str:
    """The token to put into this page's forms ('' when signed out: such a form is refused)."""
    session = session_token(request)
    return csrf_token(request.app.state.ctx.secret, session) if session else ""


def same_origin(request: Request) -> bool:
    """The Origin header (or the Referer when a browser sent none) names this site."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if sent is None:
        return True  # not a browser: no cookie rides along without a page of ours, the token still counts
    parts = urlsplit(sent)
    here = urlsplit(str(request.base_url))
    return (parts.scheme, parts.netloc) == (here.scheme, here.netloc)


async def form_body(request: Request) -> dict[str, list[str]]:
    """The posted form as lists of values; a refusal (403) unless the origin and the token fit."""
    if not same_origin(request):
        raise Problem(403, "Das Formular wurde von einer fremden Seite abgeschickt und wird nicht angenommen.",
                      code="cross_site")
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM_TYPE:
        raise Problem(415, "Erwartet wird ein Formular (application/x-www-form-urlencoded).", code="not_a_form")
    body = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    session = session_token(request)
    sent = (body.pop(FIELD, None) or [""])[0]
    expected = csrf_token(request.app.state.ctx.secret, session) if session else ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Problem(403, "Das Formular ist abgelaufen oder stammt nicht von dieser Seite. "
                      "Bitte die Seite neu laden und noch einmal absenden.", code="csrf")
    return body
