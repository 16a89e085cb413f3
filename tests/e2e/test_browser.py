"""In headless Chromium: sign in, open the dashboard, follow an alliance, see its unmet criteria,
record a commitment through the API and see it appear; screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from domain.dates import berlin, german_date
from tests.api.conftest import Api
from tests.api.walk import ok, register, step_one


def signed_in_page(browser: Any, api: Api, width: int = 1280, role: str = "servicebuero", **scope: Any) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        locale="de-DE",
        extra_http_headers={"Authorization": f"Bearer {api.token(role, **scope)}"},
    )
    return context.new_page()


def test_sign_in_form_keeps_the_token_in_a_cookie(browser: Any, api: Api, shots: Path) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Erlangen")
    page = browser.new_context(locale="de-DE").new_page()
    page.goto(f"{api.url}/alliances/{aid}")
    assert page.url.startswith(f"{api.url}/anmelden")
    page.get_by_label("Zugangsschlüssel").fill("kein gültiger Schlüssel")
    page.get_by_role("button", name="Anmelden").click()
    assert "ungültig" in page.get_by_role("alert").inner_text()
    page.get_by_label("Zugangsschlüssel").fill(api.token("koordination", alliance=aid))
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{api.url}/alliances/{aid}")
    assert page.get_by_role("heading", level=1).inner_text() == "Bündnis für Familie Erlangen"
    page.screenshot(path=str(shots / "anmelden-dann-buendnis.png"), full_page=True)
    page.get_by_role("button", name="Abmelden (Koordination)").click()
    page.goto(f"{api.url}/alliances/{aid}")
    assert page.url.startswith(f"{api.url}/anmelden")


def test_alliance_page_shows_unmet_criteria_and_a_commitment_recorded_through_the_api(
    browser: Any, api: Api, shots: Path
) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Bamberg")
        actors = step_one(c, aid)
        ok(c.post(f"/api/v1/alliances/{aid}/steps/1/complete"))
    page = signed_in_page(browser, api)
    page.goto(f"{api.url}/alliances/{aid}")
    unmet = page.locator(".checklist li.unmet")
    assert unmet.count() >= 2
    assert "Bündnisteam mit mindestens 3 Akteuren" in page.locator(".checklist").inner_text()
    assert "Schritt 2 von 5" in page.get_by_role("heading", level=2).first.inner_text()
    assert page.get_by_text("Keine Zusagen.").is_visible()

    with api.client("koordination", alliance=aid) as coordinator:
        ok(
            coordinator.post(
                f"/api/v1/alliances/{aid}/commitments",
                json={
                    "partner_id": actors[0],
                    "description": "Belegplätze in der Kita Sonnenschein",
                    "kind": "betreuungsplaetze",
                    "amount": "5",
                    "unit": "Plätze",
                    "due_on": "2026-09-01",
                },
            ),
            201,
        )
    page.reload()
    row = page.get_by_role("row", name="Belegplätze in der Kita Sonnenschein")
    assert row.is_visible() and "zugesagt" in row.inner_text() and "01.09.2026" in row.inner_text()
    page.screenshot(path=str(shots / "buendnis-mit-zusage.png"), full_page=True)


def test_pages_work_with_the_keyboard_and_on_a_phone(browser: Any, api: Api, shots: Path) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Würzburg")
        step_one(c, aid)
    page = signed_in_page(browser, api, width=320)
    page.goto(f"{api.url}/alliances/{aid}")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"
    # Nothing wider than the phone's screen, except inside scrollable tables.
    overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert overflow, "the page scrolls sideways on a phone"
    page.get_by_label("Stand am").fill("01.01.2020")
    page.get_by_label("Stand am").press("Enter")
    assert "gab es zu diesem Zeitpunkt noch nicht" in page.get_by_role("alert").inner_text()
    page.go_back()
    page.screenshot(path=str(shots / "buendnis-telefon.png"), full_page=True)


def test_dashboard_leads_to_an_alliance_with_its_unmet_criteria(browser: Any, api: Api, shots: Path) -> None:
    import time

    with api.client() as c:
        aid = register(c, "Bündnis für Familie Ansbach")
        ok(c.post(f"/api/v1/alliances/{aid}/actors", json={"name": "Stadt Ansbach", "sector": "kommune"}), 201)
    page = signed_in_page(browser, api)
    deadline = time.monotonic() + 15
    while True:  # the dashboard may lag behind a write by a few seconds (API.md)
        page.goto(f"{api.url}/?land=Bayern")
        link = page.get_by_role("link", name="Bündnis für Familie Ansbach")
        if link.count() or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert page.locator("svg.chart").count() >= 2
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)
    link.click()
    page.wait_for_url(f"{api.url}/alliances/{aid}")
    unmet = page.locator(".checklist li.unmet")
    assert unmet.count() == 3 and "mindestens 5 Einzelgespräche" in unmet.first.inner_text()
    phone = signed_in_page(browser, api, width=320)
    phone.goto(f"{api.url}/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=str(shots / "dashboard-telefon.png"), full_page=True)


def test_pages_and_swagger_ui_run_under_the_content_security_policy(browser: Any, api: Api, shots: Path) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Hof")
        step_one(c, aid)
    page = signed_in_page(browser, api)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{api.url}/alliances/{aid}")
    page.goto(f"{api.url}/docs/swagger")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "buendnis" in page.locator(".swagger-ui .info .title").inner_text()
    page.screenshot(path=str(shots / "docs.png"))
    assert violations == []
    assert all(u.startswith(api.url) for u in requests), [u for u in requests if not u.startswith(api.url)]


def test_stand_reads_and_submits_tt_mm_jjjj_in_an_english_browser(browser: Any, api: Api, shots: Path) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Lindau")
    context = browser.new_context(
        locale="en-US",
        timezone_id="America/New_York",
        extra_http_headers={"Authorization": f"Bearer {api.token()}"},
    )
    page = context.new_page()
    page.goto(f"{api.url}/alliances/{aid}")
    field = page.get_by_label("Stand am")
    # Not <input type=date>: that one reads mm/dd/yyyy in an English browser.
    assert field.get_attribute("type") == "text" and field.get_attribute("inputmode") == "decimal"
    expect(field).to_have_accessible_description("TT.MM.JJJJ")
    assert page.locator("#stand-format").is_visible()

    today = german_date(berlin(api.application.clock()))
    field.fill(today)
    field.press("Enter")
    page.wait_for_url(re.compile(r".*stand=.*"))
    assert f"Stand {today}" in page.locator(".meta").inner_text()
    expect(page.get_by_label("Stand am")).to_have_value(today)

    page.get_by_label("Stand am").fill("12/31/2026")  # the English habit is answered in German
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url(re.compile(r".*stand=12%2F31%2F2026"))
    field = page.get_by_label("Stand am")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("12/31/2026")
    assert "TT.MM.JJJJ" in page.get_by_role("alert").inner_text()
    expect(field).to_have_accessible_description(re.compile(r"^TT\.MM\.JJJJ .*kein gültiges Datum"))
    page.screenshot(path=str(shots / "stand-englischer-browser.png"), full_page=True)
    context.close()
