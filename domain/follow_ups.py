"""The follow-up policy as pure functions: which follow-ups are due now, and when the next one is.

Given the facts known of an alliance or a commitment and the time now, `plan_*` lists every
follow-up whose reason still holds, with its due time and a deterministic key. A key names the
reason and its anchor (the step entered at, the due date, the meeting), so a follow-up is sent once
per reason, and a changed anchor (an amended due date, a re-entered step) arms a new one.

When: a follow-up falls due on a day, at a working hour in Europe/Berlin, spread over the sending
window by a stable offset from its alliance's id (so the fleet does not mail in one second, and
nobody is reminded at night). Only `step_ready` goes out at once: it answers what the coordinator
has just recorded. `FollowUpPolicy.timing` 1 is the rule of workflows started before
that change (07:00 UTC, anchors keep their time of day); their replays must not change.

The Netzwerk-Check of step 5 (domain/network.py) is followed up where the guide implies it: a
steering group still missing, no press work for months, passive partners not invited to the next
all-partner meeting. They need `AllianceFacts.network` (absent from views recorded before) and
`FollowUpPolicy.network_rules` 1 (workflows started before run with 0: their replays must not change).
"""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from domain.dates import BERLIN, add_days, berlin
from domain.network import NetworkFacts
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
    "steering_group_missing": "Netzwerk-Check: Lenkungs- oder Steuerungsgruppe fehlt",
    "publicity_missing": "Netzwerk-Check: Presse- und Öffentlichkeitsarbeit fällig",
    "passive_partners_uninvited": "Netzwerk-Check: passive Partner zum Bündnistreffen einladen",
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
    send_hour_utc: int = 7  # timing 1 only
    # Timing 2: the sending window in Europe/Berlin, e.g. 08:00 plus up to 180 minutes.
    send_hour: int = 8
    send_window_minutes: int = 180
    # A reminder due longer ago than this when it could first be sent goes into a summary.
    catch_up_days: int = 14
    timing: int = 2
    # The Netzwerk-Check of step 5: steering group missing this long after entering step 5, no press
    # work for these months, passive partners not invited this many days before an all-partner meeting.
    steering_group_missing_days: int = 90
    publicity_silence_months: int = 6
    passive_invitation_days: int = 14
    network_rules: int = 1  # 0: none of the three (workflows started before they existed)

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"Erinnerungsregel {name} muss eine ganze Zahl ≥ 0 sein, nicht {value!r}")
            if value > 36_500:
                raise ValueError(f"Erinnerungsregel {name} ist mit {value} unplausibel groß (höchstens 36500)")
        if not 0 <= self.send_hour_utc <= 23:
            raise ValueError("send_hour_utc muss zwischen 0 und 23 liegen")
        # Working hours only: the whole window between 06:00 and 20:00 Berlin time.
        if not 6 <= self.send_hour <= 19 or self.send_hour * 60 + self.send_window_minutes > 20 * 60:
            raise ValueError("Erinnerungen gehen werktags-üblich zwischen 6 und 20 Uhr hinaus: "
                             "send_hour 6–19 und send_hour + send_window_minutes bis 20 Uhr")
        if self.network_rules not in (0, 1):
            raise ValueError("network_rules ist 1 (Netzwerk-Check-Erinnerungen an) oder 0 (aus)")
        if self.timing not in (1, 2):
            raise ValueError("timing ist 1 (vor Dezember 2026 gestartete Abläufe) oder 2")
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
    network: NetworkFacts | None = None  # in step 5 only; None in views recorded before it existed


@dataclass(frozen=True)
class CommitmentFacts:
    commitment_id: str
    alliance_id: str
    partner_id: str
    status: str
    due_on: date | None
    period: int = 1
    sent: frozenset[str] = field(default_factory=frozenset)
    # The commitment's alliance: a dormant or dissolved one sends no reminders about it.
    alliance_status: str = "active"


def add_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _months_later(d: date, months: int) -> date | None:
    try:
        return add_months(d, months)
    except ValueError:  # beyond year 9999: a value stored before dates were bounded
        return None


def send_offset(alliance_id: str, policy: FollowUpPolicy) -> timedelta:
    """The alliance's stable place in the sending window (the same every day, for every rule)."""
    if policy.send_window_minutes == 0:
        return timedelta(0)
    digest = int(hashlib.sha256(alliance_id.encode()).hexdigest()[:8], 16)
    return timedelta(minutes=digest % policy.send_window_minutes)


