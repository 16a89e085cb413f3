"""Step 5 as a living Netzwerk-Check: the guide's health rules as criteria that never block.

Step 5 ("Das Netzwerk nachhaltig steuern") has no exit. Its tips say what keeps a network alive:
working or project groups, each with a speaker; short-term projects first (quick wins); a
steering group; all partners meeting at least twice a year, the rather passive ones invited too;
regular press work; local anchoring through cooperations and seats in local bodies. Each becomes a
criterion that is shown and counted, never a refusal.

The facts are read off the alliance once (`network_facts`: compact, time-free, stored by the read
models and carried by the workflows) and judged on a day (`network_check`): the meetings and the
press work look back from that day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.dates import add_days
from domain.steps import Criterion, StepPolicy
from domain.values import MeetingKind, Outcome

if TYPE_CHECKING:
    from domain.alliance import Alliance

# A short name of each rule, without counts: for the dashboard's tally.
NETWORK_TITLES: dict[str, str] = {
    "working_groups": "Arbeits- oder Projektgruppen",
    "speakers": "Sprecher/in je Arbeitsgruppe",
    "quick_wins": "erste Erfolge (Startprojekte umgesetzt)",
    "steering_group": "Lenkungs- oder Steuerungsgruppe",
    "partner_meetings": "Bündnistreffen mindestens zweimal im Jahr",
    "passive_partners": "auch passive Partner eingeladen",
    "publicity": "regelmäßige Presse- und Öffentlichkeitsarbeit",
    "anchoring": "lokale Verankerung",
}
_SAID_YES = (Outcome.INTERESTED, Outcome.ACTIVE_ROLE)


@dataclass(frozen=True)
class NetworkFacts:
    """What the Netzwerk-Check reads of an alliance. Meetings are all-partner meetings (Bündnistreffen);
    `passive_uninvited` are partners who work in no group and were never invited to one."""

    working_groups: int = 0
    groups_without_speaker: int = 0
    quick_wins: int = 0
    steering_group: int = 0
    meetings_held: tuple[date, ...] = ()
    meetings_planned: tuple[tuple[str, date], ...] = ()
    passive_uninvited: tuple[str, ...] = ()
    last_publicity_on: date | None = None
    anchorings: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON values, for a read model's column."""
        return {
            "working_groups": self.working_groups,
            "groups_without_speaker": self.groups_without_speaker,
            "quick_wins": self.quick_wins,
            "steering_group": self.steering_group,
            "meetings_held": [d.isoformat() for d in self.meetings_held],
            "meetings_planned": [[m, d.isoformat()] for m, d in self.meetings_planned],
            "passive_uninvited": list(self.passive_uninvited),
            "last_publicity_on": self.last_publicity_on.isoformat() if self.last_publicity_on else None,
            "anchorings": self.anchorings,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NetworkFacts:
        last = data.get("last_publicity_on")
        return cls(
            working_groups=int(data.get("working_groups", 0)),
            groups_without_speaker=int(data.get("groups_without_speaker", 0)),
            quick_wins=int(data.get("quick_wins", 0)),
            steering_group=int(data.get("steering_group", 0)),
            meetings_held=tuple(date.fromisoformat(d) for d in data.get("meetings_held", ())),
            meetings_planned=tuple((str(m), date.fromisoformat(d)) for m, d in data.get("meetings_planned", ())),
            passive_uninvited=tuple(str(a) for a in data.get("passive_uninvited", ())),
            last_publicity_on=date.fromisoformat(last) if last else None,
            anchorings=int(data.get("anchorings", 0)),
        )


def passive_partners(alliance: Alliance) -> list[str]:
    """Partners (signed the declaration, or said yes in their latest conversation) who neither are in
    the team nor in the steering group nor work in a working group; none who declined."""
    groups = alliance.working_groups.values()
    active = {*alliance.team, *alliance.steering_group, *(str(g.speaker_id) for g in groups if g.speaker_id),
              *(str(m) for g in groups for m in g.member_ids)}
    latest = alliance.latest_outcomes()
    partners = {k for k in alliance.actors if k in alliance.signatures or latest.get(k) in _SAID_YES}
    return sorted(k for k in partners - active if alliance.declined(UUID(k)) is None)


def network_facts(alliance: Alliance) -> NetworkFacts:
    meetings = [m for m in alliance.meetings.values() if m.kind is MeetingKind.ALL_PARTNERS]
    reached = {str(a) for m in meetings for a in (*m.invitee_ids, *m.attendee_ids)}
    publicity = [p.on for p in alliance.publicity.values()]
    groups = alliance.working_groups.values()
    return NetworkFacts(
        working_groups=len(groups),
        groups_without_speaker=sum(g.speaker_id is None for g in groups),
        quick_wins=sum(p.status.value in ("running", "done") for p in alliance.projects.values()),
        steering_group=len(alliance.steering_group),
        meetings_held=tuple(sorted(m.held_on for m in meetings if m.held_on is not None)),
        meetings_planned=tuple(sorted(((str(m.id), m.on) for m in meetings if not m.held), key=lambda x: (x[1], x[0]))),
        passive_uninvited=tuple(k for k in passive_partners(alliance) if k not in reached),
        last_publicity_on=max(publicity) if publicity else None,
        anchorings=len(alliance.anchorings),
    )


def _months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day where it is shorter)."""
    month0 = day.month - 1 - months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    if year < 1:
        return date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def network_check(facts: NetworkFacts, today: date, policy: StepPolicy) -> list[Criterion]:
    """The Netzwerk-Check on `today`, in the guide's order; each criterion with its code."""
    p = policy
    year_ago = add_days(today, -365) or today
    meetings = sum(year_ago < d <= today for d in facts.meetings_held)
    press_since = _months_before(today, p.publicity_within_months)
    last = facts.last_publicity_on
    return [
        Criterion(f"inhaltliche Arbeit in Arbeits- oder Projektgruppen organisiert ({facts.working_groups} bisher)",
                  facts.working_groups >= 1, "working_groups"),
        Criterion("jede Arbeitsgruppe hat eine Sprecherin oder einen Sprecher"
                  + (f" ({facts.groups_without_speaker} ohne)" if facts.groups_without_speaker else ""),
                  facts.groups_without_speaker == 0, "speakers"),
        Criterion(f"erste Erfolge: mindestens ein Projekt des Aktionsplans läuft oder ist abgeschlossen "
                  f"({facts.quick_wins} bisher)", facts.quick_wins >= 1, "quick_wins"),
        Criterion("Lenkungs- oder Steuerungsgruppe eingerichtet", facts.steering_group >= 1, "steering_group"),
        Criterion(f"mindestens {p.min_partner_meetings} Bündnistreffen in den letzten 12 Monaten "
                  f"({meetings} bisher)", meetings >= p.min_partner_meetings, "partner_meetings"),
        Criterion("auch eher passive Partner zu einem Bündnistreffen eingeladen"
                  + (f" ({len(facts.passive_uninvited)} noch nie)" if facts.passive_uninvited else ""),
                  not facts.passive_uninvited, "passive_partners"),
        Criterion(f"Presse- und Öffentlichkeitsarbeit in den letzten {p.publicity_within_months} Monaten "
                  + (f"(zuletzt am {last:%d.%m.%Y})" if last else "(noch keine erfasst)"),
                  last is not None and press_since <= last <= today, "publicity"),
        Criterion(f"lokal verankert: Kooperationen oder Sitze in örtlichen Gremien ({facts.anchorings} bisher)",
                  facts.anchorings >= 1, "anchoring"),
    ]
