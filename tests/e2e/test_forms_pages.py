"""A form on its own page, dates typed the English way answered in German, and the pages without
forms (sign-in, mails): each checked by axe."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.api.conftest import Api
from tests.api.walk import register
from tests.e2e.a11y import assert_accessible
from tests.e2e.forms_helpers import browser_page, click_and_load, done, label, sign_in


def test_a_form_on_its_own_page_reads_tt_mm_jjjj_in_an_english_browser(browser: Any, api: Api) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Ingolstadt")
    context = browser.new_context(locale="en-US", timezone_id="America/New_York")
    page = sign_in(context, api, api.token("koordination", alliance=aid))
    page.goto(f"{api.url}/alliances/{aid}/formulare/initiative")
    assert page.get_by_role("heading", level=1).inner_text() == "Beitritt zur Bundesinitiative erfassen"
    assert_accessible(page, "Formularseite (leer)")
    field = page.get_by_label(label("Beigetreten am"))
    assert field.get_attribute("type") == "text"
    field.fill("12/31/2026")
    click_and_load(page, page.get_by_role("button", name="Beitritt erfassen"))
    expect(page.get_by_label(label("Beigetreten am"))).to_have_attribute("aria-invalid", "true")
    assert "TT.MM.JJJJ" in page.get_by_role("alert").inner_text()
    assert page.title().startswith("Fehler: ")
    assert_accessible(page, "Formularseite mit englischem Datum")
    page.get_by_label(label("Beigetreten am")).fill("31.12.2026")
    click_and_load(page, page.get_by_role("button", name="Beitritt erfassen"))
    assert done(page) == "Der Beitritt zur Bundesinitiative ist erfasst."
    context.close()


def test_sign_in_and_mail_pages_pass_axe(browser: Any, api: Api) -> None:
    page = browser.new_context(locale="de-DE").new_page()
    page.goto(f"{api.url}/anmelden")
    assert_accessible(page, "Anmelden")
    page.get_by_label("Zugangsschlüssel").fill("falsch")
    click_and_load(page, page.get_by_role("button", name="Anmelden"))
    assert_accessible(page, "Anmelden mit Fehler")
    page = browser_page(browser, api, "servicebuero")
    page.goto(f"{api.url}/post")
    assert_accessible(page, "Versandte Mails")
    page.goto(f"{api.url}/buendnisse/stockend")
    page = browser_page(browser, api, "koordination", alliance="00000000-0000-4000-8000-000000000000")
    answer = page.goto(f"{api.url}/buendnisse")
    assert answer.status == 403 and "Servicebüro vorbehalten" in page.get_by_role("alert").inner_text()
    assert_accessible(page, "403 Koordination auf der Servicebüro-Liste")
