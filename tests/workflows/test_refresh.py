"""A changed policy reaches running workflows: the sweep has them reload through the `refresh` update."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError

from domain.dates import berlin
from tests.workflows.conftest import Harness, RecordingMailer, eventually
from workflows.alliance import AllianceWorkflow
from workflows.fleet import EnsureRequest, FleetActivities
from workflows.payloads import RefreshRequest

BY = "koordination"


async def test_sweep_has_a_workflow_with_an_old_policy_reload_and_follow_the_new_one(
    harness: Harness,
) -> None:
    h = harness
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Regeln", municipality="Neu", state="Hessen", by=BY
    )
    await h.relay_all()
    handle = h.alliance_handle(alliance_id)
    await h.settle(handle)
    stricter = replace(h.policy, stalled_days=30)
    h.activities.policy = stricter  # the worker restarted with a changed policy file
    fleet = FleetActivities(
        h.app,
        h.env.client,
        h.task_queue,
        stricter,
        RecordingMailer(),
        sender="servicebuero@buendnis.invalid",
    )

    first = await fleet.ensure_running(EnsureRequest("alliance", [str(alliance_id)]))
    again = await fleet.ensure_running(EnsureRequest("alliance", [str(alliance_id)]))

    assert first.refreshed == [f"alliance-{alliance_id}"] and first.started == []
    assert again.refreshed == []
    view = await handle.query(AllianceWorkflow.view)
    assert view is not None and view.policy.stalled_days == 30
    await h.advance(timedelta(days=31))
    stalled = await eventually(
        lambda: h.alliance_follow_ups(alliance_id, "step_stalled")
    )
    assert len(stalled) == 1


async def test_malformed_refresh_is_rejected_without_failing_a_workflow_task(
    harness: Harness,
) -> None:
    h = harness
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Prüfung", municipality="Streng", state="Berlin", by=BY
    )
    await h.relay_all()
    handle = h.alliance_handle(alliance_id)
    before = await h.settle(handle)

    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update("refresh", {"reason": "   "})
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update("refresh", {"grund": 42})
    loads = await handle.execute_update(AllianceWorkflow.refresh, RefreshRequest("Prüfung"))

    assert loads == before["loads"] + 1
    failed = [
        e
        async for e in handle.fetch_history_events()
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]
    assert failed == []


async def test_a_follow_up_the_activity_finds_not_yet_due_waits_for_its_new_time(
    harness: Harness,
) -> None:
    """The workflow's view still holds the old policy (90 days); the activity re-checks with the
    new one (120 days), records nothing at 90 days, and the reloaded view fires at 120."""
    h = harness
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Geduld", municipality="Später", state="Bremen", by=BY
    )
    entered = h.app.get_alliance(alliance_id).step_entered_at
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))
    h.activities.policy = replace(h.policy, stalled_days=120)

    await h.advance(timedelta(days=100))
    assert h.alliance_follow_ups(alliance_id, "step_stalled") == []
    await h.advance(timedelta(days=21))
    stalled = await eventually(
        lambda: h.alliance_follow_ups(alliance_id, "step_stalled")
    )
    assert [berlin(f.due_at).date() for f in stalled] == [berlin(entered).date() + timedelta(days=120)]
