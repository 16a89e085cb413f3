"""The calendar the domain accepts: dates and moments between 1990 and 2100, in German words.

Every boundary (HTTP, CLI, policy file, workflow inputs) and every aggregate checks its dates
here, so no stored value can later overflow date arithmetic (a due date of 9999-12-31 plus 30
days) or break a read. People read times in Europe/Berlin; the store keeps UTC.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput

FIRST_YEAR, LAST_YEAR = 1990, 2100
EARLIEST = date(FIRST_YEAR, 1, 1)
LATEST = date(LAST_YEAR, 12, 31)
BERLIN = ZoneInfo("Europe/Berlin")
# Counters and versions cross SQL and Temporal as signed 64-bit integers.
MAX_INT64 = 2**63 - 1


def check_date(value: date, what: str = "Das Datum") -> date:
    """`value` when it lies in the years the domain accepts, else an InvalidInput in German."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(f"{what} muss ein Datum sein (JJJJ-MM-TT).")
    if not EARLIEST <= value <= LATEST:
        raise InvalidInput(f"{what} muss zwischen {FIRST_YEAR} und {LAST_YEAR} liegen, nicht {value.isoformat()}.")
    return value


def check_optional_date(value: date | None, what: str = "Das Datum") -> date | None:
    return None if value is None else check_date(value, what)


def check_moment(value: datetime, what: str = "Der Zeitpunkt") -> datetime:
    """A moment with a zone, in the accepted years (compared in UTC)."""
    if not isinstance(value, datetime):
        raise InvalidInput(f"{what} muss ein Zeitpunkt mit Zeitzone sein.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{what} braucht eine Zeitzone (z. B. 2026-03-01T12:00:00+01:00).")
    try:
        in_utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidInput(f"{what} liegt außerhalb der Jahre {FIRST_YEAR} bis {LAST_YEAR}.") from None
    if not FIRST_YEAR <= in_utc.year <= LAST_YEAR:
        raise InvalidInput(f"{what} muss zwischen {FIRST_YEAR} und {LAST_YEAR} liegen.")
    return value


def check_int64(value: int, what: str = "Die Zahl") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INT64:
        raise InvalidInput(f"{what} muss eine ganze Zahl zwischen 0 und {MAX_INT64} sein.")
    return value


DATE_LABELS = {
    "on": "Das Datum",
    "follow_up_on": "Das Nachfassdatum",
    "due_on": "Das Fälligkeitsdatum",
    "held_on": "Das Datum des Treffens",
    "joined_on": "Das Beitrittsdatum",
}


def check_dates(fields: dict[str, object]) -> None:
    """Every date among an event's fields lies in the accepted years (one guard for all commands)."""
    for name, value in fields.items():
        if isinstance(value, date) and not isinstance(value, datetime):
            check_date(value, DATE_LABELS.get(name, f"Das Datum „{name}“"))


def not_before(at: datetime | None, last: datetime | None) -> datetime:
    """The moment to stamp an event with: `at` (now when None), but never before the aggregate's
    last event, so the events of one aggregate are ordered in time as in position."""
    moment = at or datetime.now(UTC)
    return moment if last is None or moment >= last else last


def add_days(d: date, days: int) -> date | None:
    """`d` plus `days`, or None when that leaves the calendar (old stored values stay readable)."""
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return None


def berlin(moment: datetime) -> datetime:
    """The moment in Europe/Berlin (a naive moment is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BERLIN)


def german_date(d: date | datetime | None) -> str:
    """TT.MM.JJJJ; a moment is shown on its Berlin day."""
    if d is None:
        return "–"
    if isinstance(d, datetime):
        d = berlin(d)
    return f"{d:%d.%m.%Y}"


def german_moment(moment: datetime | None) -> str:
    """TT.MM.JJJJ, HH:MM Uhr in Europe/Berlin."""
    if moment is None:
        return "–"
    return f"{berlin(moment):%d.%m.%Y, %H:%M} Uhr"


def parse_german_date(text: str, what: str = "Das Datum") -> date:
    """TT.MM.JJJJ (as people type it) or JJJJ-MM-TT (as browsers and APIs send it)."""
    raw = text.strip()
    try:
        if "." in raw:
            day, month, year = (int(p) for p in raw.split("."))
            if year < 1000:
                raise ValueError
            value = date(year, month, day)
        else:
            value = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{what} ist kein gültiges Datum (TT.MM.JJJJ, z. B. 01.03.2026).") from None
    return check_date(value, what)


def parse_start(text: str) -> datetime:
    """`YYYY-MM-DD` (noon UTC) or `YYYY-MM-DDTHH:MM` (UTC): where a started clock begins."""
    raw = text.strip()
    try:
        if "T" in raw:
            moment = datetime.fromisoformat(raw)
            moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        else:
            moment = datetime.combine(date.fromisoformat(raw), datetime.min.time().replace(hour=12), tzinfo=UTC)
    except ValueError:
        raise InvalidInput(f"„{text}“ ist kein Startzeitpunkt (JJJJ-MM-TT oder JJJJ-MM-TTTHH:MM, UTC).") from None
    return check_moment(moment, "Der Startzeitpunkt")


class StartedClock:
    """A clock that starts at `start` and runs on with real time (a whole stack 'as if today were')."""

    def __init__(self, start: datetime) -> None:
        self._start, self._began = start, time.monotonic()

    def __call__(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._began)
