"""Recorded and delivered are two facts: a mail that cannot be sent holds up no timer, a follow-up
recorded by an attempt whose result was lost is still delivered, and a permanent SMTP rejection is
recorded as "Zustellung fehlgeschlagen" instead of being retried.

Faults injected into the worker's mailer (the activities' SMTP connection): a server that refuses
every connection until it is back, and one that rejects a recipient with 550; a real SMTP server
(aiosmtpd) that takes a mail for one recipient and refuses another. And a record activity whose
first attempt committed without the workflow hearing of it.
"""

from __future__ import annotations

import smtplib
import threading
from datetime import timedelta
from email.message import EmailMessage
from typing import Any
from uuid import UUID

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from domain.alliance import Alliance
from projections.sentences import describe
from tests.ports import free_port
from tests.workflows.conftest import Harness, RecordingMailer, eventually
from tests.workflows.test_commitment_follow_ups import pledge, sent
from workflows.commitment import CommitmentWorkflow
from workflows.notifications import SmtpMailer

BY = "koordination"


class FlakySmtp(RecordingMailer):
    """Refuses connections while `down`; counts every attempt."""

    def __init__(self) -> None:
        super().__init__()
        self.down = True
        self.attempts = 0
        self._count = threading.Lock()

    def send(self, message: EmailMessage) -> None:
        with self._count:
            self.attempts += 1
        if self.down:
            raise ConnectionRefusedError("SMTP-Server nicht erreichbar")
        super().send(message)


class RejectingSmtp(RecordingMailer):
    """Rejects every recipient for good (550), as a server does for an address that does not exist."""

    def __init__(self) -> None:
        super().__init__()
        self.attempts = 0

    def send(self, message: EmailMessage) -> None:
        self.attempts += 1
        raise smtplib.SMTPRecipientsRefused({str(message["To"]): (550, b"5.1.1 Postfach unbekannt")})


async def _alliance_with_contacts(h: Harness, days: tuple[int, ...]) -> UUID:
    await h.now()
    alliance_id = h.app.register_alliance(name="Bündnis Post", municipality="Kassel", state="Hessen", by=BY)
    today = (await h.now()).date()
    for i, d in enumerate(days):
        actor = h.app.add_actor(alliance_id, name=f"Verein {i}", sector="verband", by=BY)
        h.app.record_contact(alliance_id, actor_id=actor, on=today, outcome="undecided",
                             follow_up_on=today + timedelta(days=d), by=BY)
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))
    return alliance_id


async def _idle(handle: Any) -> bool:
    """No activity of the workflow is still pending (one left over would hold the test server's clock)."""
    return not (await handle.describe()).raw_description.pending_activities


async def test_a_mail_that_cannot_be_sent_holds_up_no_later_follow_up_and_goes_out_once_the_server_is_back(
    harness: Harness,
) -> None:
    h = harness
    smtp = FlakySmtp()
    h.activities.mailer = smtp  # the worker's SMTP server is down
    # Given two contacts to follow up, in 5 and in 10 days
    alliance_id = await _alliance_with_contacts(h, (5, 10))
    handle = h.alliance_handle(alliance_id)
    # When the first falls due while no mail can be sent, and then the second
    await h.advance(timedelta(days=6))
    await eventually(lambda: len(h.alliance_follow_ups(alliance_id)) == 1, what="erste Erinnerung erfasst")
    await eventually(lambda: smtp.attempts >= 1, what="Zustellversuch")
    await h.advance(timedelta(days=5))
    # Then the second is recorded on time although the first mail still fails
    recorded = await eventually(lambda: len(h.alliance_follow_ups(alliance_id)) == 2 and
                                h.alliance_follow_ups(alliance_id), what="zweite Erinnerung erfasst")
    assert all(f.due_at <= f.sent_at < f.due_at + timedelta(minutes=1) for f in recorded)
    assert smtp.messages == []
    # When the server is back, each mail goes out (once it is taken), with its key's Message-ID
    smtp.down = False
    await h.advance(timedelta(minutes=30))  # the sends' next retries
    mails = await eventually(lambda: len(smtp.messages) == 2 and smtp.messages, what="beide Mails zugestellt")
    assert sorted(str(m["X-Buendnis-Follow-Up"]) for m in mails) == sorted(f.key for f in recorded)
    assert len({m["Message-ID"] for m in mails}) == 2
    await eventually(lambda: _idle(handle), what="keine Zustellung mehr offen")


async def test_a_permanent_rejection_is_recorded_as_failed_delivery_and_not_retried(harness: Harness) -> None:
    h = harness
    smtp = RejectingSmtp()
    h.activities.mailer = smtp
    alliance_id = await _alliance_with_contacts(h, (5, 10))
    handle = h.alliance_handle(alliance_id)
    # When the first follow-up falls due and the server rejects its mail with 550
    await h.advance(timedelta(days=6))
    alliance = await eventually(lambda: (a := h.app.get_alliance(alliance_id)).failed_deliveries and a,
                                what="Zustellung fehlgeschlagen erfasst")
    # Then the failure is recorded on the alliance, once, with the server's answer, and said so
    [(key, reason)] = alliance.failed_deliveries.items()
    assert key.startswith("contact_follow_up:") and "550" in reason
    [event] = [e for e in h.app.events.get(alliance_id) if isinstance(e, Alliance.DeliveryFailed)]
    assert describe(event, alliance, None).startswith("Zustellung fehlgeschlagen")
    await eventually(lambda: _idle(handle), what="Zustellung beendet")
    assert smtp.attempts == 1  # not retried
    # … and the workflow goes on with the next follow-up
    await h.advance(timedelta(days=5))
    await eventually(lambda: len(h.alliance_follow_ups(alliance_id)) == 2, what="zweite Erinnerung erfasst")
    await eventually(lambda: len(h.app.get_alliance(alliance_id).failed_deliveries) == 2)
    await eventually(lambda: _idle(handle), what="Zustellung beendet")


