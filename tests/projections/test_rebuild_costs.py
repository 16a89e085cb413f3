"""What a rebuild spares itself, with read models still equal to the live ones: bookkeeping events
are not decoded, each key of the key ring is read once per batch, and a generation being built does
not wait for the disk at each commit (made durable before the swap)."""

from __future__ import annotations

import gc
from collections import Counter
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic

from domain.application import AllianceApplication
from domain.personal_data import KeyRing
from projections.alliance_events import Seen
from projections.engine import BOOKKEEPING, Projector
from projections.errors import ProjectionHalted
from projections.rebuild import rebuild_many
from projections.registry import build_projection, projection_class
from projections.store import Db, ProjectionStore
from projections.timeline import TimelineProjection
from tests.builders import BY, alliance_in_step
from tests.projections.conftest import snapshot
from workers.demo import SimClock

READ_MODELS = ["overview", "detail", "timeline", "inbox"]


class CountingKeyRing:
    """The application's key ring, counting the lookups of each key."""

    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring
        self.gets: Counter[UUID] = Counter()

    def create(self, person_id: UUID) -> str:
        return self.ring.create(person_id)

    def get(self, person_id: UUID) -> str | None:
        self.gets[person_id] += 1
        return self.ring.get(person_id)

    def destroy(self, person_id: UUID) -> bool:
        return self.ring.destroy(person_id)


class CountingMapper:
    """The application's mapper, remembering the topic of every notification it decodes."""

    def __init__(self, mapper: Any) -> None:
        self.mapper = mapper
        self.topics: Counter[str] = Counter()

    def to_domain_event(self, stored: Any) -> Any:
        self.topics[stored.topic] += 1
        return self.mapper.to_domain_event(stored)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.mapper, name)


def test_a_rebuild_decodes_no_bookkeeping_and_reads_each_key_once_per_batch(
    app: AllianceApplication, store: ProjectionStore, clock: SimClock
) -> None:
    # Given commands with command ids (each leaves a command record) and free texts sealed with the
    # alliance's key: conversation notes and progress reports
    g = alliance_in_step(app, 5)
    for i in range(3):
        app.record_contact(g.alliance_id, actor_id=g.actors[0], on=clock.now.date(), outcome="interested",
                           notes=f"Gespräch {i} mit Frau Beispiel", by=BY, command_id=f"contact-{i}")
    cid = app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Ferienbetreuung",
                                kind="personal", amount=None, unit=None, due_on=None, by=BY, command_id="pledge")
    app.confirm_commitment(g.alliance_id, cid, by=BY)
    for percent in (20, 50):
        app.report_progress(g.alliance_id, cid, on=clock.now.date(), text=f"{percent} % geschafft",
                            percent=percent, by=BY, command_id=f"progress-{percent}")
    bookkeeping = {get_topic(cls) for cls in BOOKKEEPING}
    assert any(n.topic in bookkeeping for n in app.recorder.select_notifications(start=1, limit=10_000))
    # And the read models projected live, one event per transaction
    for name in READ_MODELS:
        projector = Projector(app, store, build_projection(name, app), batch_size=1)
        projector.catch_up()
        projector.close()
    live = {n: snapshot(store, n) for n in READ_MODELS}
    assert any("20 % geschafft" in str(row) for row in live["detail"]["commitment_docs"])  # revealed
    # When all four are rebuilt in one batch, decoding and key lookups counted
    ring, mapper = CountingKeyRing(app.key_ring), CountingMapper(app.mapper)
    app.key_ring, app.mapper = ring, mapper  # type: ignore[assignment]
    rebuild_many(app, store, [build_projection(n, app) for n in READ_MODELS], batch_size=5000)
    # Then no bookkeeping event was decoded, each key was read at most once per read model that
    # reveals texts (timeline, detail), and the read models equal the live ones
    assert not set(mapper.topics) & bookkeeping
    assert ring.gets and max(ring.gets.values()) <= 2, ring.gets
    for name in READ_MODELS:
        assert snapshot(store, name) == live[name], name


