"""The Servicebüro's weekly digest: stalled alliances, overdue commitments, cadence breaches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.alliance import Alliance
from domain.commitment import Commitment
from domain.facts import alliance_facts
from domain.follow_ups import FollowUpPolicy
from domain.steps import StepPolicy
from workflows.notifications import german_date
from workflows.view import stalled_since


@dataclass
class Digest:
    today: str
    alliances: int = 0
    stalled: list[dict[str, object]] = field(default_factory=list)
    overdue: list[dict[str, object]] = field(default_factory=list)
    cadence: list[dict[str, object]] = field(default_factory=list)


def build_digest(
    alliances: list[Alliance],
    commitments: list[Commitment],
    step_policy: StepPolicy,
    policy: FollowUpPolicy,
    now: datetime,
) -> Digest:
    digest = Digest(today=german_date(now))
    names = {a.id: a.name for a in alliances}
    for a in sorted(alliances, key=lambda a: a.name):
        if a.status.value != "active":
            continue
        digest.alliances += 1
        facts = alliance_facts(a, step_policy)
        since = stalled_since(facts, policy, now)
        if since is None:
            continue
        row = {
            "name": a.name,
            "municipality": a.municipality,
            "state": a.state.value,
            "step": a.step,
        }
        if a.step <= 4:
            digest.stalled.append({**row, "since": german_date(a.step_entered_at)})
        else:
            digest.cadence.append({**row, "last": german_date(facts.last_all_partner_meeting_on)})
    for c in commitments:
        if c.status.value == "overdue":
            digest.overdue.append(
                {
                    "alliance": names.get(c.alliance_id, str(c.alliance_id)),
                    "description": c.description,
                    "due_on": german_date(c.due_on),
                }
            )
    return digest
