"""AM16 „Netzwerkaufgaben“: who carries which task in step 5 – steering group, working groups and
their speakers, tasks from the meetings, running projects, open pledges, and the recurring duties."""

from __future__ import annotations

from datetime import timedelta

from documents.model import Block, Heading, Paragraph, Table
from documents.source import Source
from documents.words import COMMITMENT_HEADERS, COMMITMENT_WIDTHS, commitment_row, day
from domain.values import CommitmentStatus, MeetingKind, ProjectStatus

TITLE = "Netzwerkaufgaben"
OPEN = (CommitmentStatus.PLEDGED, CommitmentStatus.CONFIRMED, CommitmentStatus.OVERDUE)


def blocks(source: Source) -> list[Block]:
    a = source.alliance
    meetings = {str(m.id): m for m in a.meetings.values()}
    items = sorted(a.action_items.values(), key=lambda i: (i.done, i.due_on is None, i.due_on or source.stand))
    last_all = max((m.held_on for m in a.meetings.values()
                    if m.kind is MeetingKind.ALL_PARTNERS and m.held_on is not None), default=None)
    last_assessment = max((s.on for s in a.self_assessments), default=None)
    running = [p for p in a.projects.values() if p.status in (ProjectStatus.PLANNED, ProjectStatus.RUNNING)]
    return [
        Paragraph("Wer übernimmt welche Aufgabe im Netzwerk? Aufgaben und Verantwortung gezielt "
                  "verteilen hält das Bündnis lebendig.", "lead"),
        Heading("Steuerungsgruppe"),
        Paragraph(", ".join(source.name(k) for k in a.steering_group) or "Noch keine Steuerungsgruppe benannt."),
        Heading("Arbeitsgruppen"),
        Table("Arbeitsgruppen mit Sprecherin oder Sprecher", ("Arbeitsgruppe", "Thema", "Sprecher/in", "Mitglieder"),
              tuple((g.name, g.theme, source.name(g.speaker_id, "noch offen"),
                     ", ".join(source.name(m) for m in g.member_ids) or "–") for g in a.working_groups.values()),
              (22, 24, 22, 32), "Noch keine Arbeitsgruppen."),
        Heading("Aufgaben aus den Treffen"),
        Table("Aufgaben mit Verantwortlichen", ("Aufgabe", "Verantwortlich", "fällig am", "Stand", "aus dem Treffen"),
              tuple((i.text, source.name(i.owner_id, "noch offen"), day(i.due_on), "erledigt" if i.done else "offen",
                     _meeting(meetings.get(str(i.meeting_id)))) for i in items),
              (30, 20, 14, 10, 26), "Keine Aufgaben erfasst."),
        Heading("Laufende und geplante Projekte"),
        Table("Projekte mit Verantwortlichen", ("Projekt", "Verantwortlich", "fällig am", "Status"),
              tuple((p.title, source.name(p.owner_id, "noch offen"), day(p.due_on), p.status.label) for p in running),
              (44, 26, 15, 15), "Keine laufenden Projekte."),
        Heading("Offene Zusagen"),
        Table("Offene Zusagen der Partner", COMMITMENT_HEADERS,
              tuple(commitment_row(source, c) for c in source.commitments if c.status in OPEN),
              COMMITMENT_WIDTHS, "Keine offenen Zusagen."),
        Heading("Wiederkehrende Aufgaben"),
        Table("Wiederkehrende Aufgaben", ("Aufgabe", "Verantwortlich", "zuletzt", "als Nächstes"),
              (("Bündnistreffen aller Partner (mindestens zweimal im Jahr, passive Partner einladen)",
                "Koordination", day(last_all, "noch nie"),
                day(last_all + timedelta(days=182)) if last_all else "bald"),
               ("Selbsteinschätzung in den sechs Dimensionen", "Koordination, Steuerungsgruppe",
                day(last_assessment, "noch nie"),
                day(last_assessment + timedelta(days=365)) if last_assessment else "bald"),
               ("Presse- und Öffentlichkeitsarbeit, ein gemeinsames Erscheinungsbild", "Steuerungsgruppe", "–",
                "laufend"),
               ("Lokale Verankerung: Kooperationen, Sitze in Gremien", "Steuerungsgruppe", "–", "laufend")),
              (46, 22, 16, 16)),
    ]


def _meeting(m: object) -> str:
    if m is None:
        return "–"
    return f"{getattr(m, 'title', '')} ({day(getattr(m, 'on', None))})"
