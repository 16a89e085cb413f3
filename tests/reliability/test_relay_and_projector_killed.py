"""The relay and the projector killed with SIGKILL at random points, 10 times (50 in `make soak`),
while alliances keep arriving: every alliance's workflow hears of its events (its follow-ups are
recorded, once each), the relay reaches the head of the log, every read model equals a rebuild."""

from __future__ import annotations

import threading

from tests.reliability.stack import (
    Stack,
    kill_at_random,
    read_models_equal_a_rebuild,
    recorded_events,
    scaled,
    settle,
)
from workers.bootstrap import build_application

KILLS = scaled(10, 50)


def test_relay_and_projector_killed_at_random_points_lose_nothing_and_count_nothing_twice(stack: Stack) -> None:
    stack.up()
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.wait(0.5):
            stack.write_alliance(contacts=2)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        kill_at_random(stack, ["relay", "projector"], KILLS, between=(0.2, 2.0),
                       ready=stack.started_up)
    finally:
        stop.set()
        writer.join(timeout=60)
    app = build_application(stack.settings)
    try:
        sink = settle(stack, app, timeout=scaled(180, 600))
        counts = recorded_events(app)
        assert counts and set(counts.values()) == {1}
        assert set(sink.values()) == {1}, "a mail went out twice although the worker never crashed"
        codes = stack.stop()
        assert codes["relay"] == 0 and codes["projector"] == 0, codes
        read_models_equal_a_rebuild(stack, app)
    finally:
        app.close()
    print(f"\n{stack.killed['relay']} relay and {stack.killed['projector']} projector kills, "
          f"{len(stack.written)} alliances, {len(counts)} follow-ups once each")
