"""People read times in Europe/Berlin: the alliance page, the mail page and the calendar feed never
show UTC unlabelled (the store keeps UTC; the API's JSON keeps ISO 8601 with its zone)."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import UTC, date, datetime
from email.message import EmailMessage
from urllib.parse import urlsplit

from icalendar import Calendar

from domain.dates import berlin, german_moment
from tests.api.conftest import Api
from tests.api.walk import ok, register, step_one


def uid(key: str) -> str:
    """The feed's UID of a follow-up (api/routes/calendar.py)."""
    return f"follow-up-{hashlib.sha256(key.encode()).hexdigest()[:32]}@buendnis"


def test_the_alliance_page_shows_follow_ups_at_their_berlin_hour(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        step_one(c, aid)
        follow_ups = ok(c.get(f"/api/v1/alliances/{aid}/follow-ups"))["items"]
        page = c.get(f"/alliances/{aid}").text
    # The reminders after the conversations are due on a fixed day (the others move with "now").
    fixed = [f for f in follow_ups if f["rule"] == "contact_follow_up"]
    assert fixed
    for f in fixed:
        due = datetime.fromisoformat(f["due_at"])
        assert f'<time datetime="{f["due_at"]}">{german_moment(due)}</time>' in page
        assert berlin(due).hour != due.astimezone(UTC).hour and f"{due:%d.%m.%Y %H:%M}" not in page


def test_the_mail_page_shows_when_a_mail_arrived_in_berlin_time(api: Api) -> None:
    directory = api.settings.var_dir / "mail"
    directory.mkdir(parents=True, exist_ok=True)
    mail = EmailMessage()
    mail["To"] = "koordination@lindau.example"
    mail["Subject"] = "Erinnerung kurz nach Mitternacht"
    mail.set_content("Text")
    path = directory / "spaet.eml"
    path.write_bytes(bytes(mail))
    arrived = datetime(2026, 6, 30, 22, 30, tzinfo=UTC).timestamp()
    os.utime(path, (arrived, arrived))
    with api.client() as office:
        page = office.get("/post").text
    assert '<time datetime="2026-06-30T22:30:00+00:00">01.07.2026, 00:30 Uhr</time>' in page


def test_the_calendar_feed_gives_follow_ups_in_berlin_time_with_its_zone_and_meetings_as_whole_days(api: Api) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Zeitzone")
        step_one(c, aid)
        meeting = {"kind": "team", "on": "2026-07-14", "title": "Sommer"}
        ok(c.post(f"/api/v1/alliances/{aid}/meetings", json=meeting), 201)
        fixed = {
            uid(f["key"]): datetime.fromisoformat(f["due_at"])
            for f in ok(c.get(f"/api/v1/alliances/{aid}/follow-ups"))["items"]
            if f["rule"] == "contact_follow_up"
        }
        address = urlsplit(ok(c.post(f"/api/v1/alliances/{aid}/calendar-feeds"), 201)["url"])
    with api.anonymous() as anon:
        text = anon.get(f"{address.path}?{address.query}").content
    feed = Calendar.from_ical(text)
    assert [str(z["TZID"]) for z in feed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert b"DTSTART;TZID=Europe/Berlin:" in text and not re.search(rb"DTSTART:\d{8}T\d{6}Z", text)
    events = feed.walk("VEVENT")
    meetings = [e for e in events if str(e["UID"]).startswith("meeting-")]
    reminders = [e for e in events if str(e["UID"]).startswith("follow-up-")]
    assert meetings and all(type(e["DTSTART"].dt) is date for e in meetings)
    assert reminders and fixed.keys() <= {str(e["UID"]) for e in reminders}
    for e in reminders:
        start = e["DTSTART"].dt
        assert str(start.tzinfo) == "Europe/Berlin"
        if str(e["UID"]) in fixed:  # the same moment as the API's, shown at the German hour
            assert start == fixed[str(e["UID"])] and start.hour == berlin(start).hour != start.astimezone(UTC).hour
