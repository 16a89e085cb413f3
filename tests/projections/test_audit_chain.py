"""Audit integrity: changed, deleted, swapped events are found, and so is a rewritten chain."""

from __future__ import annotations

from datetime import timedelta

import pytest

from config.settings import Settings
from domain.application import AllianceApplication
from projections.audit import Anchor, AuditChainProjection, link, verify
from projections.engine import Projector
from projections.queries import Queries
from projections.store import ProjectionStore
from tests.builders import alliance_in_step
from tests.projections.tamper import delete_event, edit_checkpoints, flip_one_byte, forge_snapshot, swap_events
from workers.bootstrap import checkpoint_file
from workers.demo import load_demo


@pytest.fixture
def chained(app: AllianceApplication, store: ProjectionStore, settings: Settings) -> Projector:
    """A demo history, chained and anchored in a signed checkpoint."""
    load_demo(app)
    projector = Projector(app, store, AuditChainProjection(app), batch_size=200)
    projector.catch_up()
    Anchor(checkpoint_file(settings)).maybe(projector.view(), force=True)
    yield projector
    projector.close()


def test_an_untouched_store_verifies(
    chained: Projector, queries: Queries, app: AllianceApplication
) -> None:
    result = queries.verify_audit()
    assert result["ok"], result["problems"]
    assert result["events_checked"] == app.recorder.max_notification_id()
    assert result["checkpoints"] == 1


def test_one_changed_byte_is_detected(
    chained: Projector, queries: Queries, settings: Settings
) -> None:
    flip_one_byte(settings, 117)
    result = queries.verify_audit()
    assert not result["ok"]
    assert "Position 117" in result["problems"][0] and "verändert" in result["problems"][0]


def test_a_deleted_event_is_detected(
    chained: Projector, queries: Queries, settings: Settings
) -> None:
    delete_event(settings, 200)
    result = queries.verify_audit()
    assert not result["ok"]
    assert any("Position 200 fehlt" in p for p in result["problems"])


def test_two_swapped_events_are_detected(
    chained: Projector, queries: Queries, settings: Settings
) -> None:
    swap_events(settings, 50, 51)
    result = queries.verify_audit()
    assert not result["ok"]
    flagged = " ".join(result["problems"])
    assert "Position 50" in flagged and "Position 51" in flagged


def test_a_store_rewritten_together_with_a_recomputed_chain_is_detected_by_the_signed_checkpoint(
    chained: Projector, queries: Queries, settings: Settings, app: AllianceApplication
) -> None:
    # Given an intruder who changes an event and recomputes every later link of the stored chain
    flip_one_byte(settings, 300)
    view = chained.view()
    with view.write() as db:
        previous = db.one("SELECT link FROM {links} WHERE position = ?", (299,))["link"]  # type: ignore[index]
        for n in app.recorder.select_notifications(start=300, limit=100_000):
            previous = link(previous, n)
            db.execute("UPDATE {links} SET link = ? WHERE position = ?", (previous, n.id))
    # When the audit is verified
    result = queries.verify_audit()
    # Then store and chain agree with each other, but not with the signed checkpoint
    assert not result["ok"]
    assert len(result["problems"]) == 1 and "Prüfpunkt Nr. 1" in result["problems"][0]


def test_a_corrupt_checkpoint_file_is_reported_in_german(
    chained: Projector, queries: Queries, settings: Settings
) -> None:
    # Given a checkpoint whose recorded position was edited by hand
    edit_checkpoints(checkpoint_file(settings), lambda line: line.replace('"position":', '"position":1', 1))
    result = queries.verify_audit()
    assert not result["ok"]
    assert "Prüfpunkt" in result["problems"][0] and "beschädigt (" in result["problems"][0]
    assert "Zeile 1" in result["problems"][0] or "Eintrag 1" in result["problems"][0]


def test_no_checkpoint_at_all_is_a_finding(
    app: AllianceApplication, store: ProjectionStore, queries: Queries, settings: Settings
) -> None:
    load_demo(app)
    projector = Projector(app, store, AuditChainProjection(app), batch_size=200)
    projector.catch_up()
    result = verify(app, projector.view(), queries.checkpoints, now=app.clock() + timedelta(minutes=2))
    projector.close()
    assert not result["ok"] and result["checkpoints"] == 0
    assert "keinen signierten Prüfpunkt" in result["problems"][0]


def test_events_left_unchained_longer_than_a_minute_are_a_finding(
    chained: Projector, queries: Queries, app: AllianceApplication
) -> None:
    aid = app.register_alliance(name="Am Projektor vorbei", municipality="Hinten", state="Hessen", by="sql")
    later = app.clock() + timedelta(seconds=61)
    result = verify(app, chained.view(), queries.checkpoints, now=later)
    assert not result["ok"] and result["unchained"] == 1
    assert "nicht in der Prüfkette" in result["problems"][0] and str(aid) not in result["problems"][0]


def test_a_forged_snapshot_is_a_finding(
    chained: Projector, queries: Queries, app: AllianceApplication, settings: Settings
) -> None:
    g = alliance_in_step(app, 2)
    for i in range(105):  # snapshots are taken every 100 events of an aggregate
        app.record_goal(g.alliance_id, text=f"Ziel {i}", by="koordination@test")
    chained.catch_up()
    assert [p for p in queries.verify_audit()["problems"] if "Schnappschuss" in p] == []
    forge_snapshot(settings, g.alliance_id, lambda state: state.replace(b'"step":2', b'"step":5'))
    problems = queries.verify_audit()["problems"]
    assert any("Schnappschuss" in p and str(g.alliance_id) in p for p in problems), problems


def test_events_after_the_last_checkpoint_are_chained_and_checked(
    chained: Projector, queries: Queries, app: AllianceApplication
) -> None:
    aid = app.register_alliance(
        name="Neu", municipality="Neustadt", state="Hessen", by="koordination@test"
    )
    chained.catch_up()
    assert queries.verify_audit()["ok"]
    app.record_goal(aid, text="noch nicht verkettet", by="koordination@test")
    result = queries.verify_audit()
    assert result["ok"] and result["unchained"] == 1
