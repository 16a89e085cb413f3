"""Filling the page forms as a person would: open a form by its title, fill fields by their labels,
and move by keyboard alone where a test says so."""

from __future__ import annotations

import re
from typing import Any

from tests.api.conftest import Api


def browser_page(browser: Any, api: Api, role: str = "koordination", width: int = 1280, **scope: Any) -> Any:
    """A German browser signed in through the sign-in form (as a person is), with the token of the
    role (`alliance=…`, `partner=…`)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="de-DE")
    return sign_in(context, api, api.token(role, **scope))


def sign_in(context: Any, api: Api, token: str) -> Any:
    """A page of `context` after signing in with `token` on /anmelden (session cookie, CSRF value)."""
    page = context.new_page()
    page.goto(f"{api.url}/anmelden")
    page.get_by_label("Zugangsschlüssel").fill(token)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()
    assert "/anmelden" not in page.url, page.content()[:2000]
    return page


def open_form(page: Any, title: str) -> Any:
    """The form under the summary `title` on the alliance page, opened."""
    details = page.locator("details.form").filter(has=page.locator("summary", has_text=title)).first
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def submit(form: Any, name: str) -> None:
    form.get_by_role("button", name=name).click()


def done(page: Any) -> str:
    """The sentence the page shows after a form worked."""
    text: str = page.locator("#erledigt").inner_text()
    return text


def focused(page: Any, locator: Any) -> bool:
    return bool(locator.evaluate("el => el === document.activeElement"))


def tab_to(page: Any, locator: Any, limit: int = 600) -> None:
    """Presses Tab until `locator` has the focus (fails when it never gets it)."""
    for _ in range(limit):
        if focused(page, locator):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} bekommt mit der Tabulatortaste nie den Fokus")


def press_and_load(page: Any, key: str = "Enter") -> None:
    """Presses `key` and waits for the page it leads to (the redirect after a form)."""
    with page.expect_navigation():
        page.keyboard.press(key)


def click_and_load(page: Any, locator: Any) -> None:
    with page.expect_navigation():
        locator.click()


def label(text: str) -> re.Pattern[str]:
    """A field's label as shown, with or without the "(Pflichtfeld)" that required fields carry."""
    return re.compile(f"^{re.escape(text)}( \\(Pflichtfeld\\))?$")
