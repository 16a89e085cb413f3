"""Exports as XLSX and CSV from the API and the pages, scoped by role (api/visibility.py
export_scope): the Servicebüro gets every alliance (or one, with `?alliance=`), a Koordination its
own; partners get none."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.access import ExportsDep
from api.auth import Principal
from api.context import Context, context
from api.downloads import file_response, page_download, split_name
from api.problems import Problem
from api.visibility import export_scope
from domain.dates import berlin
from projections import exports
from projections.spreadsheets import Table, csv_bytes, sections_table, xlsx_bytes

router = APIRouter(prefix="/api/v1", tags=["Exporte"])
pages = APIRouter(include_in_schema=False)
KINDS = {"overview": "Uebersicht", "commitments": "Zusagen", "survey": "Buendnisumfrage"}
FORMATS = ("xlsx", "csv")
AllianceFilter = Annotated[UUID | None, Query(description="nur dieses Bündnis")]


def export(ctx: Context, principal: Principal, name: str, alliance: UUID | None) -> Response:
    alliance_id = export_scope(principal, alliance)  # who may, before what is asked for
    kind, fmt = split_name(name, FORMATS)
    if kind not in KINDS:
        raise Problem(404, f"Den Export „{kind[:40]}“ gibt es nicht; verfügbar sind {', '.join(KINDS)}.",
                      code="not_found")
    queries = ctx.require_queries()
    sheets: dict[str, Table]
    if kind == "survey":
        if alliance_id is None:
            raise Problem(422, "Die Bündnisumfrage wird je Bündnis exportiert: ?alliance=ID angeben.",
                          code="invalid_input")
        sheets = exports.survey_sheets(queries, alliance_id)
    elif kind == "overview":
        sheets = {"Übersicht": exports.overview_table(queries, alliance_id)}
    else:
        sheets = {"Zusagen": exports.commitments_table(queries, alliance_id)}
    if fmt == "xlsx":
        content = xlsx_bytes(sheets)
    else:
        content = csv_bytes(sections_table(sheets) if len(sheets) > 1 else next(iter(sheets.values())))
    today = berlin(ctx.clock()).date().isoformat()
    suffix = f"-{str(alliance_id)[:8]}" if alliance_id else ""
    return file_response(content, fmt, f"{KINDS[kind]}{suffix}-{today}")


@router.get("/exports/{name}", summary="Export als XLSX oder CSV (overview, commitments, survey)",
            response_class=Response)
def get_export(request: Request, c: ExportsDep, name: str, alliance: AllianceFilter = None) -> Response:
    """`name`: `overview.xlsx`, `commitments.csv`, `survey.xlsx` (the Bündnisumfrage, per alliance), …"""
    return export(context(request), c.principal, name, alliance)


@pages.get("/exporte/{name}")
def page_export(request: Request, name: str, alliance: AllianceFilter = None) -> Response:
    return page_download(request, lambda who: export(context(request), who, name, alliance))
