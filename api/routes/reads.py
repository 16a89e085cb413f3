"""Reads: one alliance (from the application, so it shows the caller's writes at once), its
follow-ups and history, the list of alliances, the dashboard and the audit check (read models)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from api.access import MemberDep, OfficeDep
from api.calendar_fields import AsOf, Instant
from api.paging import MAX_PAGE, Cursor, offset, page
from api.problems import Problem
from api.read_answers import (
    Alliance,
    AlliancePage,
    AuditCheck,
    CommitmentChanges,
    Dashboard,
    FollowUpPage,
    HistoryPage,
    InboxPage,
)
from api.routes.common import CallerDep
from api.views import alliance_detail, follow_ups
from api.visibility import alliance_view, follow_ups_view, history_view, own_commitment_ids
from domain.dates import berlin
from domain.errors import InvalidInput, NotFound
from domain.values import Bundesland

router = APIRouter(prefix="/api/v1", tags=["Lesen"])
Moment = Annotated[AsOf, Query(description="Datum oder Zeitpunkt mit Zone")]
Between = Annotated[Instant, Query(description="Datum oder Zeitpunkt mit Zone (Pflicht)")]
InboxCursor = Annotated[str | None, Query(max_length=200, json_schema_extra={"pattern": "^([0-9]{1,18}/|$)"},
                                          description="`next` der vorigen Seite")]
Status = Literal["active", "dormant", "dissolved"]


@router.get("/alliances", summary="Bündnisse (seitenweise)", response_model=AlliancePage)
def list_alliances(
    c: OfficeDep,
    step: Annotated[int | None, Query(ge=1, le=5)] = None,
    state: Bundesland | None = None,
    status: Status | None = None,
    cursor: Annotated[str | None, Query(max_length=200, json_schema_extra={"pattern": "^[A-Za-z0-9_-]*={0,2}$"},
                                        description="`next` der vorigen Seite")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    c.principal.require_servicebuero()
    queries = c.ctx.require_queries()
    try:
        items, after = queries.list_alliances(
            step=step,
            state=state.value if state else None,
            status=status,
            after=cursor,
            limit=limit,
        )
    except (ValueError, InvalidInput):  # a cursor the server did not issue: 400 as on every list
        raise Problem(400, "Der Cursor ist ungültig; bitte die Liste von vorn laden.", code="bad_cursor") from None
    return {"items": items, "next": after}


@router.get("/alliances/{alliance_id}", summary="Ein Bündnis mit Schritt und offenen Kriterien",
            response_model=Alliance)
def get_alliance(alliance_id: UUID, c: MemberDep) -> dict[str, Any]:
    c.principal.require_alliance(alliance_id)
    detail = alliance_detail(c.app.get_alliance(alliance_id), c.app.policy, berlin(c.ctx.clock()).date())
    return alliance_view(c.principal, detail)


@router.get("/alliances/{alliance_id}/follow-ups", summary="Geplante und versandte Erinnerungen",
            response_model=FollowUpPage)
def list_follow_ups(
    alliance_id: UUID, c: MemberDep, cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 200
) -> dict[str, Any]:
    c.principal.require_alliance(alliance_id)
    alliance = c.app.get_alliance(alliance_id)
    commitments = c.app.commitments(alliance_id)
    items = follow_ups(c.app, alliance, commitments, c.ctx.clock(), c.ctx.follow_up_policy)
    items = follow_ups_view(c.principal, items, own_commitment_ids(c.principal, commitments))
    return page(items, cursor, limit)


@router.get("/alliances/{alliance_id}/history", summary="Prüfpfad, älteste Einträge zuerst", response_model=HistoryPage)
def history(
    alliance_id: UUID,
    c: MemberDep,
    until: Moment = None,
    since: Moment = None,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
) -> dict[str, Any]:
    """The Servicebüro reads the raw events (`data`); the Koordination the German sentences; a
    partner the sentences about its own commitments and the alliance's public facts."""
    c.principal.require_alliance(alliance_id)
    queries = c.ctx.require_queries()
    c.app.require_existing_alliance(alliance_id)  # 404 for an unknown alliance, not an empty list
    after = offset(cursor) if cursor else None
    try:
        rows = queries.timeline(alliance_id, until=until, since=since, after=after, limit=limit)
    except NotFound:
        rows = []  # the alliance exists (checked above); its history has not reached the read model yet
    own = own_commitment_ids(c.principal, c.app.commitments(alliance_id)) if c.principal.role == "partner" else set()
    return {
        "items": history_view(c.principal, rows, own),
        "next": str(rows[-1]["position"]) if len(rows) == limit else None,
    }


