"""A commitment's reminders follow its alliance: silent while it is dormant, and an open commitment
ends with the alliance's dissolution, with an event saying why."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from domain.commitment import Commitment
from tests.workflows.conftest import Harness, eventually
from tests.workflows.test_commitment_follow_ups import pledge, sent
from workflows.activities import ENDED_WITH_ALLIANCE

BY = "koordination"


async def test_no_commitment_reminders_while_the_alliance_is_dormant_and_they_resume_with_it(
    harness: Harness,
) -> None:
    h = harness
    # Given a commitment due in twenty days whose alliance is paused
    alliance_id, commitment, _ = await pledge(h, 20)
    handle = h.commitment_handle(commitment)
    overdue_at = await h.due_at(handle, "commitment_overdue")
    h.app.pause(alliance_id, reason="Koordinatorin in Elternzeit", by=BY)
    await h.relay_all()
    await h.settle(handle)
    # When its due date and the escalation's pass
    assert await handle.query("upcoming") == []
    await h.advance_to(overdue_at + timedelta(days=35))
    # Then nothing was recorded or sent about it
    assert h.commitment_follow_ups(commitment) == []
    assert h.mailer.messages == []
    # When the alliance is resumed, the reminders that fell due meanwhile go out
    h.app.resume(alliance_id, reason="zurück", by=BY)
    await h.relay_all()
    await eventually(lambda: sent(h, commitment, "commitment_overdue_escalation"), what="Eskalation nachgeholt")
    assert len(sent(h, commitment, "commitment_overdue")) == 1
    # (the overdue reminder fell due long ago: it goes out in a summary, the escalation on its own)
    mails = await eventually(lambda: len(h.mailer.messages) == 2 and h.mailer.messages)
    assert {str(m["X-Buendnis-Follow-Up"]).split(":")[0] for m in mails} == {
        "summary", "commitment_overdue_escalation"}
    await eventually(lambda: _idle(handle), what="keine Aktivität mehr offen")


async def _idle(handle: Any) -> bool:
    """No activity of the workflow is still running (one left over would hold the test server's clock)."""
    description = await handle.describe()
    return not description.raw_description.pending_activities


async def test_an_open_commitment_ends_with_its_alliance_saying_why(harness: Harness) -> None:
    h = harness
    # Given an open commitment with a reminder ahead
    alliance_id, commitment, _ = await pledge(h, 60)
    handle = h.commitment_handle(commitment)
    # When the alliance is dissolved
    h.app.dissolve(alliance_id, reason="Träger aufgelöst", by=BY)
    await h.relay_all()
    # Then the commitment is withdrawn by the system with the reason, and its workflow ended
    assert await handle.result() == "withdrawn"
    assert h.app.get_commitment(alliance_id, commitment).status.value == "withdrawn"
    [ended] = [e for e in h.app.events.get(commitment) if isinstance(e, Commitment.Withdrawn)]
    assert h.app.texts_of(alliance_id)(ended.reason) == ENDED_WITH_ALLIANCE and ended.by == "system"
    await h.advance(timedelta(days=90))
    assert h.commitment_follow_ups(commitment) == [] and h.mailer.messages == []
    assert _workflow_ids_told(h, alliance_id) >= {f"commitment-{commitment}"}


def _workflow_ids_told(h: Harness, alliance_id: UUID) -> set[str]:
    """The workflows the relay addresses for the alliance's dissolution."""
    from workflows.relay import coalesce

    dissolved = [n for n in h.app.recorder.select_notifications(1, 10_000)
                 if n.originator_id == alliance_id and n.topic.endswith("Alliance.Dissolved")]
    relay = h.relay()
    return {t.workflow_id for t in coalesce(dissolved, relay._commitments_of)}
