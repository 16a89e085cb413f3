"""Fixtures of the read side: a projection store and queries on each real backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from domain.application import AllianceApplication
from projections.engine import Projector
from projections.queries import Queries
from projections.registry import NAMES, build_projection, projection_class
from projections.store import ProjectionStore
from workers.bootstrap import build_queries, build_store
from workers.demo import SimClock

START = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The backend's settings with a var/ of the test's own (checkpoint file, SQLite files)."""
    return settings.model_copy(update={"var_dir": tmp_path / "var"})


@pytest.fixture
def clock() -> SimClock:
    return SimClock(START)


@pytest.fixture
def app(make_app: Callable[..., AllianceApplication], clock: SimClock) -> AllianceApplication:
    return make_app(clock=clock)


@pytest.fixture
def store(settings: Settings) -> Iterator[ProjectionStore]:
    s = build_store(settings)
    yield s
    s.close()


@pytest.fixture
def queries(settings: Settings, app: AllianceApplication, clock: SimClock) -> Iterator[Queries]:
    q = build_queries(settings, application=app, clock=clock)
    yield q
    q.close()


def catch_up(
    app: AllianceApplication,
    store: ProjectionStore,
    names: list[str] | None = None,
    batch_size: int = 300,
) -> int:
    total = 0
    for name in names or NAMES:
        projector = Projector(app, store, build_projection(name, app), batch_size=batch_size)
        total += projector.catch_up()
        projector.close()
    return total


def snapshot(store: ProjectionStore, name: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the current generation, sorted, for comparison."""
    schema = projection_class(name).schema
    view = store.open(name, store.current(name), schema)
    try:
        with view.read() as db:
            return {
                t: sorted(
                    tuple(str(v) for v in r.values()) for r in db.all(f"SELECT * FROM {{{t}}}")
                )
                for t in schema.tables
            }
    finally:
        view.close()
