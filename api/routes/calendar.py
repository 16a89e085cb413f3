"""An iCalendar feed per alliance (meetings and follow-ups) under a URL with a stored feed secret
(api/routes/feeds.py makes and revokes them); what it lists is what the feed's role may see.

Meetings are whole days; follow-ups carry their time in Europe/Berlin (TZID with its VTIMEZONE),
so a calendar shows them at the German hour whatever the subscriber's own zone.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from icalendar import Calendar, Event

from api.auth import Principal, unauthorized
from api.context import context
from api.views import follow_ups
from api.visibility import follow_ups_view, own_commitment_ids
from domain.dates import berlin
from domain.follow_up_words import recipients, subject
from domain.values import inert

router = APIRouter(tags=["Kalender"])


def calendar_name(name: str) -> str:
    """The alliance's name, prefixed only when it does not already say it is an alliance."""
    return name if "bündnis" in name.casefold() else f"Lokales Bündnis {name}"


def calendar_url(alliance_id: UUID, secret: str) -> str:
    """The feed's path with its stored secret (the site's address goes before it: feed_address)."""
    return f"/calendar/{alliance_id}.ics?token={secret}"


def feed_address(request: Request, alliance_id: UUID, secret: str) -> str:
    """The feed's full address: under BUENDNIS_PUBLIC_URL when set (behind a proxy the request's
    own address is an internal one), else the address the request came to."""
    base = context(request).public_url or str(request.base_url)
    return base.rstrip("/") + calendar_url(alliance_id, secret)


@router.get(
    "/calendar/{alliance_id}.ics",
    summary="Kalender eines Bündnisses (iCalendar)",
    response_class=Response,
)
def feed(request: Request, alliance_id: UUID, token: Annotated[str, Query(max_length=2000)]) -> Response:
    ctx = context(request)
    stored = ctx.tokens.feed(token)
    if stored is None or stored.alliance_id != alliance_id:
        raise unauthorized("Diese Kalenderadresse gilt nicht (mehr); bitte eine neue erzeugen.")
    principal = Principal(stored.role, stored.alliance_id, stored.partner_id, subject=stored.subject)
    app = ctx.application
    alliance = app.get_alliance(alliance_id)
    commitments = app.commitments(alliance_id)
    cal = Calendar()
    cal.add("prodid", "-//buendnis//Lokale Bündnisse für Familie//DE")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", inert(calendar_name(alliance.name)))
    cal.add("x-wr-timezone", "Europe/Berlin")
    stamp = ctx.clock()
    days: list[date] = []
    for m in alliance.meetings.values():
        event = Event()
        event.add("uid", f"meeting-{m.id}@buendnis")
        event.add("summary", inert(f"{m.kind.label}: {m.title}"))
        event.add("dtstart", m.held_on or m.on)
        event.add("dtend", (m.held_on or m.on) + timedelta(days=1))
        event.add("dtstamp", stamp)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    planned = follow_ups(app, alliance, commitments, stamp, ctx.follow_up_policy)
    for f in follow_ups_view(principal, planned, own_commitment_ids(principal, commitments)):
        event = Event()
        event.add("uid", f"follow-up-{hashlib.sha256(f['key'].encode()).hexdigest()[:32]}@buendnis")
        event.add(
            "summary",
            inert(f"Erinnerung: {f['label']}" + (" (versandt)" if f["status"] == "sent" else "")),
        )
        start = berlin(datetime.fromisoformat(f["due_at"]))
        days.append(start.date())
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=30))
        event.add("dtstamp", stamp)
        about = subject(f["subject_id"], alliance, commitments)
        to = "An: " + recipients(f["recipients"], alliance)
        event.add("description", inert(f"Betrifft: {about}\n{to}" if about else to))
        cal.add_component(event)
    if days:  # the zone's rules only for the years the events span
        cal.add_missing_timezones(first_date=date(min(days).year, 1, 1), last_date=date(max(days).year, 12, 31))
    return Response(
        cal.to_ical(),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="buendnis-{alliance_id}.ics"'},
    )
