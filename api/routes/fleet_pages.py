"""Pages behind the dashboard's figures (the Servicebüro's), the inbox of every role, and the
API reference in German.

GET /buendnisse?schritt=&land=&status=&ort=   alliances of a step, a Land, a status; search by town
GET /buendnisse/stockend                      stalled alliances
GET /buendnisse/netzwerk-check?kriterium=     step 5's alliances with a criterion of the Netzwerk-Check open
GET /zusagen/ueberfaellig                     overdue commitments
GET /posteingang                              the follow-ups sent to one's role
GET /docs                                     the HTTP API, described in German
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import Principal
from api.context import context
from api.page_access import all_alliances, signed_in
from api.page_models import STATUS_LABELS
from api.routes.pages import templates
from domain.network import NETWORK_TITLES
from domain.steps import STEP_TITLES
from domain.values import Bundesland

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=100)]
STATES = [b.value for b in Bundesland]


def _render(request: Request, name: str, http_status: int = 200, **data: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, data, status_code=http_status)


def _error(request: Request, status: int, detail: str, who: Principal | None) -> HTMLResponse:
    return _render(request, "error.html", status, title="Fehler", status_code=status, detail=detail, who=who)


def _servicebuero(request: Request) -> Principal | Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if who.role != "servicebuero":
        return _error(request, 403, "Diese Übersicht ist dem Servicebüro vorbehalten.", who)
    if context(request).queries is None:
        return _error(request, 503, "Die Lesemodelle (Projektionen) sind in diesem Betrieb nicht verfügbar.", who)
    return who


@router.get("/buendnisse", response_class=HTMLResponse)
def alliances(request: Request, schritt: Text = None, land: Text = None, status: Text = None,
              ort: Text = None) -> Response:
    who = _servicebuero(request)
    if isinstance(who, Response):
        return who
    queries = context(request).queries
    step = int(schritt) if schritt in {"1", "2", "3", "4", "5"} else None
    state = land if land in STATES else None
    chosen = status if status in STATUS_LABELS else None
    rows = all_alliances(queries, state, chosen)
    if chosen is None:
        # As the dashboard counts them: dissolved alliances left the funnel (shown when asked for).
        rows = [r for r in rows if r["status"] != "dissolved"]
    per_state = Counter(r["state"] for r in rows if step is None or r["step"] == step)
    if step is not None:
        rows = [r for r in rows if r["step"] == step]
    town = (ort or "").strip()
    if town:
        needle = town.casefold()
        rows = [r for r in rows if needle in r["municipality"].casefold() or needle in r["name"].casefold()]
    return _render(request, "fleet/alliances.html", title="Bündnisse", who=who, rows=rows, step=step, state=state,
                   status=chosen, town=town, steps=STEP_TITLES, states=STATES, statuses=STATUS_LABELS,
                   per_state=[(s, per_state.get(s, 0)) for s in STATES])


@router.get("/buendnisse/stockend", response_class=HTMLResponse)
def stalled(request: Request) -> Response:
    who = _servicebuero(request)
    if isinstance(who, Response):
        return who
    board = context(request).dashboard(None, None)
    return _render(request, "fleet/stalled.html", title="Stockende Bündnisse", who=who, board=board,
                   stalled=board.get("stalled") or [], steps=STEP_TITLES)


@router.get("/buendnisse/netzwerk-check", response_class=HTMLResponse)
def network_check(request: Request, kriterium: Text = None) -> Response:
    """The list behind the dashboard's Netzwerk-Check: the active alliances in step 5 with open criteria,
    those of one criterion when it is named."""
    who = _servicebuero(request)
    if isinstance(who, Response):
        return who
    board = context(request).dashboard(None, None)
    check = board.get("network_check") or {}
    code = kriterium if kriterium in NETWORK_TITLES else None
    rows = [r for r in check.get("alliances") or [] if code is None or code in r["unmet"]]
    counted = next((c["unmet"] for c in check.get("criteria") or [] if c["code"] == code), None)
    return _render(request, "fleet/network_check.html", title="Netzwerk-Check", who=who, check=check, rows=rows,
                   code=code, counted=counted, titles=NETWORK_TITLES)


@router.get("/zusagen/ueberfaellig", response_class=HTMLResponse)
def overdue(request: Request) -> Response:
    who = _servicebuero(request)
    if isinstance(who, Response):
        return who
    board = context(request).dashboard(None, None)
    return _render(request, "fleet/overdue.html", title="Überfällige Zusagen", who=who, board=board,
                   overdue=board.get("overdue") or [])


@router.get("/posteingang", response_class=HTMLResponse)
def inbox(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    queries = context(request).queries
    items = None if queries is None else queries.inbox(role=who.role, alliance_id=who.alliance_id,
                                                       partner_id=who.partner_id)
    return _render(request, "fleet/inbox.html", title="Posteingang", who=who, items=items)


@router.get("/docs", response_class=HTMLResponse)
def api_reference(request: Request) -> Response:
    """The HTTP API in German, drawn from the OpenAPI description (no script, no CDN)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    spec = request.app.openapi()
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            tag = (op.get("tags") or ["Allgemein"])[0]
            groups.setdefault(tag, []).append({"method": method.upper(), "path": path,
                                               "summary": op.get("summary") or "",
                                               "description": op.get("description") or ""})
    return _render(request, "fleet/docs.html", title="HTTP-Schnittstelle", who=who, groups=groups,
                   info=spec.get("info", {}))
