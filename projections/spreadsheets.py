"""Tables as files that open right in German Excel and LibreOffice: XLSX and CSV.

XLSX: dates are date cells (TT.MM.JJJJ), amounts numbers with their currency or unit as number
format, a bold frozen header with an autofilter, columns as wide as their content. CSV: semicolon,
decimal comma, TT.MM.JJJJ, UTF-8 with BOM. In both, no stored text can break the file (control
characters are replaced) or run as a formula: a text beginning with =, +, -, @, tab or CR stays
text (XLSX: a string cell marked quote-prefixed; CSV: a leading apostrophe, as OWASP advises).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from domain.dates import berlin, german_date

Table = tuple[list[str], list[list[Any]]]
EXCEL_DATE = "DD.MM.YYYY"
MAX_CELL = 32_767  # Excel's limit of characters in a cell
MAX_WIDTH = 60
# C0 controls except tab, line feed and carriage return; DEL; lone surrogates; U+FFFE/FFFF. XML 1.0
# (XLSX, DOCX) cannot hold them, and openpyxl raises IllegalCharacterError on the C0 ones.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CURRENCIES = {"EUR": "€", "€": "€", "EURO": "€"}


@dataclass(frozen=True)
class Amount:
    """A number with its unit (EUR, Stunden, Plätze): a number cell in the unit's format."""

    value: Decimal
    unit: str | None = None

    @property
    def number_format(self) -> str:
        digits = "#,##0" if self.value == self.value.to_integral_value() else "#,##0.00"
        unit = (self.unit or "").strip()
        if unit.upper() in CURRENCIES:
            return '#,##0.00 "€"'
        label = "".join(ch for ch in clean(unit) if ch not in '"\\')[:20]
        return f'{digits} "{label}"' if label else digits


def clean(value: object) -> str:
    """The text with characters no file may hold replaced by U+FFFD (visible, nothing vanishes)."""
    return _ILLEGAL.sub("\ufffd", str(value))


def neutralised(text: str) -> str:
    """A text no spreadsheet runs as a formula: one that begins like a formula gets an apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "-", clean(title))[:31] or "Tabelle"


# ---- XLSX ----------------------------------------------------------------------------------------

def xlsx_bytes(sheets: dict[str, Table]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (headers, rows) in sheets.items():
        sheet = workbook.create_sheet(sheet_title(title))
        widths = [len(h) for h in headers]
        sheet.append([clean(h) for h in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E6EEF6")
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                shown = _xlsx_cell(sheet.cell(row=r, column=c), value)
                if c <= len(widths):
                    widths[c - 1] = max(widths[c - 1], min(shown, MAX_WIDTH))
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = min(width, MAX_WIDTH) + 3
        sheet.freeze_panes = "A2"
        if headers:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(cell: Any, value: Any) -> int:
    """Writes one value typed; answers its shown width in characters."""
    if value is None or value == "":
        return 0
    if isinstance(value, datetime):
        value = berlin(value).date()
    if isinstance(value, date):
        cell.value, cell.number_format = value, EXCEL_DATE
        return 10
    if isinstance(value, Amount):
        cell.value, cell.number_format = value.value, value.number_format
        return len(f"{value.value:,.2f}") + len(value.unit or "") + 1
    if isinstance(value, bool):
        cell.value = "ja" if value else "nein"
        return 4
    if isinstance(value, int | float | Decimal):
        cell.value = value
        return len(str(value))
    text = clean(value)
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # text, never a formula
        cell.quotePrefix = True  # and stays text when someone edits the cell
    return max((len(line) for line in text.splitlines()), default=0)


# ---- CSV -----------------------------------------------------------------------------------------

def csv_bytes(table: Table) -> bytes:
    """Semicolon-separated, decimal comma, TT.MM.JJJJ, UTF-8 with BOM (German Excel opens it as is)."""
    headers, rows = table
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised(clean(h)) for h in headers])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return german_date(value)
    if isinstance(value, Amount):
        value = value.value
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, Decimal | float):
        return _decimal_comma(value)
    if isinstance(value, int):
        return str(value)
    return neutralised(clean(value))


def _decimal_comma(value: Decimal | float) -> str:
    number = Decimal(str(value))
    text = f"{number:f}" if number != number.to_integral_value() else f"{number.to_integral_value():f}"
    return text.replace(".", ",")


def sections_table(sheets: dict[str, Table]) -> Table:
    """Several sheets as one CSV table: each row led by its section, the section's header first."""
    width = max((len(h) for h, _ in sheets.values()), default=0)
    rows: list[list[Any]] = []
    for section, (headers, body) in sheets.items():
        rows.append([section, *headers, *[""] * (width - len(headers))])
        rows += [[section, *row, *[""] * (width - len(row))] for row in body]
    return ["Abschnitt", *[f"Spalte {i}" for i in range(1, width + 1)]], rows
