"""One runner per projection, its position checked inside each batch's transaction: two projector
processes on one store count nothing twice, a standby takes over from a killed holder, and two
rebuilds of one projection never run at once.

Faults injected: a second `buendnis projector` process started beside the first while events are
written; the first killed with SIGKILL in the middle; two projectors of one process interleaved so
that the second's batch overlaps the first's.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from eventsourcing.persistence import IntegrityError

from config.settings import Settings
from domain.application import AllianceApplication
from projections.engine import Projector
from projections.errors import RebuildRunning
from projections.overview import OverviewProjection
from projections.rebuild import rebuild
from projections.registry import NAMES
from tests.builders import BY
from tests.projections.conftest import snapshot
from tests.projections.test_exactly_once import _env, _events_per_alliance, _stored_counts
from tests.waiting import poll
from workers.bootstrap import build_queries, build_store
from workers.projector import Runner

ROOT = Path(__file__).resolve().parents[2]
MakeApp = Callable[..., AllianceApplication]
# The processes of a test share the server's connections with everything else running.
SMALL_POOLS = {"ALLIANCES_POSTGRES_POOL_SIZE": "2", "ALLIANCES_POSTGRES_MAX_OVERFLOW": "2"}


def _projector(settings: Settings) -> subprocess.Popen[bytes]:
    env = {**_env(settings), **SMALL_POOLS, "BUENDNIS_LOG_FORMAT": "json", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([str(Path(sys.executable).parent / "buendnis"), "projector"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _write(app: AllianceApplication, alliances: int) -> None:
    for i in range(alliances):
        aid = app.register_alliance(name=f"Bündnis {i}", municipality="Jena", state="Thüringen", by=BY)
        for j in range(3):
            app.record_goal(aid, text=f"Ziel {j}", by=BY)


def _taken(stderr: bytes, before: datetime | None = None, since: datetime | None = None) -> set[str]:
    """The projections whose lease the process took (per its log), before or since a moment."""
    entries = [orjson.loads(line) for line in stderr.splitlines() if line.startswith(b"{")]
    taken = [(datetime.fromisoformat(e["timestamp"]), e["projection"]) for e in entries
             if e.get("event") == "projection_lease_taken"]
    names = [name for at, name in taken
             if (before is None or at < before) and (since is None or at >= since)]
    assert len(names) == len(set(names)), f"eine Projektion zweimal übernommen: {names}"
    return set(names)


def _free(settings: Settings) -> list[str]:
    """The projections no runner holds (tried by taking each lease and letting go at once)."""
    store, free = build_store(settings), []
    try:
        for name in NAMES:
            lease = store.lease(name)
            if lease is not None:
                lease.release()
                free.append(name)
    finally:
        store.close()
    return free


def test_two_projector_processes_count_nothing_twice_and_a_standby_takes_over(
    make_app: MakeApp, settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"var_dir": tmp_path / "var"})
    app = make_app()
    _write(app, 20)
    # Given two projector processes on the same store, while events keep arriving
    first, second = _projector(settings), _projector(settings)
    writers = [threading.Thread(target=_write, args=(make_app(**SMALL_POOLS), 100)) for _ in range(3)]
    for writer in writers:
        writer.start()
    queries = build_queries(settings, application=app)
    try:
        poll(queries.status, lambda s: all(p["position"] > 0 for p in s.values()), timeout=120)
        poll(lambda: _free(settings), lambda free: not free, timeout=60)  # every projection has its runner
        # When the first is killed in the middle
        killed_at = datetime.now(UTC)
        first.send_signal(signal.SIGKILL)
        for writer in writers:
            writer.join(timeout=300)
            assert not writer.is_alive()
        # Then the other carries every projection to the end of the log
        head = app.recorder.max_notification_id()
        poll(queries.status, lambda s: all(p["position"] == head for p in s.values()), timeout=120)
    finally:
        for p in (first, second):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        first_err = first.communicate(timeout=60)[1]
        second_err = second.communicate(timeout=60)[1]
        queries.close()
    # … every count is exact, and each projection was held by one of them at a time
    store = build_store(settings)
    try:
        assert _stored_counts(store) == _events_per_alliance(app)
        incremental = snapshot(store, "overview")
        rebuild(app, store, OverviewProjection(app))
        assert snapshot(store, "overview") == incremental
    finally:
        store.close()
    first_held = _taken(first_err)
    second_held = _taken(second_err, before=killed_at)
    taken_over = _taken(second_err, since=killed_at)
    assert not first_held & second_held and first_held | second_held == set(NAMES)
    assert taken_over == first_held
    assert second.returncode == 0, second_err.decode()[-2000:]


def test_a_batch_overlapping_one_another_runner_committed_is_refused_whole(
    make_app: MakeApp, settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"var_dir": tmp_path / "var"})
    app = make_app()
    _write(app, 30)
    store = build_store(settings)
    first = Projector(app, store, OverviewProjection(app), batch_size=50)
    second = Projector(app, store, OverviewProjection(app), batch_size=80)
    try:
        # Given two runners that both read the log from the same position
        start = first.position()
        assert second.position() == start
        ahead = [second.item(n) for n in app.recorder.select_notifications(start + 1, 80)]
        # When the first commits its batch of 50 and the second then commits its batch of 80
        assert first.step() == 50
        with pytest.raises(IntegrityError):
            second.project(ahead, after=start)
        # Then the second's batch was refused whole, and after catching up every count is exact
        first.catch_up()
        assert _stored_counts(store) == _events_per_alliance(app)
    finally:
        first.close()
        second.close()
        store.close()


def test_one_runner_and_one_rebuild_per_projection(
    make_app: MakeApp, settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"var_dir": tmp_path / "var"})
    app = make_app()
    _write(app, 2)
    runner = Runner(settings, app, ["overview"])
    standby = Runner(settings, app, ["overview"])
    store = build_store(settings)
    try:
        runner.round()
        standby.round()
        assert set(runner.leases) == {"overview"} and standby.leases == {}
        held = store.lease("overview.rebuild")
        assert held is not None
        with pytest.raises(RebuildRunning):
            rebuild(app, store, OverviewProjection(app))
        held.release()
        assert rebuild(app, store, OverviewProjection(app)) == app.recorder.max_notification_id()
    finally:
        runner.close()
        standby.close()
        store.close()
    store = build_store(settings)
    assert _stored_counts(store) == _events_per_alliance(app)
    store.close()
