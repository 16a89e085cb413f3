"""The Werkzeugbox codes this application fills, with their titles and the guide's step.

AM13 („Drehbuch Gründungstreffen“) is made together with AM12 („Musterablauf Gründung“): one
run-sheet serves both names of the guide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from documents import action_plan, actors_sheet, declaration, founding, invitation, network_tasks
from documents.model import Block, Document
from documents.source import Source
from domain.errors import NotFound


@dataclass(frozen=True)
class Tool:
    code: str
    title: str
    step: int
    build: Callable[[Source], list[Block]]
    purpose: str


TOOLS: tuple[Tool, ...] = (
    Tool("AM1", actors_sheet.TITLE, 1, actors_sheet.blocks, "Akteure nach Akteurstyp, Gesprächsstand, fehlende Typen"),
    Tool("AM5", action_plan.TITLE, 3, action_plan.blocks, "Ziele, Projekte mit Verantwortlichen, Beiträge"),
    Tool("AM9", invitation.TITLE, 3, invitation.blocks, "Einladung mit Tagesordnung an die weiteren Akteure"),
    Tool("AM11", founding.CHECKLIST_TITLE, 4, founding.checklist, "Checkliste und Teilnehmendenliste"),
    Tool("AM12", founding.RUN_SHEET_TITLE, 4, founding.run_sheet, "Musterablauf und Drehbuch (AM12/AM13)"),
    Tool("AM14", declaration.TITLE, 4, declaration.blocks, "Deklaration mit allen Unterzeichnenden und Daten"),
    Tool("AM16", network_tasks.TITLE, 5, network_tasks.blocks, "Aufgaben und Verantwortliche im Netzwerk"),
)
BY_CODE = {t.code: t for t in TOOLS} | {"AM13": next(t for t in TOOLS if t.code == "AM12")}
FORMATS = ("pdf", "docx")


def tool(code: str) -> Tool:
    """The tool of a code (any case), or NotFound in German naming the codes there are."""
    found = BY_CODE.get(code.strip().upper())
    if found is None:
        raise NotFound(f"Das Dokument „{code[:20]}“ gibt es in der Werkzeugbox nicht; "
                       f"verfügbar sind {', '.join(BY_CODE)}.")
    return found


def make(code: str, source: Source) -> Document:
    """The filled sheet `code` for the alliance in `source`."""
    t = tool(code)
    a = source.alliance
    return Document(t.code, t.title, a.name, f"{a.municipality} · {a.state.value}", source.stand,
                    tuple(t.build(source)))
