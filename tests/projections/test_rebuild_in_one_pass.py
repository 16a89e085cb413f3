"""A rebuild in one pass (each event applied once, shared by every read model) shows each event
with its aggregates as they stood right after it, as the live projectors do one event at a time,
even when later events of the same batch change what its sentence names."""

from __future__ import annotations

from decimal import Decimal

from domain.application import AllianceApplication
from projections.engine import Projector
from projections.rebuild import rebuild, rebuild_many
from projections.registry import build_projection
from projections.store import ProjectionStore
from tests.builders import BY, alliance_in_step
from tests.projections.conftest import snapshot
from workers.demo import SimClock

READ_MODELS = ["overview", "detail", "timeline", "inbox"]


def test_a_rebuild_in_one_pass_equals_projecting_one_event_at_a_time(
    app: AllianceApplication, store: ProjectionStore, clock: SimClock
) -> None:
    # Given a commitment pledged and then renamed by an amendment, within what one batch reads
    g = alliance_in_step(app, 5)
    cid = app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Ferienbetreuung",
                                kind="geld", amount=Decimal(100), unit="EUR", due_on=None, by=BY)
    app.confirm_commitment(g.alliance_id, cid, by=BY)
    app.amend_commitment(g.alliance_id, cid, description="Ferienbetreuung und Hausaufgabenhilfe",
                         reason="erweitert", by=BY)
    app.report_progress(g.alliance_id, cid, on=clock.now.date(), text="halb", percent=50, by=BY)
    # And the read models projected one event per transaction
    for name in READ_MODELS:
        projector = Projector(app, store, build_projection(name, app), batch_size=1)
        projector.catch_up()
        projector.close()
    one_by_one = {n: snapshot(store, n) for n in READ_MODELS}
    assert any("„Ferienbetreuung“" in str(row) for row in one_by_one["timeline"]["events"])
    # When they are rebuilt, all in one pass, and one alone, in batches holding the whole history
    rebuild_many(app, store, [build_projection(n, app) for n in READ_MODELS], batch_size=5000)
    for name in READ_MODELS:
        assert snapshot(store, name) == one_by_one[name], name
    rebuild(app, store, build_projection("timeline", app), batch_size=5000)
    assert snapshot(store, "timeline") == one_by_one["timeline"]