@router.get("/alliances/{alliance_id}/commitments-changes", summary="Was sich an den Zusagen geändert hat",
            response_model=CommitmentChanges)
def commitments_changes(alliance_id: UUID, c: MemberDep, since: Between, until: Between) -> dict[str, Any]:
    """Added, changed and withdrawn commitments between two dates, with the events in between."""
    c.principal.require_alliance(alliance_id)
    queries = c.ctx.require_queries()
    c.app.require_existing_alliance(alliance_id)  # 404 for an unknown alliance
    try:
        result: dict[str, Any] = queries.commitments_diff(alliance_id, since, until)
    except NotFound:
        raise Problem(
            503,
            "Die Lesemodelle holen dieses Bündnis gerade ein; bitte gleich noch einmal versuchen.",
            code="read_models_behind",
            headers={"Retry-After": "2"},
        ) from None
    if c.principal.role != "servicebuero":
        own = own_commitment_ids(c.principal, c.app.commitments(alliance_id))
        result["events"] = history_view(c.principal, result["events"], own)
        if c.principal.role == "partner":
            for key in ("added", "changed"):
                result[key] = [x for x in result[key] if x["id"] in own]
            result["unchanged"] = None  # a count over others' commitments is not the partner's
    return result


@router.get("/inbox", summary="Versandte Erinnerungen an die eigene Rolle, neueste zuerst", response_model=InboxPage)
def inbox(
    c: CallerDep,
    alliance: UUID | None = None,
    cursor: InboxCursor = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> dict[str, Any]:
    """The Servicebüro sees what went to the Servicebüro (optionally of one alliance), the
    Koordination what went to its alliance's coordination, a partner what went to its organisation."""
    p = c.principal
    if p.role != "servicebuero":
        if alliance is not None and alliance != p.alliance_id:
            raise Problem(403, "Dieser Zugang gilt nicht für dieses Bündnis.", code="forbidden")
        alliance = p.alliance_id
    before = None
    if cursor:
        position, slash, recipient = cursor.partition("/")
        if not slash or not position.isascii() or not position.isdigit() or len(position) > 18:
            raise Problem(400, "Der Cursor ist ungültig; bitte die Liste von vorn laden.", code="bad_cursor")
        before = (int(position), recipient)
    items = c.ctx.require_queries().inbox(
        role=p.role, alliance_id=alliance, partner_id=p.partner_id, before=before, limit=limit
    )
    last = items[-1] if len(items) == limit else None
    return {"items": items, "next": f"{last['position']}/{last['recipient']}" if last else None}


@router.get("/dashboard", summary="Übersicht des Servicebüros", response_model=Dashboard)
def dashboard(c: OfficeDep, state: Bundesland | None = None, status: Status | None = None) -> dict[str, Any]:
    c.principal.require_servicebuero()
    return c.ctx.dashboard(state.value if state else None, status)


@router.get("/audit/verify", summary="Integrität des Prüfpfads prüfen", response_model=AuditCheck)
def verify_audit(c: OfficeDep) -> dict[str, Any]:
    c.principal.require_servicebuero()
    result: dict[str, Any] = c.ctx.require_queries().verify_audit()
    return result
