"""The follow-up policy as pure functions: which follow-ups are due now, and when the next one is.

Given the facts known of an alliance or a commitment and the time now, `plan_*` lists every
follow-up whose reason still holds, with its due time and a deterministic key. A key names the
reason and its anchor (the step entered at, the due date, the meeting), so a follow-up is sent once
per reason, and a changed anchor (an amended due date, a re-entered step) arms a new one.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from domain.values import CommitmentStatus

COORDINATOR = "koordination"
SERVICEBUERO = "servicebuero"


def partner(actor_id: str) -> str:
    return f"partner:{actor_id}"


def organiser(actor_id: str) -> str:
    return f"organiser:{actor_id}"


RULE_LABELS: dict[str, str] = {
    "contact_follow_up": "Nachfassen nach Einzelgespräch",
    "step_stalled": "Schritt stockt",
    "step_stalled_escalation": "Schritt stockt – Eskalation an das Servicebüro",
    "step_ready": "Schritt kann abgeschlossen werden",
    "commitment_due_soon": "Zusage bald fällig",
    "commitment_overdue": "Zusage überfällig",
    "commitment_overdue_escalation": "Zusage überfällig – Eskalation an das Servicebüro",
    "meeting_cadence": "Bündnistreffen fällig",
    "meeting_cadence_escalation": "Bündnistreffen überfällig – Eskalation an das Servicebüro",
    "speaker_missing": "Arbeitsgruppe ohne Sprecher/in",
    "minutes_missing": "Protokoll fehlt",
    "self_assessment": "Jährliche Selbsteinschätzung (sechs Dimensionen)",
}


@dataclass(frozen=True)
class FollowUpPolicy:
    """Default timings of DOMAIN.md; every figure is configurable per deployment."""

    stalled_days: int = 90
    stalled_days_step4: int = 180
    stalled_escalation_days: int = 30
    due_soon_days: int = 14
    overdue_escalation_days: int = 30
    cadence_reminder_months: int = 5
    cadence_escalation_months: int = 6
    speaker_missing_days: int = 30
    minutes_missing_days: int = 7
    send_hour_utc: int = 7

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"Erinnerungsregel {name} muss eine ganze Zahl ≥ 0 sein, nicht {value!r}")
        if not 0 <= self.send_hour_utc <= 23:
            raise ValueError("send_hour_utc muss zwischen 0 und 23 liegen")
        if self.cadence_escalation_months < self.cadence_reminder_months:
            raise ValueError("Die Eskalation der Bündnistreffen kann nicht vor der Erinnerung liegen")


@dataclass(frozen=True)
class FollowUp:
    rule: str
    key: str
    due_at: datetime
    recipients: tuple[str, ...]
    subject_id: str | None = None

    @property
    def label(self) -> str:
        return RULE_LABELS.get(self.rule, self.rule)

    @property
    def is_escalation(self) -> bool:
        return self.rule.endswith("_escalation")


@dataclass(frozen=True)
class OpenContact:
    contact_id: str
    actor_id: str
    follow_up_on: date


@dataclass(frozen=True)
class HeldMeeting:
    meeting_id: str
    held_on: date
    organiser_id: str | None


@dataclass(frozen=True)
class AllianceFacts:
    """What the follow-up rules need to know of one alliance; kept compact for workflows."""

    alliance_id: str
    step: int
    status: str
    step_entered_at: datetime
    step_ready: bool = False
    open_contacts: tuple[OpenContact, ...] = ()
    last_all_partner_meeting_on: date | None = None
    groups_without_speaker: tuple[tuple[str, datetime], ...] = ()
    meetings_without_minutes: tuple[HeldMeeting, ...] = ()
    founded_on: date | None = None
    self_assessment_dates: tuple[date, ...] = ()
    sent: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class CommitmentFacts:
    commitment_id: str
    alliance_id: str
    partner_id: str
    status: str
    due_on: date | None
    period: int = 1
    sent: frozenset[str] = field(default_factory=frozenset)


def add_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _at(d: date, policy: FollowUpPolicy) -> datetime:
    return datetime.combine(d, time(policy.send_hour_utc), tzinfo=UTC)


def plan_alliance(facts: AllianceFacts, now: datetime, policy: FollowUpPolicy) -> list[FollowUp]:
    """Every follow-up of the alliance whose reason holds and that was not sent yet, by due time."""
    if facts.status != "active":
        return []
    a, p = facts.alliance_id, policy
    plans: list[FollowUp] = []
    for c in facts.open_contacts:
        plans.append(FollowUp("contact_follow_up", f"contact_follow_up:{c.contact_id}:{c.follow_up_on}",
                              _at(c.follow_up_on, p), (COORDINATOR,), c.contact_id))
    if 1 <= facts.step <= 4:
        anchor = facts.step_entered_at
        days = p.stalled_days_step4 if facts.step == 4 else p.stalled_days
        stalled_at = anchor + timedelta(days=days)
        tag = f"{a}:step{facts.step}:{anchor.isoformat()}"
        plans.append(FollowUp("step_stalled", f"step_stalled:{tag}", stalled_at, (COORDINATOR,), a))
        plans.append(FollowUp("step_stalled_escalation", f"step_stalled_escalation:{tag}",
                              stalled_at + timedelta(days=p.stalled_escalation_days), (SERVICEBUERO,), a))
        if facts.step_ready:
            plans.append(FollowUp("step_ready", f"step_ready:{tag}", now, (COORDINATOR,), a))
    if facts.step == 5:
        last = facts.last_all_partner_meeting_on or facts.step_entered_at.date()
        plans.append(FollowUp("meeting_cadence", f"meeting_cadence:{a}:{last}",
                              _at(add_months(last, p.cadence_reminder_months), p), (COORDINATOR,), a))
        plans.append(FollowUp("meeting_cadence_escalation", f"meeting_cadence_escalation:{a}:{last}",
                              _at(add_months(last, p.cadence_escalation_months), p), (SERVICEBUERO,), a))
    for group_id, formed_at in facts.groups_without_speaker:
        plans.append(FollowUp("speaker_missing", f"speaker_missing:{group_id}",
                              formed_at + timedelta(days=p.speaker_missing_days), (COORDINATOR,), group_id))
    for m in facts.meetings_without_minutes:
        to = organiser(m.organiser_id) if m.organiser_id else COORDINATOR
        plans.append(FollowUp("minutes_missing", f"minutes_missing:{m.meeting_id}",
                              _at(m.held_on + timedelta(days=p.minutes_missing_days), p), (to,), m.meeting_id))
    plans.extend(_self_assessment(facts, now, p))
    return sorted((f for f in plans if f.key not in facts.sent), key=lambda f: (f.due_at, f.key))


def _self_assessment(facts: AllianceFacts, now: datetime, p: FollowUpPolicy) -> list[FollowUp]:
    """Yearly from the founding: the latest anniversary that has passed and the next one."""
    if facts.founded_on is None:
        return []
    founded = facts.founded_on
    years_passed = max(0, now.year - founded.year - ((now.month, now.day) < (founded.month, founded.day)))
    plans = []
    for year in {max(1, years_passed), years_passed + 1}:
        anniversary = add_months(founded, 12 * year)
        # An assessment from the month before the anniversary on counts for that year.
        if any(d >= anniversary - timedelta(days=31) for d in facts.self_assessment_dates):
            continue
        plans.append(FollowUp("self_assessment", f"self_assessment:{facts.alliance_id}:{year}",
                              _at(anniversary, p), (COORDINATOR,), facts.alliance_id))
    return plans


def plan_commitment(facts: CommitmentFacts, now: datetime, policy: FollowUpPolicy) -> list[FollowUp]:
    """Reminders of one commitment: before its due date, at it, and the escalation after it."""
    open_statuses = {CommitmentStatus.PLEDGED.value, CommitmentStatus.CONFIRMED.value,
                     CommitmentStatus.OVERDUE.value}
    if facts.status not in open_statuses or facts.due_on is None:
        return []
    p, c, due = policy, facts.commitment_id, facts.due_on
    tag = f"{c}:{facts.period}:{due}"
    plans = [
        FollowUp("commitment_overdue", f"commitment_overdue:{tag}", _at(due, p), (COORDINATOR,), c),
        FollowUp("commitment_overdue_escalation", f"commitment_overdue_escalation:{tag}",
                 _at(due + timedelta(days=p.overdue_escalation_days), p), (SERVICEBUERO,), c),
    ]
    if facts.status != CommitmentStatus.OVERDUE.value and now < _at(due, p):
        plans.insert(0, FollowUp("commitment_due_soon", f"commitment_due_soon:{tag}",
                                 _at(due - timedelta(days=p.due_soon_days), p),
                                 (partner(facts.partner_id), COORDINATOR), c))
    return [f for f in plans if f.key not in facts.sent]


def due_now(plans: list[FollowUp], now: datetime) -> list[FollowUp]:
    return [f for f in plans if f.due_at <= now]


def next_due_at(plans: list[FollowUp], now: datetime) -> datetime | None:
    """When the next not-yet-due follow-up falls due, or None when nothing is planned."""
    upcoming = [f.due_at for f in plans if f.due_at > now]
    return min(upcoming) if upcoming else None
