"""The pages against a hostile web: security headers, no inline script, CSRF and Origin on every
form, a 12-hour sliding session instead of the API token in the cookie, notices by code only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

import httpx
import pytest

from api.auth import decode_token, issue_token, session_token
from api.security import CSRF_COOKIE
from tests.api.conftest import SECRET, Api, is_problem
from tests.api.walk import ok, register
from tests.unreadable import assert_unreadable


@pytest.fixture(autouse=True)
def plain_http(api: Api) -> Iterator[None]:
    """These tests speak plain HTTP, as `make run` does: cookies without `Secure`, else the client
    would not send them back (test_the_session_cookie_is_secure… checks production's)."""
    api.app.state.ctx.development = True
    yield
    api.app.state.ctx.development = False


def _form(client: httpx.Client) -> str:
    """Opens the sign-in page as a browser would; its CSRF value (the cookie is kept by the client)."""
    page = client.get("/anmelden")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found and CSRF_COOKIE in client.cookies
    return found.group(1)


def _sign_in(api: Api, client: httpx.Client, token: str, origin: str | None = None) -> httpx.Response:
    csrf = _form(client)
    return client.post("/anmelden", data={"token": token, "weiter": "/", "csrf": csrf},
                       headers={"Origin": origin or api.url})


def _set_cookie(response: httpx.Response, name: str) -> SimpleCookie:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(name + "="):
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            return jar
    raise AssertionError(f"no {name} cookie set: {response.headers.get_list('set-cookie')}")


def test_every_answer_carries_the_security_headers(api: Api) -> None:
    with api.client() as office:
        aid = register(office)
        for path in ("/", f"/alliances/{aid}", "/anmelden", "/api/v1/dashboard", "/nirgends", "/docs"):
            response = office.get(path)
            csp = response.headers["content-security-policy"]
            assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert "unsafe-inline" not in csp
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "same-origin"
            assert response.headers["cache-control"] == "no-store", path
        page = office.get(f"/alliances/{aid}").text
        assert "<script>" not in page and "style=" not in page and "<style" not in page
        assert "cache-control" not in office.get("/static/style.css").headers or \
            office.get("/static/style.css").headers["cache-control"] != "no-store"


def test_swagger_ui_is_served_from_the_package_without_a_cdn_or_inline_script(api: Api) -> None:
    with api.anonymous() as anon:
        page = anon.get("/docs/swagger").text
        scripts = re.findall(r'<script src="([^"]+)"', page)
        assert scripts == ["/docs/assets/swagger-ui-bundle.js", "/static/docs.js"]
        assert "<script>" not in page and "http" not in page
        for path in (*scripts, "/docs/assets/swagger-ui.css"):
            assert anon.get(path).status_code == 200, path


def test_sign_in_makes_a_session_cookie_not_the_api_token(api: Api) -> None:
    token = api.token()
    with httpx.Client(base_url=api.url, timeout=30) as browser:
        response = _sign_in(api, browser, token)
        assert response.status_code == 303
        cookie = _set_cookie(response, "buendnis_session")["buendnis_session"]
        assert cookie.value != token
        assert cookie["httponly"] and cookie["samesite"].lower() == "strict"
        session = decode_token(SECRET, cookie.value, kinds=("session",))
        assert session.expires_at and session.issued_at
        assert session.expires_at - session.issued_at <= timedelta(hours=12)
        # The cookie is a page session: the API does not take it as a bearer token.
        is_problem(browser.get("/api/v1/dashboard", headers={"Authorization": f"Bearer {cookie.value}"}), 401)
        browser.cookies.set("buendnis_session", cookie.value)
        assert browser.get("/").status_code == 200
        # Signing out revokes the session: a copy of the cookie is worthless afterwards.
        csrf = re.search(r'name="csrf" value="([^"]+)"', browser.get("/").text)
        assert csrf
        out = browser.post("/abmelden", data={"csrf": csrf.group(1)}, headers={"Origin": api.url})
        assert out.status_code == 303 and out.headers["location"] == "/anmelden?hinweis=abgemeldet"
    with httpx.Client(base_url=api.url, timeout=30, cookies={"buendnis_session": cookie.value}) as thief:
        back = thief.get("/")
        assert back.status_code == 303 and "hinweis=widerrufen" in back.headers["location"]


def test_a_session_slides_while_used_but_never_past_its_api_token(api: Api) -> None:
    parent = decode_token(SECRET, api.token())
    old = session_token(SECRET, parent, now=datetime.now(UTC) - timedelta(hours=1))
    with httpx.Client(base_url=api.url, timeout=30, cookies={"buendnis_session": old}) as browser:
        response = browser.get("/")
        assert response.status_code == 200
        renewed = decode_token(SECRET, _set_cookie(response, "buendnis_session")["buendnis_session"].value,
                               kinds=("session",))
    assert renewed.expires_at and renewed.expires_at > datetime.now(UTC) + timedelta(hours=11)
    short = decode_token(SECRET, issue_token(SECRET, "servicebuero", ttl=timedelta(hours=2)))
    capped = decode_token(SECRET, session_token(SECRET, short), kinds=("session",))
    assert capped.expires_at and short.expires_at and capped.expires_at <= short.expires_at


def test_form_posts_without_the_csrf_value_or_from_another_site_are_refused(api: Api) -> None:
    token = api.token()
    with httpx.Client(base_url=api.url, timeout=30) as browser:
        assert _sign_in(api, browser, token, origin="https://angreifer.example").status_code == 403
        # Login CSRF: another site posting its own token into our sign-in form gets no session.
        forged = browser.post("/anmelden", data={"token": token, "weiter": "/"}, headers={"Origin": api.url})
        assert forged.status_code == 403 and "buendnis_session" not in forged.headers.get("set-cookie", "")
        wrong = browser.post("/anmelden", data={"token": token, "csrf": "0" * 64}, headers={"Origin": api.url})
        assert wrong.status_code == 403
        no_origin = browser.post("/anmelden", data={"token": token, "csrf": _form(browser)})
        assert no_origin.status_code == 403
        assert _sign_in(api, browser, token).status_code == 303


def test_the_sign_in_page_shows_notices_by_code_never_text_from_the_address(api: Api) -> None:
    with api.anonymous() as anon:
        assert "Sie sind abgemeldet." in anon.get("/anmelden", params={"hinweis": "abgemeldet"}).text
        hostile = "Ihr Konto ist gesperrt – rufen Sie 0900-123456 an"
        page = anon.get("/anmelden", params={"hinweis": hostile}).text
        assert 'role="alert"' not in page
        assert_unreadable(("0900-123456", "gesperrt"), [page])  # "0900" alone may be in the CSRF value


def test_the_session_cookie_is_secure_unless_the_development_flag_is_set(api: Api) -> None:
    with httpx.Client(base_url=api.url, timeout=30) as browser:
        csrf = _form(browser)
        api.app.state.ctx.development = False
        response = browser.post("/anmelden", data={"token": api.token(), "csrf": csrf}, headers={"Origin": api.url})
    session = _set_cookie(response, "buendnis_session")["buendnis_session"]
    assert session["secure"] and session["httponly"]
    with httpx.Client(base_url=api.url, timeout=30) as fresh:
        assert _set_cookie(fresh.get("/anmelden"), CSRF_COOKIE)[CSRF_COOKIE]["secure"]


def test_a_calendar_address_is_made_by_a_form_post_and_shown_once(api: Api) -> None:
    with api.client() as office:
        aid = register(office)
    with httpx.Client(base_url=api.url, timeout=30) as browser:
        _sign_in(api, browser, api.token("koordination", alliance=aid))
        page = browser.get(f"/alliances/{aid}").text
        assert "/calendar/" not in page  # no calendar secret minted by merely looking at the page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        made = browser.post(f"/alliances/{aid}/kalender", data={"csrf": csrf.group(1)}, headers={"Origin": api.url})
        url = re.search(r'value="(http[^"]+/calendar/[^"]+)"', made.text)
        assert made.status_code == 200 and url
    with api.anonymous() as anon:
        assert anon.get(url.group(1).replace("&amp;", "&")).status_code == 200
    with api.client("koordination", alliance=aid) as coordinator:
        assert ok(coordinator.get(f"/api/v1/alliances/{aid}/calendar-feeds"))["items"]
