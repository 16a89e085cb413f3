"""Exports for the Servicebüro: the overview and the commitments as tables, and the yearly survey.

The survey export (Bündnisumfrage) pre-fills what the events already know of one alliance:
partners by sector, meetings per year, projects of the action plan, commitments kept per year.

Dates are people's dates: a moment (pledged, last active) counts on its day in Europe/Berlin; the
tables hold `date`s, which the CSV writes as TT.MM.JJJJ and the workbook as date cells shown so.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from openpyxl import Workbook

from domain.dates import berlin, german_date
from domain.values import CommitmentStatus, MeetingKind, Sector
from projections.queries import Queries

Table = tuple[list[str], list[list[Any]]]
STATUS_LABELS = {"active": "aktiv", "dormant": "ruhend", "dissolved": "aufgelöst"}
EXCEL_DATE = "DD.MM.YYYY"


def _day(text: str | None) -> date | str:
    """A stored date (JJJJ-MM-TT) as a date; empty when there is none."""
    return date.fromisoformat(text) if text else ""


def _berlin_day(text: str | None) -> date | str:
    """A stored moment (UTC) as the day it was in Germany; empty when there is none."""
    return berlin(datetime.fromisoformat(text)).date() if text else ""


def overview_table(queries: Queries) -> Table:
    headers = [
        "Bündnis",
        "Kommune",
        "Bundesland",
        "Schritt",
        "Status",
        "Akteure",
        "Bündnisteam",
        "Gegründet am",
        "Letzte Aktivität",
        "Offene Kriterien",
        "ID",
    ]
    rows, cursor = [], None
    while True:
        items, cursor = queries.list_alliances(after=cursor, limit=500)
        rows += [
            [
                i["name"],
                i["municipality"],
                i["state"],
                i["step"],
                STATUS_LABELS[i["status"]],
                i["actors"],
                i["team"],
                _day(i["founded_on"]),
                _berlin_day(i["last_activity_at"]),
                "; ".join(i["unmet"]),
                i["id"],
            ]
            for i in items
        ]
        if cursor is None:
            return headers, rows


def commitments_table(queries: Queries, alliance_id: UUID | None = None) -> Table:
    headers = [
        "Bündnis",
        "Partner",
        "Beschreibung",
        "Art",
        "Betrag",
        "Einheit",
        "Fällig am",
        "Status",
        "Erfüllt (Anzahl)",
        "Zugesagt am",
        "ID",
    ]
    sql = (
        "SELECT c.*, a.name AS alliance FROM {commitments} c JOIN {alliances} a "
        "ON a.alliance_id = c.alliance_id"
    )
    params: list[Any] = []
    if alliance_id is not None:
        sql, params = sql + " WHERE c.alliance_id = ?", [str(alliance_id)]
    with queries.read("overview") as db:
        found = db.all(sql + " ORDER BY a.name, c.pledged_at", params)
    labels = {s.value: s.label for s in CommitmentStatus}
    return headers, [
        [
            r["alliance"],
            r["partner"],
            r["description"],
            r["kind"],
            r["amount"] or "",
            r["unit"] or "",
            _day(r["due_on"]),
            labels.get(r["status"], r["status"]),
            r["fulfilments"],
            _berlin_day(r["pledged_at"]),
            r["commitment_id"],
        ]
        for r in found
    ]


def survey_sheets(queries: Queries, alliance_id: UUID) -> dict[str, Table]:
    """The Bündnisumfrage of one alliance, section by section."""
    detail = queries.alliance(alliance_id)
    key = str(alliance_id)
    with queries.read("overview") as db:
        actors = db.all(
            "SELECT sector, in_team, signed_on FROM {actors} WHERE alliance_id = ?", (key,)
        )
        meetings = db.all("SELECT kind, held_on FROM {meetings} WHERE alliance_id = ?", (key,))
        kept = db.all("SELECT fulfilled_on FROM {fulfilments} WHERE alliance_id = ?", (key,))
    sectors = []
    for s in Sector:
        of_sector = [a for a in actors if a["sector"] == s.value]
        if of_sector:
            sectors.append(
                [
                    s.label,
                    len(of_sector),
                    sum(1 for a in of_sector if a["signed_on"]),
                    sum(1 for a in of_sector if a["in_team"]),
                ]
            )
    per_year: dict[tuple[str, str], int] = {}
    for m in meetings:
        per_year[(m["held_on"][:4], m["kind"])] = per_year.get((m["held_on"][:4], m["kind"]), 0) + 1
    kinds = {k.value: k.label for k in MeetingKind}
    kept_per_year: dict[str, int] = {}
    for f in kept:
        kept_per_year[f["fulfilled_on"][:4]] = kept_per_year.get(f["fulfilled_on"][:4], 0) + 1
    statuses: dict[str, int] = {}
    for c in detail["commitments"]:
        statuses[c["status_label"]] = statuses.get(c["status_label"], 0) + 1
    return {
        "Bündnis": (
            ["Feld", "Wert"],
            [
                ["Name", detail["name"]],
                ["Kommune", detail["municipality"]],
                ["Bundesland", detail["state"]],
                ["Schritt", f"{detail['step']} – {detail['step_title']}"],
                ["Rechtsform", detail["legal_form"] or ""],
                ["Gegründet am", _day((detail["founding"] or {}).get("on"))],
                ["Beitritt zur Initiative", _day(detail["joined_initiative_on"])],
                ["Arbeitsgruppen", len(detail["working_groups"])],
                [
                    "Arbeitsgruppen mit Sprecher/in",
                    sum(1 for g in detail["working_groups"] if g["speaker"]),
                ],
                ["Steuerungsgruppe", ", ".join(n or "" for n in detail["steering_group"])],
            ],
        ),
        "Partner nach Akteurstyp": (
            ["Akteurstyp", "Akteure", "davon Deklaration unterzeichnet", "im Bündnisteam"],
            sectors,
        ),
        "Treffen je Jahr": (
            ["Jahr", "Art", "Anzahl"],
            [[y, kinds.get(k, k), n] for (y, k), n in sorted(per_year.items())],
        ),
        "Projekte": (
            ["Projekt", "Thema", "Verantwortlich", "Fällig am", "Status"],
            [
                [p["title"], p["theme"], p["owner"] or "", _day(p["due_on"]), p["status_label"]]
                for p in detail["action_plan"]
            ],
        ),
        "Zusagen eingehalten": (
            ["Jahr", "erfüllte Zusagen"],
            [[y, n] for y, n in sorted(kept_per_year.items())]
            + [[f"heute {label}", n] for label, n in sorted(statuses.items())],
        ),
    }


def write_csv(path: Path, table: Table) -> None:
    """Semicolon-separated UTF-8 with BOM, as German spreadsheet programs expect."""
    headers, rows = table
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(headers)
        writer.writerows([german_date(v) if isinstance(v, date) else v for v in row] for row in rows)


def write_survey_csv(path: Path, sheets: dict[str, Table]) -> None:
    rows = [[section, *row] for section, (_, body) in sheets.items() for row in body]
    write_csv(path, (["Abschnitt", "Feld", "Wert", "", ""], rows))


def write_xlsx(path: Path, sheets: dict[str, Table]) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (headers, rows) in sheets.items():
        sheet = workbook.create_sheet(title[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, date):
                    cell.number_format = EXCEL_DATE
        sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
