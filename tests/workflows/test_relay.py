"""The relay's parts: coalescing of bursts, its durable position on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any

import workers.relay as relay_worker
from config.settings import Settings
from domain.application import AllianceApplication
from workers.relay import position_store
from workers.relay import status as relay_status
from workflows.payloads import EventNotice
from workflows.relay import Relay, WorkflowOptions, coalesce
from workflows.relay_position import MemoryPositionStore, PositionStore

BY = "koordination"


def test_a_burst_of_one_alliances_events_becomes_one_notice(
    memory_app: AllianceApplication,
) -> None:
    app = memory_app
    busy = app.register_alliance(name="Bündnis Viel", municipality="A", state="Bayern", by=BY)
    quiet = app.register_alliance(name="Bündnis Wenig", municipality="B", state="Berlin", by=BY)
    for i in range(50):
        actor = app.add_actor(busy, name=f"Akteur {i}", sector="verband", by=BY)
        app.record_contact(busy, actor_id=actor, on=date(2026, 1, 5), outcome="interested", by=BY)
    partner = app.add_actor(quiet, name="Sparkasse", sector="unternehmen", by=BY)
    commitment = app.pledge_commitment(
        quiet, partner_id=partner, description="Geld", kind="geld", due_on=date(2026, 6, 1), by=BY
    )
    notifications = app.recorder.select_notifications(1, 10_000)

    notices = {t.workflow_id: n for t, n in coalesce(notifications).items()}

    assert set(notices) == {f"alliance-{busy}", f"alliance-{quiet}", f"commitment-{commitment}"}
    burst = notices[f"alliance-{busy}"]
    assert burst.count == 101
    assert burst.event_types == ("Registered", "ActorAdded", "ContactRecorded")
    assert burst.position == max(n.id for n in notifications if n.originator_id == busy)
    assert notices[f"commitment-{commitment}"].event_types == ("Pledged",)


def test_relay_position_survives_a_restart(
    settings: Settings, make_app: Callable[..., AllianceApplication]
) -> None:
    make_app()  # creates the store (a PostgreSQL schema or a SQLite directory)
    first = position_store(settings)
    assert first.get() == 0
    first.set(41)
    first.set(42)

    assert position_store(settings).get() == 42


def test_relay_lag_counts_the_events_not_yet_relayed_and_the_age_of_the_oldest(
    settings: Settings, make_app: Callable[..., AllianceApplication]
) -> None:
    app = make_app()
    alliance_id = app.register_alliance(
        name="Bündnis Lag", municipality="Warte", state="Bayern", by=BY
    )
    for n in range(4):
        app.record_goal(alliance_id, text=f"Ziel {n}", by=BY)
    position_store(settings).set(2)

    behind = relay_status(settings, app)
    position_store(settings).set(5)
    caught_up = relay_status(settings, app)

    assert (behind["position"], behind["head"], behind["lag"]) == (2, 5, 3)
    assert behind["lag_seconds"] >= 0
    assert (caught_up["lag"], caught_up["lag_seconds"]) == (0, 0)


def test_the_health_probe_opens_the_relays_position_store_once(
    settings: Settings, make_app: Callable[..., AllianceApplication], monkeypatch: Any
) -> None:
    app = make_app()
    opened: list[object] = []

    def counted(s: Settings) -> PositionStore:
        store = position_store(s)
        opened.append(store)
        return store

    monkeypatch.setattr(relay_worker, "position_store", counted)
    state = relay_worker.probe(settings, app)

    assert state["state"] == "down"  # no heartbeat yet
    assert len(opened) == 1


class HeldClient:
    """A Temporal client whose signal-with-starts wait until released (a hand-written fake): what
    the relay sends while one workflow's signal is slow to be accepted."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.sent: list[EventNotice] = []

    async def start_workflow(self, *args: Any, start_signal_args: list[Any], **options: Any) -> None:
        await self.release.wait()
        self.sent.append(start_signal_args[0])


async def test_notices_waiting_behind_a_slow_signal_merge_into_one(memory_app: AllianceApplication) -> None:
    app = memory_app
    alliance_id = app.register_alliance(name="Bündnis Eile", municipality="A", state="Bayern", by=BY)
    for n in range(10):
        app.record_goal(alliance_id, text=f"Ziel {n}", by=BY)
    client, positions, stop = HeldClient(), MemoryPositionStore(), asyncio.Event()
    relay = Relay(app, client, positions, WorkflowOptions("relay-test"), batch_size=1)  # type: ignore[arg-type]

    running = asyncio.create_task(relay.run(stop, in_flight=8))
    while len(asyncio.all_tasks()) < 4:  # the relay, its first signal, and one waiting behind it
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    client.release.set()
    while positions.get() < 11:
        await asyncio.sleep(0.01)
    stop.set()
    await running

    told = [n.position for n in client.sent]
    assert told == sorted(told) and told[-1] == 11
    assert len(told) < 11, "the notices of the batches read while the first signal was held merge"
    assert sum(n.count for n in client.sent) == 11
    assert {t for n in client.sent for t in n.event_types} == {"Registered", "GoalRecorded"}
