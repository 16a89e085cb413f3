"""Checks that a secret is nowhere in what a caller can read, with secrets that cannot turn up
by chance: hex ids, timestamps and tokens are made of digits, a-f and dashes, so a short secret
of those ("5000", "0561") was found in them by accident and failed tests now and then."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A run of this many characters of [0-9a-f-] occurs by chance in a random hex id about once in
# 16**10 positions: never in a test's pages.
SAFE_LENGTH = 10
_HEXLIKE = re.compile(r"[0-9a-fA-F\-.:]+")  # what ids, timestamps and tokens are made of


def assert_unreadable(secrets: Iterable[str], texts: Iterable[str]) -> None:
    """Fails when a secret is found in a text, or when a secret is too hex-like to prove anything."""
    texts = list(texts)
    for secret in secrets:
        if _HEXLIKE.fullmatch(secret) and len(secret) < SAFE_LENGTH:
            raise ValueError(f"{secret!r} could turn up by chance in hex ids: take a longer or wordier secret")
        for text in texts:
            assert secret not in text, f"readable: {secret!r}"
