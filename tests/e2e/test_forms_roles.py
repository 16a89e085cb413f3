"""Each role sees the forms it may use: a partner its own commitments and its inbox, the
Servicebüro everything plus the lists behind the dashboard; a form a role may not use is not
shown, and posting it anyway answers a German 403 page. Every page checked by axe."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from domain.dates import berlin, german_date
from tests.api.conftest import Api
from tests.api.walk import ok, register, step_one
from tests.e2e.a11y import assert_accessible
from tests.e2e.forms_helpers import browser_page, click_and_load, done, label, open_form
from tests.waiting import poll


def _commitments(api: Api) -> tuple[str, list[str], str, str]:
    due = (berlin(api.application.clock()).date() + timedelta(days=30)).isoformat()
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Coburg")
        actors = step_one(c, aid)
        own = ok(c.post(f"/api/v1/alliances/{aid}/commitments", json={
            "partner_id": actors[1], "description": "Räume für das Elterncafé", "kind": "raeume", "due_on": due}), 201)
        other = ok(c.post(f"/api/v1/alliances/{aid}/commitments", json={
            "partner_id": actors[2], "description": "Ferienbetreuung", "kind": "personal"}), 201)
    return aid, actors, own["id"], other["id"]


def test_a_partner_confirms_and_reports_on_its_own_commitments_only(browser: Any, api: Api) -> None:
    aid, actors, _, other = _commitments(api)
    with api.client() as c:  # another partner's progress: not for this partner's eyes
        ok(c.post(f"/api/v1/alliances/{aid}/commitments/{other}/progress", json={
            "on": berlin(api.application.clock()).date().isoformat(), "text": "Betreuerin gefunden"}), 201)
    page = browser_page(browser, api, "partner", alliance=aid, partner=actors[1])
    page.goto(f"{api.url}/alliances/{aid}")
    assert "Betreuerin gefunden" not in page.content()
    titles = page.locator("details.form summary").all_inner_texts()
    assert titles == ["Zusage bestätigen", "Fortschritt berichten"]
    assert page.get_by_role("heading", name="Meine Zusagen bearbeiten").is_visible()
    form = open_form(page, "Zusage bestätigen")
    options = form.get_by_label(label("Zusage")).locator("option").all_inner_texts()
    assert [o for o in options if "Ferienbetreuung" in o] == []  # another partner's commitment is not offered
    assert_accessible(page, "Bündnisseite eines Partners")
    click_and_load(page, form.get_by_role("button", name="Zusage bestätigen"))  # the only one comes chosen
    assert done(page) == "Die Zusage ist bestätigt."
    assert "bestätigt" in page.get_by_role("row", name="Räume für das Elterncafé").inner_text()

    form = open_form(page, "Fortschritt berichten")
    form.get_by_label(label("Was ist geschehen?")).fill("Raum im Familienzentrum reserviert")
    form.get_by_label(label("Erledigt (Prozent, 0–100)")).fill("150")
    click_and_load(page, form.get_by_role("button", name="Fortschritt berichten"))
    alert = page.get_by_role("alert").inner_text()
    assert "Bitte „Stand vom“ ausfüllen." in alert and "von 0 bis 100" in alert
    assert page.get_by_label(label("Was ist geschehen?")).input_value() == "Raum im Familienzentrum reserviert"
    assert_accessible(page, "Fortschritt mit Fehlern (Partner)")
    page.get_by_label(label("Stand vom")).fill(german_date(berlin(api.application.clock())))
    page.get_by_label(label("Erledigt (Prozent, 0–100)")).fill("40")
    click_and_load(page, page.get_by_role("button", name="Fortschritt berichten"))
    assert "Raum im Familienzentrum reserviert (40 %)" in page.locator("#bearbeiten-zusagen-bearbeiten").inner_text()

    # Posting anyway: a form of the Koordination, and another partner's commitment.
    token = page.locator("input[name=_csrf]").first.input_value()
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}  # the same session
    with httpx.Client(base_url=api.url, cookies=cookies, headers={"Origin": api.url}) as c:
        refused = c.post(f"/alliances/{aid}/formulare/akteur", data={"_csrf": token, "name": "X", "sector": "kita"})
        assert refused.status_code == 403 and "Ihrer Rolle nicht erlaubt" in refused.text
        assert refused.headers["content-type"].startswith("text/html") and '<html lang="de">' in refused.text
        foreign = c.post(f"/alliances/{aid}/formulare/bestaetigen", data={"_csrf": token, "commitment_id": other})
        assert foreign.status_code == 403 and "Zusagen Ihrer eigenen Organisation" in foreign.text
    page.goto(f"{api.url}/alliances/{aid}/formulare/akteur")
    assert page.get_by_role("heading", level=1).inner_text() == "Nicht erlaubt"
    assert_accessible(page, "403-Seite (Partner)")

    page.goto(f"{api.url}/posteingang")
    assert page.get_by_role("heading", level=1).inner_text() == "Posteingang"
    assert_accessible(page, "Posteingang (Partner)")


def test_forms_refuse_a_foreign_origin_and_a_missing_token_and_count_a_double_send_once(api: Api) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Kulmbach")
    with api.signed_in_browser(api.token("koordination", alliance=aid), f"/alliances/{aid}") as c:
        page = c.get(f"/alliances/{aid}", headers={"Accept": "text/html"}).text
        token = page.split('name="_csrf" value="', 1)[1].split('"', 1)[0]
        body = {"_csrf": token, "name": "Stadt Kulmbach", "sector": "kommune"}
        cross = c.post(f"/alliances/{aid}/formulare/akteur", data=body, headers={"Origin": "https://evil.example"})
        assert cross.status_code == 403 and "fremden Seite" in cross.text
        missing = c.post(f"/alliances/{aid}/formulare/akteur", data={**body, "_csrf": ""},
                         headers={"Origin": api.url})
        assert missing.status_code == 403 and "Seite neu laden" in missing.text
        once = page.split('name="_einmal" value="', 1)[1].split('"', 1)[0]
        for _ in range(2):  # sent twice (a double click, the back button): recorded once
            fine = c.post(f"/alliances/{aid}/formulare/akteur", data={**body, "_einmal": once},
                          headers={"Origin": api.url})
            assert fine.status_code == 303 and fine.headers["location"].endswith("?erledigt=akteur#erledigt")
    assert [a.name for a in api.application.get_alliance(UUID(aid)).actors.values()] == ["Stadt Kulmbach"]


def test_the_servicebuero_registers_finds_and_lists(browser: Any, api: Api, shots: Path) -> None:
    with api.client() as c:
        stalled_free = register(c, "Bündnis für Familie Erlangen")
        step_one(c, stalled_free)
    page = browser_page(browser, api, "servicebuero")
    page.goto(f"{api.url}/buendnisse/neu")
    assert_accessible(page, "Bündnis erfassen (leer)")
    page.get_by_label(label("Name des Bündnisses")).fill("Lokales Bündnis für Familie Schweinfurt")
    click_and_load(page, page.get_by_role("button", name="Bündnis erfassen"))
    assert "Bitte „Kommune“ ausfüllen." in page.get_by_role("alert").inner_text()
    assert page.get_by_label(label("Name des Bündnisses")).input_value() == "Lokales Bündnis für Familie Schweinfurt"
    assert_accessible(page, "Bündnis erfassen mit Fehlern")
    page.get_by_label(label("Kommune")).fill("Schweinfurt")
    page.get_by_label(label("Bundesland")).select_option(label="Bayern")
    click_and_load(page, page.get_by_role("button", name="Bündnis erfassen"))
    assert done(page) == "Das Bündnis ist erfasst."
    assert page.get_by_role("heading", level=1).inner_text() == "Lokales Bündnis für Familie Schweinfurt"
    titles = page.locator("details.form summary").all_inner_texts()
    assert {"Akteur erfassen", "Ziel oder Thema festhalten", "Bündnis auflösen"} <= set(titles)
    assert_accessible(page, "Bündnisseite Servicebüro, Schritt 1")

    def found() -> str:
        page.goto(f"{api.url}/buendnisse")
        page.get_by_role("searchbox", name="Ort oder Name").fill("schweinf")
        click_and_load(page, page.get_by_role("button", name="Suchen"))
        text: str = page.locator("main").inner_text()
        return text

    text = poll(found, lambda t: "Lokales Bündnis für Familie Schweinfurt" in t)
    assert "Erlangen" not in text and "1 Bündnis für „schweinf“." in text
    assert_accessible(page, "Suche nach Ort")
    page.goto(f"{api.url}/")
    click_and_load(page, page.get_by_role("link", name="Schritt 1: Bündnisidee initiieren"))
    assert "Bündnisse in Schritt 1" in page.get_by_role("heading", level=1).inner_text()
    bayern = page.locator("table.chart-table").get_by_role("row", name="Bayern")
    assert bayern.locator("td").inner_text() == "2"
    click_and_load(page, bayern.get_by_role("link"))
    assert "in Bayern" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page, "Bündnisse je Schritt und Land")
    for figure, heading in (("stockende Bündnisse", "Stockende Bündnisse"),
                            ("überfällige Zusagen", "Überfällige Zusagen")):
        page.goto(f"{api.url}/")
        click_and_load(page, page.get_by_role("link", name=figure))
        assert page.get_by_role("heading", level=1).inner_text().startswith(heading)
        assert_accessible(page, heading)
    page.goto(f"{api.url}/")
    assert page.locator("table.chart-table").count() == page.locator("svg.chart").count()
    assert_accessible(page, "Übersicht des Servicebüros")
    page.goto(f"{api.url}/posteingang")
    assert_accessible(page, "Posteingang (Servicebüro)")
    page.goto(f"{api.url}/docs")
    assert page.get_by_role("heading", level=1).inner_text() == "HTTP-Schnittstelle"
    assert page.get_by_role("cell", name="Zusage bestätigen").count() >= 1
    assert_accessible(page, "API-Beschreibung")
    page.screenshot(path=str(shots / "api-deutsch.png"))


def test_unknown_pages_answer_a_german_page_to_browsers_and_json_to_the_api(browser: Any, api: Api) -> None:
    page = browser_page(browser, api, "servicebuero")
    answer = page.goto(f"{api.url}/gibt-es-nicht")
    assert answer.status == 404 and page.get_by_role("heading", level=1).inner_text() == "Nicht gefunden"
    assert "Diese Adresse gibt es nicht." in page.get_by_role("alert").inner_text()
    assert_accessible(page, "404-Seite")
    answer = page.goto(f"{api.url}/abmelden")
    assert answer.status == 405 and page.get_by_role("heading", level=1).inner_text() == "Nicht möglich"
    answer = page.goto(f"{api.url}/?land=" + "x" * 80)
    assert answer.status == 422 and page.get_by_role("heading", level=1).inner_text() == "Ungültige Eingabe"
    with api.client() as c:
        api_answer = c.get("/api/v1/gibt-es-nicht", headers={"Accept": "text/html"})
        assert api_answer.headers["content-type"].startswith("application/problem+json")
        assert c.get("/gibt-es-nicht").headers["content-type"].startswith("application/problem+json")
