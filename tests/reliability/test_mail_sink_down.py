"""The SMTP server (the mail sink) down for a while, then back: follow-ups are recorded on time
meanwhile, and once it is back every mail arrives exactly once (no process crashed, so no repeat),
each recorded as delivered."""

from __future__ import annotations

import signal
import time

from tests.reliability.stack import (
    Stack,
    all_recorded,
    read_models_equal_a_rebuild,
    recorded_events,
    scaled,
    settle,
)
from tests.waiting import poll
from workers.bootstrap import build_application
from workers.mail_sink import deliveries, mail_dir

DOWN_FOR = scaled(10, 60)  # seconds the sink stays down once every follow-up is recorded


def test_mails_wait_for_a_mail_server_that_is_down_and_arrive_once_when_it_is_back(stack: Stack) -> None:
    stack.up()
    stack.kill("mail_sink", signal.SIGTERM)  # the server is down
    for _ in range(scaled(6, 30)):
        stack.write_alliance(contacts=2)
    app = build_application(stack.settings)
    try:
        # Every follow-up is recorded although no mail can go out …
        poll(lambda: all_recorded(stack, app), bool, timeout=120)
        assert not mail_dir(stack.settings).exists() or not deliveries(mail_dir(stack.settings))
        waiting = sum(len(app.get_alliance(a).undelivered) for a in stack.written)
        assert waiting == 2 * len(stack.written)  # … and each is known to await its mail
        time.sleep(DOWN_FOR)  # the sends retry meanwhile
        stack.start("mail_sink")
        sink = settle(stack, app, timeout=180)
        # Then every mail arrived once (nothing crashed: no repeats), each recorded as delivered
        assert set(sink.values()) == {1}, sink
        assert len(sink) == waiting
        poll(lambda: [a for a in stack.written if app.get_alliance(a).undelivered], lambda left: not left,
             timeout=60)
        counts = recorded_events(app)
        assert set(counts.values()) == {1}
        stack.stop()
        read_models_equal_a_rebuild(stack, app)
    finally:
        app.close()
    print(f"\nSMTP down {DOWN_FOR} s after {waiting} follow-ups were recorded; {len(sink)} mails, once each")
