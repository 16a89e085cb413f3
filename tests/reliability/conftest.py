"""The stack as real processes on a fresh SQLite store (tests/reliability/stack.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.stack import Stack


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    stack = Stack.create(tmp_path)
    try:
        yield stack
    finally:
        stack.stop()
