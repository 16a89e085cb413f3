"""End-to-end fixtures: the browser (Debian's chromium via Playwright) over the served API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings, load_settings
from tests.api.conftest import api, api_settings  # noqa: F401  (the served API, reused here)

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Browser tests run on the SQLite file only: the pages do not depend on the backend."""
    # Plain HTTP on 127.0.0.1, as `make run`: the sign-in cookie without `Secure`.
    return load_settings(store="sqlite", var_dir=tmp_path / "var", development=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One browser per module: Playwright's sync API runs its own event loop in this thread, which
    must be gone before the asyncio tests of later modules run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
