"""Alliance detail: one JSON document per alliance and per commitment, rewritten once per batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from domain.alliance import Alliance
from domain.commitment import Commitment
from domain.follow_ups import RULE_LABELS
from domain.personal_data import FreeText
from domain.steps import LAST_STEP, STEP_TITLES, StepPolicy, exit_criteria
from domain.values import Sector
from projections.alliance_events import AllianceProjection, Seen
from projections.keys import BatchKeys
from projections.store import Db, Schema
from projections.values import dumps, iso, jsonable

SCHEMA = Schema(
    tables={
        "alliance_docs": "alliance_id TEXT PRIMARY KEY, version BIGINT, doc TEXT",
        "commitment_docs": "commitment_id TEXT PRIMARY KEY, alliance_id TEXT, version BIGINT, "
        "doc TEXT",
    },
    indexes={"commitment_docs_alliance": "commitment_docs(alliance_id)"},
)


def _name(a: Alliance, actor_id: Any) -> str | None:
    if actor_id is None:
        return None
    actor = a.actors.get(str(actor_id))
    return actor.name if actor else str(actor_id)


def alliance_document(a: Alliance, policy: StepPolicy) -> dict[str, Any]:
    """What the alliance page shows: checklist, actors, team, meetings, groups, plan, follow-ups."""
    checklist: list[dict[str, Any]] = []
    for step in range(1, LAST_STEP + 1):
        criteria = exit_criteria(a, step, policy)
        checklist.append(
            {
                "step": step,
                "title": STEP_TITLES[step],
                "done": step < a.step,
                "current": step == a.step,
                "criteria": [{"text": c.text, "met": c.met} for c in criteria],
            }
        )
    by_sector: dict[str, list[dict[str, Any]]] = {}
    for key, actor in a.actors.items():
        by_sector.setdefault(actor.sector.value, []).append({"id": key, "name": actor.name})
    return {
        "id": str(a.id),
        "name": a.name,
        "municipality": a.municipality,
        "state": a.state.value,
        "step": a.step,
        "step_title": STEP_TITLES[a.step],
        "status": a.status.value,
        "legal_form": jsonable(a.legal_form),
        "registered_at": iso(a.created_on),
        "step_entered_at": iso(a.step_entered_at),
        "version": a.version,
        "checklist": checklist,
        "unmet": [c.text for c in exit_criteria(a, a.step, policy) if not c.met],
        "actors_by_sector": {s.value: by_sector[s.value] for s in Sector if s.value in by_sector},
        "team": [
            {"id": k, "name": _name(a, k), "sector": a.actors[k].sector.value} for k in a.team
        ],
        "goals": [g.text for g in a.goals.values()],
        "candidates": [
            {"name": c.name, "sector": c.sector.value, "invited_on": jsonable(c.invited_on)}
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
                    "held_on": jsonable(m.held_on),
                    "attendees": len(m.attendee_ids),
                    "minutes": bool(m.minutes),
                    "organiser": _name(a, m.organiser_id),
                }
                for m in a.meetings.values()
            ),
            key=lambda m: (m["on"], m["id"]),
        ),
        "action_items": [
            {
                "id": str(i.id),
                "text": i.text,
                "owner": _name(a, i.owner_id),
                "due_on": jsonable(i.due_on),
                "done": i.done,
                "commitment_id": jsonable(i.commitment_id),
            }
            for i in a.action_items.values()
        ],
        "working_groups": [
            {
                "id": str(g.id),
                "name": g.name,
                "theme": g.theme,
                "speaker": _name(a, g.speaker_id),
                "members": [_name(a, m) for m in g.member_ids],
            }
            for g in a.working_groups.values()
        ],
        "steering_group": [_name(a, m) for m in a.steering_group],
        "action_plan": [
            {
                "id": str(p.id),
                "title": p.title,
                "theme": p.theme,
                "owner": _name(a, p.owner_id),
                "due_on": jsonable(p.due_on),
                "status": p.status.value,
                "status_label": p.status.label,
            }
            for p in a.projects.values()
        ],
        "founding": None
        if a.founding is None
        else {
            "on": a.founding.on.isoformat(),
            "symbolic_act": a.founding.symbolic_act,
            "format": a.founding.format,
            "declaration": a.founding.declaration,
        },
        "signatures": [
            {"partner": _name(a, s.actor_id), "on": s.on.isoformat()} for s in a.signatures.values()
        ],
        "joined_initiative_on": jsonable(a.joined_initiative_on),
        "follow_ups_sent": [
            {
                "key": f.key,
                "rule": f.rule,
                "label": RULE_LABELS.get(f.rule, f.rule),
                "recipients": list(f.recipients),
                "due_at": iso(f.due_at),
                "sent_at": iso(f.sent_at),
            }
            for f in a.follow_ups.values()
        ],
        "self_assessments": [
            {"on": s.on.isoformat(), "scores": dict(s.scores)} for s in a.self_assessments
        ],
    }


def _action_item(c: Commitment, a: Alliance) -> dict[str, Any] | None:
    """The action item (and its meeting) the commitment was pledged for."""
    item = a.action_items.get(str(c.action_item_id)) if c.action_item_id else None
    if item is None:
        return None
    meeting = a.meetings.get(str(item.meeting_id))
    return {"id": str(item.id), "text": item.text, "meeting_id": str(item.meeting_id),
            "meeting": meeting.title if meeting else None}


def commitment_document(c: Commitment, a: Alliance, text: Callable[[FreeText | None], str | None]) -> dict[str, Any]:
    """The commitment's document; `text` shows its sealed free texts."""
    return {
        "id": str(c.id),
        "partner_id": str(c.partner_id),
        "partner": _name(a, c.partner_id),
        "description": c.description,
        "kind": c.kind.value,
        "amount": jsonable(c.amount),
        "unit": c.unit,
        "due_on": jsonable(c.due_on),
        "recurrence": jsonable(c.recurrence),
        "period": c.period,
        "status": c.status.value,
        "status_label": c.status.label,
        "fulfilled_on": jsonable(c.fulfilled_on),
        "progress": [
            {"on": p.on.isoformat(), "text": text(p.text), "percent": p.percent} for p in c.progress
        ],
        "follow_ups_sent": len(c.follow_ups),
        "action_item": _action_item(c, a),
        "pledged_at": iso(c.created_on),
        "version": c.version,
    }


