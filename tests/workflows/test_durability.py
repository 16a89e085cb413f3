"""Durability on the time-skipping server: restarts, years of history, bad input."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import structlog
from eventsourcing.persistence import Notification
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from config.settings import load_settings
from domain.dates import berlin
from tests.conftest import POSTGRES_DSN
from tests.workflows.conftest import Harness, eventually, open_harness
from workers.relay import position_store
from workflows.relay import route
from workflows.relay_position import MemoryPositionStore

BY = "koordination"


async def test_worker_stopped_and_restarted_during_a_timer_loses_nothing(harness: Harness) -> None:
    h = harness
    # No sticky queue: the test server's clock stands still, so a sticky task of a stopped worker
    # would never time out to the normal queue there (a real server moves it after 2 s).
    await h.stop_worker()
    await h.start_worker(max_cached_workflows=0)
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Neustart", municipality="Neustadt", state="Sachsen", by=BY
    )
    actor = h.app.add_actor(alliance_id, name="Jobcenter", sector="arbeitsagentur", by=BY)
    today = (await h.now()).date()
    h.app.record_contact(
        alliance_id,
        actor_id=actor,
        on=today,
        outcome="undecided",
        follow_up_on=today + timedelta(days=5),
        by=BY,
    )
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))
    await h.advance(timedelta(days=2))

    await h.stop_worker()
    # The timer fires while no worker runs; time stands still until a worker takes the task.
    advancing = asyncio.create_task(h.advance(timedelta(days=5)))
    await asyncio.sleep(1.0)
    await h.start_worker(max_cached_workflows=0)
    await advancing

    sent = await eventually(
        lambda: h.alliance_follow_ups(alliance_id, "contact_follow_up")
    )
    assert len(sent) == 1
    assert len(await eventually(lambda: h.mailer.with_key("contact_follow_up"))) == 1
    await h.advance(timedelta(days=3))
    assert len(h.mailer.with_key("contact_follow_up")) == 1


class CrashingPositions(MemoryPositionStore):
    """Dies after the n-th batch's signals went out, before its position is kept."""

    def __init__(self, crash_on: int) -> None:
        super().__init__()
        self.calls, self.crash_on = 0, crash_on

    def set(self, position: int) -> None:
        self.calls += 1
        if self.calls == self.crash_on:
            raise ConnectionError("Relay-Prozess beendet")
        super().set(position)


async def test_relay_stopped_mid_stream_and_restarted_sends_nothing_twice_that_a_workflow_acts_on(
    harness: Harness,
) -> None:
    h = harness
    await h.now()
    today = (await h.now()).date()
    alliances = []
    for n in range(3):
        alliance_id = h.app.register_alliance(
            name=f"Bündnis {n}", municipality=f"Ort {n}", state="Bremen", by=BY
        )
        for i, outcome in enumerate(
            ["interested", "interested", "active_role", "undecided", "interested"]
        ):
            actor = h.app.add_actor(alliance_id, name=f"Akteur {i}", sector="kirche", by=BY)
            h.app.record_contact(alliance_id, actor_id=actor, on=today, outcome=outcome, by=BY)
        alliances.append(alliance_id)
    positions = CrashingPositions(crash_on=2)
    first = h.relay(positions, batch_size=7)
    assert await first.run_once() == 7
    try:
        await first.run_once()
    except ConnectionError:
        pass
    else:
        raise AssertionError("the relay should have lost its second batch")
    assert positions.get() == 7

    second = h.relay(positions, batch_size=7)
    while await second.run_once():
        pass

    ignored = 0
    for alliance_id in alliances:
        progress = await h.settle(h.alliance_handle(alliance_id))
        ignored += progress["ignored"]
        ready = await eventually(
            lambda a=alliance_id: h.alliance_follow_ups(a, "step_ready")
        )
        assert len(ready) == 1
    assert ignored >= 1, "the repeated batch reached the workflows and was ignored there"
    await asyncio.sleep(0.5)
    assert len(h.mailer.with_key("step_ready")) == 3


