"""Recorded and delivered are two facts: a follow-up recorded awaiting its mail stays undelivered
until the server took the mail (FollowUpDelivered) or refused it (DeliveryFailed); records from
before the fact existed await nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.alliance import Alliance
from domain.application import AllianceApplication
from domain.commitment import Commitment
from tests.builders import BY, new_alliance

DUE = datetime(2027, 3, 1, 8, tzinfo=UTC)


def test_an_alliance_follow_up_awaits_its_mail_until_delivered_once(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    app, aid = memory_app, g.alliance_id
    app.record_alliance_follow_up(aid, key="step_stalled:old", rule="step_stalled", subject_id=None,
                                  recipients=["koordination"], due_at=DUE)  # as recorded before the fact
    for key in ("step_stalled:a", "step_stalled:b"):
        app.record_alliance_follow_up(aid, key=key, rule="step_stalled", subject_id=None,
                                      recipients=["koordination"], due_at=DUE, awaits_delivery=True)
    assert app.get_alliance(aid).undelivered == ["step_stalled:a", "step_stalled:b"]
    assert app.record_alliance_delivery(aid, key="step_stalled:a")
    assert not app.record_alliance_delivery(aid, key="step_stalled:a")  # once
    assert not app.record_alliance_delivery(aid, key="step_stalled:old")  # awaited nothing
    assert app.record_alliance_delivery_failure(aid, key="step_stalled:b", reason="550 unbekannt")
    alliance = app.get_alliance(aid)
    assert alliance.undelivered == []
    assert sum(isinstance(e, Alliance.FollowUpDelivered) for e in app.events.get(aid)) == 1


def test_a_commitment_reminder_awaits_its_mail_until_delivered(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    cid = memory_app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Räume", kind="raeume",
                                       due_on=date(2027, 3, 1), by=BY)
    key = f"commitment_due_soon:{cid}:1:2027-03-01"
    memory_app.record_commitment_follow_up(g.alliance_id, cid, key=key, rule="commitment_due_soon",
                                           recipients=["koordination"], due_at=DUE, awaits_delivery=True)
    assert memory_app.get_commitment(g.alliance_id, cid).undelivered == [key]
    assert memory_app.record_commitment_delivery(g.alliance_id, cid, key=key)
    assert not memory_app.record_commitment_delivery(g.alliance_id, cid, key=key)
    assert memory_app.get_commitment(g.alliance_id, cid).undelivered == []
    [event] = [e for e in memory_app.events.get(cid) if isinstance(e, Commitment.FollowUpDelivered)]
    assert event.rule == "commitment_due_soon"  # type: ignore[attr-defined]


def test_a_delivered_fact_is_told_in_the_timeline(memory_app: AllianceApplication) -> None:
    from projections.sentences import describe

    g = new_alliance(memory_app)
    memory_app.record_alliance_follow_up(g.alliance_id, key="step_stalled:x", rule="step_stalled", subject_id=None,
                                         recipients=["koordination"], due_at=DUE, awaits_delivery=True)
    memory_app.record_alliance_delivery(g.alliance_id, key="step_stalled:x")
    [event] = [e for e in memory_app.events.get(g.alliance_id) if isinstance(e, Alliance.FollowUpDelivered)]
    assert describe(event, memory_app.get_alliance(g.alliance_id), None).startswith("Zugestellt: die Erinnerung")
