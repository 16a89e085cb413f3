"""Bearer tokens: signed (HS256) with expiry, carrying a role and its scope; and who may do what.

Roles: `servicebuero` (every alliance), `koordination` (one alliance), `partner` (one partner of
one alliance). A `calendar` token only opens one alliance's iCalendar feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt

from api.problems import Problem

ROLES = ("servicebuero", "koordination", "partner")
CALENDAR = "calendar"
ALGORITHM = "HS256"
ISSUER = "buendnis"
DEFAULT_TTL = timedelta(days=30)
COOKIE = "buendnis_token"


@dataclass(frozen=True)
class Principal:
    role: str
    alliance_id: UUID | None = None
    partner_id: UUID | None = None

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
) -> str:
    """A signed token; `koordination` needs an alliance, `partner` an alliance and a partner."""
    if role not in (*ROLES, CALENDAR):
        raise ValueError(f"Unbekannte Rolle {role!r}; erlaubt: {', '.join(ROLES)}.")
    if role in ("koordination", "partner", CALENDAR) and alliance_id is None:
        raise ValueError(f"Die Rolle {role} braucht ein Bündnis (--alliance).")
    if role == "partner" and partner_id is None:
        raise ValueError("Die Rolle partner braucht einen Partner (--partner).")
    if role == "servicebuero" and (alliance_id or partner_id):
        raise ValueError("Die Rolle servicebuero gilt für alle Bündnisse; ohne --alliance und --partner.")
    if role == "koordination" and partner_id:
        raise ValueError("Die Rolle koordination gilt für ein Bündnis; ohne --partner.")
    issued = now or datetime.now(UTC)
    claims: dict[str, object] = {"iss": ISSUER, "role": role, "iat": issued, "exp": issued + ttl}
    if alliance_id:
        claims["alliance"] = str(alliance_id)
    if partner_id:
        claims["partner"] = str(partner_id)
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def _unauthorized(detail: str) -> Problem:
    return Problem(401, detail, code="unauthorized", headers={"WWW-Authenticate": 'Bearer realm="buendnis"'})


def decode_token(secret: str, token: str, *, roles: tuple[str, ...] = ROLES) -> Principal:
    """The principal of a valid token, or a 401 problem saying why not."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise _unauthorized("Der Zugangsschlüssel ist abgelaufen.") from None
    except jwt.InvalidTokenError:
        raise _unauthorized("Der Zugangsschlüssel ist ungültig.") from None
    role = claims.get("role")
    if role not in roles:
        raise _unauthorized("Der Zugangsschlüssel gilt hierfür nicht.")
    try:
        alliance = UUID(claims["alliance"]) if claims.get("alliance") else None
        partner = UUID(claims["partner"]) if claims.get("partner") else None
    except (ValueError, TypeError, AttributeError):
        raise _unauthorized("Der Zugangsschlüssel ist ungültig.") from None
    if (role != "servicebuero" and alliance is None) or (role == "partner" and partner is None):
        raise _unauthorized("Der Zugangsschlüssel ist ungültig.")
    return Principal(role, alliance, partner)


def bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Erwartet wird die Kopfzeile „Authorization: Bearer <Zugangsschlüssel>“.")
    return token.strip()
