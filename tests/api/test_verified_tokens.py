"""A token sent with every request is verified once (api/auth.py VerifiedTokens); what can change
after that (its expiry, its revocation) and what the route asks for (role, kind) are checked on
every use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.auth import SESSION, Principal, VerifiedTokens, decode_token, issue_token
from api.problems import Problem
from api.tokens import InMemoryTokenStore, TokenState

SECRET = "s" * 40


def test_a_token_seen_before_is_not_verified_again() -> None:
    verified = VerifiedTokens()
    token = issue_token(SECRET, "servicebuero")
    first = decode_token(SECRET, token, verified=verified)
    # What the cache holds is answered without verifying: a forged entry shows it is consulted.
    verified.put(SECRET, "kein-jwt", first)

    assert decode_token(SECRET, "kein-jwt", verified=verified) == first
    with pytest.raises(Problem):
        decode_token(SECRET, "kein-jwt")  # without the cache it is verified, and refused
    with pytest.raises(Problem):
        decode_token("x" * 40, token, verified=verified)  # another secret: verified afresh


def test_a_cached_token_that_expired_since_is_refused() -> None:
    verified = VerifiedTokens()
    now = datetime.now(UTC)
    expired = Principal("servicebuero", subject="servicebuero", jti="j", issued_at=now - timedelta(days=2),
                        expires_at=now - timedelta(seconds=1))
    verified.put(SECRET, "alt", expired)

    with pytest.raises(Problem) as refused:
        decode_token(SECRET, "alt", verified=verified)
    assert refused.value.status == 401 and "abgelaufen" in refused.value.detail


def test_a_cached_token_revoked_since_or_of_another_kind_is_refused() -> None:
    verified, state = VerifiedTokens(), TokenState(InMemoryTokenStore())
    token = issue_token(SECRET, "servicebuero", subject="anna")
    principal = decode_token(SECRET, token, state=state, verified=verified)

    with pytest.raises(Problem) as wrong_kind:
        decode_token(SECRET, token, state=state, verified=verified, kinds=(SESSION,))
    assert "gilt hierfür nicht" in wrong_kind.value.detail
    state.revoke_token(principal.jti, principal.expires_at or datetime.now(UTC))
    with pytest.raises(Problem) as revoked:
        decode_token(SECRET, token, state=state, verified=verified)
    assert "widerrufen" in revoked.value.detail
