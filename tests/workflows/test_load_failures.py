"""A workflow never ends silently: a load that fails fails the workflow (bounded retries), a missing
aggregate fails it, and the sweep starts it again once the cause is gone.

Fault injected: an event another writer stored is damaged in the SQLite file the worker reads, so
loading the alliance raises a ValueError (the JSON cannot be decoded); later it is repaired.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.testing import WorkflowEnvironment

from config.settings import load_settings
from tests.workflows.conftest import Harness, RecordingMailer, eventually, open_harness
from workers.bootstrap import build_application
from workflows.commitment import CommitmentWorkflow
from workflows.fleet import EnsureRequest, FleetActivities, SweepInput
from workflows.payloads import EVENT_SIGNAL, CommitmentInput, EventNotice

BY = "koordination"


@pytest.fixture
async def sqlite_harness(ts_env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Harness]:
    async with open_harness(ts_env, tmp_path / "var") as h:
        yield h


def _damage_last_event(events_db: Path) -> tuple[int, bytes]:
    with sqlite3.connect(events_db) as db:
        rowid, state = db.execute("SELECT rowid, state FROM stored_events ORDER BY rowid DESC LIMIT 1").fetchone()
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (b'{"kaputt', rowid))
    return rowid, state


def _repair(events_db: Path, rowid: int, state: bytes) -> None:
    with sqlite3.connect(events_db) as db:
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state, rowid))


async def test_an_unreadable_event_fails_the_workflow_and_the_sweep_restarts_it_once_repaired(
    sqlite_harness: Harness, tmp_path: Path
) -> None:
    h = sqlite_harness
    # Given a commitment whose workflow waits for its due date in twenty days
    await h.now()
    alliance_id = h.app.register_alliance(name="Bündnis Lesefehler", municipality="Gera", state="Thüringen", by=BY)
    partner = h.app.add_actor(alliance_id, name="Stadtwerke", sector="unternehmen", by=BY)
    due = (await h.now()).date() + timedelta(days=20)
    commitment = h.app.pledge_commitment(alliance_id, partner_id=partner, description="Räume für Ferienspiele",
                                         kind="raeume", due_on=due, by=BY)
    await h.relay_all()
    handle = h.commitment_handle(commitment)
    await h.settle(handle)
    # When another writer (the API) stores an event of it that is then damaged in the file
    writer = build_application(load_settings(store="sqlite", var_dir=tmp_path / "var"))
    writer.confirm_commitment(alliance_id, commitment, by=BY)
    writer.close()
    rowid, state = _damage_last_event(tmp_path / "var" / "events.db")
    await h.relay_all()
    await h.advance(timedelta(hours=2))  # the load's retries back off in workflow time, then stop
    # Then the workflow failed (it did not complete as if the commitment were gone), naming the cause
    description = await handle.describe()
    assert description.status is not None and description.status.name == "FAILED"
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    assert "MapperDeserialisationError" in str(failure.value.cause)  # a ValueError, once taken for "gone"
    # When the event is repaired and the daily sweep runs
    _repair(tmp_path / "var" / "events.db", rowid, state)
    fleet = FleetActivities(h.app, h.env.client, h.task_queue, h.policy, RecordingMailer(),
                            sender="servicebuero@buendnis.invalid")
    work = fleet.list_open_work(SweepInput())
    assert work.commitment_ids == [str(commitment)]
    started = await fleet.ensure_running(EnsureRequest("commitment", work.commitment_ids))
    # Then the workflow runs again and reminds when the commitment falls due
    assert started.started == [f"commitment-{commitment}"]
    await eventually(lambda: _running(handle), what="Ablauf läuft wieder")
    await h.advance_to(await eventually(lambda: _due(h, handle), what="Erinnerung geplant"))
    overdue = await eventually(lambda: [k for k in h.commitment_follow_ups(commitment)
                                        if k.startswith("commitment_overdue:")])
    assert len(overdue) == 1
    assert len(await eventually(lambda: h.mailer.with_key("commitment_overdue"))) == 1


async def _due(h: Harness, handle: Any) -> Any:
    try:
        return await h.due_at(handle, "commitment_overdue")
    except Exception:
        return None


async def _running(handle: object) -> bool:
    description = await handle.describe()  # type: ignore[attr-defined]
    return bool(description.status is not None and description.status.name == "RUNNING")


async def test_a_workflow_for_an_aggregate_the_store_does_not_hold_fails_instead_of_completing(
    sqlite_harness: Harness,
) -> None:
    h = sqlite_harness
    nobody = str(uuid.uuid4())
    handle = await h.env.client.start_workflow(
        CommitmentWorkflow.run, CommitmentInput(nobody), id=f"commitment-{nobody}", task_queue=h.task_queue,
        start_signal=EVENT_SIGNAL, start_signal_args=[EventNotice(1, nobody, ("Pledged",))])
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    assert "gibt es im Ereignisspeicher nicht" in str(failure.value.cause)
    description = await handle.describe()
    assert description.status is not None and description.status.name == "FAILED"
