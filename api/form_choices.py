"""The choices the forms offer, from the alliance as it stands now (and, for a partner, its own
commitments only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api.auth import Principal
from api.form_fields import Options
from domain.alliance import Alliance
from domain.commitment import Commitment
from domain.dates import german_date
from domain.steps import STEP_TITLES
from domain.values import (
    AnchoringKind,
    Bundesland,
    CommitmentKind,
    CommitmentStatus,
    ErasureReason,
    LegalForm,
    MeetingKind,
    Outcome,
    ProjectStatus,
    Recurrence,
    Sector,
)

OPEN = (CommitmentStatus.PLEDGED, CommitmentStatus.CONFIRMED, CommitmentStatus.OVERDUE)


def _coded(kind: Any) -> Options:
    return [(m.value, m.label) for m in kind]


FIXED: dict[str, Options] = {
    "sectors": _coded(Sector),
    "outcomes": _coded(Outcome),
    "meeting_kinds": _coded(MeetingKind),
    "commitment_kinds": _coded(CommitmentKind),
    "project_statuses": _coded(ProjectStatus),
    "legal_forms": _coded(LegalForm),
    "recurrences": _coded(Recurrence),
    "states": _coded(Bundesland),
    "scores": [(str(n), str(n)) for n in range(1, 6)],
    "erasure_reasons": _coded(ErasureReason),
    "anchoring_kinds": _coded(AnchoringKind),
}


def choices(a: Alliance | None, commitments: list[Commitment], who: Principal,
            persons: Callable[[], Options] | None = None) -> Callable[[str], Options]:
    """A lookup of option lists by name; built lazily, each at most once. `persons` names the contact
    persons not erased (their names are sealed: the caller unseals them, and only when asked)."""
    cache: dict[str, Options] = {}

    def lookup(name: str) -> Options:
        if name not in cache:
            if name in FIXED:
                cache[name] = FIXED[name]
            elif name == "persons":
                cache[name] = persons() if persons is not None and who.role != "partner" else []
            else:
                cache[name] = _of_alliance(name, a, commitments, who)
        return cache[name]

    return lookup


def _actor(a: Alliance, actor_id: Any) -> str:
    actor = a.actors.get(str(actor_id))
    return actor.name if actor else "?"


def _commitment(c: Commitment, a: Alliance) -> str:
    due = f", fällig {german_date(c.due_on)}" if c.due_on else ""
    return f"{c.description} ({_actor(a, c.partner_id)}, {c.status.label}{due})"


def _of_alliance(name: str, a: Alliance | None, commitments: list[Commitment], who: Principal) -> Options:
    if a is None:
        return []
    actors = sorted(a.actors.values(), key=lambda x: x.name.casefold())
    meetings = sorted(a.meetings.values(), key=lambda m: m.on)
    mine = [c for c in commitments if who.role != "partner" or c.partner_id == who.partner_id]
    lists: dict[str, Callable[[], Options]] = {
        "actors": lambda: [(str(x.id), f"{x.name} ({x.sector.label})") for x in actors],
        "actors_outside_team": lambda: [(str(x.id), f"{x.name} ({x.sector.label})") for x in actors
                                        if str(x.id) not in a.team],
        "actors_unsigned": lambda: [(str(x.id), x.name) for x in actors if str(x.id) not in a.signatures],
        "meetings": lambda: [(str(m.id), f"{m.title} ({german_date(m.on)})") for m in meetings],
        "meetings_open": lambda: [(str(m.id), f"{m.title} ({german_date(m.on)})") for m in meetings
                                  if m.held_on is None],
        "meetings_held": lambda: [(str(m.id), f"{m.title} ({german_date(m.held_on)})") for m in meetings
                                  if m.held_on is not None],
        "action_items_pledgeable": lambda: [
            (str(i.id), i.text + f" ({_actor(a, i.owner_id)}" + (f", fällig {german_date(i.due_on)})" if i.due_on
                                                                 else ")"))
            for i in a.action_items.values()
            if not i.done and i.owner_id is not None and i.commitment_id is None
            and (who.role != "partner" or i.owner_id == who.partner_id)],
        "team_members": lambda: [(str(x.id), f"{x.name} ({x.sector.label})") for x in actors if str(x.id) in a.team],
        "action_items_open": lambda: [(str(i.id), i.text + (f" (fällig {german_date(i.due_on)})" if i.due_on else ""))
                                      for i in a.action_items.values() if not i.done],
        "projects": lambda: [(str(p.id), f"{p.title} ({p.status.label})") for p in a.projects.values()],
        "working_groups": lambda: [(str(g.id), g.name) for g in a.working_groups.values()],
        "candidates_open": lambda: [(str(c.id), f"{c.name} ({c.sector.label})") for c in a.candidates.values()
                                    if c.invited_on is None],
        "commitments_open": lambda: [(str(c.id), _commitment(c, a)) for c in mine if c.status in OPEN],
        "commitments_pledged": lambda: [(str(c.id), _commitment(c, a)) for c in mine
                                        if c.status == CommitmentStatus.PLEDGED],
        "current_step": lambda: [(str(a.step), f"{a.step}. {STEP_TITLES[a.step]}")] if a.step < 5 else [],
        "steps_done": lambda: [(str(n), f"{n}. {STEP_TITLES[n]}") for n in range(1, a.step)],
        "when_active": lambda: [("1", "")] if not a.paused and not a.dissolved else [],
        "when_dormant": lambda: [("1", "")] if a.paused and not a.dissolved else [],
        "when_open": lambda: [("1", "")] if not a.dissolved else [],
    }
    return lists[name]()