def send_moment(d: date, alliance_id: str, policy: FollowUpPolicy) -> datetime:
    """When a follow-up due on day `d` goes out (in UTC)."""
    if policy.timing == 1:
        return datetime.combine(d, time(policy.send_hour_utc), tzinfo=UTC)
    local = datetime.combine(d, time(policy.send_hour), tzinfo=BERLIN) + send_offset(alliance_id, policy)
    # Wall-clock arithmetic in the zone (both switches are at night, outside the window).
    return local.astimezone(UTC)


def _on_day_after(anchor: datetime, days: int, alliance_id: str, policy: FollowUpPolicy) -> datetime | None:
    """`days` after a moment: timing 2 counts Berlin calendar days and sends in the window."""
    if policy.timing == 1:
        try:
            return anchor + timedelta(days=days)
        except OverflowError:
            return None
    day = add_days(berlin(anchor).date(), days)
    return None if day is None else send_moment(day, alliance_id, policy)


def plan_alliance(facts: AllianceFacts, now: datetime, policy: FollowUpPolicy) -> list[FollowUp]:
    """Every follow-up of the alliance whose reason holds and that was not sent yet, by due time."""
    if facts.status != "active":
        return []
    a, p = facts.alliance_id, policy
    plans: list[FollowUp] = []

    def plan(rule: str, key: str, due_at: datetime | None, recipients: tuple[str, ...], subject: str) -> None:
        if due_at is not None:  # None: the anchor lies beyond the calendar (an unbounded old value)
            plans.append(FollowUp(rule, key, due_at, recipients, subject))

    def on(d: date | None) -> datetime | None:
        return None if d is None else send_moment(d, a, p)

    for c in facts.open_contacts:
        plan("contact_follow_up", f"contact_follow_up:{c.contact_id}:{c.follow_up_on}",
             on(c.follow_up_on), (COORDINATOR,), c.contact_id)
    if 1 <= facts.step <= 4:
        anchor = facts.step_entered_at
        days = p.stalled_days_step4 if facts.step == 4 else p.stalled_days
        tag = f"{a}:step{facts.step}:{anchor.isoformat()}"
        plan("step_stalled", f"step_stalled:{tag}", _on_day_after(anchor, days, a, p), (COORDINATOR,), a)
        plan("step_stalled_escalation", f"step_stalled_escalation:{tag}",
             _on_day_after(anchor, days + p.stalled_escalation_days, a, p), (SERVICEBUERO,), a)
        if facts.step_ready:
            # Not a reminder but the answer to what the coordinator just recorded: at once.
            plan("step_ready", f"step_ready:{tag}", now, (COORDINATOR,), a)
    if facts.step == 5:
        entered = facts.step_entered_at if p.timing == 1 else berlin(facts.step_entered_at)
        last = facts.last_all_partner_meeting_on or entered.date()
        plan("meeting_cadence", f"meeting_cadence:{a}:{last}",
             on(_months_later(last, p.cadence_reminder_months)), (COORDINATOR,), a)
        plan("meeting_cadence_escalation", f"meeting_cadence_escalation:{a}:{last}",
             on(_months_later(last, p.cadence_escalation_months)), (SERVICEBUERO,), a)
    for group_id, formed_at in facts.groups_without_speaker:
        plan("speaker_missing", f"speaker_missing:{group_id}",
             _on_day_after(formed_at, p.speaker_missing_days, a, p), (COORDINATOR,), group_id)
    for m in facts.meetings_without_minutes:
        to = organiser(m.organiser_id) if m.organiser_id else COORDINATOR
        plan("minutes_missing", f"minutes_missing:{m.meeting_id}",
             on(add_days(m.held_on, p.minutes_missing_days)), (to,), m.meeting_id)
    plans.extend(_self_assessment(facts, now, p))
    plans.extend(_network(facts, now, p))
    return sorted((f for f in plans if f.key not in facts.sent), key=lambda f: (f.due_at, f.key))


