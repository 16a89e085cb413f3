"""The calendar the domain accepts: dates and moments between 1990 and 2100, in German words.

Every boundary (HTTP, CLI, policy file, workflow inputs) and every aggregate checks its dates
here, so no stored value can later overflow date arithmetic (a due date of 9999-12-31 plus 30
days) or break a read. People read times in Europe/Berlin; the store keeps UTC.
"""

from __future__ import annotations

import re
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
# The text forms accepted at the boundaries (ASCII digits only: int() would take "٢٠٢٦" or "+1").
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:\d{2})?", re.ASCII)
# A comma too: the decimal key of a German phone keyboard gives "," (the page's field is inputmode=decimal).
GERMAN_DATE = re.compile(r"(\d{1,2})[.,](\d{1,2})[.,](\d{4})", re.ASCII)


class CalendarError(InvalidInput):
    """A date or moment the calendar refuses; `reason` says why: type, format, zone or range."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def check_date(value: date, what: str = "Das Datum") -> date:
    """`value` when it lies in the years the domain accepts, else an InvalidInput in German."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise CalendarError(f"{what} muss ein Datum sein (JJJJ-MM-TT).", "type")
    if not EARLIEST <= value <= LATEST:
        raise CalendarError(
            f"{what} muss zwischen {FIRST_YEAR} und {LAST_YEAR} liegen, nicht {german_date(value)}.", "range"
        )
    return value


def check_optional_date(value: date | None, what: str = "Das Datum") -> date | None:
    return None if value is None else check_date(value, what)


def check_moment(value: datetime, what: str = "Der Zeitpunkt") -> datetime:
    """A moment with a zone, in the accepted years (compared in UTC)."""
    if not isinstance(value, datetime):
        raise CalendarError(f"{what} muss ein Zeitpunkt mit Zeitzone sein.", "type")
    if value.tzinfo is None or value.utcoffset() is None:
        raise CalendarError(f"{what} braucht eine Zeitzone (z. B. 2026-03-01T12:00:00+01:00).", "zone")
    try:
        in_utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        in_utc = None
    if in_utc is None or not FIRST_YEAR <= in_utc.year <= LAST_YEAR:
        raise CalendarError(f"{what} muss zwischen {FIRST_YEAR} und {LAST_YEAR} liegen.", "range")
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
    if d.year >= 1000:  # the same as %d.%m.%Y without strftime (every event's sentence has a date)
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    return f"{d:%d.%m.%Y}"


def german_moment(moment: datetime | None) -> str:
    """TT.MM.JJJJ, HH:MM Uhr in Europe/Berlin."""
    if moment is None:
        return "–"
    return f"{berlin(moment):%d.%m.%Y, %H:%M} Uhr"


def end_of_day(d: date) -> datetime:
    """The last moment of `d` in Germany: what "as of 01.03.2026" means."""
    return datetime.combine(d + timedelta(days=1), datetime.min.time(), tzinfo=BERLIN) - timedelta(microseconds=1)


def parse_iso_date(text: object, what: str = "Das Datum") -> date:
    """JJJJ-MM-TT as a string, in the accepted years; numbers and other forms are refused."""
    if not isinstance(text, str):
        raise CalendarError(
            f"{what} muss ein Datum als Text sein (JJJJ-MM-TT); Zahlen werden nicht angenommen.", "type"
        )
    bad = f"{what} ist kein gültiges Datum (JJJJ-MM-TT, z. B. 2026-03-01)."
    if not ISO_DATE.fullmatch(text):
        raise CalendarError(bad, "format")
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise CalendarError(bad, "format") from None
    return check_date(value, what)


def parse_moment(text: object, what: str = "Der Zeitpunkt") -> datetime:
    """An ISO 8601 timestamp with zone (2026-03-01T12:00:00+01:00 or …Z), in the accepted years."""
    if not isinstance(text, str):
        raise CalendarError(f"{what} muss ein Zeitpunkt als Text sein; Zahlen werden nicht angenommen.", "type")
    bad = f"{what} ist kein gültiger Zeitpunkt (z. B. 2026-03-01T12:00:00+01:00)."
    if not ISO_MOMENT.fullmatch(text):
        raise CalendarError(bad, "format")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CalendarError(bad, "format") from None
    return check_moment(value, what)


def parse_as_of(text: object, what: str = "Der Stichtag") -> datetime:
    """A date (the end of that day in Germany) or a timestamp with zone, for as-of reads."""
    if isinstance(text, str) and ISO_DATE.fullmatch(text):
        return end_of_day(parse_iso_date(text, what))
    try:
        return parse_moment(text, what)
    except CalendarError as e:
        if e.reason in ("type", "format"):
            raise CalendarError(
                f"{what} ist weder ein Datum noch ein Zeitpunkt (2026-03-01 oder 2026-03-01T12:00:00+01:00).",
                e.reason,
            ) from None
        raise


def parse_german_date(text: str, what: str = "Das Datum") -> date:
    """TT.MM.JJJJ (as people type it) or JJJJ-MM-TT (as browsers and APIs send it)."""
    raw = text.strip()
    german = GERMAN_DATE.fullmatch(raw)
    if german is None and not ISO_DATE.fullmatch(raw):
        raise CalendarError(f"{what} ist kein gültiges Datum (TT.MM.JJJJ, z. B. 01.03.2026).", "format")
    try:
        if german is not None:
            day, month, year = (int(g) for g in german.groups())
            value = date(year, month, day)
        else:
            value = date.fromisoformat(raw)
    except ValueError:
        raise CalendarError(f"{what} ist kein gültiges Datum (TT.MM.JJJJ, z. B. 01.03.2026).", "format") from None
    return check_date(value, what)


def parse_start(text: str) -> datetime:
    """`YYYY-MM-DD` (noon UTC) or `YYYY-MM-DDTHH:MM` (UTC): where a started clock begins."""
    raw = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?", raw):
        raise InvalidInput(f"„{text}“ ist kein Startzeitpunkt (JJJJ-MM-TT oder JJJJ-MM-TTTHH:MM, UTC).")
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
