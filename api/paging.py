"""Cursor paging with a maximum page size: no list answers unbounded."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from api.problems import Problem
from api.text_fields import ecma

# An offset: the schema says which strings the server takes (ASCII digits only; empty: from the start).
# Checked by `offset` (a 400 problem, as API.md has it), not by the framework (a 422).
OFFSET = "^[0-9]{0,9}$"
Cursor = Annotated[str | None, Query(max_length=200, json_schema_extra={"pattern": OFFSET},
                                     description="`next` der vorigen Seite")]
MAX_PAGE = 500
_OFFSET = ecma(OFFSET)


def offset(cursor: str | None) -> int:
    """An offset cursor (lists computed whole from one alliance's aggregates)."""
    if not cursor:
        return 0
    if not _OFFSET.search(cursor):
        raise Problem(400, "Der Cursor ist ungültig; bitte die Liste von vorn laden.", code="bad_cursor")
    return int(cursor)


def page(items: list[Any], cursor: str | None, limit: int) -> dict[str, Any]:
    """One page of a list and the cursor of the next (null on the last page)."""
    start = offset(cursor)
    end = start + limit
    return {"items": items[start:end], "next": str(end) if end < len(items) else None}