async def test_a_follow_up_recorded_by_an_attempt_whose_result_was_lost_is_still_delivered(
    harness: Harness,
) -> None:
    h = harness
    # Given a commitment whose due-soon reminder was recorded by an attempt the workflow never heard of
    alliance_id, commitment, _ = await pledge(h, 30)
    handle = h.commitment_handle(commitment)
    [soon] = [u for u in await handle.query(CommitmentWorkflow.upcoming) if u.rule == "commitment_due_soon"]
    await h.advance_to(soon.due_at - timedelta(minutes=5))
    h.app.record_commitment_follow_up(alliance_id, commitment, key=soon.key, rule=soon.rule,
                                      recipients=list(soon.recipients), due_at=soon.due_at)
    # When it falls due and the workflow's record answers "already"
    await h.advance_to(soon.due_at)
    # Then its mail is delivered all the same, once
    [mail] = await eventually(lambda: h.mailer.with_key("commitment_due_soon"), what="Mail zugestellt")
    assert str(mail["X-Buendnis-Follow-Up"]) == soon.key
    assert sent(h, commitment, "commitment_due_soon") == [soon.key]
    await eventually(lambda: _idle(handle), what="Zustellung beendet")


class RefusesOne:
    """An SMTP server's handler refusing one mailbox for good, taking the mail for everyone else."""

    def __init__(self, refused: str) -> None:
        self.refused = refused
        self.received: list[Envelope] = []

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        if address == self.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: user unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(envelope)
        return "250 Message accepted for delivery"


async def test_a_recipient_refused_while_others_take_the_mail_is_recorded_and_not_mailed_twice(
    harness: Harness,
) -> None:
    h = harness
    server = RefusesOne("paul@sparkasse.invalid")
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        h.activities.mailer = SmtpMailer("127.0.0.1", controller.port)
        # Given a commitment whose due-soon reminder goes to the partner and the coordinator
        _, commitment, _ = await pledge(h, 30)
        handle = h.commitment_handle(commitment)
        soon = await h.just_before(handle, "commitment_due_soon")
        # When it falls due and the server refuses the partner's address but takes the mail for the other
        await h.advance_to(soon)
        failed = await eventually(lambda: h.app.repository.get(commitment).failed_deliveries,
                                  what="Teilabweisung erfasst")
        await eventually(lambda: _idle(handle), what="Zustellung beendet")
    finally:
        controller.stop()
    # Then the refusal is recorded with the server's answer, without the address (sealed data) …
    [(key, reason)] = failed.items()
    assert key.startswith("commitment_due_soon:")
    assert reason.startswith("teilweise abgewiesen, 1 Empfänger: 550 5.1.1") and "paul@" not in reason
    # … and the mail went out once, to the others (not retried: they would get it twice)
    [envelope] = server.received
    assert envelope.rcpt_tos and "paul@sparkasse.invalid" not in envelope.rcpt_tos


async def test_a_follow_up_recorded_by_a_run_that_was_terminated_before_its_mail_went_out_is_delivered_by_the_next(
    harness: Harness,
) -> None:
    h = harness
    smtp = FlakySmtp()
    h.activities.mailer = smtp  # the mail cannot go out yet
    # Given a follow-up recorded by a run whose mail is still on its way when the run is terminated
    alliance_id = await _alliance_with_contacts(h, (5,))
    handle = h.alliance_handle(alliance_id)
    await h.advance(timedelta(days=6))
    [recorded] = await eventually(lambda: h.alliance_follow_ups(alliance_id), what="Erinnerung erfasst")
    await eventually(lambda: smtp.attempts >= 1, what="Zustellversuch")
    assert h.app.get_alliance(alliance_id).undelivered == [recorded.key]  # recorded, not delivered: two facts
    await handle.terminate(reason="Test: Lauf beendet, bevor die Mail hinausging")
    # When the server is back and the next event starts a new run
    smtp.down = False
    h.app.record_goal(alliance_id, text="Ferienbetreuung ausbauen", by=BY)
    await h.relay_all()
    # Then that run delivers the recorded follow-up's mail, once, and the store knows it delivered
    [mail] = await eventually(lambda: smtp.with_key("contact_follow_up"), what="Mail zugestellt")
    assert str(mail["X-Buendnis-Follow-Up"]) == recorded.key
    await eventually(lambda: h.app.get_alliance(alliance_id).undelivered == [], what="als zugestellt erfasst")
    await eventually(lambda: _idle(h.alliance_handle(alliance_id)), what="Zustellung beendet")
    assert len(smtp.with_key("contact_follow_up")) == 1
