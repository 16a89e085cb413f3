"""The ports the tests' servers get: never one a browser test cannot load a page from."""

from __future__ import annotations

import pytest

from tests import ports


def test_no_port_of_the_first_block_is_one_chromium_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")  # the block 10000–14999, which holds 10080
    drawn = {ports.free_port() for _ in range(ports.BLOCK)}
    assert 10080 not in drawn
    assert len(drawn) > ports.BLOCK // 2  # the whole block was drawn from, not a few ports again
