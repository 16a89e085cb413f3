"""An alliance's follow-up rules on the time-skipping server: once, on time, or not at all."""

from __future__ import annotations

from datetime import timedelta

from domain.dates import berlin
from tests.workflows.conftest import Harness, eventually, plain
from workflows.alliance import AllianceWorkflow

BY = "koordination"


async def new_alliance(h: Harness) -> object:
    await h.now()
    return h.app.register_alliance(
        name="Bündnis Testhausen", municipality="Testhausen", state="Bayern", by=BY
    )


async def test_contact_follow_up_reminds_coordinator_once_on_its_date(harness: Harness) -> None:
    h = harness
    alliance_id = await new_alliance(h)
    actor = h.app.add_actor(alliance_id, name="Stadtwerke", sector="unternehmen", by=BY)
    today = (await h.now()).date()
    h.app.record_contact(
        alliance_id,
        actor_id=actor,
        on=today,
        outcome="interested",
        follow_up_on=today + timedelta(days=10),
        by=BY,
    )
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))
    upcoming = await h.alliance_handle(alliance_id).query(AllianceWorkflow.upcoming)
    assert [(u.rule, u.due_at.date()) for u in upcoming][:1] == [
        ("contact_follow_up", today + timedelta(days=10))
    ]

    handle = h.alliance_handle(alliance_id)
    due = await h.just_before(handle, "contact_follow_up")
    assert berlin(due).date() == today + timedelta(days=10)
    assert h.alliance_follow_ups(alliance_id, "contact_follow_up") == []

    await h.advance_to(due)
    sent = await eventually(lambda: h.alliance_follow_ups(alliance_id, "contact_follow_up"))
    assert len(sent) == 1
    assert sent[0].due_at <= sent[0].sent_at < sent[0].due_at + timedelta(minutes=1)
    assert sent[0].recipients == ("koordination",)
    mails = await eventually(lambda: h.mailer.with_key("contact_follow_up"))
    assert len(mails) == 1 and f"koordination+{alliance_id}@" in mails[0]["To"]
    assert "Stadtwerke" in plain(mails[0])

    await h.advance(timedelta(days=20))
    assert len(h.alliance_follow_ups(alliance_id, "contact_follow_up")) == 1
    assert len(h.mailer.with_key("contact_follow_up")) == 1


async def test_contact_follow_up_is_cancelled_by_a_later_contact(harness: Harness) -> None:
    h = harness
    alliance_id = await new_alliance(h)
    actor = h.app.add_actor(alliance_id, name="Kita Sonnenschein", sector="kita", by=BY)
    today = (await h.now()).date()
    h.app.record_contact(
        alliance_id,
        actor_id=actor,
        on=today,
        outcome="interested",
        follow_up_on=today + timedelta(days=10),
        by=BY,
    )
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))

    later = (await h.advance(timedelta(days=5))).date()
    h.app.record_contact(alliance_id, actor_id=actor, on=later, outcome="not_interested", by=BY)
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))
    await h.advance(timedelta(days=10))

    assert h.alliance_follow_ups(alliance_id, "contact_follow_up") == []
    assert h.mailer.with_key("contact_follow_up") == []


async def test_stalled_step_reminds_after_90_days_and_escalates_to_servicebuero_30_days_later(
    harness: Harness,
) -> None:
    h = harness
    alliance_id = await new_alliance(h)
    entered = h.app.get_alliance(alliance_id).step_entered_at
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))

    handle = h.alliance_handle(alliance_id)
    due = await h.just_before(handle, "step_stalled")
    assert berlin(due).date() == berlin(entered).date() + timedelta(days=90)
    assert h.alliance_follow_ups(alliance_id, "step_stalled") == []
    await h.advance_to(due)
    stalled = await eventually(lambda: h.alliance_follow_ups(alliance_id, "step_stalled"))
    assert [f.due_at for f in stalled] == [due]
    assert stalled[0].due_at <= stalled[0].sent_at < stalled[0].due_at + timedelta(minutes=1)
    assert h.alliance_follow_ups(alliance_id, "step_stalled_escalation") == []

    escalation = await h.just_before(handle, "step_stalled_escalation")
    assert h.alliance_follow_ups(alliance_id, "step_stalled_escalation") == []
    await h.advance_to(escalation)
    escalated = await eventually(lambda: h.alliance_follow_ups(alliance_id, "step_stalled_escalation"))
    assert [f.recipients for f in escalated] == [("servicebuero",)]
    assert berlin(escalated[0].due_at).date() == berlin(entered).date() + timedelta(days=120)
    mails = await eventually(lambda: h.mailer.with_key("step_stalled_escalation"))
    assert [m["To"] for m in mails] == ["servicebuero@buendnis.invalid"]
    assert len(h.alliance_follow_ups(alliance_id, "step_stalled")) == 1


