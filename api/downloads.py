"""What the download routes share: the file answer, the "Stand" of a document, and signing in
for the page links (the sign-in cookie) with German error pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from fastapi import Request, Response

from api.auth import Principal
from api.problems import Problem
from api.routes.pages import error_page, signed_in
from domain.dates import BERLIN, check_moment, parse_german_date
from domain.errors import DomainError, InvalidInput

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def file_response(content: bytes, fmt: str, filename: str) -> Response:
    """The file as a download; `filename` is ASCII (the builders make it so)."""
    return Response(content, media_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{filename}.{fmt}"',
        "Cache-Control": "private, no-store",  # documents name organisations and people
        "X-Content-Type-Options": "nosniff",
    })


def split_name(name: str, formats: tuple[str, ...]) -> tuple[str, str]:
    """`AM5.pdf` → (`AM5`, `pdf`); an unknown format is a 404 in German."""
    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt.lower() not in formats:
        raise Problem(404, f"Dieses Format gibt es hier nicht; angeboten werden {' und '.join(formats)}.",
                      code="not_found")
    return stem, fmt.lower()


def stand(text: str | None) -> datetime | None:
    """`?stand=`: a day (TT.MM.JJJJ or JJJJ-MM-TT, its end in Germany) or a moment with zone; empty: now."""
    if text is None or not text.strip():
        return None
    raw = text.strip()
    if "T" in raw:
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            raise InvalidInput("Der Stand ist kein gültiger Zeitpunkt (z. B. 2026-03-01T12:00:00+01:00).") from None
        return check_moment(moment, "Der Stand")
    day = parse_german_date(raw, "Der Stand")
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=BERLIN) - timedelta(microseconds=1)


def page_download(request: Request, make: Callable[[Principal], Response]) -> Response:
    """A download linked from a page: signed in as the pages are (the session cookie, or a bearer
    token; a refused one goes to the sign-in page with a notice code); refusals as German pages."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    try:
        return make(who)
    except Problem as p:
        return error_page(request, p.status, p.detail, who)
    except DomainError as e:
        return error_page(request, 404 if e.code == "not_found" else 422, e.message, who)
