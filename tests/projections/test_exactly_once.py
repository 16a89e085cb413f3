"""Exactly once: a projector killed in the middle of a batch counts nothing twice after restart."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError

from config.settings import Settings
from domain.application import AllianceApplication
from domain.commitment import Commitment
from domain.idempotency import CommandRecord, CommitmentIndex
from projections.engine import Projector
from projections.overview import OverviewProjection
from projections.store import ProjectionStore
from tests.projections.conftest import snapshot
from workers.demo import load_demo

ROOT = Path(__file__).resolve().parents[2]


def _env(settings: Settings) -> dict[str, str]:
    env = {
        **os.environ,
        "BUENDNIS_STORE": settings.store,
        "BUENDNIS_VAR_DIR": str(settings.var_dir),
        "BUENDNIS_POSTGRES_SCHEMA": settings.postgres_schema,
        "BUENDNIS_POSTGRES_DSN": settings.postgres_dsn,
        "PYTHONPATH": str(ROOT),
    }
    if settings.sqlite_path is not None:
        env["BUENDNIS_SQLITE_PATH"] = str(settings.sqlite_path)
    return env


def _events_per_alliance(app: AllianceApplication) -> Counter[str]:
    """How many events each alliance has (its commitments' included), counted from the store."""
    counts: Counter[str] = Counter()
    owner: dict[str, str] = {}
    for n in app.recorder.select_notifications(start=1, limit=1_000_000):
        event = app.mapper.to_domain_event(n)
        if isinstance(
            event, (CommandRecord.Applied, CommitmentIndex.Opened, CommitmentIndex.CommitmentAdded)
        ):
            continue
        if isinstance(event, Commitment.Pledged):
            owner[str(event.originator_id)] = str(event.alliance_id)
        key = str(event.originator_id)
        counts[owner.get(key, key)] += 1
    return counts


def _stored_counts(store: ProjectionStore) -> Counter[str]:
    view = store.open("overview", store.current("overview"), OverviewProjection.schema)
    with view.read() as db:
        rows = db.all("SELECT alliance_id, event_count FROM {alliances}")
    view.close()
    return Counter({r["alliance_id"]: int(r["event_count"]) for r in rows})


def test_projector_killed_in_the_middle_of_a_batch_counts_nothing_twice_after_restart(
    app: AllianceApplication, store: ProjectionStore, settings: Settings
) -> None:
    # Given a history, and a projector process killed in the middle of its third batch
    load_demo(app)
    batch_size = 100
    crash = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.projections.crashing_projector",
            str(batch_size),
            str(2 * batch_size + 37),
        ],
        env=_env(settings),
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert crash.returncode == -9, crash.stderr.decode()[-2000:]
    projector = Projector(app, store, OverviewProjection(app), batch_size=batch_size)
    assert (
        projector.position() == 2 * batch_size
    )  # the first two batches committed, the third not at all
    # When the projector is restarted and catches up
    projector.catch_up()
    projector.close()
    # Then every alliance's event count equals the store's, and the model equals a rebuild
    assert _stored_counts(store) == _events_per_alliance(app)
    incremental = snapshot(store, "overview")
    from projections.rebuild import rebuild

    rebuild(app, store, OverviewProjection(app))
    assert snapshot(store, "overview") == incremental


def test_a_batch_that_was_already_projected_is_refused_whole(
    app: AllianceApplication, store: ProjectionStore
) -> None:
    # Given a projected history
    load_demo(app)
    first = Projector(app, store, OverviewProjection(app), batch_size=10_000)
    first.catch_up()
    before = _stored_counts(store)
    # When a second runner, unaware, projects the same batch again
    second = Projector(app, store, OverviewProjection(app))
    view = second.view()
    notes = app.recorder.select_notifications(start=1, limit=50)
    items = [second.item(n) for n in notes]
    with pytest.raises(IntegrityError), view.write() as db:
        second.projection.process(items, db)
        view.track(db, notes[-1].id)
    first.close()
    second.close()
    # Then nothing of it was kept
    assert _stored_counts(store) == before
