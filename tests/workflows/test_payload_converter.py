"""The payload converter every workflow run gets: pydantic's, with one TypeAdapter per type."""

from __future__ import annotations

from typing import Any

from workflows.payloads import AllianceView, EventNotice
from workflows.runtime import DATA_CONVERTER


def adapter(converter: Any, hint: Any) -> Any:
    return converter.converters[b"json/plain"]._type_adapter(hint)


def test_workflow_runs_share_one_type_adapter_per_payload_type() -> None:
    # The SDK builds a payload converter per workflow run (started, replayed, continued as new).
    first, second = DATA_CONVERTER.payload_converter_class(), DATA_CONVERTER.payload_converter_class()

    assert adapter(first, EventNotice) is adapter(second, EventNotice)
    assert adapter(first, AllianceView | None) is adapter(second, AllianceView | None)


def test_payloads_still_round_trip_through_validated_dataclasses() -> None:
    converter = DATA_CONVERTER.payload_converter_class()
    notice = EventNotice(position=7, aggregate_id="a-1", event_types=("GoalRecorded",), count=2)

    (payload,) = converter.to_payloads([notice])
    (back,) = converter.from_payloads([payload], [EventNotice])

    assert back == notice
    assert adapter(converter, list[int]) is adapter(converter, list[int])
