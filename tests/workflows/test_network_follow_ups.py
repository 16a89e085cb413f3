"""Step 5's Netzwerk-Check followed up on the time-skipping server: passive partners not yet invited
to the next all-partner meeting, and a steering group still missing 90 days into step 5."""

from __future__ import annotations

from datetime import timedelta

from domain.dates import berlin
from tests.workflows.conftest import Harness, eventually, plain

BY = "koordination"


async def test_passive_partners_and_a_missing_steering_group_are_followed_up_once(harness: Harness) -> None:
    h = harness
    await h.now()
    alliance_id = h.app.register_alliance(name="Bündnis Netzwerkstadt", municipality="Netzwerkstadt",
                                          state="Hessen", by=BY)
    passive = h.app.add_actor(alliance_id, name="Sparkasse Netzwerkstadt", sector="unternehmen", by=BY)
    today = (await h.now()).date()
    for step in (1, 2):
        h.app.complete_step(alliance_id, step, justification="Altbestand", by=BY)
    h.app.complete_step(alliance_id, 3, justification="Altbestand", by=BY)
    h.app.record_founding(alliance_id, on=today, symbolic_act="Charta unterzeichnet", signatory_ids=[passive],
                          declaration=True, by=BY)
    h.app.complete_step(alliance_id, 4, justification="Altbestand", by=BY)
    h.app.record_publicity(alliance_id, on=today, title="Bericht über die Gründung", by=BY)
    meeting = h.app.schedule_meeting(alliance_id, kind="all_partners", on=today + timedelta(days=30),
                                     title="Erstes Bündnistreffen", by=BY)
    await h.relay_all()
    handle = h.alliance_handle(alliance_id)
    await h.settle(handle)

    due = await h.just_before(handle, "passive_partners_uninvited")
    assert berlin(due).date() == today + timedelta(days=16)
    assert h.alliance_follow_ups(alliance_id, "passive_partners_uninvited") == []
    await h.advance_to(due)
    [invite] = await eventually(lambda: h.alliance_follow_ups(alliance_id, "passive_partners_uninvited"))
    assert (invite.subject_id, invite.recipients) == (str(meeting), ("koordination",))
    [mail] = await eventually(lambda: h.mailer.with_key("passive_partners_uninvited"))
    assert "Sparkasse Netzwerkstadt" in plain(mail) and "Erstes Bündnistreffen" in plain(mail)

    due = await h.just_before(handle, "steering_group_missing")
    assert h.alliance_follow_ups(alliance_id, "steering_group_missing") == []
    await h.advance_to(due)
    await eventually(lambda: h.alliance_follow_ups(alliance_id, "steering_group_missing"))
    await h.advance(timedelta(days=20))
    assert len(h.alliance_follow_ups(alliance_id, "steering_group_missing")) == 1
    assert len(h.alliance_follow_ups(alliance_id, "passive_partners_uninvited")) == 1
