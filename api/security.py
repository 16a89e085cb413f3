"""Browser-facing protections: security headers on every answer, and the CSRF token and Origin
check every form POST must pass (docs/SECURITY.md)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Self only, no inline script or style (api/static holds every script and style sheet).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # Never a Referer to another site; `no-referrer` would also turn a form POST's Origin into "null".
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
CACHEABLE = ("/static/", "/docs/assets/")
CSRF_COOKIE = "buendnis_csrf"
CSRF_FIELD = "csrf"


class SecurityHeaders:
    """Adds HEADERS to every answer, and `Cache-Control: no-store` to all but static files: pages
    and API answers are someone's data and stay out of shared and browser caches."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = str(scope.get("path", "")).startswith(CACHEABLE)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if not cacheable:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _key(secret: str) -> bytes:
    return hashlib.sha256(b"buendnis:csrf:" + secret.encode()).digest()


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(32)


def csrf_field(secret: str, cookie: str) -> str:
    """The form's hidden value for this browser's CSRF cookie (bound to the deployment's secret,
    so a cookie planted from elsewhere is worthless without the matching value)."""
    return hmac.new(_key(secret), cookie.encode(), hashlib.sha256).hexdigest()


def same_origin(request: Request) -> bool:
    """The POST comes from a page of this site: its Origin (or, lacking one, its Referer) names
    this host. A browser sends one of them on every form POST."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return False
    parts = urlsplit(source)
    host = request.headers.get("host", "")
    return parts.scheme in ("http", "https") and parts.netloc == host


def csrf_ok(request: Request, secret: str, submitted: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(csrf_field(secret, cookie), submitted)
