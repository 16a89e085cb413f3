"""AM11 „Checkliste Gründung“ with the „Teilnehmendenliste“, and AM12/AM13 „Musterablauf
Gründung“ / „Drehbuch Gründungstreffen“: the founding prepared from what the alliance recorded."""

from __future__ import annotations

from documents.model import Block, Bullets, Checklist, Heading, Paragraph, Table
from documents.source import Source
from documents.words import count, day
from domain.records import Meeting
from domain.values import MeetingKind

CHECKLIST_TITLE = "Checkliste Gründung"
RUN_SHEET_TITLE = "Ablauf und Drehbuch der Gründung"


def founding_meeting(source: Source) -> Meeting | None:
    found = sorted((m for m in source.alliance.meetings.values() if m.kind is MeetingKind.FOUNDING),
                   key=lambda m: m.on)
    return found[-1] if found else None


def checklist(source: Source) -> list[Block]:
    a = source.alliance
    planning = [m for m in a.meetings.values() if m.kind is MeetingKind.PLANNING and m.held]
    meeting = founding_meeting(source)
    invited = [c for c in a.candidates.values() if c.invited_on is not None]
    groups = list(a.working_groups.values())
    with_speaker = [g for g in groups if g.speaker_id is not None]
    items = (
        (len(a.team) > 0, "Das Bündnisteam steht", ", ".join(source.name(k) for k in a.team) or "noch niemand"),
        (bool(planning), "Planungstreffen durchgeführt",
         ", ".join(f"{m.title} am {day(m.held_on)}" for m in planning) or "noch nicht"),
        (bool(a.goals), "Themen und Ziele vereinbart", count(len(a.goals), "Ziel", "Ziele") + " festgehalten"),
        (bool(a.projects), "Erste Projekte im Aktionsplan", count(len(a.projects), "Projekt", "Projekte")),
        (bool(invited), "Weitere Akteure eingeladen", f"{len(invited)} von {len(a.candidates)} eingeladen"),
        (meeting is not None, "Termin und Format der Gründungsveranstaltung festgelegt",
         f"{meeting.title} am {day(meeting.on)}" if meeting else "noch kein Termin"),
        (a.founding is not None, "Symbolischer Akt der Gründung",
         a.founding.symbolic_act if a.founding else "z. B. Unterzeichnung der Deklaration, Bündnisbaum"),
        (bool(a.signatures), "Deklaration unterzeichnet", count(len(a.signatures), "Unterschrift", "Unterschriften")),
        (bool(groups) and len(with_speaker) == len(groups), "Arbeitsgruppen und ihre „Köpfe“ benannt",
         f"{len(with_speaker)} von {len(groups)} Arbeitsgruppen mit Sprecher/in"),
        (False, "Presse- und Öffentlichkeitsarbeit vor und nach der Gründung",
         "Medien einladen, Fotos und Bericht an alle Beteiligten"),
        (a.joined_initiative_on is not None, "Beitritt zur bundesweiten Initiative",
         f"am {day(a.joined_initiative_on)}" if a.joined_initiative_on else "beim Servicebüro anmelden"),
    )
    return [
        Paragraph("Was vor, bei und nach der Gründung zu tun ist – abgehakt ist, was im Bündnis "
                  "erfasst ist.", "lead"),
        Heading("Checkliste"),
        Checklist(items),
        Heading("Teilnehmendenliste"),
        _participants(source, meeting),
    ]


def _participants(source: Source, meeting: Meeting | None) -> Table:
    """Those who attended the founding; before it, the actors and invited further actors."""
    a = source.alliance
    headers = ("Nr.", "Organisation", "Akteurstyp", "Name", "Unterschrift")
    rows: list[tuple[str, str, str]] = []
    if meeting is not None and meeting.held:
        caption = f"Teilnehmende der Gründung am {day(meeting.held_on)}"
        rows = [(source.name(i), a.actors[str(i)].sector.label, source.persons_of(i))
                for i in meeting.attendee_ids if str(i) in a.actors]
    else:
        caption = "Teilnehmendenliste (erwartet: Akteure und eingeladene weitere Akteure)"
        rows = [(x.name, x.sector.label, source.persons_of(x.id)) for x in a.actors.values()]
        rows += [(c.name, c.sector.label, "") for c in a.candidates.values() if c.invited_on is not None]
    return Table(caption, headers, tuple((str(n), *row, "") for n, row in enumerate(rows, 1)),
                 (6, 34, 20, 20, 20), "Noch niemand erfasst.", blank_rows=5)


def run_sheet(source: Source) -> list[Block]:
    a = source.alliance
    meeting = founding_meeting(source)
    team = ", ".join(source.name(k) for k in a.team) or "Bündnisteam"
    symbolic = a.founding.symbolic_act if a.founding else "Unterzeichnung der Deklaration"
    groups = [(g.name, source.name(g.speaker_id, "Sprecher/in noch offen")) for g in a.working_groups.values()]
    signers = sorted(a.signatures.values(), key=lambda s: (s.on, source.name(s.actor_id)))
    when = f"{meeting.title} am {day(meeting.on)}" if meeting else "Termin noch nicht festgelegt"
    fmt = (a.founding.format if a.founding else None) or "feierliche Veranstaltung mit Arbeitsteil"
    steps = (
        ("vorher", "Presse einladen, auf allen Kanälen ankündigen", "Koordination", "Medienliste, Ankündigung"),
        ("– 0:30", "Aufbau, Ankommen, Namensschilder, Teilnehmendenliste", team, "Teilnehmendenliste (AM11)"),
        ("0:00", "Begrüßung", "Koordination, Kommune", "Warum ein Lokales Bündnis für Familie?"),
        ("0:15", "Die Initiative „Lokale Bündnisse für Familie“", "Koordination", "Präsentation (AM17)"),
        ("0:30", "Vorstellung der Arbeitsgruppen und ihrer Köpfe",
         "; ".join(f"{name}: {speaker}" for name, speaker in groups) or "Sprecherinnen und Sprecher",
         "je 5 Minuten"),
        ("1:00", f"Symbolischer Akt: {symbolic}",
         ", ".join(source.name(s.actor_id) for s in signers) or "alle Partner", "Deklaration (AM14), Fotos"),
        ("1:20", "Arbeitsphase an Thementischen", "Arbeitsgruppen", "Ideen sammeln, Mitwirkende gewinnen"),
        ("2:00", "Ausklang und Austausch", "alle", "Zeit zum Kennenlernen"),
        ("nachher", "Bericht und Fotos an Presse und alle Beteiligten", "Koordination", "Beitritt zur Initiative"),
    )
    return [
        Paragraph(f"{when} – {fmt}", "lead"),
        Heading("Ablauf"),
        Table("Ablauf der Gründungsveranstaltung", ("Zeit", "Programmpunkt", "Wer", "Hinweise"),
              steps, (10, 36, 30, 24)),
        Heading("Arbeitsgruppen und ihre Köpfe"),
        Bullets(tuple(f"{name} – {speaker}" for name, speaker in groups), "Noch keine Arbeitsgruppen."),
        Heading("Unterzeichnende"),
        Bullets(tuple(f"{source.name(s.actor_id)} ({day(s.on)})" for s in signers), "Noch keine Unterschriften."),
    ]
