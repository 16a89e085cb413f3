"""What the routes share: the application, the read models, the policies and the token secret."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar
from uuid import UUID

import anyio.to_thread
from fastapi import Request

from api.auth import API, COOKIE, SESSION, Principal, VerifiedTokens, bearer, decode_token
from api.problems import Problem
from api.tokens import InMemoryTokenStore, TokenState
from domain.application import AllianceApplication, Clock
from domain.errors import NotFound
from domain.follow_ups import FollowUpPolicy

Probe = Callable[[], dict[str, Any]]
T = TypeVar("T")


class Writes(Protocol):
    """How commands run when the composition root says so (storage/group_commit.py on SQLite)."""

    def __call__(self, call: Callable[[], T]) -> Awaitable[T]: ...


@dataclass
class Context:
    application: AllianceApplication
    queries: Any | None
    secret: str
    follow_up_policy: FollowUpPolicy
    clock: Clock
    probes: dict[str, Probe] = field(default_factory=dict)
    inline_writes: bool = False  # SQLite: commands run on the event loop (see `execute`)
    mail_dir: Path | None = None  # where the local mail sink stores each mail as a file
    fleet_cache: Any = None  # ReadCache of the dashboard (API.md lets it lag a few seconds)
    unexpected_errors: int = 0  # answers of the catch-all handler; tests show no input reaches it
    tokens: TokenState = field(default_factory=lambda: TokenState(InMemoryTokenStore()))
    development: bool = False  # plain-HTTP development: the session cookie without `Secure`
    public_url: str | None = None  # BUENDNIS_PUBLIC_URL: where people reach the pages (feed addresses)
    limiter: Any = None  # api/rate_limits.py: requests per token (or address) and window
    writes: Writes | None = None  # SQLite: one transaction per turn of the event loop (group commit)
    verified: VerifiedTokens = field(default_factory=VerifiedTokens)  # tokens whose signature was checked

    async def execute(self, call: Callable[[], T]) -> T:
        """Runs an application command. SQLite takes one writer at a time and a command takes
        about a millisecond, less than handing it to a thread and back (measured in bench/api.py:
        ~1.7× the commands/s), so there it runs on the event loop, and with `writes` (group commit)
        the commands of one turn share a commit; PostgreSQL commands run in threads, side by side."""
        if self.writes is not None:
            return await self.writes(call)
        if self.inline_writes:
            return call()
        return await anyio.to_thread.run_sync(call)

    def dashboard(self, state: str | None, status: str | None) -> dict[str, Any]:
        queries = self.require_queries()
        result: dict[str, Any] = self.fleet_cache.get(
            ("dashboard", state, status), lambda: queries.dashboard(state=state, status=status)
        )
        return result

    def require_queries(self) -> Any:
        if self.queries is None:
            raise Problem(
                503,
                "Die Lesemodelle (Projektionen) sind in diesem Betrieb nicht verfügbar.",
                code="read_models_unavailable",
            )
        return self.queries


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


async def api_principal(request: Request) -> Principal:
    """The caller of an /api/v1 route: a valid bearer token is required."""
    token = bearer(request.headers.get("authorization"))
    if token is None:
        raise Problem(
            401,
            "Anmeldung erforderlich: Kopfzeile „Authorization: Bearer <Zugangsschlüssel>“ fehlt.",
            code="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="buendnis"'},
        )
    ctx = context(request)
    principal = decode_token(ctx.secret, token, state=ctx.tokens, verified=ctx.verified)
    if ctx.limiter is not None:
        ctx.limiter.hit(f"token:{principal.subject}:{principal.jti}")
    return principal


def page_principal(request: Request) -> Principal | None:
    """The caller of a page: an API token in the bearer header, or the session of the sign-in
    cookie; None when signed out."""
    ctx = context(request)
    header = bearer(request.headers.get("authorization"))
    if header:
        principal = decode_token(ctx.secret, header, state=ctx.tokens, kinds=(API,), verified=ctx.verified)
    else:
        cookie = request.cookies.get(COOKIE)
        if not cookie:
            return None
        principal = decode_token(ctx.secret, cookie, state=ctx.tokens, kinds=(SESSION,), verified=ctx.verified)
    if ctx.limiter is not None:
        ctx.limiter.hit(f"token:{principal.subject}:{principal.parent or principal.jti}")
    return principal


def idempotency_key(request: Request, principal: Principal) -> str | None:
    """The command id for an `Idempotency-Key` header, scoped to the caller."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise Problem(
            400,
            "Der Idempotency-Key muss 1 bis 200 druckbare Zeichen lang sein.",
            code="bad_idempotency_key",
        )
    return f"http:{principal.by}:{key}"


def body_ids_not_found(error: NotFound, *ids: UUID | None) -> Problem | None:
    """An id sent in the body that names nothing in this alliance is bad input (422), not a 404."""
    for value in ids:
        if value is not None and str(value) in error.message:
            return Problem(422, error.message, code="unknown_reference")
    return None
