"""What the follow-up rules know of an aggregate, read off its current state."""

from __future__ import annotations

from domain.alliance import Alliance
from domain.commitment import Commitment
from domain.follow_ups import AllianceFacts, CommitmentFacts, HeldMeeting, OpenContact
from domain.network import network_facts
from domain.steps import StepPolicy
from domain.values import MeetingKind, Outcome

# An "interested" contact in the sense of the follow-up rule: anyone not saying no.
_FOLLOW_UP_OUTCOMES = (Outcome.INTERESTED, Outcome.ACTIVE_ROLE, Outcome.UNDECIDED)


def alliance_facts(alliance: Alliance, policy: StepPolicy) -> AllianceFacts:
    latest: dict[str, tuple[str, object]] = {}
    for c in sorted(alliance.contacts.values(), key=lambda c: c.on):
        latest[str(c.actor_id)] = (str(c.id), c)
    open_contacts = tuple(
        OpenContact(str(c.id), str(c.actor_id), c.follow_up_on)
        for c in alliance.contacts.values()
        if c.follow_up_on is not None and c.outcome in _FOLLOW_UP_OUTCOMES
        and latest[str(c.actor_id)][0] == str(c.id)
    )
    all_partner = [m.held_on for m in alliance.meetings.values()
                   if m.kind is MeetingKind.ALL_PARTNERS and m.held_on is not None]
    return AllianceFacts(
        alliance_id=str(alliance.id),
        step=alliance.step,
        status=alliance.status.value,
        step_entered_at=alliance.step_entered_at,
        step_ready=alliance.step <= 4 and not alliance.unmet_criteria(policy),
        open_contacts=open_contacts,
        last_all_partner_meeting_on=max(all_partner) if all_partner else None,
        groups_without_speaker=tuple(
            (str(g.id), g.formed_at) for g in alliance.working_groups.values() if g.speaker_id is None
        ),
        meetings_without_minutes=tuple(
            HeldMeeting(str(m.id), m.held_on, str(m.organiser_id) if m.organiser_id else None)
            for m in alliance.meetings.values() if m.held_on is not None and not m.minutes
        ),
        founded_on=alliance.founding.on if alliance.founding else None,
        self_assessment_dates=tuple(s.on for s in alliance.self_assessments),
        sent=frozenset(alliance.follow_ups),
        network=network_facts(alliance) if alliance.step == 5 else None,
    )


def commitment_facts(commitment: Commitment, alliance_status: str = "active") -> CommitmentFacts:
    return CommitmentFacts(
        commitment_id=str(commitment.id),
        alliance_id=str(commitment.alliance_id),
        partner_id=str(commitment.partner_id),
        status=commitment.status.value,
        due_on=commitment.due_on,
        period=commitment.period,
        sent=frozenset(commitment.follow_ups),
        alliance_status=alliance_status,
    )
