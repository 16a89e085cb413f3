"""AM5 „Aktionsplan“: goals and themes, the projects with owner, timeline and status, and what
the partners pledged to carry them."""

from __future__ import annotations

from documents.model import Block, Bullets, Heading, Paragraph, Table
from documents.source import Source
from documents.words import COMMITMENT_HEADERS, COMMITMENT_WIDTHS, commitment_row, day
from domain.values import CommitmentStatus, ProjectStatus

TITLE = "Aktionsplan"
ORDER = {s: i for i, s in enumerate((ProjectStatus.RUNNING, ProjectStatus.PLANNED, ProjectStatus.DONE,
                                     ProjectStatus.DROPPED))}


def blocks(source: Source) -> list[Block]:
    a = source.alliance
    projects = sorted(a.projects.values(),
                      key=lambda p: (ORDER[p.status], p.theme.casefold(), p.due_on or a.created_on.date()))
    open_pledges = [c for c in source.commitments if c.status is not CommitmentStatus.WITHDRAWN]
    return [
        Paragraph("Welche Projekte setzt das Bündnis um, wer ist verantwortlich, bis wann? Kurzfristige "
                  "Projekte zuerst – schnelle Erfolge halten das Bündnis in Bewegung.", "lead"),
        Heading("Ziele und Themen"),
        Bullets(tuple(g.text for g in a.goals.values()), "Noch keine Ziele festgehalten."),
        Heading("Projekte"),
        Table("Projekte des Aktionsplans", ("Projekt", "Thema", "Verantwortlich", "Zeitplan (fällig)", "Status"),
              tuple((p.title, p.theme, source.name(p.owner_id, "noch offen"), day(p.due_on, "offen"),
                     p.status.label) for p in projects),
              (26, 22, 22, 16, 14), "Noch keine Projekte im Aktionsplan."),
        Heading("Beiträge der Partner"),
        Table("Zusagen der Partner", COMMITMENT_HEADERS,
              tuple(commitment_row(source, c) for c in sorted(open_pledges, key=_due)),
              COMMITMENT_WIDTHS, "Noch keine Zusagen."),
    ]


def _due(c: object) -> tuple[bool, str]:
    due = getattr(c, "due_on", None)
    return due is None, "" if due is None else due.isoformat()
