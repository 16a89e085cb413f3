"""Catch-up with judgement: reminders that fell due long before their workflow could send them
(an imported history, an outage) come as one summary per recipient, not as a storm of mails;
what is current still goes out on its own, and escalations still apply."""

from __future__ import annotations

from datetime import timedelta

from domain.dates import berlin
from tests.workflows.conftest import Harness, eventually, plain

BY = "koordination"


async def test_long_missed_contact_follow_ups_come_as_one_summary_and_a_current_one_on_its_own(
    harness: Harness,
) -> None:
    h = harness
    today = berlin(await h.now()).date()
    alliance_id = h.app.register_alliance(name="Bündnis Nachholen", municipality="Nachholen", state="Sachsen",
                                          by=BY)
    long_ago = {"Stadtwerke": 60, "Volkshochschule": 45}
    for name, days in {**long_ago, "Familienzentrum": 3}.items():
        actor = h.app.add_actor(alliance_id, name=name, sector="verband", by=BY)
        h.app.record_contact(alliance_id, actor_id=actor, on=today - timedelta(days=days + 20), outcome="interested",
                             follow_up_on=today - timedelta(days=days), by=BY)
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))

    recorded = await eventually(
        lambda: r if len(r := h.alliance_follow_ups(alliance_id, "contact_follow_up")) == 3 else None
    )
    assert sorted(f.missed for f in recorded) == [False, True, True]
    [summary] = await eventually(lambda: h.mailer.with_key("summary:koordination:"))
    body = plain(summary)
    assert all(name in body for name in long_ago) and "Familienzentrum" not in body
    assert "2 verpasste Erinnerungen" in summary["Subject"]
    [single] = await eventually(lambda: h.mailer.with_key("contact_follow_up:"))
    assert "Familienzentrum" in plain(single)
    await h.advance(timedelta(days=2))
    assert len(h.mailer.with_key("summary:")) == 1 and len(h.mailer.with_key("contact_follow_up:")) == 1


async def test_a_long_overdue_commitment_is_marked_and_summarised_while_its_escalation_still_goes_out(
    harness: Harness,
) -> None:
    h = harness
    today = berlin(await h.now()).date()
    alliance_id = h.app.register_alliance(name="Bündnis Eskalation", municipality="Spät", state="Hessen", by=BY)
    partner = h.app.add_actor(alliance_id, name="Sparkasse", sector="unternehmen", by=BY)
    commitment = h.app.pledge_commitment(alliance_id, partner_id=partner, description="Ferienbetreuung",
                                         kind="geld", due_on=today - timedelta(days=40), by=BY)
    await h.relay_all()
    await h.settle(h.commitment_handle(commitment))

    await eventually(lambda: len(h.app.repository.get(commitment).follow_ups) == 2)
    c = h.app.get_commitment(alliance_id, commitment)
    assert c.status.value == "overdue"
    [summary] = await eventually(lambda: h.mailer.with_key("summary:koordination:"))
    assert "Ferienbetreuung" in plain(summary)
    [escalation] = await eventually(lambda: h.mailer.with_key("commitment_overdue_escalation:"))
    assert escalation["To"] == "servicebuero@buendnis.invalid"
    assert h.mailer.with_key("commitment_overdue:") == []