class DetailProjection(AllianceProjection):
    name = "detail"
    title = "Bündnisdetails"
    schema = SCHEMA

    def __init__(self, application: Any, policy: StepPolicy | None = None) -> None:
        super().__init__(application)
        self.policy = policy or application.policy
        self._alliances: dict[str, Alliance] = {}
        self._commitments: dict[str, Commitment] = {}
        self.keys = BatchKeys(application.key_ring)

    def begin(self, db: Db) -> None:
        self._alliances, self._commitments = {}, {}
        self.keys.clear()

    def reset(self) -> None:
        super().reset()
        self._alliances, self._commitments = {}, {}
        self.keys.clear()

    def see(self, seen: Seen, db: Db) -> None:
        if seen.commitment is not None:
            self._commitments[cast(str, seen.commitment_id)] = seen.commitment  # set whenever the commitment is
        else:
            self._alliances[seen.alliance_id] = seen.alliance
        if isinstance(seen.event, (Alliance.FreeTextsErased, Alliance.ContactPersonErased)):
            # Texts of its commitments were sealed with the erased key: their documents are written again.
            for cid in self.application.commitment_ids(seen.alliance.id):
                self._commitments.setdefault(str(cid), self.aggregates.latest(cid))

    def finish(self, db: Db) -> None:
        db.executemany(
            "INSERT INTO {alliance_docs} VALUES (?, ?, ?) ON CONFLICT (alliance_id) DO UPDATE SET "
            "version = excluded.version, doc = excluded.doc",
            [
                (aid, a.version, dumps(alliance_document(a, self.policy)))
                for aid, a in self._alliances.items()
            ],
        )
        rows = []
        for cid, c in self._commitments.items():
            a = self._alliances.get(str(c.alliance_id)) or self.aggregates.latest(c.alliance_id)
            ring, erased = self.keys, a.erased_keys()

            def text(value: FreeText | None, ring: BatchKeys = ring, erased: frozenset[str] = erased) -> str | None:
                return ring.reveal(value, erased)

            rows.append((cid, str(c.alliance_id), c.version, dumps(commitment_document(c, a, text))))
        db.executemany(
            "INSERT INTO {commitment_docs} VALUES (?, ?, ?, ?) ON CONFLICT (commitment_id) DO "
            "UPDATE SET "
            "version = excluded.version, doc = excluded.doc",
            rows,
        )
