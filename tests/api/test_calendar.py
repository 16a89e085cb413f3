"""The iCalendar feed of an alliance: meetings and follow-ups, under an address with a stored,
revocable feed secret that opens that one feed and nothing else."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from icalendar import Calendar
from pydantic import SecretStr

from api.app import create_app
from config.settings import Settings
from tests.api.conftest import SECRET, Api, is_problem
from tests.api.walk import ok, register, step_one
from workers.bootstrap import build_application


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_calendar_feed_lists_meetings_and_follow_ups_under_a_feed_address(api: Api) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Fürth")
        step_one(c, aid)
        ok(
            c.post(
                f"/api/v1/alliances/{aid}/meetings",
                json={"kind": "team", "on": "2026-04-14", "title": "Erstes Teamtreffen"},
            ),
            201,
        )
        created = ok(c.post(f"/api/v1/alliances/{aid}/calendar-feeds"), 201)
    assert created["url"].startswith(api.url + f"/calendar/{aid}.ics?token=")
    with api.anonymous() as anon:
        feed = anon.get(_path(created["url"]))
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
        events = [e for e in Calendar.from_ical(feed.content).walk("VEVENT")]
        summaries = [str(e["SUMMARY"]) for e in events]
        assert "Teamtreffen: Erstes Teamtreffen" in summaries
        assert any(s.startswith("Erinnerung: Nachfassen nach Einzelgespräch") for s in summaries)
        assert len({str(e["UID"]) for e in events}) == len(events)
        is_problem(anon.get(f"/calendar/{aid}.ics", params={"token": "falsch"}), 401)
        is_problem(anon.get(f"/calendar/{aid}.ics"), 422)


def test_a_feed_secret_opens_only_its_own_feed_and_an_api_token_opens_no_feed(api: Api) -> None:
    with api.client() as c:
        a, b = register(c, "Bündnis A"), register(c, "Bündnis B")
    with api.client("koordination", alliance=a) as coordinator:
        created = ok(coordinator.post(f"/api/v1/alliances/{a}/calendar-feeds"), 201)
    secret = urlsplit(created["url"]).query.removeprefix("token=")
    with api.anonymous() as anon:
        assert anon.get(f"/calendar/{a}.ics", params={"token": secret}).status_code == 200
        is_problem(anon.get(f"/calendar/{b}.ics", params={"token": secret}), 401)
        is_problem(anon.get(f"/api/v1/alliances/{a}", headers={"Authorization": f"Bearer {secret}"}), 401)
        # A full API token is no calendar secret (it used to open any feed of its alliance).
        is_problem(anon.get(f"/calendar/{a}.ics", params={"token": api.token("koordination", alliance=a)}), 401)
        is_problem(anon.get(f"/calendar/{a}.ics", params={"token": api.token()}), 401)


def test_a_feed_can_be_revoked_by_its_owner_and_the_servicebuero_only(api: Api) -> None:
    with api.client() as office:
        a = register(office, "Bündnis A")
    with api.client("koordination", alliance=a) as coordinator:
        created = ok(coordinator.post(f"/api/v1/alliances/{a}/calendar-feeds"), 201)
        listed = ok(coordinator.get(f"/api/v1/alliances/{a}/calendar-feeds"))["items"]
        assert [f["id"] for f in listed] == [created["id"]] and "url" not in listed[0]
    with api.client("koordination", alliance=a) as same_scope_other_token:
        assert ok(same_scope_other_token.get(f"/api/v1/alliances/{a}/calendar-feeds"))["items"]
    with api.client("partner", alliance=a, partner="00000000-0000-0000-0000-00000000000a") as partner:
        is_problem(partner.delete(f"/api/v1/alliances/{a}/calendar-feeds/{created['id']}"), 404)
    with api.anonymous() as anon:
        assert anon.get(_path(created["url"])).status_code == 200
    with api.client("koordination", alliance=a) as coordinator:
        assert coordinator.delete(f"/api/v1/alliances/{a}/calendar-feeds/{created['id']}").status_code == 204
        is_problem(coordinator.delete(f"/api/v1/alliances/{a}/calendar-feeds/{created['id']}"), 404)
    with api.anonymous() as anon:
        is_problem(anon.get(_path(created["url"])), 401)


def test_a_partners_feed_shows_meetings_and_its_own_reminders_only(api: Api) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis C")
        actors = step_one(c, aid)
        for partner, text in ((actors[0], "Räume im Rathaus"), (actors[1], "5000 Euro Zuschuss")):
            ok(c.post(f"/api/v1/alliances/{aid}/commitments", json={
                "partner_id": partner, "description": text, "kind": "raeume", "due_on": "2026-09-01"}), 201)
        ok(c.post(f"/api/v1/alliances/{aid}/meetings", json={"kind": "team", "on": "2026-04-14", "title": "Team"}), 201)
        everything = ok(c.get(f"/api/v1/alliances/{aid}/follow-ups"))["items"]
    with api.client("partner", alliance=aid, partner=actors[0]) as partner:
        created = ok(partner.post(f"/api/v1/alliances/{aid}/calendar-feeds"), 201)
        mine = ok(partner.get(f"/api/v1/alliances/{aid}/follow-ups"))["items"]
    with api.anonymous() as anon:
        events = Calendar.from_ical(anon.get(_path(created["url"])).content).walk("VEVENT")
    reminders = [e for e in events if str(e["SUMMARY"]).startswith("Erinnerung")]
    assert len(reminders) == len(mine) < len(everything)
    assert all(actors[1] not in str(e.get("DESCRIPTION", "")) for e in events)
    assert "Teamtreffen: Team" in [str(e["SUMMARY"]) for e in events]


def test_the_feed_names_the_alliance_once_and_says_in_words_who_is_reminded(api: Api) -> None:
    with api.client() as c:
        aid = register(c, "Lokales Bündnis für Familie Kassel")
        actors = step_one(c, aid)
        ok(c.post(f"/api/v1/alliances/{aid}/commitments",
                  json={"partner_id": actors[1], "description": "Räume für das Elterncafé", "kind": "raeume",
                        "due_on": "2099-06-01"}), 201)
        created = ok(c.post(f"/api/v1/alliances/{aid}/calendar-feeds"), 201)
    with api.anonymous() as anon:
        feed = anon.get(_path(created["url"]))
    calendar = Calendar.from_ical(feed.content)
    assert str(calendar["X-WR-CALNAME"]) == "Lokales Bündnis für Familie Kassel"
    descriptions = [str(e["DESCRIPTION"]) for e in calendar.walk("VEVENT") if "DESCRIPTION" in e]
    due_soon = next(d for d in descriptions if "Räume für das Elterncafé" in d)
    assert due_soon == ("Betrifft: Zusage „Räume für das Elterncafé“ von Organisation 1 (unternehmen)\n"
                        "An: Organisation 1 (unternehmen) (Partner), Koordination")
    for d in descriptions:
        assert "partner:" not in d and "koordination" not in d and not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}", d)


def test_the_public_url_setting_reaches_the_pages_and_the_api() -> None:
    settings = Settings(store="memory", token_secret=SecretStr(SECRET), public_url="https://buendnis.example.org")
    assert create_app(build_application(settings), None, settings).state.ctx.public_url == settings.public_url


def test_feed_addresses_are_made_under_the_public_url_when_it_is_set(api: Api) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis D")
        api.app.state.ctx.public_url = "https://buendnis.example.org/"
        try:
            created = ok(c.post(f"/api/v1/alliances/{aid}/calendar-feeds"), 201)
        finally:
            api.app.state.ctx.public_url = None
    assert created["url"].startswith(f"https://buendnis.example.org/calendar/{aid}.ics?token=")
    with api.anonymous() as anon:
        assert anon.get(_path(created["url"])).status_code == 200
