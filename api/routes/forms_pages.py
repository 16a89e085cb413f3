"""The German forms of the pages: each posts to its route here, which calls one command of the
application, then redirects (POST-redirect-GET) or shows the form again with German messages
beside the fields and a summary.

GET  /alliances/{id}/formulare/{slug}   one form on its own page (linked, and its error state)
POST /alliances/{id}/formulare/{slug}   run it
GET|POST /buendnisse/neu                register an alliance (Servicebüro)
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from api.auth import Principal
from api.context import context
from api.csrf import form_body, token_for
from api.form_catalogue import ALLIANCE_FORMS
from api.form_choices import choices
from api.form_commitments import COMMITMENT_FORMS
from api.form_fields import Filled, Form, place, read
from api.form_steps import REGISTER, STEP_FORMS
from api.page_access import signed_in
from api.page_models import PAGE_OPTIONS
from api.problems import Problem
from api.routes.pages import templates
from domain.errors import ConcurrencyConflict, DomainError, IdempotencyConflict, InvalidInput, NotFound, RuleViolation
from domain.steps import STEP_TITLES

router = APIRouter(include_in_schema=False)
ONCE = "_einmal"
ONCE_FORMAT = re.compile(r"[0-9a-f]{32}")
FORMS: dict[str, Form] = {f.slug: f for f in (*ALLIANCE_FORMS, *COMMITMENT_FORMS, *STEP_FORMS)}
GROUPS = {
    "schritt": "Schritte",
    "akteure": "Akteure, Einzelgespräche und Ansprechpersonen",
    "team": "Bündnisteam, Ziele und weitere Akteure",
    "treffen": "Treffen, Protokolle und Aufgaben",
    "aktionsplan": "Aktionsplan",
    "gruendung": "Gründung, Deklaration und Bundesinitiative",
    "steuerung": "Arbeitsgruppen, Steuerungsgruppe und Rechtsform",
    "dimensionen-erfassen": "Selbsteinschätzung (sechs Dimensionen)",
    "zusagen-bearbeiten": "Zusagen bearbeiten",
    "status": "Status des Bündnisses",
}


class _Once:
    """The application with a command id on every command: a form sent twice (a double click, the
    back button) changes nothing twice (each rendered form carries its own `_einmal`)."""

    def __init__(self, application: Any, command_id: str) -> None:
        self._application, self._command_id = application, command_id

    def __getattr__(self, name: str) -> Any:
        return partial(getattr(self._application, name), command_id=self._command_id)


def may_use(who: Principal, form: Form, alliance_id: UUID | None) -> bool:
    """The API's rules: the Servicebüro everything; the Koordination its alliance; a partner the
    partner forms of its alliance (on its own commitments, see `_own`)."""
    if who.role == "servicebuero":
        return True
    if form.role == "servicebuero" or who.alliance_id != alliance_id:
        return False
    return who.role == "koordination" or form.role == "partner"


def _error(request: Request, status: int, detail: str, who: Principal | None) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "error.html", {"title": "Fehler", "status_code": status, "detail": detail, "who": who},
        status_code=status)


def _state(request: Request, aid: UUID, who: Principal, newest: int | None = None,
           loaded: tuple[Any, list[Any]] | None = None) -> tuple[Any, list[Any], Any]:
    """The alliance, its commitments (`loaded` when the page has them already) and the forms' choices."""
    app = context(request).application
    alliance, commitments = loaded if loaded is not None else (app.get_alliance(aid), app.commitments(aid))

    def persons() -> list[tuple[str, str]]:
        names = {k: x.name for k, x in alliance.actors.items()}
        found = [(str(p.id), app.person_data(alliance, p.id), names.get(str(p.actor_id), "?"))
                 for p in alliance.persons.values() if not p.erased]
        return [(pid, f"{data.name} ({actor})") for pid, data, actor in found if data is not None]

    return alliance, commitments, choices(alliance, commitments, who, persons, newest)


def _usable(form: Form, options: Any) -> bool:
    return form.needs is None or bool(options(form.needs))


def render_form(request: Request, form: Form, action: str, options: Any, filled: Filled | None = None,
                heading: int = 3) -> Markup:
    """One form as HTML (the macro of forms/form.html)."""
    template = templates.get_template("forms/form.html")
    html = template.module.render_form(form, filled or Filled({}), options, token_for(request), action,  # type: ignore[attr-defined]
                                       heading, uuid4().hex)
    return Markup(html)


