"""Bearer tokens: signed (HS256) with expiry, carrying a role and its scope; and who may do what.

Roles: `servicebuero` (every alliance), `koordination` (one alliance), `partner` (one partner of
one alliance). Every token has an id (`jti`), a subject (`sub`: the person or, by default, the
scope) and that subject's token version (`ver`): `buendnis token revoke` refuses one token or
every token of a subject from then on (api/tokens.py holds the state). An API token lives at most
90 days; the sign-in form turns it into a page session of at most 12 hours, renewed while used.
Calendar feeds have stored secrets of their own (api/tokens.py), never a token.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt

from api.problems import Problem
from api.tokens import TokenState

ROLES = ("servicebuero", "koordination", "partner")
ALGORITHM = "HS256"
ISSUER = "buendnis"
DEFAULT_TTL = timedelta(days=30)
MAX_TTL = timedelta(days=90)
SESSION_TTL = timedelta(hours=12)
SESSION_RENEW = timedelta(minutes=10)  # a session older than this is renewed on the next page view
COOKIE = "buendnis_session"
API, SESSION = "api", "session"


def default_subject(role: str, alliance_id: UUID | None = None, partner_id: UUID | None = None) -> str:
    """Whose tokens these are when no person is named: the scope itself."""
    if role == "servicebuero":
        return "servicebuero"
    if role == "koordination":
        return f"koordination:{alliance_id}"
    return f"partner:{alliance_id}:{partner_id}"


@dataclass(frozen=True)
class Principal:
    role: str
    alliance_id: UUID | None = None
    partner_id: UUID | None = None
    subject: str = ""
    version: int = 0
    jti: str = ""
    kind: str = API
    issued_at: datetime | None = None
    expires_at: datetime | None = None
    parent: str | None = None  # a session: the id of the API token it was made from
    cap: datetime | None = None  # a session: when its API token expires (no renewal goes beyond)

    @property
    def by(self) -> str:
        """Who is recorded as having done a change (kept in every event's `by`)."""
        if self.role == "servicebuero":
            return "servicebuero"
        if self.role == "koordination":
            return f"koordination:{self.alliance_id}"
        return f"partner:{self.partner_id}"

    def may_read(self, alliance_id: UUID) -> bool:
        return self.role == "servicebuero" or self.alliance_id == alliance_id

    def require_alliance(self, alliance_id: UUID) -> None:
        """Any role may read and act on its own alliance (partners only within their rights)."""
        if not self.may_read(alliance_id):
            raise Problem(403, "Dieser Zugang gilt nicht für dieses Bündnis.", code="forbidden")

    def require_coordination(self, alliance_id: UUID) -> None:
        """The Servicebüro or the alliance's Koordination; partners may not."""
        self.require_alliance(alliance_id)
        if self.role == "partner":
            raise Problem(403, "Als Partner dürfen Sie nur Ihre eigenen Zusagen bearbeiten.", code="forbidden")

    def require_partner(self, alliance_id: UUID, partner_id: UUID) -> None:
        """A partner may act only on commitments of its own organisation."""
        self.require_alliance(alliance_id)
        if self.role == "partner" and self.partner_id != partner_id:
            raise Problem(
                403,
                "Als Partner dürfen Sie nur die Zusagen Ihrer eigenen Organisation bearbeiten.",
                code="forbidden",
            )

    def require_servicebuero(self) -> None:
        if self.role != "servicebuero":
            raise Problem(403, "Das ist dem Servicebüro vorbehalten.", code="forbidden")


def issue_token(
    secret: str,
    role: str,
    *,
    alliance_id: UUID | None = None,
    partner_id: UUID | None = None,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
    subject: str | None = None,
    version: int = 0,
    kind: str = API,
    parent: str | None = None,
    cap: datetime | None = None,
) -> str:
    """A signed token; `koordination` needs an alliance, `partner` an alliance and a partner."""
    if role not in ROLES:
        raise ValueError(f"Unbekannte Rolle {role!r}; erlaubt: {', '.join(ROLES)}.")
    if role in ("koordination", "partner") and alliance_id is None:
        raise ValueError(f"Die Rolle {role} braucht ein Bündnis (--alliance).")
    if role == "partner" and partner_id is None:
        raise ValueError("Die Rolle partner braucht einen Partner (--partner).")
    if role == "servicebuero" and (alliance_id or partner_id):
        raise ValueError("Die Rolle servicebuero gilt für alle Bündnisse; ohne --alliance und --partner.")
    if role == "koordination" and partner_id:
        raise ValueError("Die Rolle koordination gilt für ein Bündnis; ohne --partner.")
    limit = MAX_TTL if kind == API else SESSION_TTL
    if not timedelta(0) < ttl <= limit:
        raise ValueError(f"Ein Zugangsschlüssel gilt höchstens {limit.days or limit.seconds // 3600} "
                         f"{'Tage' if limit.days else 'Stunden'}.")
    issued = now or datetime.now(UTC)
    claims: dict[str, object] = {
        "iss": ISSUER, "typ": kind, "role": role, "iat": issued, "exp": issued + ttl,
        "jti": secrets.token_urlsafe(16), "sub": subject or default_subject(role, alliance_id, partner_id),
        "ver": version,
    }
    if alliance_id:
        claims["alliance"] = str(alliance_id)
    if partner_id:
        claims["partner"] = str(partner_id)
    if parent:
        claims["parent"] = parent
    if cap:
        claims["cap"] = int(cap.timestamp())
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def session_token(secret: str, principal: Principal, now: datetime | None = None) -> str:
    """A page session for a signed-in principal (or a renewal of one): 12 hours from now, never
    beyond the API token it was made from."""
    issued = now or datetime.now(UTC)
    cap = principal.cap if principal.kind == SESSION else principal.expires_at
    ttl = SESSION_TTL if cap is None else min(SESSION_TTL, cap - issued)
    if ttl <= timedelta(0):
        raise unauthorized("Der Zugangsschlüssel ist abgelaufen.")
    return issue_token(
        secret, principal.role, alliance_id=principal.alliance_id, partner_id=principal.partner_id,
        ttl=ttl, now=issued, subject=principal.subject, version=principal.version, kind=SESSION,
        parent=principal.parent or principal.jti, cap=cap,
    )


def unauthorized(detail: str) -> Problem:
    return Problem(401, detail, code="unauthorized", headers={"WWW-Authenticate": 'Bearer realm="buendnis"'})


_unauthorized = unauthorized


class VerifiedTokens:
    """Principals of tokens whose signature and claims were already checked, so a token sent with
    every request is verified once (HS256 and the claim checks were ~6 % of the API's event loop
    per command). Expiry, role, kind and revocation are still checked on every use; bounded."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._known: dict[tuple[str, str], Principal] = {}

    def get(self, secret: str, token: str) -> Principal | None:
        return self._known.get((secret, token))

    def put(self, secret: str, token: str, principal: Principal) -> None:
        if len(self._known) >= self.size:
            self._known.clear()
        self._known[(secret, token)] = principal


def decode_token(
    secret: str,
    token: str,
    *,
    roles: tuple[str, ...] = ROLES,
    state: TokenState | None = None,
    kinds: tuple[str, ...] = (API,),
    verified: VerifiedTokens | None = None,
) -> Principal:
    """The principal of a valid token, or a 401 problem saying why not. With `state`, a revoked
    token (its id, its session's API token, or its subject's version) is refused too. With
    `verified`, a token seen before is not verified again (its expiry is)."""
    principal = verified.get(secret, token) if verified is not None else None
    if principal is None:
        principal = _verify(secret, token)
        if verified is not None:
            verified.put(secret, token, principal)
    elif principal.expires_at is not None and principal.expires_at.timestamp() <= time.time():
        raise _unauthorized("Der Zugangsschlüssel ist abgelaufen.")
    if principal.role not in roles or principal.kind not in kinds:
        raise _unauthorized("Der Zugangsschlüssel gilt hierfür nicht.")
    if state is not None and not state.valid(principal.subject, principal.version, principal.jti,
                                             principal.parent):
        raise _unauthorized("Der Zugangsschlüssel wurde widerrufen.")
    return principal


def _verify(secret: str, token: str) -> Principal:
    """The signature and the claims of a token (any role and kind), or a 401 problem."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "iss", "jti", "sub", "typ"]},
        )
    except jwt.ExpiredSignatureError:
        raise _unauthorized("Der Zugangsschlüssel ist abgelaufen.") from None
    except jwt.InvalidTokenError:
        raise _unauthorized("Der Zugangsschlüssel ist ungültig.") from None
    role, kind = claims.get("role"), claims.get("typ")
    if role not in ROLES or kind not in (API, SESSION):
        raise _unauthorized("Der Zugangsschlüssel gilt hierfür nicht.")
    try:
        alliance = UUID(claims["alliance"]) if claims.get("alliance") else None
        partner = UUID(claims["partner"]) if claims.get("partner") else None
        issued = datetime.fromtimestamp(int(claims["iat"]), UTC)
        expires = datetime.fromtimestamp(int(claims["exp"]), UTC)
        version = int(claims.get("ver", 0))
        cap = datetime.fromtimestamp(int(claims["cap"]), UTC) if "cap" in claims else None
    except (ValueError, TypeError, AttributeError, OverflowError):
        raise _unauthorized("Der Zugangsschlüssel ist ungültig.") from None
    if (role != "servicebuero" and alliance is None) or (role == "partner" and partner is None):
        raise _unauthorized("Der Zugangsschlüssel ist ungültig.")
    if expires - issued > (MAX_TTL if kind == API else SESSION_TTL) + timedelta(seconds=1):
        raise _unauthorized("Der Zugangsschlüssel gilt länger als erlaubt; bitte einen neuen erzeugen.")
    parent = claims.get("parent") if isinstance(claims.get("parent"), str) else None
    return Principal(
        str(role), alliance, partner, subject=str(claims["sub"]), version=version, jti=str(claims["jti"]),
        kind=str(kind), issued_at=issued, expires_at=expires, parent=parent, cap=cap,
    )


def bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Erwartet wird die Kopfzeile „Authorization: Bearer <Zugangsschlüssel>“.")
    return token.strip()
