"""A follow-up in German words: to whom (roles and organisations, never codes or ids) and about
what (the commitment, meeting, working group or conversation it concerns), and where in the
alliance's page it can be dealt with."""

from __future__ import annotations

from collections.abc import Iterable

from domain.alliance import Alliance
from domain.commitment import Commitment
from domain.follow_ups import COORDINATOR, SERVICEBUERO

# The section of the alliance page where the reminded thing is done, by rule.
SECTIONS = {
    "contact_follow_up": "akteure",
    "step_stalled": "schritte",
    "step_stalled_escalation": "schritte",
    "step_ready": "schritte",
    "meeting_cadence": "treffen",
    "meeting_cadence_escalation": "treffen",
    "minutes_missing": "treffen",
    "speaker_missing": "ags",
    "self_assessment": "dimensionen",
    "steering_group_missing": "ags",
    "publicity_missing": "schritte",
    "passive_partners_uninvited": "treffen",
}


def recipient(role: str, alliance: Alliance) -> str:
    """`koordination` → Koordination, `partner:<id>` → Sparkasse Kassel (Partner)."""
    kind, _, actor_id = role.partition(":")
    if kind == COORDINATOR:
        return "Koordination"
    if kind == SERVICEBUERO:
        return "Servicebüro"
    actor = alliance.actors.get(actor_id)
    who = actor.name if actor else "eine Organisation"
    return f"{who} (Partner)" if kind == "partner" else f"{who} (Organisation des Treffens)"


def recipients(roles: Iterable[str], alliance: Alliance) -> str:
    return ", ".join(recipient(r, alliance) for r in roles)


def subject(subject_id: str | None, alliance: Alliance, commitments: Iterable[Commitment] = ()) -> str | None:
    """What a follow-up is about, in words; None when it concerns the alliance as a whole."""
    if subject_id is None:
        return None
    for c in commitments:
        if str(c.id) == subject_id:
            partner = alliance.actors.get(str(c.partner_id))
            return f"Zusage „{c.description}“" + (f" von {partner.name}" if partner else "")
    if subject_id in alliance.meetings:
        m = alliance.meetings[subject_id]
        return f"{m.kind.label} „{m.title}“ am {m.on:%d.%m.%Y}"
    if subject_id in alliance.working_groups:
        return f"Arbeitsgruppe „{alliance.working_groups[subject_id].name}“"
    if subject_id in alliance.contacts:
        actor = alliance.actors.get(str(alliance.contacts[subject_id].actor_id))
        return f"Einzelgespräch mit {actor.name}" if actor else "ein Einzelgespräch"
    return None


def page_anchor(rule: str, subject_id: str | None, commitment_id: str | None = None) -> str:
    """The fragment of the alliance page for a rule: `#zusage-<id>` for a commitment, else its section."""
    if commitment_id is not None or rule.startswith("commitment_"):
        return f"#zusage-{commitment_id or subject_id}"
    return f"#{SECTIONS.get(rule, 'schritte')}"
