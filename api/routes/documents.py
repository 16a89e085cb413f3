"""The Werkzeugbox of an alliance as PDF and DOCX, as of any date (`?stand=`).

Documents name organisations and (for the coordinators) people: the Servicebüro and the
alliance's Koordination may fetch them, a partner may not (api/visibility.py).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.access import DocumentsDep
from api.auth import Principal
from api.context import Context, context
from api.downloads import file_response, page_download, split_name
from api.downloads import stand as parse_stand
from api.visibility import document_names_persons, documents_allowed
from documents.catalogue import FORMATS, make, tool
from documents.source import load_source
from documents.to_docx import docx
from documents.to_pdf import pdf

router = APIRouter(prefix="/api/v1", tags=["Werkzeugbox"])
pages = APIRouter(include_in_schema=False)
Stand = Annotated[str | None, Query(max_length=64, description="Datum (TT.MM.JJJJ oder JJJJ-MM-TT) oder Zeitpunkt")]


def document(ctx: Context, principal: Principal, alliance_id: UUID, name: str, as_of_text: str | None) -> Response:
    documents_allowed(principal, alliance_id)
    code, fmt = split_name(name, FORMATS)
    tool(code)  # an unknown code is a 404 before any work
    now = ctx.clock()
    source = load_source(ctx.application, alliance_id, as_of=parse_stand(as_of_text), now=now,
                         show_persons=document_names_persons(principal))
    filled = make(code, source)
    content = pdf(filled) if fmt == "pdf" else docx(filled, now)
    return file_response(content, fmt, filled.filename)


@router.get("/alliances/{alliance_id}/documents/{name}", summary="Dokument der Werkzeugbox (PDF oder DOCX)",
            response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def get_document(request: Request, c: DocumentsDep, alliance_id: UUID, name: str, stand: Stand = None) -> Response:
    """`name` is a code with its format, e.g. `AM5.pdf` or `AM14.docx`; runs in the thread pool
    (laying out a PDF takes a fraction of a second)."""
    return document(context(request), c.principal, alliance_id, name, stand)


@pages.get("/alliances/{alliance_id}/werkzeugbox/{name}")
def page_document(request: Request, alliance_id: UUID, name: str, stand: Stand = None) -> Response:
    return page_download(request, lambda who: document(context(request), who, alliance_id, name, stand))