def workbench(request: Request, a: dict[str, Any], who: Principal | None, as_of: Any = None,
              whole: bool = True, loaded: tuple[Any, list[Any]] | None = None) -> Markup:
    """The forms of the alliance page, grouped as in the guide; only those the role may use. Unless
    `whole`, a long list of choices offers its newest PAGE_OPTIONS (meetings by date, action items
    as recorded); a choice left out is still accepted when sent (its form page offers them all)."""
    if who is None or as_of is not None:
        return Markup("")
    aid = UUID(a["id"])
    app = context(request).application
    alliance, commitments = loaded if loaded is not None else (app.get_alliance(aid), app.commitments(aid))
    # What the forms show follows from the alliance and its commitments at their versions and from
    # the caller's role and scope alone (no date, no clock): rendered once per change, with markers
    # where each answer puts its own CSRF value and a fresh once-key per form.
    key = (id(app), aid, alliance.version, tuple((c.id, c.version) for c in commitments), who.role,
           who.alliance_id, who.partner_id, whole)
    with _WORKBENCH_LOCK:
        html = _WORKBENCHES.get(key)
    if html is None:
        html = _workbench(request, a, who, aid, whole, (alliance, commitments))
        with _WORKBENCH_LOCK:
            _WORKBENCHES[key] = html
            while len(_WORKBENCHES) > 64:
                _WORKBENCHES.popitem(last=False)
    html = html.replace(_CSRF_MARK, str(escape(token_for(request))))
    return Markup(_ONCE_MARKS.sub(lambda _: uuid4().hex, html))


_MARK = uuid4().hex  # no text of a page can contain it: it is made anew when the process starts
_CSRF_MARK, _ONCE_MARK = f"csrf{_MARK}", f"once{_MARK}"
_ONCE_MARKS = re.compile(re.escape(_ONCE_MARK))
_WORKBENCHES: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_WORKBENCH_LOCK = threading.Lock()


def _workbench(request: Request, a: dict[str, Any], who: Principal, aid: UUID, whole: bool,
               loaded: tuple[Any, list[Any]]) -> str:
    alliance, commitments, options = _state(request, aid, who, None if whole else PAGE_OPTIONS, loaded)
    groups: dict[str, list[tuple[Form, Markup]]] = {}
    for form in FORMS.values():
        if not alliance.dissolved and may_use(who, form, aid) and _usable(form, options):
            action = f"/alliances/{aid}/formulare/{form.slug}"
            template = templates.get_template("forms/form.html")
            html = template.module.render_form(form, Filled({}), options, _CSRF_MARK, action, 4,  # type: ignore[attr-defined]
                                               _ONCE_MARK)
            groups.setdefault(form.section, []).append((form, Markup(html)))
    ordered = [(key, GROUPS[key], groups[key]) for key in GROUPS if key in groups]
    return str(templates.get_template("forms/workbench.html").render(
        groups=ordered, facts=facts(request, alliance, commitments, who), who=who, a=a, whole=whole,
        page_items=PAGE_OPTIONS))


def facts(request: Request, alliance: Any, commitments: list[Any], who: Principal) -> dict[str, Any]:
    """What the forms recorded that the page shows nowhere else."""
    app = context(request).application
    names = {k: x.name for k, x in alliance.actors.items()}
    persons, notes = [], {}
    if who.role != "partner":
        notes = {k: app.text(alliance, c.notes) for k, c in alliance.contacts.items() if c.notes is not None}
        for p in alliance.persons.values():
            data = None if p.erased else app.person_data(alliance, p.id)
            persons.append({"actor": names.get(str(p.actor_id), "?"), "name": data.name if data else "(gelöscht)"})
    mine = [c for c in commitments if who.role != "partner" or c.partner_id == who.partner_id]
    return {"alliance": alliance, "names": names, "persons": persons, "notes": notes, "commitments": mine,
            "by_id": {str(c.id): c for c in mine},
            "text": lambda value: app.text(alliance, value),  # a sealed free text, as the role may read it
            "steps": STEP_TITLES}


def flash(slug: str | None) -> str | None:
    """The sentence of a form that just worked (the redirect names it)."""
    form = FORMS.get(slug or "") or (REGISTER if slug == REGISTER.slug else None)
    return form.done if form else None


templates.env.globals["workbench"] = workbench
templates.env.globals["flash"] = flash


def _form_page(request: Request, form: Form, aid: UUID | None, who: Principal, options: Any, filled: Filled | None,
               status: int, alliance: Any = None) -> HTMLResponse:
    action = f"/alliances/{aid}/formulare/{form.slug}" if aid else "/buendnisse/neu"
    unmet = []
    if alliance is not None and form.slug == "schritt-abschliessen":
        unmet = alliance.unmet_criteria(context(request).application.policy)
    data = {"title": ("Fehler: " if filled and not filled.ok else "") + form.title, "who": who, "form": form,
            "alliance": alliance, "filled": filled, "unmet": unmet,
            "body": render_form(request, form, action, options, filled, heading=2)}
    return templates.TemplateResponse(request, "forms/page.html", data, status_code=status)