async def test_malformed_signal_is_dropped_without_failing_a_workflow_task(
    harness: Harness,
) -> None:
    h = harness
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Prüfung", municipality="Prüfstadt", state="Berlin", by=BY
    )
    await h.relay_all()
    handle = h.alliance_handle(alliance_id)
    before = await h.settle(handle)

    await handle.signal(
        "event", {"position": -5, "aggregate_id": str(alliance_id), "event_types": []}
    )
    await handle.signal("event", {"position": "viele", "aggregate_id": 7})
    await handle.signal(
        "event", {"position": 999, "aggregate_id": str(alliance_id), "event_types": ["x"] * 500}
    )
    await handle.signal(  # beyond 64 bits: would end any later position comparison for good
        "event", {"position": 2**64, "aggregate_id": str(alliance_id), "event_types": ["x"]}
    )
    h.app.add_actor(alliance_id, name="Bibliothek", sector="sonstige", by=BY)
    await h.relay_all()
    after = await h.settle(handle)

    assert after["seen"] > before["seen"] and after["seen"] < 999
    failed = [
        e
        async for e in handle.fetch_history_events()
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]
    assert failed == []


def test_unknown_event_type_is_skipped_with_a_log_line() -> None:
    def notification(topic: str) -> Notification:
        return Notification(
            id=5, originator_id=UUID(int=1), originator_version=1, topic=topic, state=b"{}"
        )

    with structlog.testing.capture_logs() as logs:
        assert route(notification("elsewhere.module:Survey.Answered")) is None
        assert route(notification("domain.idempotency:CommandRecord.Applied")) is None
        assert route(notification("domain.alliance:Alliance.Dissolved")) is not None
    assert [(entry["event"], entry["topic"]) for entry in logs] == [
        ("unknown_event_type_skipped", "elsewhere.module:Survey.Answered")
    ]


async def hold_all_partner_meeting(h: Harness, alliance_id: UUID, organiser: UUID) -> UUID:
    today = (await h.now()).date()
    meeting = h.app.schedule_meeting(
        alliance_id,
        kind="all_partners",
        on=today,
        title="Bündnistreffen",
        organiser_id=organiser,
        by=BY,
    )
    h.app.hold_meeting(alliance_id, meeting, attendee_ids=[organiser], by=BY)
    return meeting


async def test_alliance_through_five_simulated_years_continues_as_new_with_nothing_missed(
    harness: Harness,
) -> None:
    h = harness
    h.max_history = 150
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Langlauf", municipality="Ausdauer", state="Thüringen", by=BY
    )
    organiser = h.app.add_actor(alliance_id, name="Landratsamt", sector="kommune", by=BY)
    for step in (1, 2, 3):
        h.app.complete_step(alliance_id, step, justification="Im Vorgängerprojekt erledigt", by=BY)
    founded = (await h.now()).date()
    h.app.record_founding(
        alliance_id, on=founded, symbolic_act="Baum gepflanzt", signatory_ids=[organiser], by=BY
    )
    h.app.complete_step(alliance_id, 4, justification="Beitritt folgt", by=BY)
    handle = h.alliance_handle(alliance_id)
    entered = h.app.get_alliance(alliance_id).step_entered_at
    # The Netzwerk-Check: neither a steering group nor press work in five years, each reminded once.
    expected: set[str] = {
        f"steering_group_missing:{alliance_id}:{entered.isoformat()}",
        f"publicity_missing:{alliance_id}:{berlin(entered).date()}",
    }
    meetings: list[Any] = []
    for _cycle in range(8):
        meeting = await hold_all_partner_meeting(h, alliance_id, organiser)
        held_on = (await h.now()).date()
        meetings.append(meeting)
        expected |= {
            f"minutes_missing:{meeting}",
            f"meeting_cadence:{alliance_id}:{held_on}",
            f"meeting_cadence_escalation:{alliance_id}:{held_on}",
        }
        await h.relay_all()
        for _ in range(7):
            await h.advance(timedelta(days=30))
            await h.relay_all()
    await h.advance(timedelta(days=200))
    expected |= {f"self_assessment:{alliance_id}:{year}" for year in range(1, 6)}

    progress = await h.settle(handle)
    records = h.alliance_follow_ups(alliance_id)
    keys = [f.key for f in records]
    assert len(keys) == len(set(keys))
    assert set(keys) == expected
    assert all(f.due_at <= f.sent_at < f.due_at + timedelta(minutes=1) for f in records)
    assert progress["generation"] > 3
    assert progress["history_length"] < 4096
    mail_keys = [str(m["X-Buendnis-Follow-Up"]) for m in h.mailer.messages]
    assert sorted(mail_keys) == sorted(keys)


