"""Each stored event told as a German sentence a coordinator understands: who did what, and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.alliance import Alliance
from domain.commitment import Commitment
from domain.dates import german_date
from domain.follow_ups import RULE_LABELS
from domain.personal_data import SealedText
from domain.steps import STEP_TITLES
from domain.values import Dimension
from projections.values import SEALED_TEXT

Describe = Callable[[Any, Any, Any], str]


def _d(day: Any) -> str:
    """TT.MM.JJJJ; a moment on its day in Europe/Berlin."""
    return german_date(day) if day is not None else "ohne Datum"


def _name(alliance: Any, actor_id: UUID | None) -> str:
    if actor_id is None:
        return "niemand"
    actor = alliance.actors.get(str(actor_id)) if alliance is not None else None
    return actor.name if actor is not None else f"Akteur {actor_id}"


def _names(alliance: Any, ids: list[UUID]) -> str:
    names = [_name(alliance, i) for i in ids]
    if len(names) <= 1:
        return "".join(names) or "niemand"
    return ", ".join(names[:-1]) + " und " + names[-1]


def _why(reason: str | None, prefix: str = "Begründung") -> str:
    return f" {prefix}: „{reason}“." if reason else ""


def _who(by: str) -> str:
    return "automatisch vom System" if by == "system" else f"von {by}"


def _commitment(c: Any, a: Any) -> str:
    return (
        f"die Zusage „{c.description}“ von {_name(a, c.partner_id)}"
        if c is not None
        else "eine Zusage"
    )


def _upper_first(text: str) -> str:
    """The first letter upper case, the rest as written (str.capitalize would lower-case what it quotes)."""
    return text[:1].upper() + text[1:]


def _recipients(recipients: list[str], alliance: Any) -> str:
    labels = []
    for r in recipients:
        kind, _, actor = r.partition(":")
        if kind == "koordination":
            labels.append("die Koordination")
        elif kind == "servicebuero":
            labels.append("das Servicebüro")
        elif kind in ("partner", "organiser"):
            labels.append(_name(alliance, UUID(actor)) if actor else kind)
        else:
            labels.append(r)
    return " und ".join(labels)


def _candidate(alliance: Any, candidate_id: UUID) -> str:
    candidate = alliance.candidates.get(str(candidate_id)) if alliance is not None else None
    return candidate.name if candidate is not None else "Ein weiterer Akteur"


def _delivered(e: Any, c: Any) -> str:
    amount = getattr(e, "amount", None)
    return "" if amount is None else f" Bisher geleistet: {amount} {getattr(c, 'unit', None) or ''}".rstrip() + "."


def _step_completed(e: Any, a: Any, c: Any) -> str:
    text = (
        f"Schritt {e.step} „{STEP_TITLES.get(e.step, '')}“ wurde abgeschlossen; das Bündnis "
        f"ist nun in Schritt {e.step + 1}."
    )
    if e.unmet:
        text += (
            f" Ohne erfüllte Kriterien ({'; '.join(e.unmet)}), mit Begründung: „{e.justification}“."
        )
    return text


def _scores(e: Any) -> str:
    return ", ".join(f"{d.label} {e.scores.get(d.value, '–')}" for d in Dimension)


A = Alliance
C = Commitment
SENTENCES: dict[type, Describe] = {
    A.Registered: lambda e, a, c: (
        f"Das Bündnis „{e.name}“ in {e.municipality} ({e.state.value}) wurde erfasst."
    ),
    A.ActorAdded: lambda e, a, c: f"{e.name} ({e.sector.label}) wurde als Akteur aufgenommen.",
    A.ContactRecorded: lambda e, a, c: (
        f"Einzelgespräch mit {_name(a, e.actor_id)} am {_d(e.on)}: {e.outcome.label}."
        + (f" Nachfassen am {_d(e.follow_up_on)}." if e.follow_up_on else "")
    ),
    A.ContactPersonAdded: lambda e, a, c: (
        f"Eine Ansprechperson bei {_name(a, e.actor_id)} wurde erfasst (verschlüsselt)."
    ),
    # Only the code of the reason: a reason given as text (before reasons became codes) may name the person.
    A.ContactPersonErased: lambda e, a, c: (
        "Die personenbezogenen Daten einer Ansprechperson wurden gelöscht."
        + _why(e.reason_code.label if e.reason_code is not None else None, "Grund")
    ),
    A.PersonalDataDisclosed: lambda e, a, c: (
        "Auskunft über die gespeicherten Daten einer Ansprechperson erteilt (Art. 15 DSGVO)."
    ),
    A.FreeTextsErased: lambda e, a, c: (
        "Die bisherigen Freitexte des Bündnisses (Gesprächsnotizen, Protokolle, Fortschrittsberichte, "
        f"Notizen zu Zusagen, Begründungen) wurden gelöscht.{_why(e.reason_code.label, 'Grund')}"
    ),
    A.TeamMemberAdded: lambda e, a, c: f"{_name(a, e.actor_id)} gehört jetzt zum Bündnisteam.",
    A.TeamMemberRemoved: lambda e, a, c: (
        f"{_name(a, e.actor_id)} gehört nicht mehr zum Bündnisteam.{_why(e.reason)}"
    ),
    A.GoalRecorded: lambda e, a, c: f"Ziel festgehalten: „{e.text}“.",
    A.CandidateListed: lambda e, a, c: (
        f"{e.name} ({e.sector.label}) steht auf der Liste weiterer Akteure."
    ),
    A.CandidateInvited: lambda e, a, c: (
        f"{_candidate(a, e.candidate_id)} wurde am {_d(e.on)} eingeladen."
    ),
    A.MeetingScheduled: lambda e, a, c: f"{e.kind.label} „{e.title}“ für den {_d(e.on)} angesetzt.",
    A.MeetingHeld: lambda e, a, c: (
        f"{a.meetings[str(e.meeting_id)].kind.label} „{a.meetings[str(e.meeting_id)].title}“ "
        f"am {_d(e.held_on)} "
        f"durchgeführt mit {len(e.attendee_ids)} Teilnehmenden"
        + (" und Protokoll." if e.minutes else ".")
    ),
    A.MinutesRecorded: lambda e, a, c: (
        f"Protokoll zu „{a.meetings[str(e.meeting_id)].title}“ nachgetragen."
    ),
    A.ActionItemAdded: lambda e, a, c: (
        f"Aufgabe „{e.text}“ für {_name(a, e.owner_id)}"
        + (f", fällig am {_d(e.due_on)}." if e.due_on else ".")
    ),
    A.ActionItemDone: lambda e, a, c: f"Aufgabe „{a.action_items[str(e.item_id)].text}“ erledigt.",
    A.ProjectAdded: lambda e, a, c: (
        f"Projekt „{e.title}“ (Thema: {e.theme}) in den Aktionsplan aufgenommen."
    ),
    A.ProjectStatusChanged: lambda e, a, c: (
        f"Projekt „{a.projects[str(e.project_id)].title}“ ist jetzt "
        f"{e.status.label}.{_why(e.reason)}"
    ),
    A.FoundingHeld: lambda e, a, c: (
        f"Gründung am {_d(e.on)}"
        + (f" als {e.format}" if e.format else "")
        + f"; symbolischer Akt: {e.symbolic_act}."
    ),
    A.DeclarationSigned: lambda e, a, c: (
        f"{_name(a, e.actor_id)} hat am {_d(e.on)} die Deklaration unterzeichnet."
    ),
    A.InitiativeJoined: lambda e, a, c: (
        f"Am {_d(e.joined_on)} der Initiative „Lokale Bündnisse für Familie“ beigetreten."
    ),
    A.WorkingGroupFormed: lambda e, a, c: (
        f"Arbeitsgruppe „{e.name}“ zum Thema {e.theme} gegründet"
        + (
            f", Sprecher/in: {_name(a, e.speaker_id)}."
            if e.speaker_id
            else ", noch ohne Sprecher/in."
        )
    ),
    A.SpeakerAppointed: lambda e, a, c: (
        f"{_name(a, e.speaker_id)} ist Sprecher/in der Arbeitsgruppe "
        f"„{a.working_groups[str(e.group_id)].name}“."
    ),
    A.WorkingGroupJoined: lambda e, a, c: (
        f"{_name(a, e.actor_id)} arbeitet in der Arbeitsgruppe "
        f"„{a.working_groups[str(e.group_id)].name}“ mit."
    ),
    A.SteeringGroupSet: lambda e, a, c: (
        f"Steuerungsgruppe: {_names(a, e.member_ids)}.{_why(e.reason)}"
    ),
    A.SelfAssessmentRecorded: lambda e, a, c: f"Selbsteinschätzung vom {_d(e.on)}: {_scores(e)}.",
    A.LegalFormSet: lambda e, a, c: f"Rechtsform: {e.legal_form.label}.",
    A.StepCompleted: _step_completed,
    A.StepReopened: lambda e, a, c: (
        f"Schritt {e.step} „{STEP_TITLES.get(e.step, '')}“ wurde wieder "
        f"geöffnet.{_why(e.reason, 'Grund')}"
    ),
    A.Paused: lambda e, a, c: f"Das Bündnis ruht.{_why(e.reason, 'Grund')}",
    A.Resumed: lambda e, a, c: f"Das Bündnis arbeitet wieder.{_why(e.reason, 'Grund')}",
    A.Dissolved: lambda e, a, c: f"Das Bündnis wurde aufgelöst.{_why(e.reason, 'Grund')}",
    A.FollowUpRecorded: lambda e, a, c: (
        f"Erinnerung „{RULE_LABELS.get(e.rule, e.rule)}“ an {_recipients(e.recipients, a)} "
        + _sent(e)
    ),
    A.InvitedToMeeting: lambda e, a, c: (
        f"Zum {a.meetings[str(e.meeting_id)].kind.label} „{a.meetings[str(e.meeting_id)].title}“ "
        f"eingeladen: {_names(a, e.actor_ids)}."
    ),
    A.ActionItemPledged: lambda e, a, c: (
        f"Für die Aufgabe „{a.action_items[str(e.item_id)].text}“ hat "
        f"{_name(a, a.action_items[str(e.item_id)].owner_id)} eine Zusage gegeben."
    ),
    A.PublicityRecorded: lambda e, a, c: (
        f"Presse- und Öffentlichkeitsarbeit am {_d(e.on)}: „{e.title}“"
        + (f" ({e.medium})." if e.medium else ".")
    ),
    A.AnchoringRecorded: lambda e, a, c: (
        f"Lokale Verankerung: {e.kind.label} „{e.name}“ seit {_d(e.since)}."
    ),
    A.DeliveryFailed: lambda e, a, c: (
        f"Zustellung fehlgeschlagen: die Erinnerung „{RULE_LABELS.get(e.rule, e.rule)}“ wurde abgewiesen "
        f"({e.reason})."
    ),
    A.FollowUpDelivered: lambda e, a, c: (
        f"Zugestellt: die Erinnerung „{RULE_LABELS.get(e.rule, e.rule)}“ wurde vom Mailserver angenommen."
    ),
    C.Pledged: lambda e, a, c: (
        f"{_name(a, e.partner_id)} sagt zu: „{e.description}“ ({e.kind.label}"
        + (f", {e.amount} {e.unit or ''}".rstrip() if e.amount is not None else "")
        + (f", fällig am {_d(e.due_on)}" if e.due_on else "")
        + (", jährlich" if e.recurrence else "")
        + ")."
    ),
    C.Confirmed: lambda e, a, c: f"{_upper_first(_commitment(c, a))} wurde bestätigt.",
    C.Amended: lambda e, a, c: (
        f"{_upper_first(_commitment(c, a))} wurde geändert: "
        + "; ".join(
            x
            for x in (
                f"Beschreibung jetzt „{e.description}“" if e.description is not None else "",
                f"Betrag jetzt {e.amount}" if e.amount is not None else "",
                f"fällig jetzt am {_d(e.due_on)}" if e.due_on is not None else "",
            )
            if x
        )
        + f".{_why(e.reason, 'Grund')}"
    ),
    C.ProgressReported: lambda e, a, c: (
        # Not the report's text: it may name people and is erasable, this sentence is not.
        f"Fortschritt zu {_commitment(c, a)} berichtet"
        + (f" ({e.percent} %)." if e.percent is not None else ".") + _delivered(e, c)
    ),
    C.Fulfilled: lambda e, a, c: (
        f"{_upper_first(_commitment(c, a))} wurde am {_d(e.on)} erfüllt."
        + (" Mit Notiz." if e.note else "")
    ),
    C.PeriodStarted: lambda e, a, c: (
        f"Neuer Zeitraum {e.period} für {_commitment(c, a)}"
        + (f", fällig am {_d(e.due_on)}." if e.due_on else ".")
    ),
    C.Withdrawn: lambda e, a, c: (
        f"{_upper_first(_commitment(c, a))} wurde zurückgezogen.{_why(e.reason, 'Grund')}"
    ),
    C.MarkedOverdue: lambda e, a, c: (
        f"{_upper_first(_commitment(c, a))} ist seit {_d(e.on)} überfällig."
    ),
    C.FollowUpRecorded: lambda e, a, c: (
        f"Erinnerung „{RULE_LABELS.get(e.rule, e.rule)}“ zu {_commitment(c, a)} an "
        f"{_recipients(e.recipients, a)} " + _sent(e)
    ),
    C.FollowUpDelivered: lambda e, a, c: (
        f"Zugestellt: die Erinnerung „{RULE_LABELS.get(e.rule, e.rule)}“ zu {_commitment(c, a)} wurde vom "
        "Mailserver angenommen."
    ),
    C.DeliveryFailed: lambda e, a, c: (
        f"Zustellung fehlgeschlagen: die Erinnerung „{RULE_LABELS.get(e.rule, e.rule)}“ zu "
        f"{_commitment(c, a)} wurde abgewiesen ({e.reason})."
    ),
}


def _sent(e: Any) -> str:
    if getattr(e, "missed", False):
        return f"nachträglich in einer Zusammenfassung gesendet (fällig war sie am {_d(e.due_at)})."
    return "gesendet."


# The free-text fields of events (sealed since free texts are, plain in older events), by event type.
FREE_TEXTS: dict[str, tuple[str, ...]] = {
    "Alliance.ContactRecorded": ("notes",),
    "Alliance.MeetingHeld": ("minutes",),
    "Alliance.MinutesRecorded": ("minutes",),
    "Alliance.StepCompleted": ("justification",),
    "Alliance.StepReopened": ("reason",),
    "Alliance.Paused": ("reason",),
    "Alliance.Resumed": ("reason",),
    "Alliance.Dissolved": ("reason",),
    "Alliance.TeamMemberRemoved": ("reason",),
    "Alliance.SteeringGroupSet": ("reason",),
    "Alliance.ProjectStatusChanged": ("reason",),
    "Commitment.ProgressReported": ("text",),
    "Commitment.Fulfilled": ("note",),
    "Commitment.Amended": ("reason",),
    "Commitment.Withdrawn": ("reason",),
}
# Events whose sentence quotes none of their free texts: it says only whether there is one (the
# minutes of a meeting held, a note to a fulfilment) or leaves it out. A sealed text is never
# decrypted for them: sealed, it is never empty (blank texts are stored as None), so it reads as
# present whether revealed, erased or sealed.
UNQUOTED = frozenset({
    "Alliance.ContactRecorded",
    "Alliance.MeetingHeld",
    "Alliance.MinutesRecorded",
    "Commitment.ProgressReported",
    "Commitment.Fulfilled",
})
Reveal = Callable[[Any], "str | None"]


def describe(event: Any, alliance: Any, commitment: Any, reveal: Reveal | None = None) -> str:
    """The event as a sentence with who did it; `alliance`, `commitment`: state after it. `reveal`
    shows its sealed free texts (the key ring's `reveal`: „[gelöscht]“ once erased); without it they
    read „(verschlüsselt)“."""
    name = type(event).__qualname__
    fields = FREE_TEXTS.get(name, ())
    # A plain text (stored before sealing) may be empty: shown as before, erased or not.
    if fields and (name not in UNQUOTED or any(isinstance(getattr(event, f, None), str) for f in fields)):
        event = _shown(event, fields, reveal)
    sentence = SENTENCES[type(event)](event, alliance, commitment)
    return f"{sentence} ({_who(event.by)})"


def _shown(event: Any, fields: tuple[str, ...], reveal: Reveal | None) -> Any:
    """A copy of the event with its free texts as they may be shown (the stored event stays as it is)."""
    # A shallow copy as the mapper builds events (copy.copy goes through __reduce_ex__: slower).
    shown = object.__new__(type(event))
    object.__setattr__(shown, "__dict__", dict(vars(event)))
    for name in fields:
        value = getattr(event, name, None)
        text = reveal(value) if reveal is not None else (SEALED_TEXT if isinstance(value, SealedText) else value)
        object.__setattr__(shown, name, text)
    return shown


# What a partner reads of the alliance's public facts: the same sentences without the free text
# (justifications, reasons) that may name people or say more than the fact.
_PUBLIC: dict[str, Callable[[dict[str, Any]], str]] = {
    "Alliance.StepCompleted": lambda d: (
        f"Schritt {d['step']} „{STEP_TITLES.get(d['step'], '')}“ wurde abgeschlossen; das Bündnis "
        f"ist nun in Schritt {d['step'] + 1}."
    ),
    "Alliance.StepReopened": lambda d: (
        f"Schritt {d['step']} „{STEP_TITLES.get(d['step'], '')}“ wurde wieder geöffnet."
    ),
    "Alliance.Paused": lambda d: "Das Bündnis ruht.",
    "Alliance.Resumed": lambda d: "Das Bündnis arbeitet wieder.",
    "Alliance.Dissolved": lambda d: "Das Bündnis wurde aufgelöst.",
}


def public_sentence(event_type: str, data: dict[str, Any], stored: str | None) -> str | None:
    """A public fact of the alliance told for its partners (no reasons, no one's free text)."""
    tell = _PUBLIC.get(event_type)
    if tell is not None:
        try:
            return tell(data)
        except (KeyError, TypeError):
            return None
    return stored
