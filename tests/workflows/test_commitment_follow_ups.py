"""A commitment's reminders on the time-skipping server: due soon, overdue, escalation, end."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from domain.commitment import next_year
from domain.dates import berlin
from tests.workflows.conftest import Harness, eventually, plain

BY = "koordination"


async def pledge(
    h: Harness, due_in_days: int, recurrence: str | None = None
) -> tuple[UUID, UUID, date]:
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Zusagen", municipality="Zusagen", state="Hessen", by=BY
    )
    partner = h.app.add_actor(alliance_id, name="Sparkasse", sector="unternehmen", by=BY)
    h.app.add_contact_person(
        alliance_id, actor_id=partner, name="Paul Partner", email="paul@sparkasse.invalid", by=BY
    )
    due = (await h.now()).date() + timedelta(days=due_in_days)
    commitment = h.app.pledge_commitment(
        alliance_id,
        partner_id=partner,
        description="2.000 € für Ferienbetreuung",
        kind="geld",
        due_on=due,
        recurrence=recurrence,
        by=BY,
    )
    await h.relay_all()
    await h.settle(h.commitment_handle(commitment))
    return alliance_id, commitment, due


def sent(h: Harness, commitment: UUID, rule: str) -> list[str]:
    return [k for k in h.commitment_follow_ups(commitment) if k.startswith(f"{rule}:")]


async def test_commitment_due_soon_reminds_partner_and_coordinator_14_days_before(
    harness: Harness,
) -> None:
    h = harness
    _, commitment, due_on = await pledge(h, 60)
    due = await h.just_before(h.commitment_handle(commitment), "commitment_due_soon")
    assert berlin(due).date() == due_on - timedelta(days=14)
    assert sent(h, commitment, "commitment_due_soon") == []
    await h.advance_to(due)
    assert len(await eventually(lambda: sent(h, commitment, "commitment_due_soon"))) == 1
    [mail] = await eventually(lambda: h.mailer.with_key("commitment_due_soon"))
    assert "paul@sparkasse.invalid" in mail["To"] and "koordination+" in mail["To"]
    assert "Ferienbetreuung" in plain(mail)


async def test_unfulfilled_commitment_is_marked_overdue_at_its_due_date(harness: Harness) -> None:
    h = harness
    alliance_id, commitment, due = await pledge(h, 20)
    moment = await h.just_before(h.commitment_handle(commitment), "commitment_overdue")
    assert berlin(moment).date() == due
    assert h.app.get_commitment(alliance_id, commitment).status.value != "overdue"
    await h.advance_to(moment)
    await eventually(lambda: sent(h, commitment, "commitment_overdue"))
    c = h.app.get_commitment(alliance_id, commitment)
    assert c.status.value == "overdue" and c.overdue_since == due
    assert len(sent(h, commitment, "commitment_overdue")) == 1


async def test_overdue_commitment_escalates_to_servicebuero_after_30_days(harness: Harness) -> None:
    h = harness
    _, commitment, due = await pledge(h, 20)
    handle = h.commitment_handle(commitment)
    await h.advance_to(await h.due_at(handle, "commitment_overdue"))
    await eventually(lambda: sent(h, commitment, "commitment_overdue"))
    escalation = await h.just_before(handle, "commitment_overdue_escalation")
    assert berlin(escalation).date() == due + timedelta(days=30)
    assert sent(h, commitment, "commitment_overdue_escalation") == []
    await h.advance_to(escalation)
    assert len(await eventually(lambda: sent(h, commitment, "commitment_overdue_escalation"))) == 1
    [mail] = await eventually(lambda: h.mailer.with_key("commitment_overdue_escalation"))
    assert mail["To"] == "servicebuero@buendnis.invalid"


async def test_fulfilled_commitment_gets_no_overdue_reminder_and_its_workflow_ends(
    harness: Harness,
) -> None:
    h = harness
    alliance_id, commitment, _due = await pledge(h, 30)
    await h.advance(timedelta(days=20))
    h.app.fulfil_commitment(alliance_id, commitment, by="partner")
    await h.relay_all()
    assert await h.commitment_handle(commitment).result() == "fulfilled"
    await h.advance(timedelta(days=60))
    assert sent(h, commitment, "commitment_overdue") == []
    assert sent(h, commitment, "commitment_overdue_escalation") == []
    assert h.mailer.with_key("commitment_overdue") == []


async def test_withdrawn_commitment_ends_its_workflow_without_reminders(harness: Harness) -> None:
    h = harness
    alliance_id, commitment, _due = await pledge(h, 30)
    h.app.withdraw_commitment(alliance_id, commitment, reason="Budget gestrichen", by="partner")
    await h.relay_all()
    assert await h.commitment_handle(commitment).result() == "withdrawn"
    assert h.commitment_follow_ups(commitment) == []


async def test_amended_due_date_rearms_the_reminders(harness: Harness) -> None:
    h = harness
    alliance_id, commitment, due = await pledge(h, 20)
    later = due + timedelta(days=40)
    h.app.amend_commitment(
        alliance_id, commitment, due_on=later, reason="Haushalt später beschlossen", by=BY
    )
    await h.relay_all()
    await h.settle(h.commitment_handle(commitment))
    moment = await h.just_before(h.commitment_handle(commitment), "commitment_overdue")
    assert berlin(moment).date() == later
    assert sent(h, commitment, "commitment_overdue") == []
    await h.advance_to(moment)
    keys = await eventually(lambda: sent(h, commitment, "commitment_overdue"))
    assert keys == [f"commitment_overdue:{commitment}:1:{later}"]


async def test_yearly_commitment_goes_on_with_its_next_period_after_fulfilment(
    harness: Harness,
) -> None:
    h = harness
    alliance_id, commitment, due = await pledge(h, 20, recurrence="yearly")
    await h.advance(timedelta(days=10))
    h.app.fulfil_commitment(alliance_id, commitment, by="partner")
    await h.relay_all()
    await h.settle(h.commitment_handle(commitment))
    next_due = next_year(due)
    moment = await h.just_before(h.commitment_handle(commitment), "commitment_overdue")
    assert berlin(moment).date() == next_due
    await h.advance_to(moment)
    keys = await eventually(lambda: sent(h, commitment, "commitment_overdue"))
    assert keys == [f"commitment_overdue:{commitment}:2:{next_due}"]
    assert h.app.get_commitment(alliance_id, commitment).period == 2
