"""Step 1 done by keyboard alone: add actors, record five conversations, complete the step."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from domain.dates import berlin, german_date
from tests.api.conftest import Api
from tests.api.walk import register
from tests.e2e.a11y import assert_accessible
from tests.e2e.forms_helpers import browser_page, focused, press_and_load, tab_to

ACTORS = (("Stadt Forchheim", "Kommune"), ("Kita Regenbogen", "Kita"), ("Siemens Werk Forchheim", "Unternehmen"),
          ("Caritas Forchheim", "Verband"), ("Evangelische Kirchengemeinde", "Kirche"))
OUTCOMES = ("möchte aktiv mitwirken", "interessiert", "interessiert", "unentschieden", "kein Interesse")


def _type(page: Any, text: str) -> None:
    page.keyboard.type(text, delay=5)


def _open(page: Any, title: str) -> None:
    summary = page.locator("summary", has_text=title).first
    tab_to(page, summary)
    page.keyboard.press("Enter")


def _field(page: Any, form_id: str, label: str) -> Any:
    field = page.locator(f"#{form_id}").get_by_label(label)
    tab_to(page, field)
    return field


def test_step_one_by_keyboard_alone(browser: Any, api: Api, shots: Path) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Forchheim")
    page = browser_page(browser, api, alliance=aid)
    page.goto(f"{api.url}/alliances/{aid}")
    today = german_date(berlin(api.application.clock()))

    for name, sector in ACTORS:
        _open(page, "Akteur erfassen")
        _field(page, "formular-akteur", "Name der Organisation")
        _type(page, name)
        _field(page, "formular-akteur", "Akteurstyp")
        _type(page, sector)  # a closed select takes the typed label
        page.keyboard.press("Tab")
        assert focused(page, page.locator("#formular-akteur").get_by_role("button", name="Akteur erfassen"))
        press_and_load(page)
        assert page.url.endswith("?erledigt=akteur#erledigt")
        assert page.locator("#erledigt").inner_text() == "Der Akteur ist erfasst."
        assert page.get_by_role("cell", name=name, exact=True).is_visible()

    for (name, _), outcome in zip(ACTORS, OUTCOMES, strict=True):
        _open(page, "Einzelgespräch erfassen")
        _field(page, "formular-gespraech", "Akteur")
        _type(page, name)
        page.keyboard.press("Tab")
        _type(page, today)  # Datum des Gesprächs
        page.keyboard.press("Tab")
        _type(page, outcome)  # Ergebnis
        page.keyboard.press("Tab")
        _type(page, today)  # Nachfassen am
        page.keyboard.press("Tab")
        _type(page, f"Gespräch mit {name}")
        page.keyboard.press("Tab")
        press_and_load(page)
        assert page.url.endswith("?erledigt=gespraech#erledigt")
        assert page.locator("#erledigt").inner_text() == "Das Einzelgespräch ist erfasst."

    assert page.locator(".checklist li.unmet").count() == 0
    assert_accessible(page, "Bündnisseite nach Schritt 1 (Tastatur)")
    page.reload()
    _open(page, "Schritt abschließen")
    button = page.locator("#formular-schritt-abschliessen").get_by_role("button", name="Schritt abschließen")
    tab_to(page, button)
    press_and_load(page)
    assert page.url.endswith("?erledigt=schritt-abschliessen#erledigt")
    assert page.locator("#erledigt").inner_text() == "Der Schritt ist abgeschlossen."
    assert "Schritt 2 von 5" in page.locator("#schritte").inner_text()
    page.screenshot(path=str(shots / "schritt-1-tastatur.png"), full_page=True)
    assert api.application.get_alliance(UUID(aid)).step == 2
