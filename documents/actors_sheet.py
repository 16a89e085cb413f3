"""AM1 „Wer macht mit?“: the actors by sector with the state of the conversations, and the
sectors still missing from the „bunter Mix“ the guide asks for."""

from __future__ import annotations

from documents.model import Block, Bullets, Heading, Paragraph, Table
from documents.source import Source
from documents.words import day, roles
from domain.values import Outcome, Sector

TITLE = "Wer macht mit?"


def blocks(source: Source) -> list[Block]:
    a = source.alliance
    latest = source.latest_contacts()
    order = {s: i for i, s in enumerate(Sector)}
    actors = sorted(a.actors.values(), key=lambda x: (order[x.sector], x.name.casefold()))
    headers = ["Akteurstyp", "Akteur"]
    widths = [18, 24]
    if source.show_persons:
        headers.append("Ansprechperson")
        widths.append(16)
    headers += ["Gesprächsstand", "Rolle im Bündnis"]
    widths += [20, 22] if source.show_persons else [26, 32]
    rows = []
    for actor in actors:
        key = str(actor.id)
        contact = latest.get(key)
        status = "noch kein Gespräch" if contact is None else f"{contact.outcome.label} ({day(contact.on)})"
        row = [actor.sector.label, actor.name]
        if source.show_persons:
            row.append(source.persons_of(key) or "–")
        rows.append((*row, status, roles(source, key)))
    present = {x.sector for x in a.actors.values()}
    planned: dict[Sector, list[str]] = {}
    for c in a.candidates.values():
        planned.setdefault(c.sector, []).append(c.name)
    missing = [s for s in Sector if s not in present]
    outcomes = [c.outcome for c in latest.values()]
    interested = sum(1 for o in outcomes if o in (Outcome.INTERESTED, Outcome.ACTIVE_ROLE))
    active = sum(1 for o in outcomes if o is Outcome.ACTIVE_ROLE)
    return [
        Paragraph("Arbeitsblatt zu Schritt 1 und 2 des Leitfadens: Wer ist im Bündnis dabei, mit wem "
                  "wurde gesprochen, und welche Akteurstypen fehlen noch?", "lead"),
        Paragraph(f"{len(a.actors)} Akteure aus {len(present)} von {len(Sector)} Akteurstypen; "
                  f"{len(a.contacts)} Einzelgespräche, {interested} Akteure interessiert, "
                  f"davon {active} mit dem Wunsch, aktiv mitzuwirken."),
        Heading("Akteure nach Akteurstyp"),
        Table("Akteure nach Akteurstyp mit Gesprächsstand", tuple(headers), tuple(rows), tuple(widths),
              "Noch keine Akteure erfasst."),
        Heading("Weitere Akteure, die gewonnen werden sollen"),
        Table("Weitere Akteure", ("Akteur", "Akteurstyp", "eingeladen am"),
              tuple((c.name, c.sector.label, day(c.invited_on, "noch nicht")) for c in a.candidates.values()),
              (50, 30, 20), "Noch keine weiteren Akteure vorgemerkt."),
        Heading("Fehlende Akteurstypen"),
        Bullets(tuple(s.label + (f" – vorgemerkt: {', '.join(planned[s])}" if s in planned else "")
                      for s in missing),
                "Alle Akteurstypen sind vertreten – ein bunter Mix."),
        Paragraph("Der Leitfaden empfiehlt einen „bunten Mix“ aus Wirtschaft, Politik und Zivilgesellschaft. "
                  "Fragen Sie bei jedem Akteur: Wofür ist die Mitwirkung attraktiv, welche Ressourcen "
                  "bringt er mit?", "note"),
    ]
