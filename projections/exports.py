"""Exports for the Servicebüro and the coordinators: the overview and the commitments as tables,
and the yearly survey (Bündnisumfrage) pre-filled from what the events already know.

Every code is shown by its German label; dates are people's dates (a moment counts on its day in
Europe/Berlin) and stay `date`s, amounts `Amount`s, so the workbook gets date and number cells
(projections/spreadsheets.py writes the files). `alliance_id` narrows a table to one alliance
(a coordinator's own).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.dates import berlin
from domain.values import AllianceStatus, CommitmentKind, CommitmentStatus, Dimension, LegalForm, MeetingKind, Sector
from projections.queries import Queries
from projections.spreadsheets import Amount, Table, csv_bytes, sections_table, xlsx_bytes

STATUS_LABELS = {s.value: s.label for s in AllianceStatus}
KIND_LABELS = {k.value: k.label for k in CommitmentKind}
COMMITMENT_STATUS_LABELS = {s.value: s.label for s in CommitmentStatus}
LEGAL_FORM_LABELS = {f.value: f.label for f in LegalForm}


def _day(text: str | None) -> date | str:
    """A stored date (JJJJ-MM-TT) as a date; empty when there is none."""
    return date.fromisoformat(text) if text else ""


def _berlin_day(text: str | None) -> date | str:
    """A stored moment (UTC) as the day it was in Germany; empty when there is none."""
    return berlin(datetime.fromisoformat(text)).date() if text else ""


def _amount(text: str | None, unit: str | None) -> Amount | str:
    try:
        return Amount(Decimal(text), unit) if text else ""
    except InvalidOperation:
        return text or ""


def overview_table(queries: Queries, alliance_id: UUID | None = None) -> Table:
    headers = [
        "Bündnis", "Kommune", "Bundesland", "Schritt", "Status", "Akteure", "Bündnisteam",
        "Gegründet am", "Letzte Aktivität", "Offene Kriterien", "ID",
    ]
    rows, cursor = [], None
    while True:
        items, cursor = queries.list_alliances(after=cursor, limit=500)
        rows += [
            [
                i["name"], i["municipality"], i["state"], i["step"], STATUS_LABELS.get(i["status"], i["status"]),
                i["actors"], i["team"], _day(i["founded_on"]), _berlin_day(i["last_activity_at"]),
                "; ".join(i["unmet"]), i["id"],
            ]
            for i in items
            if alliance_id is None or i["id"] == str(alliance_id)
        ]
        if cursor is None:
            return headers, rows


def commitments_table(queries: Queries, alliance_id: UUID | None = None) -> Table:
    headers = [
        "Bündnis", "Partner", "Beschreibung", "Art", "Betrag", "Einheit", "Fällig am", "Status",
        "Erfüllt (Anzahl)", "Zugesagt am", "ID",
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
    return headers, [
        [
            r["alliance"], r["partner"], r["description"], KIND_LABELS.get(r["kind"], r["kind"]),
            _amount(r["amount"], r["unit"]), r["unit"] or "", _day(r["due_on"]),
            COMMITMENT_STATUS_LABELS.get(r["status"], r["status"]), r["fulfilments"],
            _berlin_day(r["pledged_at"]), r["commitment_id"],
        ]
        for r in found
    ]


def survey_sheets(queries: Queries, alliance_id: UUID) -> dict[str, Table]:
    """The Bündnisumfrage of one alliance, section by section, with its six-dimension self-assessments."""
    detail = queries.alliance(alliance_id)
    key = str(alliance_id)
    with queries.read("overview") as db:
        actors = db.all("SELECT sector, in_team, signed_on FROM {actors} WHERE alliance_id = ?", (key,))
        meetings = db.all("SELECT kind, held_on FROM {meetings} WHERE alliance_id = ?", (key,))
        kept = db.all("SELECT fulfilled_on FROM {fulfilments} WHERE alliance_id = ?", (key,))
    sectors = []
    for s in Sector:
        of_sector = [a for a in actors if a["sector"] == s.value]
        if of_sector:
            sectors.append([s.label, len(of_sector), sum(1 for a in of_sector if a["signed_on"]),
                            sum(1 for a in of_sector if a["in_team"])])
    per_year: dict[tuple[int, str], int] = {}
    for m in meetings:
        year_kind = (int(m["held_on"][:4]), m["kind"])
        per_year[year_kind] = per_year.get(year_kind, 0) + 1
    kinds = {k.value: k.label for k in MeetingKind}
    kept_per_year: dict[int, int] = {}
    for f in kept:
        kept_per_year[int(f["fulfilled_on"][:4])] = kept_per_year.get(int(f["fulfilled_on"][:4]), 0) + 1
    statuses: dict[str, int] = {}
    for c in detail["commitments"]:
        statuses[c["status_label"]] = statuses.get(c["status_label"], 0) + 1
    legal_form = detail["legal_form"]
    return {
        "Bündnis": (
            ["Feld", "Wert"],
            [
                ["Name", detail["name"]],
                ["Kommune", detail["municipality"]],
                ["Bundesland", detail["state"]],
                ["Schritt", f"{detail['step']} – {detail['step_title']}"],
                ["Status", STATUS_LABELS.get(detail["status"], detail["status"])],
                ["Rechtsform", LEGAL_FORM_LABELS.get(legal_form, legal_form) if legal_form else ""],
                ["Gegründet am", _day((detail["founding"] or {}).get("on"))],
                ["Beitritt zur Initiative", _day(detail["joined_initiative_on"])],
                ["Arbeitsgruppen", len(detail["working_groups"])],
                ["Arbeitsgruppen mit Sprecher/in", sum(1 for g in detail["working_groups"] if g["speaker"])],
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
            [[p["title"], p["theme"], p["owner"] or "", _day(p["due_on"]), p["status_label"]]
             for p in detail["action_plan"]],
        ),
        "Zusagen eingehalten": (
            ["Jahr", "erfüllte Zusagen"],
            [[y, n] for y, n in sorted(kept_per_year.items())]
            + [[f"heute {label}", n] for label, n in sorted(statuses.items())],
        ),
        "Selbsteinschätzung": (
            ["Datum", *[d.label for d in Dimension], "Durchschnitt"],
            [
                [_day(s["on"]), *[s["scores"].get(d.value) for d in Dimension],
                 round(sum(s["scores"].values()) / len(s["scores"]), 2) if s["scores"] else ""]
                for s in sorted(detail.get("self_assessments") or [], key=lambda s: str(s["on"]))
            ],
        ),
    }


def write_csv(path: Path, table: Table) -> None:
    """Semicolon-separated UTF-8 with BOM and decimal comma, as German spreadsheet programs expect."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(table))


def write_survey_csv(path: Path, sheets: dict[str, Table]) -> None:
    write_csv(path, sections_table(sheets))


def write_xlsx(path: Path, sheets: dict[str, Table]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(xlsx_bytes(sheets))
