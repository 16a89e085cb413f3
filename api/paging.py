"""Cursor paging with a maximum page size: no list answers unbounded."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from api.problems import Problem

Cursor = Annotated[str | None, Query(max_length=200, description="`next` der vorigen Seite")]
MAX_PAGE = 500


def offset(cursor: str | None) -> int:
    """An offset cursor (lists computed whole from one alliance's aggregates)."""
    if not cursor:
        return 0
    if not cursor.isdigit() or len(cursor) > 9:
        raise Problem(400, "Der Cursor ist ungültig; bitte die Liste von vorn laden.", code="bad_cursor")
    return int(cursor)


def page(items: list[Any], cursor: str | None, limit: int) -> dict[str, Any]:
    """One page of a list and the cursor of the next (null on the last page)."""
    start = offset(cursor)
    end = start + limit
    return {"items": items[start:end], "next": str(end) if end < len(items) else None}
