"""What a Werkzeugbox document is made of, independent of PDF or DOCX: headings, text, tables.

The builders fill these blocks from an alliance; the two renderers lay out the same blocks, so a
printed sheet and the editable file always say the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar


@dataclass(frozen=True)
class Heading:
    block: ClassVar[str] = "heading"
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; `style` is "lead" (introduction), "note" (small print) or "" (body text)."""

    block: ClassVar[str] = "paragraph"
    text: str
    style: str = ""


@dataclass(frozen=True)
class Bullets:
    block: ClassVar[str] = "bullets"
    items: tuple[str, ...]
    empty: str = "Keine Einträge."


@dataclass(frozen=True)
class Checklist:
    """Items with a state: done (☒) or still open (☐); `detail` says what the data shows."""

    block: ClassVar[str] = "checklist"
    items: tuple[tuple[bool, str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; `widths` are relative column widths (percent), `blank_rows`
    empty rows to fill in by hand (later signatures, further participants)."""

    block: ClassVar[str] = "table"
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] = ()
    empty: str = "Keine Einträge."
    blank_rows: int = 0


Block = Heading | Paragraph | Bullets | Checklist | Table


@dataclass(frozen=True)
class Document:
    """One filled Werkzeugbox sheet of one alliance, as it stood on `stand`."""

    code: str
    title: str
    alliance: str
    place: str
    stand: date
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def filename(self) -> str:
        """A file name without umlauts or spaces: `AM5-Aktionsplan-2026-03-01`."""
        plain = self.title.translate(_ASCII)
        stem = "".join(ch if ch.isalnum() else "-" for ch in plain)
        stem = "-".join(part for part in stem.split("-") if part)
        return f"{self.code}-{stem}-{self.stand.isoformat()}"


_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
