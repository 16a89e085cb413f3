"""Property: read models built incrementally, in any batches, across restarts, equal a rebuild."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.application import AllianceApplication
from projections.engine import Projector
from projections.rebuild import rebuild, rebuild_many
from projections.registry import build_projection
from projections.store import ProjectionStore
from tests.projections.conftest import snapshot
from tests.projections.history import History, histories
from workers.demo import SimClock

READ_MODELS = ["overview", "detail", "timeline", "inbox"]


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    history=histories, cuts=st.lists(st.integers(1, 60), max_size=4), batch_size=st.integers(1, 40)
)
def test_incrementally_built_read_models_equal_a_rebuild_from_position_0(
    app: AllianceApplication,
    clock: SimClock,
    store: ProjectionStore,
    history: list[tuple[str, int, int, int]],
    cuts: list[int],
    batch_size: int,
) -> None:
    # Given projectors that follow the log while commands are applied, restarting at random points
    h = History(app, clock)
    projectors = {
        n: Projector(app, store, build_projection(n, app), batch_size=batch_size)
        for n in READ_MODELS
    }
    for i, cmd in enumerate(history):
        h.apply(cmd)
        if i in cuts:
            for name, p in projectors.items():
                p.step()
                p.close()  # a restart: the next projector starts with nothing in memory
                projectors[name] = Projector(
                    app, store, build_projection(name, app), batch_size=batch_size
                )
    for p in projectors.values():
        p.catch_up()
        p.close()
    incremental = {n: snapshot(store, n) for n in READ_MODELS}
    # When they are rebuilt from position 0 into fresh tables (one alone, the rest in one pass)
    rebuild(app, store, build_projection(READ_MODELS[0], app), batch_size=997)
    rebuild_many(app, store, [build_projection(n, app) for n in READ_MODELS[1:]], batch_size=997)
    # Then the rebuilt read models equal the incrementally built ones, row for row
    for name in READ_MODELS:
        assert snapshot(store, name) == incremental[name], name
