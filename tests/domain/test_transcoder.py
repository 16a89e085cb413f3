"""The orjson transcoder round-trips every value type the events use."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from domain import transcoder
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


def test_ids_read_again_are_the_same_values_and_the_memory_of_them_stays_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a transcoder that remembers at most 3 decoded ids
    monkeypatch.setattr(transcoder, "_UUIDS", {})
    monkeypatch.setattr(transcoder, "_UUIDS_KEPT", 3)
    t = OrjsonTranscoder()
    ids = [uuid4() for _ in range(5)]
    # When the same ids are read twice, in several events
    first = [t.decode(t.encode({"id": i, "ids": [i]})) for i in ids]
    again = [t.decode(t.encode({"id": i})) for i in ids]
    # Then they equal what was written, and no more than 3 are remembered
    assert [e["id"] for e in first] == ids == [e["ids"][0] for e in first] == [e["id"] for e in again]
    assert len(transcoder._UUIDS) <= 3


def test_an_id_written_in_another_form_is_still_read_with_uuids_own_checks() -> None:
    u = uuid4()
    t = OrjsonTranscoder()
    for text in (str(u), u.hex.upper()):
        assert t.decode(b'{"id": {"_type_": "uuid_hex", "_data_": "%s"}}' % text.encode())["id"] == u
    with pytest.raises(ValueError):
        t.decode(b'{"id": {"_type_": "uuid_hex", "_data_": "not-an-id"}}')
