"""Reads: one alliance (from the application, so it shows the caller's writes at once), its
follow-ups and history, the list of alliances, the dashboard and the audit check (read models)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from api.calendar_fields import AsOf
from api.problems import Problem
from api.routes.common import CallerDep
from api.views import alliance_detail, follow_ups
from domain.dates import berlin
from domain.errors import NotFound
from domain.values import Bundesland

router = APIRouter(prefix="/api/v1", tags=["Lesen"])
Moment = Annotated[AsOf, Query(description="Datum oder Zeitpunkt mit Zone")]
Status = Literal["active", "dormant", "dissolved"]


@router.get("/alliances", summary="Bündnisse (seitenweise)")
def list_alliances(
    c: CallerDep,
    step: Annotated[int | None, Query(ge=1, le=5)] = None,
    state: Bundesland | None = None,
    status: Status | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
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
    except ValueError:
        raise Problem(400, "Der Cursor ist ungültig; bitte die Liste von vorn laden.", code="bad_cursor") from None
    return {"items": items, "next": after}


@router.get("/alliances/{alliance_id}", summary="Ein Bündnis mit Schritt und offenen Kriterien")
def get_alliance(alliance_id: UUID, c: CallerDep) -> dict[str, Any]:
    c.principal.require_alliance(alliance_id)
    return alliance_detail(c.app.get_alliance(alliance_id), c.app.policy, berlin(c.ctx.clock()).date())


@router.get("/alliances/{alliance_id}/follow-ups", summary="Geplante und versandte Erinnerungen")
def list_follow_ups(alliance_id: UUID, c: CallerDep) -> dict[str, Any]:
    c.principal.require_alliance(alliance_id)
    alliance = c.app.get_alliance(alliance_id)
    commitments = c.app.commitments(alliance_id)
    items = follow_ups(c.app, alliance, commitments, c.ctx.clock(), c.ctx.follow_up_policy)
    return {"items": items}


@router.get("/alliances/{alliance_id}/history", summary="Prüfpfad, älteste Einträge zuerst")
def history(alliance_id: UUID, c: CallerDep, until: Moment = None, since: Moment = None) -> dict[str, Any]:
    c.principal.require_alliance(alliance_id)
    queries = c.ctx.require_queries()
    c.app.get_alliance(alliance_id)  # 404 for an unknown alliance, not an empty list
    try:
        items = queries.timeline(alliance_id, until=until, since=since)
    except NotFound:
        items = []  # the alliance exists (checked above); its history has not reached the read model yet
    return {"items": items}


@router.get("/alliances/{alliance_id}/commitments-changes", summary="Was sich an den Zusagen geändert hat")
def commitments_changes(alliance_id: UUID, c: CallerDep, since: Moment = None, until: Moment = None) -> dict[str, Any]:
    """Added, changed and withdrawn commitments between two dates, with the events in between."""
    c.principal.require_alliance(alliance_id)
    if since is None or until is None:
        raise Problem(
            422, "„since“ und „until“ werden gebraucht (Datum oder Zeitpunkt mit Zone).", code="invalid_input"
        )
    queries = c.ctx.require_queries()
    c.app.get_alliance(alliance_id)  # 404 for an unknown alliance
    try:
        result: dict[str, Any] = queries.commitments_diff(alliance_id, since, until)
    except NotFound:
        raise Problem(
            503,
            "Die Lesemodelle holen dieses Bündnis gerade ein; bitte gleich noch einmal versuchen.",
            code="read_models_behind",
            headers={"Retry-After": "2"},
        ) from None
    return result


@router.get("/inbox", summary="Versandte Erinnerungen an die eigene Rolle, neueste zuerst")
def inbox(c: CallerDep, alliance: UUID | None = None) -> dict[str, Any]:
    """The Servicebüro sees what went to the Servicebüro (optionally of one alliance), the
    Koordination what went to its alliance's coordination, a partner what went to its organisation."""
    p = c.principal
    if p.role != "servicebuero":
        if alliance is not None and alliance != p.alliance_id:
            raise Problem(403, "Dieser Zugang gilt nicht für dieses Bündnis.", code="forbidden")
        alliance = p.alliance_id
    items = c.ctx.require_queries().inbox(role=p.role, alliance_id=alliance, partner_id=p.partner_id)
    return {"items": items}


@router.get("/dashboard", summary="Übersicht des Servicebüros")
def dashboard(c: CallerDep, state: Bundesland | None = None, status: Status | None = None) -> dict[str, Any]:
    c.principal.require_servicebuero()
    return c.ctx.dashboard(state.value if state else None, status)


@router.get("/audit/verify", summary="Integrität des Prüfpfads prüfen")
def verify_audit(c: CallerDep) -> dict[str, Any]:
    c.principal.require_servicebuero()
    result: dict[str, Any] = c.ctx.require_queries().verify_audit()
    return result
