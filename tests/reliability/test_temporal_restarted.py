"""The Temporal dev server stopped and started again on its SQLite file while workflows wait on
their timers and mails wait in their retries (the mail server down too): the timers are still
there afterwards (the same ones), events written while the server was down reach their workflows,
and every mail arrives once the mail server is back."""

from __future__ import annotations

import asyncio
import signal
import time

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus

from tests.reliability.stack import (
    Stack,
    all_recorded,
    listening,
    read_models_equal_a_rebuild,
    recorded_events,
    settle,
)
from tests.waiting import poll
from workers.bootstrap import build_application
from workflows.runtime import DATA_CONVERTER


async def _pending_timers(address: str, workflow_ids: list[str]) -> dict[str, set[int]]:
    """Each running workflow's timers started and neither fired nor cancelled (by event id)."""
    client = await Client.connect(address, data_converter=DATA_CONVERTER)
    result = {}
    for workflow_id in workflow_ids:
        handle = client.get_workflow_handle(workflow_id)
        assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING, workflow_id
        started, ended = set(), set()
        async for e in handle.fetch_history_events():
            if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED:
                started.add(e.event_id)
            elif e.event_type == EventType.EVENT_TYPE_TIMER_FIRED:
                ended.add(e.timer_fired_event_attributes.started_event_id)
            elif e.event_type == EventType.EVENT_TYPE_TIMER_CANCELED:
                ended.add(e.timer_canceled_event_attributes.started_event_id)
        result[workflow_id] = started - ended
    return result


def pending_timers(stack: Stack, workflow_ids: list[str]) -> dict[str, set[int]]:
    return asyncio.run(_pending_timers(stack.settings.temporal_address, workflow_ids))


def test_a_restarted_temporal_server_keeps_the_timers_and_loses_no_signal_and_no_mail(stack: Stack) -> None:
    port = int(stack.settings.temporal_address.rpartition(":")[2])
    stack.up()
    for _ in range(4):
        stack.write_alliance(contacts=2)
    app = build_application(stack.settings)
    try:
        first = settle(stack, app, timeout=120)
        waiting = [f"alliance-{a}" for a in stack.written]
        # Given workflows waiting on their timers (the next follow-ups are months away) …
        before = poll(lambda: pending_timers(stack, waiting), lambda t: all(t.values()), timeout=60)
        # … and mails waiting in their retries: the mail server is down while new follow-ups fall due
        stack.kill("mail_sink", signal.SIGTERM)
        for _ in range(3):
            stack.write_alliance(contacts=2)
        poll(lambda: all_recorded(stack, app), bool, timeout=120)
        # When the Temporal server is stopped, events are written meanwhile, and it is started again
        stack.kill("temporal", signal.SIGTERM)
        for _ in range(3):
            stack.write_alliance(contacts=2)
        time.sleep(3)
        stack.start("temporal")
        poll(lambda: listening(port), bool, timeout=60)
        stack.start("mail_sink")
        # Then the timers are the same ones, still waiting
        assert pending_timers(stack, waiting) == before
        # … the events written while it was down reach their workflows, every mail arrives
        sink = settle(stack, app, timeout=240)
        assert all(sink[m] == 1 for m in first), "a mail taken before the restart went out again"
        counts = recorded_events(app)
        assert set(counts.values()) == {1}
        restarted = stack.restart_dead()
        assert not restarted, f"ended with the Temporal server: {restarted}"
        stack.stop()
        read_models_equal_a_rebuild(stack, app)
    finally:
        app.close()
    print(f"\ntimers kept in {len(before)} workflows; {len(counts)} follow-ups once each; "
          f"{sum(sink.values())} mails for {len(sink)} Message-IDs")
