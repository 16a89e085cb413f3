"""The secrets the privacy tests look for cannot be found by chance."""

from __future__ import annotations

import uuid

import pytest

from tests.unreadable import assert_unreadable


@pytest.mark.parametrize("secret", ["5000", "0561", "0171-555", "2026-01"])
def test_a_secret_that_could_be_part_of_an_id_is_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="by chance"):
        assert_unreadable([secret], ["nothing here"])


def test_a_page_full_of_ids_does_not_hide_a_safe_secret_and_still_shows_a_real_leak() -> None:
    page = " ".join(str(uuid.uuid4()) for _ in range(10_000))
    assert_unreadable(["0561 1234", "98765432109", "Paula Berger"], [page])
    with pytest.raises(AssertionError, match="Paula"):
        assert_unreadable(["Paula Berger"], [page + " Paula Berger"])
