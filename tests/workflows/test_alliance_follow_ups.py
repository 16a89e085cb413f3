"""The follow-up rules of an alliance on the time-skipping server: each fires once, on time, or not at all."""

from __future__ import annotations

from datetime import timedelta

from tests.workflows.conftest import Harness, eventually

BY = "koordination"


async def new_alliance(h: Harness) -> object:
    await h.now()
    return h.app.register_alliance(name="Bündnis Testhausen", municipality="Testhausen", state="Bayern", by=BY)


async def test_contact_follow_up_reminds_coordinator_once_on_its_date(harness: Harness) -> None:
    h = harness
    alliance_id = await new_alliance(h)
    actor = h.app.add_actor(alliance_id, name="Stadtwerke", sector="unternehmen", by=BY)
    today = (await h.now()).date()
    h.app.record_contact(alliance_id, actor_id=actor, on=today, outcome="interested",
                         follow_up_on=today + timedelta(days=10), by=BY)
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))

    await h.advance(timedelta(days=9))
    assert [f for f in h.alliance_follow_ups(alliance_id) if f.rule == "contact_follow_up"] == []

    await h.advance(timedelta(days=2))
    sent = await eventually(lambda: [f for f in h.alliance_follow_ups(alliance_id) if f.rule == "contact_follow_up"])
    assert len(sent) == 1
    assert sent[0].due_at <= sent[0].sent_at < sent[0].due_at + timedelta(minutes=1)
    assert sent[0].recipients == ("koordination",)
    mails = await eventually(lambda: h.mailer.with_key("contact_follow_up"))
    assert len(mails) == 1 and f"koordination+{alliance_id}@" in mails[0]["To"]
    assert "Stadtwerke" in mails[0].get_content()

    await h.advance(timedelta(days=20))
    assert len([f for f in h.alliance_follow_ups(alliance_id) if f.rule == "contact_follow_up"]) == 1
    assert len(h.mailer.with_key("contact_follow_up")) == 1
