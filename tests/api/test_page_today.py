"""The pages judge step 5's Netzwerk-Check on the application's today (its clock: BUENDNIS_TEST_TODAY
in tests), as the API does, not on the day of the alliance's last change."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from config.settings import Settings, load_settings
from domain.dates import berlin
from tests.api.conftest import Api
from tests.builders import BY, alliance_in_step

PRESS = "Presse- und Öffentlichkeitsarbeit in den letzten"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The pages do not depend on the backend: the SQLite file only."""
    return load_settings(store="sqlite", var_dir=tmp_path / "var", development=True)


@pytest.fixture
def moved(api: Api) -> Iterator[Api]:
    ctx = api.app.state.ctx
    started = ctx.clock
    yield api
    ctx.clock = started


def _press_line(html: str) -> str:
    """The checklist item of the press work with its "erfüllt:"/"offen:" for screen readers."""
    start = html.index(PRESS)
    return html[html.rindex("<li", 0, start):start]


def test_the_netzwerk_check_on_the_alliance_page_looks_back_from_the_apps_today(moved: Api) -> None:
    api = moved
    g = alliance_in_step(api.application, 5)
    aid = g.alliance_id
    today = berlin(api.application.clock()).date()
    api.application.record_publicity(aid, on=today, title="Pressemitteilung zum Familientag", by=BY)
    ctx = api.app.state.ctx
    with api.signed_in_browser(api.token("koordination", alliance=aid), f"/alliances/{aid}") as browser:
        page = browser.get(f"/alliances/{aid}")
        assert page.status_code == 200
        assert "Netzwerk-Check" in page.text
        assert "erfüllt:" in _press_line(page.text)
        # A year later, with nothing recorded since: the press work is too long ago.
        later = ctx.clock() + timedelta(days=400)
        ctx.clock = lambda: later
        page = browser.get(f"/alliances/{aid}")
        assert "offen:" in _press_line(page.text), _press_line(page.text)
    with api.client("koordination", alliance=aid) as client:
        unmet = client.get(f"/api/v1/alliances/{aid}").json()["criteria"]["unmet"]
    assert any(text.startswith(PRESS) for text in unmet)  # the page and the API judge on the same day
    assert f"{len(unmet)} Kriterien sind noch offen." in page.text
