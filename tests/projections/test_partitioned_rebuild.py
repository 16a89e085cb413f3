"""A rebuild split by alliance over two processes writes exactly the rows of a rebuild in one process:
every read model, on an interleaved history of several alliances with commitments, follow-ups and
erased free texts; events saved while the partitions run are projected after them; and an event a
read model cannot take halts the split rebuild at the same event as the one in one process."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from config.settings import Settings
from domain.application import AllianceApplication
from projections.alliance_events import Seen
from projections.errors import ProjectionHalted
from projections.rebuild import Partitions, rebuild_many
from projections.registry import build_projection
from projections.store import Db, ProjectionStore
from projections.timeline import TimelineProjection
from tests.projections.conftest import snapshot
from tests.projections.history import COMMANDS, History
from workers.bootstrap import build_application, build_store
from workers.demo import SimClock

READ_MODELS = ["overview", "detail", "timeline", "inbox"]


class CountingMapper:
    """The application's mapper, counting what it decodes (in this process: not in the partitions)."""

    def __init__(self, mapper: Any) -> None:
        self.mapper = mapper
        self.decoded = 0

    def to_domain_event(self, stored: Any) -> Any:
        self.decoded += 1
        return self.mapper.to_domain_event(stored)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.mapper, name)


def several_alliances(app: AllianceApplication, clock: SimClock) -> History:
    """Six alliances whose commands interleave in the log, one of them with its free texts erased."""
    history = History(app, clock)
    rng = random.Random(12)
    for _ in range(6):
        history.apply(("register", 0, rng.randint(0, 50), 1))
    for i in range(400):
        history.apply((rng.choice(COMMANDS[1:]), rng.randint(0, 50), rng.randint(0, 50), rng.randint(0, 3)))
        if i == 250:
            app.erase_free_texts(history.alliances[1], reason_code="loeschbitte", by="datenschutz@test")
    return history


def partitions(settings: Settings, clock: SimClock, *, saving: bool = False) -> Partitions:
    """Two partitions, each opening the application and the store anew, as the CLI's do; `saving`:
    the first one to start saves an event first, after the end the partitions project."""

    def open_() -> tuple[AllianceApplication, ProjectionStore]:
        application = build_application(settings, clock=clock)
        if saving:
            alliance = application.recorder.select_notifications(start=1, limit=1)[0].originator_id
            application.record_goal(alliance, text="Gespeichert während des Neuaufbaus", by="koordination@test")
        return application, build_store(settings)

    return Partitions(2, open_)


def test_a_rebuild_split_over_two_processes_writes_the_rows_of_one_in_one_process(
    app: AllianceApplication, store: ProjectionStore, settings: Settings, clock: SimClock
) -> None:
    # Given an interleaved history of several alliances, rebuilt in one process
    several_alliances(app, clock)
    kinds = Counter(n.topic.rpartition(".")[2] for n in app.recorder.select_notifications(start=1, limit=10_000))
    assert kinds["Pledged"] > 5 and kinds["FollowUpRecorded"] > 5 and kinds["FreeTextsErased"] == 1
    rebuild_many(app, store, [build_projection(n, app) for n in READ_MODELS], batch_size=97)
    one_process = {n: snapshot(store, n) for n in READ_MODELS}
    mapper = CountingMapper(app.mapper)
    app.mapper = mapper
    # When they are rebuilt split over two processes, in batches of the same size
    count = rebuild_many(app, store, [build_projection(n, app) for n in READ_MODELS], batch_size=97,
                         partitions=partitions(settings, clock))
    # Then every read model has exactly the same rows
    assert count == app.recorder.max_notification_id()
    for name in READ_MODELS:
        assert snapshot(store, name) == one_process[name], name
    # And on SQLite this process decoded nothing: the partitions did it all (on PostgreSQL the
    # rebuild stays in one process)
    assert (mapper.decoded == 0) != store.postgres


def test_events_saved_while_the_partitions_run_are_projected_after_them(
    app: AllianceApplication, store: ProjectionStore, settings: Settings, clock: SimClock
) -> None:
    # Given a history of several alliances
    several_alliances(app, clock)
    end = app.recorder.max_notification_id() or 0
    # When it is rebuilt split over two processes, and an event is saved while they run
    rebuild_many(app, store, [build_projection(n, app) for n in READ_MODELS], batch_size=97,
                 partitions=partitions(settings, clock, saving=True))
    split = {n: snapshot(store, n) for n in READ_MODELS}
    # Then the events saved meanwhile are in, and the rows equal a rebuild in one process
    assert (app.recorder.max_notification_id() or 0) > end or store.postgres
    assert any("Gespeichert während des Neuaufbaus" in str(row) for row in split["timeline"]["events"]) \
        or store.postgres
    rebuild_many(app, store, [build_projection(n, app) for n in READ_MODELS], batch_size=97)
    for name in READ_MODELS:
        assert snapshot(store, name) == split[name], name


class TimelineWithoutGoals(TimelineProjection):
    """The timeline, unable to take a goal."""

    def see(self, seen: Seen, db: Db) -> None:
        if type(seen.event).__name__ == "GoalRecorded":
            raise RuntimeError("kein Ziel")
        super().see(seen, db)


def test_a_split_rebuild_halts_at_the_same_event_as_one_in_one_process(
    app: AllianceApplication, store: ProjectionStore, settings: Settings, clock: SimClock
) -> None:
    # Given a history of several alliances with goals, and a timeline that cannot take a goal
    several_alliances(app, clock)
    with pytest.raises(ProjectionHalted) as in_one_process:
        rebuild_many(app, store, [TimelineWithoutGoals(app)], batch_size=97)
    # When it is rebuilt split over two processes
    with pytest.raises(ProjectionHalted) as split:
        rebuild_many(app, store, [TimelineWithoutGoals(app)], batch_size=97, partitions=partitions(settings, clock))
    # Then it halts at the same event, and nothing was swapped in
    assert split.value.position == in_one_process.value.position
    assert store.current("timeline") == 1
