"""The German pages: the Servicebüro dashboard, an alliance's page, and signing in with a token."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, quote
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from api.auth import API, COOKIE, SESSION, SESSION_RENEW, SESSION_TTL, Principal, decode_token, session_token
from api.context import context, page_principal
from api.mailbox import stored_mails
from api.page_models import SECTOR_LABELS, alliance_page, dashboard_page
from api.problems import Problem
from api.routes.calendar import feed_address
from api.security import CSRF_COOKIE, CSRF_FIELD, csrf_field, csrf_ok, new_csrf_cookie, same_origin
from api.views import parse_uuid
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


# What /anmelden?hinweis= may say: codes, never text from the address (no one can make the page
# show a message of their choosing).
NOTICES = {
    "abgemeldet": "Sie sind abgemeldet.",
    "abgelaufen": "Ihre Anmeldung ist abgelaufen; bitte melden Sie sich neu an.",
    "widerrufen": "Dieser Zugang wurde widerrufen; bitte einen neuen Zugangsschlüssel erbitten.",
    "ungueltig": "Der Zugangsschlüssel ist ungültig; bitte melden Sie sich neu an.",
}


def _notice_code(problem: Problem) -> str:
    for code, word in (("abgelaufen", "abgelaufen"), ("widerrufen", "widerrufen")):
        if word in problem.detail:
            return code
    return "ungueltig"


def _render(request: Request, name: str, http_status: int = 200, **data: Any) -> HTMLResponse:
    """A page; every page carries the CSRF value its forms send back (and sets the cookie once)."""
    ctx = context(request)
    cookie = request.cookies.get(CSRF_COOKIE)
    fresh = cookie is None or len(cookie) > 100
    if fresh:
        cookie = new_csrf_cookie()
    data.setdefault("csrf", csrf_field(ctx.secret, cookie or ""))
    response = templates.TemplateResponse(request, name, data, status_code=http_status)
    if fresh:
        response.set_cookie(CSRF_COOKIE, cookie or "", httponly=True, samesite="strict", path="/",
                            secure=not ctx.development)
    who = data.get("who")
    if isinstance(who, Principal) and who.kind == SESSION:
        _renew(request, response, who)
    return response


def _renew(request: Request, response: Response, who: Principal) -> None:
    """A session in use is renewed (12 hours from now, never past its API token): sliding."""
    ctx = context(request)
    now = datetime.now(UTC)
    if who.issued_at is not None and now - who.issued_at < SESSION_RENEW:
        return
    try:
        renewed = session_token(ctx.secret, who, now)
    except Problem:
        return  # its API token is about to expire: the session ends with it
    _set_session(response, renewed, ctx.development)


def _set_session(response: Response, token: str, development: bool) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/", secure=not development,
                        max_age=int(SESSION_TTL.total_seconds()))


def error_page(request: Request, status: int, detail: str, who: Principal | None = None) -> HTMLResponse:
    return _render(request, "error.html", status, title="Fehler", status_code=status, detail=detail, who=who)


def _form_refused(request: Request, form: dict[str, list[str]]) -> HTMLResponse | None:
    """Every form POST: from a page of this site (Origin) and with this browser's CSRF value."""
    ctx = context(request)
    if not same_origin(request) or not csrf_ok(request, ctx.secret, (form.get(CSRF_FIELD) or [None])[0]):
        return error_page(request, 403, "Das Formular kam nicht von dieser Seite oder ist veraltet; "
                                    "bitte die Seite neu laden und noch einmal senden.")
    return None


async def _form(request: Request) -> dict[str, list[str]]:
    return parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=20)


