"""AM9 „Einladungsschreiben (Muster)“ for the planning meeting: the letter, the agenda, and its
addressees – the further actors the team listed to win (step 2), with the date each was invited."""

from __future__ import annotations

from documents.model import Block, Bullets, Heading, Paragraph, Table
from documents.source import Source
from documents.words import day
from domain.records import Meeting
from domain.values import MeetingKind

TITLE = "Einladung zum Planungstreffen"


def planning_meeting(source: Source) -> Meeting | None:
    """The planning meeting to invite to: the next one from the stand on, else the latest."""
    meetings = sorted((m for m in source.alliance.meetings.values() if m.kind is MeetingKind.PLANNING),
                      key=lambda m: m.on)
    coming = [m for m in meetings if m.on >= source.stand]
    return coming[0] if coming else (meetings[-1] if meetings else None)


def blocks(source: Source) -> list[Block]:
    a = source.alliance
    meeting = planning_meeting(source)
    when = f"am {day(meeting.on)}" if meeting else "am ____________ (Termin folgt)"
    what = f"„{meeting.title}“" if meeting else "Planungstreffen"
    team = [source.name(k) for k in a.team]
    goals = [g.text for g in a.goals.values()]
    return [
        Paragraph(f"Einladung zum {what} {when}", "lead"),
        Paragraph("Sehr geehrte Damen und Herren,"),
        Paragraph(f"in {a.municipality} entsteht das Bündnis „{a.name}“. Gemeinsam mit Partnerinnen und Partnern aus "
                  "Wirtschaft, Kommune und Zivilgesellschaft wollen wir die Lebens- und Arbeitsbedingungen "
                  "für Familien vor Ort verbessern. Dafür möchten wir Sie gewinnen."),
        Paragraph(f"Beim Planungstreffen {when} legen wir das inhaltliche und organisatorische Fundament: "
                  "Wir verständigen uns auf Themen und erste Projekte, auf unsere Arbeitsstruktur und "
                  "Verantwortlichkeiten, und auf Termin und Format der Gründung. Wir freuen uns, wenn Sie "
                  "dabei sind und Ihre Ideen einbringen."),
        Heading("Tagesordnung"),
        Bullets(("Begrüßung und Vorstellungsrunde",
                 "Ziele und Themen des Bündnisses" + (f" (bisher: {'; '.join(goals)})" if goals else ""),
                 "Erste Projekte: Entwurf des Aktionsplans",
                 "Arbeitsstruktur: Arbeitsgruppen, Sprecherinnen und Sprecher, Steuerungsgruppe",
                 "Termin und Format der Gründungsveranstaltung",
                 "Wen wir noch gewinnen wollen",
                 "Verschiedenes")),
        Heading("Eingeladen werden"),
        Table("Adressaten der Einladung", ("Akteur", "Akteurstyp", "eingeladen am"),
              tuple((c.name, c.sector.label, day(c.invited_on, "noch nicht"))
                    for c in sorted(a.candidates.values(), key=lambda c: c.name.casefold())),
              (50, 30, 20), "Noch keine weiteren Akteure vorgemerkt (Schritt 2: Liste weiterer Akteure)."),
        Paragraph("Bitte geben Sie uns bis eine Woche vor dem Termin Bescheid, ob Sie teilnehmen."),
        Paragraph("Mit freundlichen Grüßen"),
        Paragraph("Ihr Bündnisteam" + (f": {', '.join(team)}" if team else "")),
    ]
