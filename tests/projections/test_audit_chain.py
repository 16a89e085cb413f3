"""Audit integrity: changed, deleted, swapped events are found, and so is a rewritten chain."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings
from domain.application import AllianceApplication
from projections.audit import Anchor, AuditChainProjection, link
from projections.engine import Projector
from projections.queries import Queries
from projections.store import ProjectionStore
from tests.projections.tamper import delete_event, flip_one_byte, swap_events
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
    path: Path = checkpoint_file(settings).path
    line = path.read_text()
    path.write_text(line.replace('"position":', '"position":1', 1))
    result = queries.verify_audit()
    assert not result["ok"]
    assert (
        "Prüfpunktdatei" in result["problems"][0]
        and "beschädigt (Zeile 1)" in result["problems"][0]
    )


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
