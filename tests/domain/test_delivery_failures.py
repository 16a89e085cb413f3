"""A follow-up's mail refused for good is recorded once on its alliance or commitment."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.alliance import Alliance
from domain.application import AllianceApplication
from domain.commitment import Commitment
from projections.sentences import describe
from tests.builders import BY, new_alliance

DUE = datetime(2027, 3, 1, 8, tzinfo=UTC)


def test_a_refused_commitment_reminder_is_recorded_once_and_read_as_failed_delivery(
    memory_app: AllianceApplication,
) -> None:
    g = new_alliance(memory_app)
    cid = memory_app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Räume", kind="raeume",
                                       due_on=date(2027, 3, 1), by=BY)
    key = f"commitment_due_soon:{cid}:1:2027-03-01"
    memory_app.record_commitment_follow_up(g.alliance_id, cid, key=key, rule="commitment_due_soon",
                                           recipients=["koordination"], due_at=DUE)
    refused = "550 Postfach unbekannt"
    assert memory_app.record_commitment_delivery_failure(g.alliance_id, cid, key=key, reason=refused)
    assert not memory_app.record_commitment_delivery_failure(g.alliance_id, cid, key=key, reason=refused)
    assert not memory_app.record_commitment_delivery_failure(g.alliance_id, cid, key="unbekannt:1", reason="550")
    commitment = memory_app.get_commitment(g.alliance_id, cid)
    assert commitment.failed_deliveries == {key: "550 Postfach unbekannt"}
    [event] = [e for e in memory_app.events.get(cid) if isinstance(e, Commitment.DeliveryFailed)]
    sentence = describe(event, memory_app.get_alliance(g.alliance_id), commitment)
    assert sentence.startswith("Zustellung fehlgeschlagen") and "Zusage bald fällig" in sentence


def test_a_refused_alliance_follow_up_is_recorded_once(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    memory_app.record_alliance_follow_up(g.alliance_id, key="step_stalled:x", rule="step_stalled", subject_id=None,
                                         recipients=["koordination"], due_at=DUE)
    assert memory_app.record_alliance_delivery_failure(g.alliance_id, key="step_stalled:x", reason="554 abgelehnt")
    assert not memory_app.record_alliance_delivery_failure(g.alliance_id, key="step_stalled:x", reason="554 abgelehnt")
    alliance = memory_app.get_alliance(g.alliance_id)
    assert alliance.failed_deliveries == {"step_stalled:x": "554 abgelehnt"}
    assert sum(isinstance(e, Alliance.DeliveryFailed) for e in memory_app.events.get(g.alliance_id)) == 1
