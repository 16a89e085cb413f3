"""Stores written by earlier code still load: every event, every aggregate, every snapshot; and a
command repeated with its old command id is answered from its record, not applied again.

The stores under fixtures/ were written by `tests/storage/record_store.py` with the code of their
day (store_v1: before the commands became data and the alliance was split into parts).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic

from domain.alliance import Alliance
from domain.application import AllianceApplication

FIXTURES = Path(__file__).parent / "fixtures"
STORES = sorted(FIXTURES.glob("*.sqlite"))
END_OF_TIME = datetime(9999, 1, 1, tzinfo=UTC)


@pytest.fixture(params=STORES, ids=[p.stem for p in STORES])
def stored(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[AllianceApplication, Path]]:
    """The application on a copy of a recorded store (the fixture itself is never written)."""
    path = tmp_path / "events.sqlite"
    shutil.copy(request.param, path)
    app = AllianceApplication(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)})
    yield app, request.param
    app.close()


def aggregate_ids(app: AllianceApplication) -> list[UUID]:
    return list(dict.fromkeys(n.originator_id for n in app.recorder.select_notifications(1, 1_000_000)))


def test_every_stored_event_is_read_as_an_event_of_todays_classes(stored: tuple[AllianceApplication, Path]) -> None:
    app, _ = stored
    notifications = app.recorder.select_notifications(1, 1_000_000)

    events = [app.mapper.to_domain_event(n) for n in notifications]

    assert len(events) == len(notifications) > 0
    assert {type(e).__qualname__.split(".")[0] for e in events} == {
        "Alliance", "Commitment", "CommitmentIndex", "CommandRecord"}


def test_todays_code_writes_the_topics_that_are_stored(stored: tuple[AllianceApplication, Path]) -> None:
    """Old and new processes can run side by side only if they name events alike."""
    app, _ = stored
    notifications = app.recorder.select_notifications(1, 1_000_000)

    written = {get_topic(type(app.mapper.to_domain_event(n))) for n in notifications}

    assert written == {n.topic for n in notifications}


def test_every_aggregate_replays_and_its_snapshot_loads_the_same(stored: tuple[AllianceApplication, Path]) -> None:
    app, _ = stored
    assert app.snapshots is not None
    ids = aggregate_ids(app)

    for aggregate_id in ids:
        snapshot = next(iter(app.snapshots.get(aggregate_id, desc=True, limit=1)))
        from_snapshot = app.repository.get(aggregate_id)
        from_events = app.replay(aggregate_id, END_OF_TIME)

        assert from_events is not None
        assert from_snapshot.version == from_events.version == snapshot.originator_version
        assert vars(from_snapshot) == vars(from_events), aggregate_id
    assert sum(isinstance(app.repository.get(i), Alliance) for i in ids) >= 5


def test_a_command_repeated_with_its_old_command_id_is_answered_and_not_applied_again(
    stored: tuple[AllianceApplication, Path],
) -> None:
    app, path = stored
    calls: list[dict[str, Any]] = app.mapper.transcoder.decode(path.with_suffix(".commands.json").read_bytes())
    last = app.recorder.max_notification_id()

    answers = [getattr(app, c["method"])(*c["args"], **c["kwargs"], command_id=c["command_id"]) for c in calls]

    assert answers == [c["result"] for c in calls]
    assert app.recorder.max_notification_id() == last
    assert {c["method"] for c in calls} >= {"register_alliance", "add_contact_person", "erase_contact_person",
                                            "complete_step", "pledge_commitment", "fulfil_commitment"}
