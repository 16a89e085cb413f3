"""The harness's time skip fails in its own time, naming how far the server got, when something
holds the test server's clock (here: a mail activity that does not return); it never hangs and
never ends in the SDK's own 30 s "Timeout expired"."""

from __future__ import annotations

import threading
from datetime import timedelta
from email.message import EmailMessage

import pytest

from tests.workflows.conftest import Harness, RecordingMailer, eventually

BY = "koordination"


class StuckSmtp(RecordingMailer):
    """A mail server that takes the connection and then answers nothing until `release` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.entered = threading.Event()

    def send(self, message: EmailMessage) -> None:
        self.entered.set()
        self.release.wait(timeout=60)
        super().send(message)


async def test_a_skip_the_server_cannot_make_fails_within_its_time_and_says_how_far_it_got(harness: Harness) -> None:
    h = harness
    smtp = StuckSmtp()
    h.activities.mailer = smtp
    await h.now()
    alliance_id = h.app.register_alliance(name="Bündnis Uhr", municipality="Kassel", state="Hessen", by=BY)
    today = (await h.now()).date()
    actor = h.app.add_actor(alliance_id, name="Verein Uhr", sector="verband", by=BY)
    h.app.record_contact(alliance_id, actor_id=actor, on=today, outcome="undecided",
                         follow_up_on=today + timedelta(days=5), by=BY)
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))
    # A budget just over the SDK client's 30 s per call: the skip must end by its own deadline
    h.skip_timeout = 31.0
    try:
        # When the follow-up's mail activity hangs on day 5, a skip to day 6 cannot be made
        with pytest.raises(AssertionError, match=r"nicht in 31\.0 s überspringen .*erreicht: "):
            await h.skip(timedelta(days=6))
        assert smtp.entered.is_set()
    finally:
        smtp.release.set()
    await eventually(lambda: len(smtp.messages) == 1, what="die Mail ging nach der Freigabe hinaus")