def signed_in(request: Request) -> Principal | Response:
    """The signed-in caller of a page (or of a download linked from one), else the way to sign in:
    back to this address afterwards, or with a notice code when the session was refused."""
    try:
        who = page_principal(request)
    except Problem as p:
        if p.status == 429:
            raise
        response = RedirectResponse(f"/anmelden?hinweis={_notice_code(p)}", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response
    if who is None:
        target = str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/anmelden?weiter={quote(target)}", status_code=303)
    return who


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, land: Filter = None, status: Filter = None) -> Response:
    who = signed_in(request)
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
def alliance(request: Request, alliance_id: str, stand: Filter = None, alle: Filter = None) -> Response:
    """An alliance's page; long lists (meetings, the timeline, the forms' choices) show their newest
    entries, and all of them with `?alle=1`."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    try:
        aid = UUID(alliance_id)
    except ValueError:
        return error_page(request, 404, "Diese Adresse gibt es nicht.", who)
    ctx = context(request)
    as_of, shown, refused = _stand(stand)
    whole = alle == "1"
    try:
        who.require_alliance(aid)
        try:
            data = alliance_page(ctx, aid, as_of, who, whole)
        except DomainError as e:
            if as_of is None:
                raise
            # The alliance did not exist then: today's page, the reason beside the field.
            as_of, refused = None, e.message
            data = alliance_page(ctx, aid, None, who, whole)
    except Problem as p:
        return error_page(request, p.status, p.detail, who)
    except DomainError as e:
        status = 404 if e.code == "not_found" else 422
        return error_page(request, status, e.message, who)
    return _render(
        request,
        "alliance.html",
        422 if refused else 200,
        title=data["a"]["name"],
        who=who,
        stand=shown,
        stand_error=refused,
        whole_link=f"/alliances/{aid}?alle=1" + (f"&stand={quote(shown)}" if as_of is not None else ""),
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
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if who.role != "servicebuero":
        return error_page(request, 403, "Der Mail-Sammler ist dem Servicebüro vorbehalten.", who)
    mails = stored_mails(context(request).mail_dir)
    return _render(request, "mailbox.html", title="Versandte Mails", who=who, mails=mails)


@router.get("/anmelden", response_class=HTMLResponse)
def sign_in_form(request: Request, weiter: Filter = None, hinweis: Filter = None) -> HTMLResponse:
    notice = NOTICES.get(hinweis or "")
    return _render(request, "signin.html", title="Anmelden", weiter=_local(weiter), hinweis=notice, who=None)


@router.post("/anmelden", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    """A valid API token becomes a page session of at most 12 hours in an HttpOnly cookie."""
    ctx = context(request)
    form = await _form(request)
    refused = _form_refused(request, form)
    if refused is not None:
        return refused
    if ctx.limiter is not None:
        ctx.limiter.hit(f"sign-in:{request.client.host if request.client else '-'}", cost=10)
    token = (form.get("token") or [""])[0].strip()
    target = _local((form.get("weiter") or ["/"])[0])
    try:
        who = decode_token(ctx.secret, token, state=ctx.tokens, kinds=(API,))
    except Problem as p:
        return _render(request, "signin.html", 401, title="Anmelden", weiter=target, hinweis=p.detail, who=None)
    response = RedirectResponse(target, status_code=303)
    _set_session(response, session_token(ctx.secret, who), ctx.development)
    return response


@router.post("/abmelden")
async def sign_out(request: Request) -> Response:
    """Ends the session for good: its id is revoked, so a copied cookie is worthless too."""
    ctx = context(request)
    refused = _form_refused(request, await _form(request))
    if refused is not None:
        return refused
    try:
        who = page_principal(request)
    except Problem:
        who = None
    if who is not None and who.kind == SESSION and who.expires_at is not None:
        ctx.tokens.revoke_token(who.jti, who.expires_at)
    response = RedirectResponse("/anmelden?hinweis=abgemeldet", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/alliances/{alliance_id}/kalender", response_class=HTMLResponse)
async def new_calendar_feed(request: Request, alliance_id: str) -> Response:
    """Makes a calendar address for the signed-in person and shows it once (only its hash is kept)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    refused = _form_refused(request, await _form(request))
    if refused is not None:
        return refused
    aid = parse_uuid(alliance_id)
    if aid is None:
        return error_page(request, 404, "Diese Adresse gibt es nicht.", who)
    try:
        who.require_alliance(aid)
        alliance = context(request).application.get_alliance(aid)
    except Problem as p:
        return error_page(request, p.status, p.detail, who)
    except DomainError as e:
        return error_page(request, 404 if e.code == "not_found" else 422, e.message, who)
    feed, secret = context(request).tokens.create_feed(who.subject, who.role, aid, who.partner_id)
    url = feed_address(request, aid, secret)
    return _render(request, "calendar_feed.html", title="Kalenderadresse", who=who, a=alliance, url=url,
                   feed=feed)


def _local(target: str | None) -> str:
    """Only same-site paths as the page to go to after signing in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