class StopAt(MemoryPositionStore):
    """Stops the relay once its stored position reaches `at` (the batches in flight still land)."""

    def __init__(self, at: int, stop: asyncio.Event) -> None:
        super().__init__()
        self.at, self.stop = at, stop

    def set(self, position: int) -> None:
        super().set(position)
        if position >= self.at:
            self.stop.set()


async def test_pipelined_relay_delivers_each_workflows_notices_in_order_and_resumes(
    harness: Harness,
) -> None:
    h = harness
    await h.now()
    alliances = [
        h.app.register_alliance(name=f"Bündnis {n}", municipality="Takt", state="Hamburg", by=BY)
        for n in range(4)
    ]
    for i in range(40):
        h.app.record_goal(alliances[i % 4], text=f"Ziel {i}", by=BY)
    stop = asyncio.Event()
    positions = StopAt(20, stop)
    relay = h.relay(positions, batch_size=3)
    await relay.run(stop, in_flight=4)
    stopped_at = positions.get()
    assert 20 <= stopped_at < h.app.recorder.max_notification_id()

    stop = asyncio.Event()
    running = asyncio.create_task(h.relay(positions, batch_size=3).run(stop, in_flight=4))
    await eventually(lambda: positions.get() >= 44, timeout=20)
    stop.set()
    await running

    for alliance_id in alliances:
        handle = h.alliance_handle(alliance_id)
        await h.settle(handle)
        told = [
            json.loads(e.workflow_execution_signaled_event_attributes.input.payloads[0].data)[
                "position"
            ]
            async for e in handle.fetch_history_events()
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
        ]
        assert told == sorted(told), "one workflow's notices arrive in the order of the log"


@pytest.mark.postgres
async def test_relay_on_postgresql_resumes_from_its_stored_position(
    ts_env: WorkflowEnvironment, tmp_path: Path, pg_schema: str
) -> None:
    settings = load_settings(
        store="postgres",
        postgres_dsn=POSTGRES_DSN,
        postgres_schema=pg_schema,
        var_dir=tmp_path / "var",
    )
    async with open_harness(ts_env, tmp_path / "var", settings) as h:
        today = (await h.now()).date()
        alliance_id = h.app.register_alliance(
            name="Bündnis PG", municipality="Schema", state="Hessen", by=BY
        )
        for i, outcome in enumerate(
            ["interested", "interested", "active_role", "undecided", "interested"]
        ):
            actor = h.app.add_actor(alliance_id, name=f"Akteur {i}", sector="kirche", by=BY)
            h.app.record_contact(alliance_id, actor_id=actor, on=today, outcome=outcome, by=BY)
        first = h.relay(position_store(settings), batch_size=4)
        await first.run_once()
        second = h.relay(position_store(settings), batch_size=4)  # a restarted relay process
        assert second.position == 4
        while await second.run_once():
            pass

        ready = await eventually(
            lambda: h.alliance_follow_ups(alliance_id, "step_ready")
        )
        assert len(ready) == 1
        assert (await h.settle(h.alliance_handle(alliance_id)))["ignored"] == 0


class UnavailableAtFirst:
    """A client whose first calls fail as if Temporal were down (a hand-written fake)."""

    def __init__(self, client: Any, failures: int) -> None:
        self.client, self.failures = client, failures

    async def start_workflow(self, *args: Any, **kwargs: Any) -> Any:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("Temporal nicht erreichbar")
        return await self.client.start_workflow(*args, **kwargs)


async def test_relay_keeps_its_position_while_temporal_is_down_and_catches_up(
    harness: Harness,
) -> None:
    h = harness
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Ausfall", municipality="Offline", state="Saarland", by=BY
    )
    for n in range(5):
        h.app.record_goal(alliance_id, text=f"Ziel {n}", by=BY)
    positions = MemoryPositionStore()
    relay = h.relay(positions, batch_size=2)
    relay.client = UnavailableAtFirst(h.env.client, failures=2)  # type: ignore[assignment]
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))

    await eventually(lambda: positions.get() == h.app.recorder.max_notification_id(), timeout=20)
    stop.set()
    await running

    progress = await h.settle(h.alliance_handle(alliance_id))
    assert progress["seen"] == 6
