"""Lays a document out as a tagged A4 PDF with WeasyPrint (HTML and CSS, Debian's pango).

PDF/UA-1: a structure tree for screen readers (headings, lists, tables with header cells), the
document language German, and its title in the metadata. German hyphenation (pyphen) in running
text, none in names and table cells; every page carries the alliance, the stand and "Seite n von m".
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from documents.model import Document
from domain.dates import german_date
from projections.spreadsheets import clean

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                   finalize=lambda value: value if isinstance(value, Markup) else clean(value))


def css_string(text: object) -> str:
    """Text for a CSS string in the page margins: every character but letters, digits and spaces
    as a hex escape, so no name can end the string or the style element."""
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch == " ") else f"\\{ord(ch):06x}" for ch in str(text))


_env.filters["css_string"] = css_string


def html(document: Document) -> str:
    css = (TEMPLATES / "print.css").read_text(encoding="utf-8")
    return _env.get_template("document.html.j2").render(d=document, stand=german_date(document.stand), css=Markup(css))


def pdf(document: Document) -> bytes:
    from weasyprint import HTML  # imported on first use: it loads pango and its fonts (~1 s)

    result: bytes = HTML(string=html(document)).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return result