async def test_completing_the_step_cancels_its_stalled_reminder(harness: Harness) -> None:
    h = harness
    alliance_id = await new_alliance(h)
    await h.relay_all()
    await h.advance(timedelta(days=60))
    h.app.complete_step(
        alliance_id, 1, justification="Gespräche liefen außerhalb des Systems", by=BY
    )
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))

    await h.advance(timedelta(days=40))
    assert h.alliance_follow_ups(alliance_id, "step_stalled") == []
    await h.advance(timedelta(days=55))
    assert [f.key.split(":")[2] for f in h.alliance_follow_ups(alliance_id, "step_stalled")] == ["step2"]


async def test_coordinator_is_told_once_when_the_step_exit_criterion_holds(
    harness: Harness,
) -> None:
    h = harness
    alliance_id = await new_alliance(h)
    today = (await h.now()).date()
    outcomes = ["interested", "interested", "active_role", "not_interested", "undecided"]
    for i, outcome in enumerate(outcomes):
        actor = h.app.add_actor(alliance_id, name=f"Akteur {i}", sector="verband", by=BY)
        h.app.record_contact(alliance_id, actor_id=actor, on=today, outcome=outcome, by=BY)
        await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))

    ready = await eventually(lambda: h.alliance_follow_ups(alliance_id, "step_ready"))
    assert len(ready) == 1 and ready[0].recipients == ("koordination",)
    mails = await eventually(lambda: h.mailer.with_key("step_ready"))
    assert "Schritt 1" in plain(mails[0])
    await h.advance(timedelta(days=3))
    assert len(h.alliance_follow_ups(alliance_id, "step_ready")) == 1


async def test_working_group_without_speaker_reminds_after_30_days_unless_one_is_appointed(
    harness: Harness,
) -> None:
    h = harness
    alliance_id = await new_alliance(h)
    actor = h.app.add_actor(alliance_id, name="Familienzentrum", sector="freier_traeger", by=BY)
    lonely = h.app.form_working_group(alliance_id, name="Kinderbetreuung", theme="Betreuung", by=BY)
    served = h.app.form_working_group(alliance_id, name="Pflege", theme="Pflege", by=BY)
    await h.relay_all()
    await h.advance(timedelta(days=10))
    h.app.appoint_speaker(alliance_id, served, speaker_id=actor, by=BY)
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))

    due = await h.just_before(h.alliance_handle(alliance_id), "speaker_missing")
    assert h.alliance_follow_ups(alliance_id, "speaker_missing") == []
    await h.advance_to(due)
    reminded = await eventually(lambda: h.alliance_follow_ups(alliance_id, "speaker_missing"))
    assert [f.subject_id for f in reminded] == [str(lonely)]
    mails = await eventually(lambda: h.mailer.with_key("speaker_missing"))
    assert "Kinderbetreuung" in plain(mails[0])


async def test_missing_minutes_remind_the_organiser_after_7_days_with_a_calendar_entry(
    harness: Harness,
) -> None:
    h = harness
    alliance_id = await new_alliance(h)
    organiser = h.app.add_actor(alliance_id, name="Rathaus", sector="kommune", by=BY)
    h.app.add_contact_person(
        alliance_id, actor_id=organiser, name="Erika Muster", email="erika@rathaus.invalid", by=BY
    )
    today = (await h.now()).date()
    meeting = h.app.schedule_meeting(
        alliance_id,
        kind="team",
        on=today,
        title="Erstes Teamtreffen",
        organiser_id=organiser,
        by=BY,
    )
    h.app.hold_meeting(alliance_id, meeting, attendee_ids=[organiser], by=BY)
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))

    due = await h.just_before(h.alliance_handle(alliance_id), "minutes_missing")
    assert berlin(due).date() == today + timedelta(days=7)
    assert h.alliance_follow_ups(alliance_id, "minutes_missing") == []
    await h.advance_to(due)
    reminded = await eventually(lambda: h.alliance_follow_ups(alliance_id, "minutes_missing"))
    assert reminded[0].recipients == (f"organiser:{organiser}",)
    [mail] = await eventually(lambda: h.mailer.with_key("minutes_missing"))
    assert mail["To"] == "erika@rathaus.invalid"
    [ics] = [p for p in mail.iter_attachments() if p.get_filename() == "termin.ics"]
    assert b"SUMMARY:Erstes Teamtreffen" in ics.get_content().encode()
