"""AM14 „Musterdeklaration für die Bündnisgründung“: the declaration with its goals and every
signatory with the date of signing – those at the founding and those who joined later."""

from __future__ import annotations

from documents.model import Block, Bullets, Heading, Paragraph, Table
from documents.source import Source
from documents.words import day

TITLE = "Deklaration"


def blocks(source: Source) -> list[Block]:
    a = source.alliance
    founded = a.founding
    signers = sorted(a.signatures.values(), key=lambda s: (s.on, source.name(s.actor_id).casefold()))
    founding_day = founded.on if founded else None
    rows = tuple(
        (source.name(s.actor_id), a.actors[str(s.actor_id)].sector.label, day(s.on),
         "bei der Gründung" if s.on == founding_day else "später beigetreten", "")
        for s in signers if str(s.actor_id) in a.actors
    )
    return [
        Paragraph(f"Deklaration zur Gründung: {a.name}", "lead"),
        Paragraph(f"Wir, die unterzeichnenden Partnerinnen und Partner aus Wirtschaft, Kommune und "
                  f"Zivilgesellschaft in {a.municipality}, gründen gemeinsam das Bündnis „{a.name}“. Wir wollen die "
                  "Lebens- und Arbeitsbedingungen für Familien vor Ort durch bedarfsgerechte Projekte "
                  "verbessern und schließen uns der bundesweiten Initiative „Lokale Bündnisse für "
                  "Familie“ an."),
        Heading("Unsere Ziele"),
        Bullets(tuple(g.text for g in a.goals.values()), "Die Ziele vereinbaren die Partner bei der Gründung."),
        Heading("Wir verpflichten uns"),
        Bullets(("uns mit unseren Möglichkeiten – Zeit, Wissen, Räume, Mittel – einzubringen,",
                 "Projekte gemeinsam zu planen und verbindlich umzusetzen,",
                 "mindestens zweimal im Jahr zu einem Treffen aller Partner zusammenzukommen,",
                 "mit einer Stimme und einem gemeinsamen Erscheinungsbild nach außen aufzutreten.")),
        Paragraph(f"Gegründet am {day(founded.on)} – {founded.symbolic_act}." if founded
                  else "Die Gründung steht noch bevor.", "note"),
        Heading("Unterzeichnende"),
        Table("Unterzeichnende Partner mit Datum",
              ("Partner", "Akteurstyp", "unterzeichnet am", "Beitritt", "Unterschrift"), rows,
              (30, 16, 14, 16, 24), "Noch keine Unterschriften.", blank_rows=3),
    ]
