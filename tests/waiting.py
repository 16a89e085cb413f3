"""Waiting in tests for what lags by design (lists, the dashboard): poll, and fail when time runs out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll(fetch: Callable[[], T], check: Callable[[T], object], timeout: float = 15.0) -> T:
    """`fetch()` again until `check` holds for its answer; AssertionError naming the last answer else."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if check(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"nach {timeout} s gilt die Bedingung nicht; zuletzt: {value!r}"[:2000])
        time.sleep(0.1)
