"""The iCalendar feed of an alliance: meetings and follow-ups, under a tokened URL."""

from __future__ import annotations

import re

from icalendar import Calendar

from tests.api.conftest import Api, is_problem
from tests.api.walk import ok, register, step_one


def test_calendar_feed_lists_meetings_and_follow_ups_under_a_tokened_url(api: Api) -> None:
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
        page = c.get(f"/alliances/{aid}").text
    link = re.search(r'href="(/calendar/[^"]+)"', page)
    assert link, "the alliance page links its calendar"
    with api.anonymous() as anon:
        feed = anon.get(link.group(1).replace("&amp;", "&"))
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
        events = [e for e in Calendar.from_ical(feed.content).walk("VEVENT")]
        summaries = [str(e["SUMMARY"]) for e in events]
        assert "Teamtreffen: Erstes Teamtreffen" in summaries
        assert any(s.startswith("Erinnerung: Nachfassen nach Einzelgespräch") for s in summaries)
        assert len({str(e["UID"]) for e in events}) == len(events)
        is_problem(anon.get(f"/calendar/{aid}.ics", params={"token": "falsch"}), 401)
        is_problem(anon.get(f"/calendar/{aid}.ics"), 422)


def test_calendar_token_opens_only_its_own_alliance_and_nothing_else(api: Api) -> None:
    with api.client() as c:
        a, b = register(c, "Bündnis A"), register(c, "Bündnis B")
    calendar_token = api.token("calendar", alliance=a)
    with api.anonymous() as anon:
        assert anon.get(f"/calendar/{a}.ics", params={"token": calendar_token}).status_code == 200
        is_problem(anon.get(f"/calendar/{b}.ics", params={"token": calendar_token}), 403)
        is_problem(anon.get(f"/api/v1/alliances/{a}", headers={"Authorization": f"Bearer {calendar_token}"}), 401)


def test_the_feed_names_the_alliance_once_and_says_in_words_who_is_reminded(api: Api) -> None:
    with api.client() as c:
        aid = register(c, "Lokales Bündnis für Familie Kassel")
        actors = step_one(c, aid)
        ok(c.post(f"/api/v1/alliances/{aid}/commitments",
                  json={"partner_id": actors[1], "description": "Räume für das Elterncafé", "kind": "raeume",
                        "due_on": "2099-06-01"}), 201)
        page = c.get(f"/alliances/{aid}").text
    link = re.search(r'href="(/calendar/[^"]+)"', page)
    assert link
    with api.anonymous() as anon:
        feed = anon.get(link.group(1).replace("&amp;", "&"))
    calendar = Calendar.from_ical(feed.content)
    assert str(calendar["X-WR-CALNAME"]) == "Lokales Bündnis für Familie Kassel"
    descriptions = [str(e["DESCRIPTION"]) for e in calendar.walk("VEVENT") if "DESCRIPTION" in e]
    due_soon = next(d for d in descriptions if "Räume für das Elterncafé" in d)
    assert due_soon == ("Betrifft: Zusage „Räume für das Elterncafé“ von Organisation 1 (unternehmen)\n"
                        "An: Organisation 1 (unternehmen) (Partner), Koordination")
    for d in descriptions:
        assert "partner:" not in d and "koordination" not in d and not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}", d)
