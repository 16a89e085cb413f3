"""Writes a document as DOCX with python-docx, for editing in Word or LibreOffice.

Real heading styles (the navigation pane and screen readers follow them), tables whose header row
repeats on every page, German as the language of every style (spelling, hyphenation), A4, and a
footer with "Seite n von m" as fields that Word and LibreOffice update themselves.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from documents.model import Bullets, Checklist, Document, Heading, Paragraph, Table
from domain.dates import german_date
from projections.spreadsheets import clean

BLUE = RGBColor(0x1D, 0x5B, 0x8F)


def docx(document: Document, made_at: datetime) -> bytes:
    word = new_document()
    _page(word)
    _german(word)
    props = word.core_properties
    props.title = clean(f"{document.code} {document.title} – {document.alliance}")
    props.author = clean(document.alliance)
    props.subject = "Werkzeugbox Lokale Bündnisse für Familie"
    props.language = "de-DE"
    props.created = props.modified = made_at.replace(tzinfo=None)
    props.last_modified_by = "buendnis"
    stand = german_date(document.stand)
    _header_footer(word, document, stand)
    kicker = word.add_paragraph()
    run = kicker.add_run(f"Werkzeugbox · {document.code}")
    run.font.size, run.font.color.rgb = Pt(8), BLUE
    word.add_heading(clean(document.title), level=1)
    word.add_paragraph(clean(f"{document.alliance} · {document.place} · Stand {stand}"))
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(clean(block.text), level=block.level)
        elif isinstance(block, Paragraph):
            paragraph = word.add_paragraph()
            run = paragraph.add_run(clean(block.text))
            if block.style == "lead":
                run.bold = True
            elif block.style == "note":
                run.font.size = Pt(8.5)
        elif isinstance(block, Bullets):
            for item in block.items:
                word.add_paragraph(clean(item), style="List Bullet")
            if not block.items:
                word.add_paragraph().add_run(clean(block.empty)).italic = True
        elif isinstance(block, Checklist):
            for done, text, detail in block.items:
                paragraph = word.add_paragraph()
                paragraph.add_run("☒ " if done else "☐ ")
                paragraph.add_run(clean(text)).bold = True
                if detail:
                    paragraph.add_run(clean(f" – {detail}"))
        elif isinstance(block, Table):
            _table(word, block)
    out = BytesIO()
    word.save(out)
    return out.getvalue()


def _page(word: Any) -> None:
    for section in word.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(22), Mm(20)
        section.left_margin, section.right_margin = Mm(20), Mm(18)


def _german(word: Any) -> None:
    """German for every style, so Word checks spelling and hyphenates in German."""
    for style in word.styles:
        element = getattr(style, "element", None)
        if element is None or style.type not in (1, 2):  # paragraph and character styles
            continue
        rpr = element.get_or_add_rPr()
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "de-DE")
    for level in (1, 2):
        word.styles[f"Heading {level}"].font.color.rgb = BLUE
    word.styles["Normal"].font.size = Pt(10)


def _field(paragraph: Any, code: str) -> None:
    """A field (PAGE, NUMPAGES) that the word processor fills in."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == code:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {code} "
            run._r.append(instr)
        else:
            value = OxmlElement("w:t")
            value.text = text
            run._r.append(value)


def _header_footer(word: Any, document: Document, stand: str) -> None:
    section = word.sections[0]
    header = section.header.paragraphs[0]
    header.text = clean(f"{document.alliance}\tStand {stand}")
    footer = section.footer.paragraphs[0]
    footer.add_run(clean(f"Werkzeugbox {document.code} · {document.title} · Seite "))
    _field(footer, "PAGE")
    footer.add_run(" von ")
    _field(footer, "NUMPAGES")
    for paragraph in (header, footer):
        for run in paragraph.runs:
            run.font.size = Pt(8)


def _table(word: Any, block: Table) -> None:
    if not block.rows and not block.blank_rows:
        word.add_paragraph().add_run(clean(block.empty)).italic = True
        return
    word.add_paragraph().add_run(clean(block.caption)).font.size = Pt(8.5)
    table = word.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    head = table.rows[0]
    _repeat_header(head)
    for cell, text in zip(head.cells, block.headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(clean(text)).bold = True
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = clean(text)
    for _ in range(block.blank_rows):
        table.add_row().height = Mm(8)
    if block.widths:
        usable = 172  # mm between the margins
        for column, share in zip(table.columns, block.widths, strict=True):
            for cell in column.cells:
                cell.width = Mm(usable * share / 100)


def _repeat_header(row: Any) -> None:
    """Marks the header row to repeat on each page (and as the table's header for assistive tools)."""
    trpr = row._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    trpr.append(mark)
