"""Logging keeps working when the process's stderr is swapped (as test runners and CLIs do)."""

from __future__ import annotations

import io
import sys

import orjson
import pytest
import structlog

from workers.logging import configure_logging


def test_a_log_line_goes_to_the_current_stderr_even_after_the_old_one_was_closed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", old)
    configure_logging("json", "info")
    old.close()
    monkeypatch.setattr(sys, "stderr", new)
    structlog.get_logger().info("bündnis_gegründet", alliance_id="a1")
    line = orjson.loads(new.getvalue().splitlines()[-1])
    assert (line["event"], line["alliance_id"], line["level"]) == ("bündnis_gegründet", "a1", "info")
