"""The Servicebüro follows every figure of the dashboard to its list: drop-outs per step (resting,
dissolved) and the Netzwerk-Check per criterion; the lists count as the dashboard does."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.builders import BY, alliance_in_step, new_alliance
from tests.e2e.a11y import assert_accessible
from tests.e2e.forms_helpers import browser_page, click_and_load
from tests.waiting import poll


def test_the_lists_behind_the_drop_outs_and_the_netzwerk_check(browser: Any, api: Api) -> None:
    app = api.application
    resting = alliance_in_step(app, 2)
    app.pause(resting.alliance_id, reason="Koordinatorin in Elternzeit", by=BY)
    ended = new_alliance(app, "Lokales Bündnis für Familie Gera")
    app.dissolve(ended.alliance_id, reason="Aufgegangen im Landkreisbündnis", by=BY)
    steering = alliance_in_step(app, 5)
    page = browser_page(browser, api, "servicebuero")

    def board() -> str:
        page.goto(f"{api.url}/")
        text: str = page.locator("#ausstiege ~ div table").inner_text()
        return text

    text = poll(board, lambda t: "2. Bündnisteam aufbauen\t0\t1\t0" in t)
    assert "1. Bündnisidee initiieren\t0\t0\t1\t3" in text  # active, resting, dissolved, reached
    assert_accessible(page, "Übersicht mit Ausstiegen und Netzwerk-Check")
    click_and_load(page, page.get_by_role("link", name="1 ruhend in Schritt 2"))
    rows = page.locator("main table").first.locator("tbody tr")
    assert rows.count() == 1 and "Lokales Bündnis für Familie Jena" in rows.inner_text()
    assert "ruhend" in rows.inner_text()

    page.goto(f"{api.url}/buendnisse")
    assert "Gera" not in page.locator("main table").first.inner_text()  # counted as the dashboard: not dissolved
    assert "Aufgelöste Bündnisse zählen wie in der Übersicht nicht mit" in page.locator("main").inner_text()
    page.goto(f"{api.url}/")
    click_and_load(page, page.get_by_role("link", name="1 aufgelöst in Schritt 1"))
    assert "Lokales Bündnis für Familie Gera" in page.locator("main table").first.inner_text()

    page.goto(f"{api.url}/")
    press = "regelmäßige Presse- und Öffentlichkeitsarbeit"
    row = page.locator("#netzwerk ~ div table").get_by_role("row", name=press)
    assert row.locator("td").inner_text() == "1"
    click_and_load(page, row.get_by_role("link"))
    assert page.get_by_role("heading", level=1).inner_text() == f"Netzwerk-Check: {press} offen"
    listed = page.locator("main table tbody tr")
    assert listed.count() == 1 and press in listed.inner_text()
    assert f"/alliances/{steering.alliance_id}" == listed.get_by_role("link").get_attribute("href")
    assert_accessible(page, "Netzwerk-Check: Liste je Kriterium")
    page.goto(f"{api.url}/buendnisse/netzwerk-check?kriterium=anchoring")
    assert page.get_by_role("status").inner_text() == "1 Bündnis."