def _self_assessment(facts: AllianceFacts, now: datetime, p: FollowUpPolicy) -> list[FollowUp]:
    """Yearly from the founding: the latest anniversary that has passed and the next one."""
    if facts.founded_on is None:
        return []
    founded = facts.founded_on
    years_passed = max(0, now.year - founded.year - ((now.month, now.day) < (founded.month, founded.day)))
    plans = []
    for year in sorted({max(1, years_passed), years_passed + 1}):
        anniversary = _months_later(founded, 12 * year)
        if anniversary is None:
            continue
        # An assessment from the month before the anniversary on counts for that year.
        window_opens = add_days(anniversary, -31) or anniversary
        if any(d >= window_opens for d in facts.self_assessment_dates):
            continue
        plans.append(FollowUp("self_assessment", f"self_assessment:{facts.alliance_id}:{year}",
                              send_moment(anniversary, facts.alliance_id, p), (COORDINATOR,), facts.alliance_id))
    return plans


def _network(facts: AllianceFacts, now: datetime, p: FollowUpPolicy) -> list[FollowUp]:
    """The Netzwerk-Check's follow-ups in step 5 (see the module docstring)."""
    n, a = facts.network, facts.alliance_id
    if n is None or facts.step != 5 or not p.network_rules:
        return []
    plans: list[FollowUp] = []
    entered = facts.step_entered_at
    if n.steering_group == 0:
        due = _on_day_after(entered, p.steering_group_missing_days, a, p)
        if due is not None:
            plans.append(FollowUp("steering_group_missing", f"steering_group_missing:{a}:{entered.isoformat()}",
                                  due, (COORDINATOR,), a))
    last = n.last_publicity_on or (entered if p.timing == 1 else berlin(entered)).date()
    press_on = _months_later(last, p.publicity_silence_months)
    if press_on is not None:
        plans.append(FollowUp("publicity_missing", f"publicity_missing:{a}:{last}", send_moment(press_on, a, p),
                              (COORDINATOR,), a))
    if n.passive_uninvited:
        today = now.date() if p.timing == 1 else berlin(now).date()
        for meeting_id, on in n.meetings_planned:
            invite_on = add_days(on, -p.passive_invitation_days)
            if on >= today and invite_on is not None:
                plans.append(FollowUp("passive_partners_uninvited", f"passive_partners_uninvited:{meeting_id}",
                                      send_moment(invite_on, a, p), (COORDINATOR,), meeting_id))
    return plans


def plan_commitment(facts: CommitmentFacts, now: datetime, policy: FollowUpPolicy) -> list[FollowUp]:
    """Reminders of one commitment: before its due date, at it, and the escalation after it."""
    open_statuses = {CommitmentStatus.PLEDGED.value, CommitmentStatus.CONFIRMED.value,
                     CommitmentStatus.OVERDUE.value}
    if facts.status not in open_statuses or facts.due_on is None or facts.alliance_status != "active":
        return []
    p, c, due, a = policy, facts.commitment_id, facts.due_on, facts.alliance_id
    tag = f"{c}:{facts.period}:{due}"
    due_at = send_moment(due, a, p)
    plans = [FollowUp("commitment_overdue", f"commitment_overdue:{tag}", due_at, (COORDINATOR,), c)]
    escalate_on = add_days(due, p.overdue_escalation_days)
    if escalate_on is not None:  # None only for a due date stored before dates were bounded
        plans.append(FollowUp("commitment_overdue_escalation", f"commitment_overdue_escalation:{tag}",
                              send_moment(escalate_on, a, p), (SERVICEBUERO,), c))
    soon_on = add_days(due, -p.due_soon_days)
    if facts.status != CommitmentStatus.OVERDUE.value and now < due_at and soon_on is not None:
        plans.insert(0, FollowUp("commitment_due_soon", f"commitment_due_soon:{tag}",
                                 send_moment(soon_on, a, p), (partner(facts.partner_id), COORDINATOR), c))
    return [f for f in plans if f.key not in facts.sent]


def due_now(plans: list[FollowUp], now: datetime) -> list[FollowUp]:
    return [f for f in plans if f.due_at <= now]


def is_stale(follow_up: FollowUp, now: datetime, policy: FollowUpPolicy) -> bool:
    """Due longer ago than the catch-up window: summarised, not mailed on its own."""
    return policy.timing >= 2 and now - follow_up.due_at > timedelta(days=policy.catch_up_days)


def next_due_at(plans: list[FollowUp], now: datetime) -> datetime | None:
    """When the next not-yet-due follow-up falls due, or None when nothing is planned."""
    upcoming = [f.due_at for f in plans if f.due_at > now]
    return min(upcoming) if upcoming else None
