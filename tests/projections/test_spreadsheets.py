"""Spreadsheets that open right in German Excel: typed cells, and no stored text can break or run."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from projections.spreadsheets import Amount, csv_bytes, sections_table, xlsx_bytes

ATTACK = '=HYPERLINK("http://evil.invalid";"Klick")'
HEADERS = ["Partner", "Beschreibung", "Betrag", "Fällig am", "Anzahl"]
ROWS = [
    ["Sparkasse Kassel", ATTACK, Amount(Decimal("2500"), "EUR"), date(2026, 7, 1), 3],
    ["Kita\x00 Sonne\x1b", "-5 Plätze, +1 @Team\tja", Amount(Decimal("5.5"), 'Plä"tze'), "", 0],
    ["@Stadt", "\rzeile", "", date(2026, 12, 24), 12],
]


def test_xlsx_keeps_a_partners_formula_as_text_and_types_dates_and_amounts() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes({"Zusagen": (HEADERS, ROWS)})))["Zusagen"]

    attack = sheet["B2"]
    assert attack.value == ATTACK and attack.data_type == "s" and attack.quotePrefix
    assert sheet["A4"].data_type == "s" and sheet["A4"].quotePrefix  # "@Stadt"
    assert sheet["A3"].value == "Kita\ufffd Sonne\ufffd"  # control characters cannot break the file
    assert sheet["C2"].value == 2500 and sheet["C2"].number_format == '#,##0.00 "€"'
    assert sheet["C3"].value == 5.5 and sheet["C3"].number_format == '#,##0.00 "Plätze"'
    assert sheet["D2"].value == datetime(2026, 7, 1) and sheet["D2"].number_format == "DD.MM.YYYY"
    assert sheet["E2"].value == 3
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E4"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["E"].width


def test_csv_is_for_german_excel_and_neutralises_formulas() -> None:
    raw = csv_bytes((HEADERS, ROWS))

    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == HEADERS
    assert rows[1] == ["Sparkasse Kassel", "'" + ATTACK, "2500", "01.07.2026", "3"]
    assert rows[2] == ["Kita\ufffd Sonne\ufffd", "'-5 Plätze, +1 @Team\tja", "5,5", "", "0"]
    assert rows[3][:2] == ["'@Stadt", "'\rzeile"]


def test_several_sheets_become_one_csv_led_by_their_section() -> None:
    headers, rows = sections_table({"A": (["x", "y"], [[1, 2]]), "B": (["z"], [[3]])})

    assert headers[0] == "Abschnitt" and rows == [["A", "x", "y"], ["A", 1, 2], ["B", "z", ""], ["B", 3, ""]]
