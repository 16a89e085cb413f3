"""Calendar feeds over the API: make one (its address is shown once), list and revoke your own."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.access import MemberDep
from api.paging import MAX_PAGE, Cursor, page
from api.problems import Problem
from api.read_answers import FeedCreated, FeedPage
from api.routes.calendar import feed_address
from api.schemas import Nothing

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}/calendar-feeds", tags=["Kalender"])


@router.post("", status_code=201, summary="Kalenderadresse erzeugen (nur jetzt sichtbar)", response_model=FeedCreated)
def create_feed(alliance_id: UUID, request: Request, c: MemberDep, body: Nothing | None = None) -> dict[str, Any]:
    c.app.require_existing_alliance(alliance_id)  # 404 for an unknown alliance
    p = c.principal
    feed, secret = c.ctx.tokens.create_feed(p.subject, p.role, alliance_id, p.partner_id)
    return {"id": feed.id, "url": feed_address(request, alliance_id, secret)}


@router.get("", summary="Eigene Kalenderadressen (ohne Geheimnis)", response_model=FeedPage)
def list_feeds(alliance_id: UUID, c: MemberDep, cursor: Cursor = None,
               limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE) -> dict[str, Any]:
    """The Servicebüro sees every feed of the alliance, everyone else their own."""
    p = c.principal
    feeds = c.ctx.tokens.feeds(None if p.role == "servicebuero" else p.subject)
    items = [{"id": f.id, "role": f.role, "created_at": f.created_at, "subject": f.subject}
             for f in feeds if f.alliance_id == alliance_id]
    return page(items, cursor, limit)


@router.delete("/{feed_id}", status_code=204, summary="Kalenderadresse widerrufen")
def revoke_feed(alliance_id: UUID, feed_id: UUID, c: MemberDep) -> Response:
    p = c.principal
    mine = [f for f in c.ctx.tokens.feeds(None if p.role == "servicebuero" else p.subject)
            if f.id == str(feed_id) and f.alliance_id == alliance_id]
    if not mine:
        raise Problem(404, "Diese Kalenderadresse gibt es nicht (oder nicht für Sie).", code="not_found")
    c.ctx.tokens.revoke_feed(str(feed_id))
    return Response(status_code=204)
