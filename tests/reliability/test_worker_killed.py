"""The worker killed with SIGKILL in the middle of its activities, 10 times (100 in `make soak`),
while new alliances keep arriving whose follow-ups are due at once: every follow-up is recorded
once, every mail arrives (a repeat only after a kill, with the same Message-ID), the read models
equal a rebuild."""

from __future__ import annotations

import threading

from tests.reliability.stack import Stack, kill_at_random, read_models_equal_a_rebuild, recorded_events, scaled, settle
from workers.bootstrap import build_application

KILLS = scaled(10, 100)


def test_a_worker_killed_during_its_activities_loses_nothing_and_records_nothing_twice(stack: Stack) -> None:
    for _ in range(5):
        stack.write_alliance(contacts=3)
    stack.up()
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.wait(1.0):
            stack.write_alliance(contacts=2)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        # Kill the worker once it has started (its log says so) and had a moment to take tasks
        kill_at_random(stack, ["worker"], KILLS, between=(0.2, 1.5),
                       ready=lambda name: stack.log(name).read_text().count('"worker_started"') >= stack.started[name])
    finally:
        stop.set()
        writer.join(timeout=60)
    assert stack.killed["worker"] == KILLS
    app = build_application(stack.settings)
    try:
        sink = settle(stack, app, timeout=scaled(240, 900))
        counts = recorded_events(app)
        assert counts and set(counts.values()) == {1}, [k for k, n in counts.items() if n > 1]
        codes = stack.stop()
        assert codes["worker"] == 0 and codes["relay"] == 0 and codes["projector"] == 0, codes
        read_models_equal_a_rebuild(stack, app)
    finally:
        app.close()
    print(f"\n{KILLS} kills, {len(stack.written)} alliances, {len(counts)} follow-ups recorded once each, "
          f"{sum(sink.values())} mails for {len(sink)} Message-IDs ({sum(n - 1 for n in sink.values())} repeats)")