def _own(who: Principal, raw: dict[str, list[str]], commitments: list[Any], alliance: Any) -> bool:
    """A partner posts only its own organisation's commitments and action items (as the API's rule)."""
    if who.role != "partner":
        return True
    posted = set(raw.get("commitment_id") or [])
    items = set(raw.get("item_id") or [])
    return (all(c.partner_id == who.partner_id for c in commitments if str(c.id) in posted)
            and all(i.owner_id == who.partner_id for i in alliance.action_items.values() if str(i.id) in items))


def _target(request: Request, alliance_id: str, slug: str) -> tuple[Principal, UUID, Form] | Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    form = FORMS.get(slug)
    try:
        aid = UUID(alliance_id)
    except ValueError:
        aid = None
    if form is None or aid is None:
        return _error(request, 404, "Dieses Formular gibt es nicht.", who)
    if not who.may_read(aid):
        return _error(request, 403, "Dieser Zugang gilt nicht für dieses Bündnis.", who)
    if not may_use(who, form, aid):
        return _error(request, 403, f"Das Formular „{form.title}“ ist Ihrer Rolle nicht erlaubt.", who)
    return who, aid, form


@router.get("/alliances/{alliance_id}/formulare/{slug}", response_class=HTMLResponse)
def form_page(request: Request, alliance_id: str, slug: str) -> Response:
    target = _target(request, alliance_id, slug)
    if isinstance(target, Response):
        return target
    who, aid, form = target
    try:
        alliance, _, options = _state(request, aid, who)
    except NotFound as e:
        return _error(request, 404, e.message, who)
    return _form_page(request, form, aid, who, options, None, 200, alliance)


@router.post("/alliances/{alliance_id}/formulare/{slug}", response_class=HTMLResponse)
async def submit(request: Request, alliance_id: str, slug: str) -> Response:
    target = _target(request, alliance_id, slug)
    if isinstance(target, Response):
        return target
    who, aid, form = target
    try:
        raw = await form_body(request)
        alliance, commitments, options = _state(request, aid, who)
    except Problem as p:
        return _error(request, p.status, p.detail, who)
    except NotFound as e:
        return _error(request, 404, e.message, who)
    if not _own(who, raw, commitments, alliance):
        return _error(request, 403, "Als Partner dürfen Sie nur die Zusagen Ihrer eigenen Organisation bearbeiten "
                      "und die Aufgaben, für die sie verantwortlich ist.", who)
    filled = read(form, raw, options)
    if filled.ok:
        status = await _run(request, form, aid, filled, who)
        if status is None:
            return RedirectResponse(f"/alliances/{aid}?erledigt={form.slug}#erledigt", status_code=303)
    else:
        status = 422
    alliance, _, options = _state(request, aid, who)
    return _form_page(request, form, aid, who, options, filled, status, alliance)


async def _run(request: Request, form: Form, aid: UUID | None, filled: Filled, who: Principal) -> int | None:
    """Calls the command; None when it worked, else the status of the refusal placed in `filled`."""
    ctx = context(request)
    once = filled.first(ONCE)
    app = _Once(ctx.application, f"page:{who.by}:{once}") if ONCE_FORMAT.fullmatch(once) else ctx.application
    try:
        result = await ctx.execute(partial(form.run, app, aid, filled.values, who.by))
    except RuleViolation as e:
        place(form, filled, e.message, e.unmet)
        return 409
    except (ConcurrencyConflict, IdempotencyConflict) as e:
        filled.summary.append(e.message)
        return 409
    except (InvalidInput, NotFound) as e:
        place(form, filled, e.message)
        return 422
    except DomainError as e:
        filled.summary.append(e.message)
        return 409
    filled.values["_result"] = result
    return None


@router.get("/buendnisse/neu", response_class=HTMLResponse)
def register_page(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not may_use(who, REGISTER, None):
        return _error(request, 403, "Bündnisse erfasst das Servicebüro.", who)
    return _form_page(request, REGISTER, None, who, choices(None, [], who), None, 200)


@router.post("/buendnisse/neu", response_class=HTMLResponse)
async def register(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not may_use(who, REGISTER, None):
        return _error(request, 403, "Bündnisse erfasst das Servicebüro.", who)
    try:
        raw = await form_body(request)
    except Problem as p:
        return _error(request, p.status, p.detail, who)
    options = choices(None, [], who)
    filled = read(REGISTER, raw, options)
    status = await _run(request, REGISTER, None, filled, who) if filled.ok else 422
    if status is None:
        return RedirectResponse(f"/alliances/{filled.values['_result']}?erledigt={REGISTER.slug}#erledigt",
                                status_code=303)
    return _form_page(request, REGISTER, None, who, options, filled, status)
