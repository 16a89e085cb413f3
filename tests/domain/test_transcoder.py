"""The orjson transcoder round-trips every value type the events use."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.records import Meeting
from domain.transcoder import OrjsonTranscoder
from domain.values import MeetingKind, Sector


def test_dates_timestamps_uuids_decimals_enums_and_records_round_trip() -> None:
    t = OrjsonTranscoder((Sector, MeetingKind, Meeting))
    value = {
        "on": date(2026, 3, 1), "at": datetime(2026, 3, 1, 12, 30, tzinfo=UTC), "id": uuid4(),
        "amount": Decimal("2500.10"), "sector": Sector.KITA, "ids": [uuid4(), uuid4()], "none": None,
        "meeting": Meeting(uuid4(), MeetingKind.PLANNING, date(2026, 4, 1), "Klausur", None, date(2026, 4, 1),
                           (uuid4(),), "Protokoll"),
        "nested": {"flag": True, "n": 3, "x": 1.5, "text": "Bündnis"},
    }
    assert t.decode(t.encode(value)) == value


def test_an_unregistered_enum_is_refused_rather_than_stored_as_a_bare_string() -> None:
    with pytest.raises(TypeError, match="not registered"):
        OrjsonTranscoder().encode({"s": Sector.KITA})


def test_an_unknown_stored_type_is_refused() -> None:
    with pytest.raises(TypeError, match="unknown type"):
        OrjsonTranscoder().decode(b'{"_type_": "Nope", "_data_": 1}')
