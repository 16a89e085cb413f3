"""The accepted calendar: strict text forms, years 1990–2100, German words, Berlin time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dates import (
    EARLIEST,
    LATEST,
    CalendarError,
    end_of_day,
    german_date,
    german_moment,
    parse_as_of,
    parse_german_date,
    parse_iso_date,
    parse_moment,
)

INSIDE = st.dates(min_value=EARLIEST, max_value=LATEST)
OUTSIDE = st.dates(max_value=EARLIEST - timedelta(days=1)) | st.dates(min_value=LATEST + timedelta(days=1))
NOT_TEXT = st.integers() | st.floats() | st.booleans() | st.none() | st.lists(st.integers(), max_size=2)
MINUTES = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59)
ZONES = st.builds(timezone, MINUTES.map(lambda m: timedelta(minutes=m)))


@given(INSIDE)
def test_every_date_of_the_calendar_reads_back_from_its_iso_and_its_german_form(day: date) -> None:
    assert parse_iso_date(day.isoformat()) == day
    assert parse_german_date(german_date(day)) == day
    assert parse_german_date(day.isoformat()) == day


@given(OUTSIDE)
def test_dates_before_1990_or_after_2100_are_refused_as_out_of_range(day: date) -> None:
    for parse in (parse_iso_date, parse_german_date, parse_as_of):
        with pytest.raises(CalendarError) as refused:
            parse(day.isoformat())
        assert refused.value.reason == "range" and "1990" in refused.value.message


@given(NOT_TEXT)
def test_numbers_and_other_non_text_are_never_taken_for_a_date(value: object) -> None:
    for parse in (parse_iso_date, parse_moment, parse_as_of):
        with pytest.raises(CalendarError) as refused:
            parse(value)
        assert refused.value.reason == "type"


@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_german_refusal_never_another_error(text: str) -> None:
    for parse in (parse_iso_date, parse_moment, parse_as_of, parse_german_date):
        try:
            parse(text)
        except CalendarError as e:
            assert e.reason in {"format", "zone", "range"} and e.message


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=ZONES))
def test_a_moment_with_zone_is_taken_exactly_when_it_falls_in_the_years_in_utc(moment: datetime) -> None:
    text = moment.isoformat()
    inside = 1990 <= moment.astimezone(UTC).year <= 2100
    try:
        assert parse_moment(text) == moment and parse_as_of(text) == moment and inside
    except CalendarError as e:
        assert e.reason == "range" and not inside


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-03-01T12:00:00", "zone"),
        ("0001-01-01T00:00:00+01:00", "range"),
        ("9999-12-31T23:59:59+00:00", "range"),
        ("2100-12-31T23:30:00-05:00", "range"),
        ("1990-01-01T00:30:00+01:00", "range"),
        ("20260301", "format"),
        ("2026-W09-1", "format"),
        ("2026-03-01T12:00:00 01:00", "format"),
        ("２０２６-03-01", "format"),
        ("", "format"),
    ],
)
def test_moments_need_a_zone_the_extended_iso_form_and_the_accepted_years(text: str, reason: str) -> None:
    with pytest.raises(CalendarError) as refused:
        parse_as_of(text)
    assert refused.value.reason == reason


@pytest.mark.parametrize("text", ["1.3.2026", "01.03.2026", " 01.03.2026 ", "01,03,2026", "2026-03-01"])
def test_people_may_type_a_date_the_german_way_or_as_iso(text: str) -> None:
    assert parse_german_date(text) == date(2026, 3, 1)


@pytest.mark.parametrize("text", ["03/01/2026", "1.3.26", "31.02.2026", "+1.3.2026", "١.٣.٢٠٢٦", "01.03.2026x"])
def test_other_ways_of_writing_a_date_are_refused_in_german(text: str) -> None:
    with pytest.raises(CalendarError, match=r"TT\.MM\.JJJJ"):
        parse_german_date(text)


def test_a_day_as_of_means_its_end_in_germany_in_winter_and_in_summer() -> None:
    assert end_of_day(date(2026, 1, 15)).astimezone(UTC) == datetime(2026, 1, 15, 22, 59, 59, 999999, UTC)
    assert end_of_day(date(2026, 7, 15)).astimezone(UTC) == datetime(2026, 7, 15, 21, 59, 59, 999999, UTC)
    assert parse_as_of("2026-07-15") == end_of_day(date(2026, 7, 15))


def test_people_read_moments_in_berlin_time() -> None:
    assert german_moment(datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == "01.07.2026, 00:30 Uhr"
    assert german_moment(datetime(2026, 1, 15, 7, 0, tzinfo=UTC)) == "15.01.2026, 08:00 Uhr"
    assert german_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01.01.2027"
