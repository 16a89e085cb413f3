"""The accepted calendar (domain/dates.py) as the types of request fields, query parameters and headers.

Every date, moment and version a request carries goes through one of these, so nothing outside
1990–2100 or 64 bits reaches the domain, the store or a read: it is a 422 with a German detail
(api/validation.py words it, naming the field).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from domain.dates import FIRST_YEAR, LAST_YEAR, MAX_INT64, CalendarError, parse_as_of, parse_iso_date

YEARS = f"Jahre {FIRST_YEAR}–{LAST_YEAR}"
# The accepted years as a pattern on the year a date or moment begins with (1990–2100).
YEAR_PATTERN = "^(199[0-9]|20[0-9][0-9]|2100)-"
assert (FIRST_YEAR, LAST_YEAR) == (1990, 2100), "YEAR_PATTERN must follow domain/dates.py"


def _refusing(parse: Callable[[object], Any], kind: str) -> Callable[[object], Any]:
    """`parse` with its CalendarError as a pydantic error `<kind>_<reason>` (type, format, zone, range)."""

    def validate(value: object) -> Any:
        try:
            return parse(value)
        except CalendarError as e:
            raise PydanticCustomError(f"{kind}_{e.reason}", e.message) from None

    return validate


def _as_of_or_none(value: object) -> datetime | None:
    return None if value is None or value == "" else parse_as_of(value)


# A date: the string JJJJ-MM-TT only (no numbers, no timestamps), in the accepted years.
Day = Annotated[
    date,
    PlainValidator(_refusing(parse_iso_date, "date")),
    WithJsonSchema({"type": "string", "format": "date", "pattern": YEAR_PATTERN, "examples": ["2026-03-01"],
                    "description": YEARS}),
]
# A reading date: a date (the end of that day in Germany) or a timestamp with zone; empty = now.
AsOf = Annotated[
    datetime | None,
    PlainValidator(_refusing(_as_of_or_none, "as_of")),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date", "pattern": YEAR_PATTERN},
                {"type": "string", "format": "date-time", "pattern": YEAR_PATTERN},
                {"type": "string", "maxLength": 0, "description": "leer: jetzt"},
            ],
            "examples": ["2026-03-01", "2026-03-01T12:00:00+01:00"],
            "description": f"Datum oder Zeitpunkt mit Zone, {YEARS}",
        }
    ),
]
# Versions and counters cross SQL and Temporal as signed 64-bit integers.
Version = Annotated[int, Field(ge=1, le=MAX_INT64)]
# A moment that must be given (`since`/`until`): a date (the end of that day in Germany) or a timestamp with zone.
Instant = Annotated[
    datetime,
    PlainValidator(_refusing(parse_as_of, "as_of")),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date", "pattern": YEAR_PATTERN},
                {"type": "string", "format": "date-time", "pattern": YEAR_PATTERN},
            ],
            "examples": ["2026-03-01", "2026-03-01T12:00:00+01:00"],
            "description": f"Datum oder Zeitpunkt mit Zone, {YEARS}",
        }
    ),
]
