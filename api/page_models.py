"""What the pages show, assembled from the application (one alliance) and the read models (fleet)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from api import charts
from api.auth import Principal
from api.context import Context
from api.views import alliance_detail, commitment_view, follow_ups
from api.visibility import alliance_view, commitments_view, follow_ups_view, history_view, own_commitment_ids
from documents.catalogue import TOOLS
from domain.alliance import Alliance
from domain.dates import berlin
from domain.errors import NotFound
from domain.follow_up_words import recipients
from domain.steps import STEP_TITLES
from domain.values import AllianceStatus, Bundesland, Dimension, Sector

SECTOR_LABELS = {s.value: s.label for s in Sector}
STATUS_LABELS = {s.value: s.label for s in AllianceStatus}
DIMENSIONS = [(d.value, d.label) for d in Dimension]
# A long-lived alliance has thousands of entries and meetings: the page shows the newest so many
# of each, and all of them (the timeline's newest 500; the whole of it pages through GET …/history)
# behind a link (`?alle=1`): no one reads a thousand rows at once, and the page stays fast.
PAGE_TIMELINE, WHOLE_TIMELINE = 50, 500
PAGE_MEETINGS = 50
PAGE_OPTIONS = 30  # choices in one of the page's forms (the newest: meetings, action items, …)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _pairs(data: Any, labels: dict[str, str] | None = None) -> list[tuple[str, float]]:
    """A {key: number} mapping as chart rows; nested values are summed or counted."""
    if not isinstance(data, dict):
        return []
    rows = []
    for key, value in data.items():
        if isinstance(value, dict):
            value = value.get("count", value.get("value", sum(_number(v) for v in value.values())))
        elif isinstance(value, list):
            value = len(value)
        rows.append(((labels or {}).get(str(key), str(key)), _number(value)))
    return rows


def _all_alliances(queries: Any, state: str | None, status: str | None) -> list[dict[str, Any]]:
    """The whole selection, page by page (the list cursor of the read models)."""
    alliances: list[dict[str, Any]] = []
    cursor = None
    while True:
        page, cursor = queries.list_alliances(state=state, status=status, after=cursor, limit=500)
        alliances.extend(page)
        if not cursor:
            return alliances


def dashboard_page(ctx: Context, state: str | None, status: str | None) -> dict[str, Any]:
    queries = ctx.queries
    base: dict[str, Any] = {
        "states": [b.value for b in Bundesland],
        "statuses": STATUS_LABELS,
        "state": state,
        "status": status,
        "steps": STEP_TITLES,
    }
    if queries is None:
        return {**base, "available": False}
    board = ctx.dashboard(state, status)
    alliances = ctx.fleet_cache.get(("alliances", state, status), lambda: _all_alliances(queries, state, status))
    per_step = board.get("alliances_per_step", {})
    funnel = [(f"{n}. {STEP_TITLES[n]}", _number(per_step.get(str(n), 0))) for n in range(1, 6)]
    averages = board.get("dimension_averages") or {}
    days = board.get("days_per_step") or {}
    median_days = [
        (f"Schritt {n}", _number((days.get(str(n)) or {}).get("median")))
        for n in range(1, 5)
        if (days.get(str(n)) or {}).get("median") is not None
    ]
    foundings = [(str(year), _number(n)) for year, n in (board.get("foundings_per_year") or {}).items()]
    return {
        **base,
        "available": True,
        "board": board,
        "alliances": alliances,
        "names": {a["id"]: a["name"] for a in alliances},
        "total": int(sum(v for _, v in funnel)),
        "funnel": charts.bars(funnel, "Bündnisse je Schritt", head=("Schritt", "Bündnisse")),
        "partner_mix": charts.bars(_pairs(board.get("partner_mix"), SECTOR_LABELS), "Partner nach Akteurstyp",
                                  head=("Akteurstyp", "Partner")),
        "dimensions": charts.bars(
            [(label, round(_number(averages.get(code)), 2)) for code, label in DIMENSIONS],
            "Durchschnitt der sechs Dimensionen (1–5)",
            head=("Dimension", "Durchschnitt"),
        )
        if any(v is not None for v in averages.values())
        else None,
        "days_chart": charts.bars(median_days, "Median der Tage je Schritt", " Tage", ("Schritt", "Median"))
        if median_days else None,
        "foundings_chart": charts.bars(foundings, "Gründungen je Jahr", head=("Jahr", "Gründungen"))
        if foundings else None,
        "cadence": board.get("meeting_cadence") or {},
        "stalled": board.get("stalled") or [],
        "overdue": board.get("overdue") or [],
        "missing_sectors": board.get("missing_sectors") or {},
        "trend": board.get("dimension_trend") or {},
        "dimension_labels": DIMENSIONS,
    }


def _assessments(a: Alliance) -> tuple[dict[str, int] | None, dict[str, int] | None, str | None, str | None]:
    """The latest self-assessment and the one of about a year before it."""
    ordered = sorted(a.self_assessments, key=lambda s: s.on)
    if not ordered:
        return None, None, None, None
    latest = ordered[-1]
    earlier = [s for s in ordered[:-1] if (latest.on - s.on).days >= 180]
    previous = earlier[-1] if earlier else None
    return (
        dict(latest.scores),
        dict(previous.scores) if previous else None,
        latest.on.strftime("%d.%m.%Y"),
        previous.on.strftime("%d.%m.%Y") if previous else None,
    )


def _latest(sent: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """The `n` sent last, in the order given."""
    keep = sorted(sorted(range(len(sent)), key=lambda i: str(sent[i].get("sent_at") or ""))[-n:])
    return [sent[i] for i in keep]


def _worded(follow_ups: list[dict[str, Any]], alliance: Alliance) -> list[dict[str, Any]]:
    return [{**f, "to": recipients(f["recipients"], alliance)} for f in follow_ups]


def alliance_page(ctx: Context, alliance_id: UUID, as_of: datetime | None, who: Principal,
                  whole: bool = False) -> dict[str, Any]:
    """The alliance page as `who` may see it (api/visibility.py: a partner sees the public view);
    long lists cut to their newest entries unless `whole`."""
    app = ctx.application
    alliance = app.get_alliance(alliance_id) if as_of is None else app.alliance_as_of(alliance_id, as_of)
    commitments = app.commitments(alliance_id, as_of)
    # Free texts as they stand now, also in a view of the past (an erased text stays erased)
    texts = app.texts_for(alliance) if as_of is None else app.texts_of(alliance_id)
    own = own_commitment_ids(who, commitments)
    # Step 5's Netzwerk-Check looks back from a day: the app's clock (BUENDNIS_TEST_TODAY in tests),
    # or the end of the day asked for, as the API's GET …/{id} judges it; not the last change.
    moment = as_of or ctx.clock()
    full = alliance_detail(alliance, app.policy, berlin(moment).date(), None if whole else PAGE_MEETINGS)
    detail = alliance_view(who, full)
    names = {a["id"]: a["name"] for a in full["actors"]}  # names of the partners its own items name
    by_sector: dict[str, list[dict[str, Any]]] = {}
    for actor in detail["actors"]:
        by_sector.setdefault(actor["sector_label"], []).append(actor)
    current, previous, current_on, previous_on = _assessments(alliance)
    planned = follow_ups_view(who, follow_ups(app, alliance, commitments, moment, ctx.follow_up_policy), own)
    sent = [f for f in planned if f["status"] == "sent"]
    timeline, timeline_rows = None, 0
    if ctx.queries is not None:
        try:
            # The newest entries; the whole history pages through GET …/history.
            rows = ctx.queries.timeline(alliance_id, until=as_of, newest=WHOLE_TIMELINE if whole else PAGE_TIMELINE)
            timeline, timeline_rows = history_view(who, rows, own), len(rows)
        except NotFound:
            timeline = []  # not yet in the read model (it may lag a few seconds)
    return {
        "a": detail,
        "whole": whole,
        "loaded": (alliance, commitments) if as_of is None else None,  # the forms' state: read once
        "meetings_count": len(alliance.meetings),
        "cut": {"meetings": len(alliance.meetings) > PAGE_MEETINGS and not whole,
                "timeline": timeline_rows >= PAGE_TIMELINE and not whole},
        "names": names,
        "by_sector": sorted(by_sector.items()),
        "missing": [SECTOR_LABELS[s] for s in detail.get("missing_sectors", [])],
        "commitments": commitments_view(who, [commitment_view(c, alliance, text=texts) for c in commitments]),
        "full": who.role != "partner",
        # Their recipients in words only for those shown (a busy alliance has sent hundreds)
        "scheduled": _worded([f for f in planned if f["status"] == "scheduled"], alliance),
        "sent": _worded(sent if whole else _latest(sent, PAGE_MEETINGS), alliance),
        "sent_count": len(sent),
        "progress": charts.progress(alliance.step),
        "steps": STEP_TITLES,
        "radar": charts.radar(
            DIMENSIONS,
            current,
            previous,
            "Sechs Dimensionen: aktuelle Selbsteinschätzung" + (" und die des Vorjahres" if previous else ""),
        )
        if current
        else None,
        "dimensions": [(label, (current or {}).get(code), (previous or {}).get(code)) for code, label in DIMENSIONS],
        "current_on": current_on,
        "previous_on": previous_on,
        "timeline": timeline,
        "as_of": as_of,
        "tools": [{"code": t.code, "title": t.title, "step": t.step, "purpose": t.purpose,
                   "current": t.step == alliance.step} for t in TOOLS],
    }
