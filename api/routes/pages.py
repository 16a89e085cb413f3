"""The German pages: the Servicebüro dashboard, an alliance's page, and signing in with a token."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, quote
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from api.auth import COOKIE, Principal, decode_token
from api.context import context, page_principal
from api.mailbox import stored_mails
from api.page_models import SECTOR_LABELS, alliance_page, dashboard_page
from api.problems import Problem
from api.routes.calendar import calendar_url
from domain.dates import end_of_day, german_date, german_moment, parse_german_date
from domain.errors import DomainError, InvalidInput
from domain.values import AllianceStatus, Bundesland

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent.parent / "templates"))
templates.env.filters["datum"] = lambda v: _datum(v)
templates.env.filters["tag"] = lambda v: german_date(v)
templates.env.filters["zahl"] = lambda v: str(v).replace(".", ",") if isinstance(v, float) else v
templates.env.filters["sector"] = lambda code: SECTOR_LABELS.get(code, code)
STATES = {b.value for b in Bundesland}
STATUSES = {s.value for s in AllianceStatus}
Filter = Annotated[str | None, Query(max_length=64)]


def _datum(value: Any) -> str:
    """Dates and timestamps for people: 01.03.2026, and 01.03.2026, 08:00 Uhr in Berlin time."""
    if not value:
        return "–"
    if isinstance(value, datetime):
        return german_moment(value)
    if isinstance(value, date):
        return german_date(value)
    try:
        if len(str(value)) == 10:
            return german_date(date.fromisoformat(str(value)))
        return german_moment(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _render(request: Request, name: str, http_status: int = 200, **data: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, data, status_code=http_status)


def _error(request: Request, status: int, detail: str, who: Principal | None = None) -> HTMLResponse:
    return _render(request, "error.html", status, title="Fehler", status_code=status, detail=detail, who=who)


def _signed_in(request: Request) -> Principal | Response:
    try:
        who = page_principal(request)
    except Problem as p:
        response = RedirectResponse(f"/anmelden?hinweis={quote(p.detail)}", status_code=303)
        response.delete_cookie(COOKIE)
        return response
    if who is None:
        return RedirectResponse(f"/anmelden?weiter={quote(str(request.url.path))}", status_code=303)
    return who


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, land: Filter = None, status: Filter = None) -> Response:
    who = _signed_in(request)
    if isinstance(who, Response):
        return who
    if who.role != "servicebuero" and who.alliance_id:
        return RedirectResponse(f"/alliances/{who.alliance_id}", status_code=303)
    state = land if land in STATES else None
    chosen = status if status in STATUSES else None
    ctx = context(request)

    def body() -> Markup:
        return Markup(templates.get_template("dashboard_body.html").render(**dashboard_page(ctx, state, chosen)))

    # Rendered once per change of the read models (and at most every few seconds): the whole fleet.
    html = ctx.fleet_cache.get(("dashboard_page", state, chosen), body) if ctx.queries is not None else body()
    return _render(request, "dashboard.html", title="Übersicht des Servicebüros", who=who, body=html)


@router.get("/alliances/{alliance_id}", response_class=HTMLResponse)
def alliance(request: Request, alliance_id: str, stand: Filter = None) -> Response:
    who = _signed_in(request)
    if isinstance(who, Response):
        return who
    try:
        aid = UUID(alliance_id)
    except ValueError:
        return _error(request, 404, "Diese Adresse gibt es nicht.", who)
    ctx = context(request)
    as_of, shown, refused = _stand(stand)
    try:
        who.require_alliance(aid)
        try:
            data = alliance_page(ctx, aid, as_of)
        except DomainError as e:
            if as_of is None:
                raise
            # The alliance did not exist then: today's page, the reason beside the field.
            as_of, refused = None, e.message
            data = alliance_page(ctx, aid, None)
    except Problem as p:
        return _error(request, p.status, p.detail, who)
    except DomainError as e:
        status = 404 if e.code == "not_found" else 422
        return _error(request, status, e.message, who)
    return _render(
        request,
        "alliance.html",
        422 if refused else 200,
        title=data["a"]["name"],
        who=who,
        stand=shown,
        stand_error=refused,
        calendar=calendar_url(ctx.secret, aid),
        **data,
    )


def _stand(text: str | None) -> tuple[datetime | None, str, str | None]:
    """The "Stand am" field: TT.MM.JJJJ (or JJJJ-MM-TT) as the end of that day in Germany, the
    text to show in the field again, and the German reason when it is refused."""
    if not text or not text.strip():
        return None, "", None
    try:
        day = parse_german_date(text, "Der Stand")
    except InvalidInput as e:
        return None, text, e.message
    return end_of_day(day), german_date(day), None


@router.get("/post", response_class=HTMLResponse)
def mailbox(request: Request) -> Response:
    who = _signed_in(request)
    if isinstance(who, Response):
        return who
    if who.role != "servicebuero":
        return _error(request, 403, "Der Mail-Sammler ist dem Servicebüro vorbehalten.", who)
    mails = stored_mails(context(request).mail_dir)
    return _render(request, "mailbox.html", title="Versandte Mails", who=who, mails=mails)


@router.get("/anmelden", response_class=HTMLResponse)
def sign_in_form(
    request: Request, weiter: Filter = None, hinweis: Annotated[str | None, Query(max_length=300)] = None
) -> HTMLResponse:
    return _render(request, "signin.html", title="Anmelden", weiter=_local(weiter), hinweis=hinweis, who=None)


@router.post("/anmelden", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    token = (form.get("token") or [""])[0].strip()
    target = _local((form.get("weiter") or ["/"])[0])
    try:
        decode_token(context(request).secret, token)
    except Problem as p:
        return _render(request, "signin.html", 401, title="Anmelden", weiter=target, hinweis=p.detail, who=None)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/", secure=request.url.scheme == "https")
    return response


@router.post("/abmelden")
def sign_out() -> Response:
    response = RedirectResponse("/anmelden?hinweis=Sie+sind+abgemeldet.", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _local(target: str | None) -> str:
    """Only same-site paths as the page to go to after signing in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