def test_a_generation_being_built_does_not_wait_for_the_disk(store: ProjectionStore) -> None:
    # Given the timeline's next generation opened for a rebuild, and the current one as the live
    # projector opens it
    schema = projection_class("timeline").schema
    current = store.current("timeline")
    building = store.open("timeline", current + 1, schema, building=True)
    live = store.open("timeline", current, schema)
    statement = "SHOW synchronous_commit" if store.postgres else "PRAGMA synchronous"
    try:
        # When each writes a transaction
        with building.write() as db:
            built_with = str(next(iter((db.one(statement) or {}).values()))).lower()
        with live.write() as db:
            live_with = str(next(iter((db.one(statement) or {}).values()))).lower()
    finally:
        building.close()
        live.close()
        store.drop("timeline", current + 1, schema)
    # Then only the generation being built commits without waiting for the disk
    assert built_with in ("off", "0")
    assert live_with not in ("off", "0")


class WatchingTimeline(TimelineProjection):
    """The timeline, noting at each event whether the collector is on."""

    def __init__(self, application: Any) -> None:
        super().__init__(application)
        self.collector_on: list[bool] = []

    def see(self, seen: Seen, db: Db) -> None:
        self.collector_on.append(gc.isenabled())
        super().see(seen, db)


def test_a_rebuild_collects_garbage_once_per_batch_and_leaves_the_collector_as_it_was(
    app: AllianceApplication, store: ProjectionStore
) -> None:
    # Given an alliance with a history of some dozens of events, and the collector on
    alliance_in_step(app, 5)
    events = app.recorder.max_notification_id() or 0
    assert events > 20
    collections: list[tuple[int, bool]] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append((info["generation"], gc.isenabled()))

    gc.enable()
    gc.callbacks.append(seen)
    timeline = WatchingTimeline(app)
    try:
        # When the timeline is rebuilt in batches of 10 events
        rebuild_many(app, store, [timeline], batch_size=10)
        running = gc.isenabled()
    finally:
        gc.callbacks.remove(seen)
    # Then the collector was off at every event, the young generations were collected once after
    # each batch (an automatic collection runs only while the collector is on), and it is on again
    assert timeline.collector_on and not any(timeline.collector_on)
    batches = -(-events // 10)
    assert [g for g, on in collections if not on] == [1] * batches, collections
    assert running


class FailingTimeline(TimelineProjection):
    """The timeline, unable to take any event."""

    def see(self, seen: Seen, db: Db) -> None:
        raise RuntimeError("kaputt")


def test_a_rebuild_that_halts_leaves_the_collector_on(app: AllianceApplication, store: ProjectionStore) -> None:
    # Given a history and a read model that halts at its first event, and the collector on
    alliance_in_step(app, 2)
    gc.enable()
    # When it is rebuilt and halts
    with pytest.raises(ProjectionHalted):
        rebuild_many(app, store, [FailingTimeline(app)])
    # Then the collector is on again
    assert gc.isenabled()


def test_sentences_that_quote_no_free_text_decrypt_none(
    app: AllianceApplication, store: ProjectionStore, clock: SimClock
) -> None:
    # Given events whose sentences only say that there is a free text (conversation notes, progress
    # reports), and one whose sentence quotes it (a withdrawal's reason), projected live
    g = alliance_in_step(app, 5)
    app.record_contact(g.alliance_id, actor_id=g.actors[0], on=clock.now.date(), outcome="interested",
                       notes="Gespräch mit Frau Beispiel", by=BY)
    cid = app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Ferienbetreuung",
                                kind="personal", amount=None, unit=None, due_on=None, by=BY)
    app.confirm_commitment(g.alliance_id, cid, by=BY)
    app.report_progress(g.alliance_id, cid, on=clock.now.date(), text="halb geschafft", percent=50, by=BY)
    projector = Projector(app, store, build_projection("timeline", app), batch_size=1)
    projector.catch_up()
    projector.close()
    live = snapshot(store, "timeline")
    ring = CountingKeyRing(app.key_ring)
    app.key_ring = ring  # type: ignore[assignment]
    # When the timeline is rebuilt
    rebuild_many(app, store, [build_projection("timeline", app)])
    # Then no key was looked up for those texts, and the timeline equals the live one
    assert not ring.gets
    assert snapshot(store, "timeline") == live
    # And once a sentence quotes a text, its key is looked up
    app.withdraw_commitment(g.alliance_id, cid, reason="Budget gestrichen", by=BY)
    ring.gets.clear()
    rebuild_many(app, store, [build_projection("timeline", app)])
    assert len(ring.gets) == 1
    assert any("Budget gestrichen" in str(row) for row in snapshot(store, "timeline")["events"])
