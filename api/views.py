"""JSON views of the aggregates as the application holds them (so a caller reads its own writes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.alliance import Alliance
from domain.application import AllianceApplication
from domain.commitment import Commitment
from domain.facts import alliance_facts, commitment_facts
from domain.follow_ups import RULE_LABELS, FollowUpPolicy, plan_alliance, plan_commitment
from domain.network import network_check, network_facts
from domain.personal_data import FreeText
from domain.records import ActionItem
from domain.steps import LAST_STEP, STEP_QUESTIONS, STEP_TITLES, Criterion, StepPolicy, exit_criteria
from domain.values import Sector


def _num(value: Any) -> str | None:
    return None if value is None else str(value)


def criteria(a: Alliance, policy: StepPolicy, today: date) -> list[Criterion]:
    """The exit criteria of the current step; in step 5 the Netzwerk-Check on `today`, which never
    blocks. `today` is the caller's (the app's clock), never guessed: pages and API judge alike."""
    if a.step != LAST_STEP:
        return exit_criteria(a, a.step, policy)
    return network_check(network_facts(a), today, policy)


def alliance_summary(a: Alliance, policy: StepPolicy, today: date) -> dict[str, Any]:
    found = criteria(a, policy, today)
    checklist = [{"text": c.text, "met": c.met, **({"code": c.code} if c.code else {})} for c in found]
    unmet = [c["text"] for c in checklist if not c["met"]]
    return {
        "id": str(a.id),
        "name": a.name,
        "municipality": a.municipality,
        "state": a.state.value,
        "step": a.step,
        "step_title": STEP_TITLES[a.step],
        "status": a.status.value,
        "status_label": a.status.label,
        "version": a.version,
        "criteria": {
            "met": not unmet,
            "unmet": unmet,
            "checklist": checklist,
            "kind": "network_check" if a.step == LAST_STEP else "exit",
            "blocking": a.step != LAST_STEP,
        },
        "step_entered_at": a.step_entered_at.isoformat(),
    }


def alliance_detail(a: Alliance, policy: StepPolicy, today: date, meetings: int | None = None) -> dict[str, Any]:
    """The alliance as the API answers it; `meetings` keeps only the latest so many by date (a page
    of an alliance of years: thousands of meetings)."""
    latest = a.latest_outcomes()
    shown = sorted(a.meetings.values(), key=lambda m: m.on)
    if meetings is not None:
        shown = shown[-meetings:]
    sectors_present = {actor.sector for actor in a.actors.values()}
    items_of: dict[Any, list[Any]] = {}  # each meeting's action items, in one pass (years of meetings)
    for item in a.action_items.values():
        items_of.setdefault(item.meeting_id, []).append(item)
    return {
        **alliance_summary(a, policy, today),
        "questions": list(STEP_QUESTIONS[a.step]),
        "legal_form": a.legal_form.value if a.legal_form else None,
        "actors": [
            {
                "id": str(x.id),
                "name": x.name,
                "sector": x.sector.value,
                "sector_label": x.sector.label,
                "in_team": str(x.id) in a.team,
                "outcome": latest[str(x.id)].value if str(x.id) in latest else None,
                "signed": str(x.id) in a.signatures,
                "may_pledge": a.declined(x.id) is None,
            }
            for x in a.actors.values()
        ],
        "contact_persons": [
            {"id": str(p.id), "actor_id": str(p.actor_id), "erased": p.erased} for p in a.persons.values()
        ],
        "missing_sectors": [s.value for s in Sector if s not in sectors_present],
        "team": list(a.team),
        "contacts": len(a.contacts),
        "goals": [{"id": str(g.id), "text": g.text} for g in a.goals.values()],
        "candidates": [
            {
                "id": str(c.id),
                "name": c.name,
                "sector": c.sector.value,
                "invited_on": _num(c.invited_on),
            }
            for c in a.candidates.values()
        ],
        "meetings": sorted(
            (
                {
                    "id": str(m.id),
                    "kind": m.kind.value,
                    "kind_label": m.kind.label,
                    "on": m.on.isoformat(),
                    "title": m.title,
                    "organiser_id": _num(m.organiser_id),
                    "held_on": _num(m.held_on),
                    "attendees": len(m.attendee_ids),
                    "invited": [str(i) for i in m.invitee_ids],
                    "minutes": bool(m.minutes),
                    "action_items": [_action_item(i) for i in items_of.get(m.id, ())],
                }
                for m in shown
            ),
            key=lambda m: m["on"],
        ),
        "projects": [
            {
                "id": str(p.id),
                "title": p.title,
                "theme": p.theme,
                "owner_id": _num(p.owner_id),
                "due_on": _num(p.due_on),
                "status": p.status.value,
                "status_label": p.status.label,
            }
            for p in a.projects.values()
        ],
        "working_groups": [
            {
                "id": str(g.id),
                "name": g.name,
                "theme": g.theme,
                "speaker_id": _num(g.speaker_id),
                "members": len(g.member_ids),
                "member_ids": [str(m) for m in g.member_ids],
            }
            for g in a.working_groups.values()
        ],
        "steering_group": list(a.steering_group),
        "founding": None
        if a.founding is None
        else {
            "on": a.founding.on.isoformat(),
            "symbolic_act": a.founding.symbolic_act,
            "format": a.founding.format,
            "declaration": a.founding.declaration,
        },
        "declaration": a.has_declaration,
        "signatures": [{"actor_id": str(s.actor_id), "on": s.on.isoformat()} for s in a.signatures.values()],
        "publicity": sorted(
            ({"id": str(p.id), "on": p.on.isoformat(), "title": p.title, "medium": p.medium}
             for p in a.publicity.values()),
            key=lambda p: (p["on"], p["id"]),
        ),
        "anchorings": [
            {"id": str(x.id), "kind": x.kind.value, "kind_label": x.kind.label, "name": x.name,
             "since": x.since.isoformat()}
            for x in a.anchorings.values()
        ],
        "joined_initiative_on": _num(a.joined_initiative_on),
        "self_assessments": [{"on": s.on.isoformat(), "scores": dict(s.scores)} for s in a.self_assessments],
    }


def _action_item(i: ActionItem) -> dict[str, Any]:
    return {
        "id": str(i.id),
        "meeting_id": str(i.meeting_id),
        "text": i.text,
        "owner_id": _num(i.owner_id),
        "due_on": _num(i.due_on),
        "done": i.done,
        "commitment_id": _num(i.commitment_id),
    }


def commitment_view(c: Commitment, a: Alliance | None = None, *,
                    text: Callable[[FreeText | None], str | None]) -> dict[str, Any]:
    """A commitment; with its alliance, the action item (and meeting) it was pledged for in words;
    `text` shows its sealed free texts (`AllianceApplication.texts_of`)."""
    item = a.action_items.get(str(c.action_item_id)) if a is not None and c.action_item_id else None
    meeting = a.meetings.get(str(item.meeting_id)) if a is not None and item is not None else None
    return {
        "id": str(c.id),
        "alliance_id": str(c.alliance_id),
        "partner_id": str(c.partner_id),
        "description": c.description,
        "kind": c.kind.value,
        "kind_label": c.kind.label,
        "amount": _num(c.amount),
        "unit": c.unit,
        "due_on": _num(c.due_on),
        "status": c.status.value,
        "status_label": c.status.label,
        "recurrence": c.recurrence.value if c.recurrence else None,
        "period": c.period,
        "fulfilled_on": _num(c.fulfilled_on),
        "periods": [{"period": p.period, "due_on": _num(p.due_on), "fulfilled_on": _num(p.fulfilled_on)}
                    for p in c.past_periods],
        "version": c.version,
        "progress": [{"on": p.on.isoformat(), "text": text(p.text), "percent": p.percent, "amount": _num(p.amount)}
                     for p in c.progress],
        "action_item_id": _num(c.action_item_id),
        "action_item": None if item is None else {**_action_item(item),
                                                  "meeting_title": meeting.title if meeting else None},
    }


def follow_ups(
    application: AllianceApplication,
    a: Alliance,
    commitments: list[Commitment],
    now: datetime,
    policy: FollowUpPolicy,
) -> list[dict[str, Any]]:
    """Scheduled follow-ups from the pure policy, and those already sent (recorded as events)."""
    items: list[dict[str, Any]] = []
    plans = list(plan_alliance(alliance_facts(a, application.policy), now, policy))
    for c in commitments:
        plans.extend(plan_commitment(commitment_facts(c, a.status.value), now, policy))
    for f in plans:
        items.append(
            {
                "rule": f.rule,
                "label": f.label,
                "key": f.key,
                "due_at": f.due_at.isoformat(),
                "status": "scheduled",
                "recipients": list(f.recipients),
                "subject_id": f.subject_id,
            }
        )
    for r in a.follow_ups.values():
        items.append(
            {
                "rule": r.rule,
                "label": RULE_LABELS.get(r.rule, r.rule),
                "key": r.key,
                "due_at": r.due_at.isoformat(),
                "status": "sent",
                "sent_at": r.sent_at.isoformat(),
                "recipients": list(r.recipients),
                "subject_id": r.subject_id,
            }
        )
    for c in commitments:
        if not c.follow_ups:
            continue
        for e in application.events.get(c.id):
            if isinstance(e, Commitment.FollowUpRecorded):
                items.append(
                    {
                        "rule": e.rule,
                        "label": RULE_LABELS.get(e.rule, e.rule),
                        "key": e.key,
                        "due_at": e.due_at.isoformat(),
                        "status": "sent",
                        "sent_at": e.timestamp.isoformat(),
                        "recipients": list(e.recipients),
                        "subject_id": str(c.id),
                    }
                )
    items.sort(key=lambda i: (i["status"] != "scheduled", i["due_at"]))
    return items


def parse_uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None
