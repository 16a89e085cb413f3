"""What each role sees of an alliance (least privilege, docs/SECURITY.md).

The Servicebüro sees everything, the Koordination its alliance (the history as German sentences,
no raw event data). A partner sees the alliance's public view: its steps and status, meeting
dates, its own commitments and what was sent to it; no notes, no minutes, no conversations, no
other partner's commitments or amounts, no raw event data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from api.auth import Principal
from api.problems import Problem
from projections.sentences import public_sentence

# The alliance's own fields a partner sees; everything else of the detail is the coordination's.
PUBLIC_FIELDS = (
    "id", "name", "municipality", "state", "step", "step_title", "status", "status_label", "version",
    "criteria", "step_entered_at", "questions", "legal_form", "joined_initiative_on",
)
PUBLIC_MEETING_FIELDS = ("id", "kind", "kind_label", "on", "title", "held_on")
# Events of an alliance that are public facts for its partners (told without free-text reasons).
PUBLIC_EVENTS = frozenset(
    f"Alliance.{name}" for name in (
        "Registered", "MeetingScheduled", "MeetingHeld", "FoundingHeld", "InitiativeJoined",
        "LegalFormSet", "StepCompleted", "StepReopened", "Paused", "Resumed", "Dissolved",
    )
)


def is_office(p: Principal) -> bool:
    return p.role == "servicebuero"


def documents_allowed(p: Principal, alliance_id: UUID) -> None:
    """The Werkzeugbox documents name organisations and people: the alliance's Koordination and the
    Servicebüro fetch them, a partner never (not even its own alliance's)."""
    p.require_alliance(alliance_id)
    if p.role == "partner":
        raise Problem(403, "Die Dokumente der Werkzeugbox nennen Organisationen und Personen; sie sind der "
                      "Koordination und dem Servicebüro vorbehalten.", code="forbidden")


def document_names_persons(p: Principal) -> bool:
    """Contact persons' names appear only for the alliance's own Koordination, who recorded them;
    the Servicebüro's copies name organisations and roles (data minimisation)."""
    return p.role == "koordination"


def export_scope(p: Principal, alliance: UUID | None) -> UUID | None:
    """The alliance an export covers: any or all for the Servicebüro, the own one for a Koordination;
    partners get none (an export lists every partner's commitments)."""
    if p.role == "partner":
        raise Problem(403, "Exporte sind der Koordination und dem Servicebüro vorbehalten.", code="forbidden")
    if p.role == "koordination":
        if alliance is not None and alliance != p.alliance_id:
            raise Problem(403, "Dieser Zugang gilt nicht für dieses Bündnis.", code="forbidden")
        return p.alliance_id
    return alliance


def alliance_view(p: Principal, detail: dict[str, Any]) -> dict[str, Any]:
    """The alliance detail as this caller may see it."""
    if p.role != "partner":
        return detail
    view = {k: detail[k] for k in PUBLIC_FIELDS if k in detail}
    view["meetings"] = [{k: m[k] for k in PUBLIC_MEETING_FIELDS} for m in detail.get("meetings", [])]
    founding = detail.get("founding")
    view["founding"] = None if founding is None else {"on": founding["on"]}
    own = str(p.partner_id)
    view["actors"] = [
        {k: a[k] for k in ("id", "name", "sector", "sector_label")} for a in detail.get("actors", []) if a["id"] == own
    ]
    return view


def own_commitment_ids(p: Principal, commitments: Iterable[Any]) -> set[str]:
    """The ids of the commitments this caller may read (a partner: its organisation's)."""
    return {str(c.id) for c in commitments if p.role != "partner" or c.partner_id == p.partner_id}


def commitments_view(p: Principal, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Commitment views (dicts with `partner_id`) this caller may read."""
    if p.role != "partner":
        return items
    return [c for c in items if c["partner_id"] == str(p.partner_id)]


def follow_ups_view(p: Principal, items: list[dict[str, Any]], own: set[str]) -> list[dict[str, Any]]:
    """Follow-ups: a partner sees those about its commitments or sent to its organisation."""
    if p.role != "partner":
        return items
    me = str(p.partner_id)
    return [
        f for f in items
        if f.get("subject_id") in own or any(r.partition(":")[2] == me for r in f.get("recipients", []))
    ]


def history_view(p: Principal, items: list[dict[str, Any]], own: set[str]) -> list[dict[str, Any]]:
    """The audit history: raw events for the Servicebüro, German sentences for everyone else;
    a partner only those about its own commitments and the alliance's public facts."""
    if is_office(p):
        return items
    shown = []
    for e in items:
        entry = {"position": e["position"], "at": e["at"], "type": e["type"], "text": e.get("text")}
        if p.role == "partner":
            cid = e.get("commitment_id")
            if cid is not None:
                if cid not in own:
                    continue
            elif e["type"] in PUBLIC_EVENTS:
                entry["text"] = public_sentence(e["type"], e.get("data") or {}, e.get("text"))
            else:
                continue
        else:
            entry["by"] = e.get("by")
            entry["commitment_id"] = e.get("commitment_id")
        shown.append(entry)
    return shown
