"""The choices the forms offer, from the alliance as it stands now (and, for a partner, its own
commitments only)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
            persons: Callable[[], Options] | None = None, newest: int | None = None) -> Callable[[str], Options]:
    """A lookup of option lists by name; built lazily, each at most once. `persons` names the contact
    persons not erased (their names are sealed: the caller unseals them, and only when asked).
    `newest` keeps the last so many of a list drawn from the alliance (meetings by date, action
    items as recorded): chosen before they are worded, so a long list costs no more than a short."""
    cache: dict[str, Options] = {}
    sources: list[dict[str, Source]] = []  # sorted once, when the first list is asked for

    def lookup(name: str) -> Options:
        if name not in cache:
            if name in FIXED:
                cache[name] = FIXED[name]
            elif name == "persons":
                cache[name] = persons() if persons is not None and who.role != "partner" else []
            elif a is None:
                cache[name] = []
            else:
                if not sources:
                    sources.append(_sources(a, commitments, who))
                cache[name] = _chosen(sources[0][name], newest)
        return cache[name]

    return lookup


def _actor(a: Alliance, actor_id: Any) -> str:
    actor = a.actors.get(str(actor_id))
    return actor.name if actor else "?"


def _commitment(c: Commitment, a: Alliance) -> str:
    due = f", fällig {german_date(c.due_on)}" if c.due_on else ""
    return f"{c.description} ({_actor(a, c.partner_id)}, {c.status.label}{due})"


def _chosen(source: Source, newest: int | None) -> Options:
    items, word = source()
    chosen = list(items)
    if newest is not None:
        chosen = chosen[-newest:]
    return [word(x) for x in chosen]


Source = Callable[[], tuple[Iterable[Any], Callable[[Any], tuple[str, str]]]]


def _sources(a: Alliance, commitments: list[Commitment], who: Principal) -> dict[str, Source]:
    """Each list: what it offers (in order) and how one of them is worded."""
    actors = sorted(a.actors.values(), key=lambda x: x.name.casefold())
    meetings = sorted(a.meetings.values(), key=lambda m: m.on)
    mine = [c for c in commitments if who.role != "partner" or c.partner_id == who.partner_id]

    def actor(x: Any) -> tuple[str, str]:
        return str(x.id), f"{x.name} ({x.sector.label})"

    def meeting(m: Any) -> tuple[str, str]:
        return str(m.id), f"{m.title} ({german_date(m.on)})"

    def commitment(c: Commitment) -> tuple[str, str]:
        return str(c.id), _commitment(c, a)

    def pledgeable(i: Any) -> tuple[str, str]:
        return str(i.id), i.text + f" ({_actor(a, i.owner_id)}" + (f", fällig {german_date(i.due_on)})" if i.due_on
                                                                   else ")")

    def same(x: tuple[str, str]) -> tuple[str, str]:
        return x

    return {
        "actors": lambda: (actors, actor),
        "actors_outside_team": lambda: ([x for x in actors if str(x.id) not in a.team], actor),
        "actors_unsigned": lambda: ([x for x in actors if str(x.id) not in a.signatures],
                                    lambda x: (str(x.id), x.name)),
        "meetings": lambda: (meetings, meeting),
        "meetings_open": lambda: ([m for m in meetings if m.held_on is None], meeting),
        "meetings_held": lambda: ([m for m in meetings if m.held_on is not None],
                                  lambda m: (str(m.id), f"{m.title} ({german_date(m.held_on)})")),
        "action_items_pledgeable": lambda: (
            [i for i in a.action_items.values()
             if not i.done and i.owner_id is not None and i.commitment_id is None
             and (who.role != "partner" or i.owner_id == who.partner_id)], pledgeable),
        "team_members": lambda: ([x for x in actors if str(x.id) in a.team], actor),
        "action_items_open": lambda: ([i for i in a.action_items.values() if not i.done],
                                      lambda i: (str(i.id), i.text + (f" (fällig {german_date(i.due_on)})"
                                                                     if i.due_on else ""))),
        "projects": lambda: (a.projects.values(), lambda p: (str(p.id), f"{p.title} ({p.status.label})")),
        "working_groups": lambda: (a.working_groups.values(), lambda g: (str(g.id), g.name)),
        "candidates_open": lambda: ([c for c in a.candidates.values() if c.invited_on is None],
                                    lambda c: (str(c.id), f"{c.name} ({c.sector.label})")),
        "commitments_open": lambda: ([c for c in mine if c.status in OPEN], commitment),
        "commitments_pledged": lambda: ([c for c in mine if c.status == CommitmentStatus.PLEDGED], commitment),
        "current_step": lambda: ([(str(a.step), f"{a.step}. {STEP_TITLES[a.step]}")] if a.step < 5 else [], same),
        "steps_done": lambda: ([(str(n), f"{n}. {STEP_TITLES[n]}") for n in range(1, a.step)], same),
        "when_active": lambda: ([("1", "")] if not a.paused and not a.dissolved else [], same),
        "when_dormant": lambda: ([("1", "")] if a.paused and not a.dissolved else [], same),
        "when_open": lambda: ([("1", "")] if not a.dissolved else [], same),
    }
