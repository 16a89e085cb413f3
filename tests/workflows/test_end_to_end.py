"""One alliance end to end on the dev server in real time: command → event → relay → workflow →
follow-up event → e-mail in the SMTP sink; plus the schedules, the sweep and the digest."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import Client

from config.settings import Settings, load_settings
from domain.application import AllianceApplication
from domain.dates import berlin
from tests.ports import free_port
from tests.workflows.conftest import eventually, plain
from workers import mail_sink, relay, worker
from workers.bootstrap import build_application
from workers.policy_watch import PolicyWatch
from workers.temporal_server import start_dev_server
from workflows.alliance import AllianceWorkflow
from workflows.fleet import DIGEST_SCHEDULE, SWEEP_SCHEDULE, FleetSweepWorkflow, SweepInput
from workflows.runtime import connect

BY = "koordination"


@dataclass
class Stack:
    settings: Settings
    app: AllianceApplication
    client: Client


@pytest.fixture(scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    var = tmp_path_factory.mktemp("e2e") / "var"
    policy = var.parent / "policy.toml"
    policy.write_text("[follow_ups]\nstalled_days = 90\n")
    settings = load_settings(
        store="sqlite",
        var_dir=var,
        policy_file=policy,
        temporal_address=f"127.0.0.1:{free_port()}",
        temporal_ui_port=free_port(),
        smtp_port=free_port(),
        task_queue=f"e2e-{uuid.uuid4().hex[:8]}",
    )
    # A low suggestion limit makes the server ask for continue-as-new within a few events.
    extra = ["--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=40"]
    async with start_dev_server(settings, ui=False, extra_args=extra):
        app = build_application(settings)
        client = await connect(settings.temporal_address)
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(m.serve(settings, app, stop)) for m in (mail_sink, worker, relay)
        ]
        try:
            yield Stack(settings, app, client)
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            app.close()


def mails(stack: Stack) -> list:
    return mail_sink.read_mails(mail_sink.mail_dir(stack.settings))


async def test_one_alliance_end_to_end_from_command_to_mail_in_the_sink(stack: Stack) -> None:
    app = stack.app
    alliance_id = app.register_alliance(
        name="Bündnis Echtzeit", municipality="Echtstadt", state="Bayern", by=BY
    )
    today = app.clock().date()
    for i, outcome in enumerate(
        ["interested", "interested", "active_role", "undecided", "interested"]
    ):
        actor = app.add_actor(alliance_id, name=f"Partner {i}", sector="stiftung", by=BY)
        app.record_contact(alliance_id, actor_id=actor, on=today, outcome=outcome, by=BY)

    ready = await eventually(
        lambda: [
            f for f in app.get_alliance(alliance_id).follow_ups.values() if f.rule == "step_ready"
        ],
        timeout=30,
    )
    assert len(ready) == 1
    received = await eventually(
        lambda: [m for m in mails(stack) if "step_ready" in str(m["X-Buendnis-Follow-Up"])],
        timeout=30,
    )
    assert len(received) == 1
    assert received[0]["To"] == f"koordination+{alliance_id}@buendnis.invalid"
    assert "Bündnis Echtzeit" in received[0]["Subject"]

    handle = stack.client.get_workflow_handle(f"alliance-{alliance_id}")
    found = await eventually(
        lambda: _listed(
            stack.client,
            f'AllianceStep = 1 AND Bundesland = "Bayern" AND WorkflowId = "alliance-{alliance_id}"',
        ),
        timeout=30,
    )
    assert found
    for n in range(12):
        app.record_goal(alliance_id, text=f"Ziel {n}", by=BY)
        await asyncio.sleep(0.15)
    progress = await eventually(lambda: _progress_after_continue_as_new(handle), timeout=30)
    assert progress["generation"] > 1, (
        "the server suggested continue-as-new and the view was carried"
    )
    view = await handle.query(AllianceWorkflow.view)
    assert view.facts.alliance_id == str(alliance_id) and view.name == "Bündnis Echtzeit"
    assert (
        len(
            [f for f in app.get_alliance(alliance_id).follow_ups.values() if f.rule == "step_ready"]
        )
        == 1
    )


async def _listed(client: Client, query: str) -> list[str]:
    return [w.id async for w in client.list_workflows(query)]


async def _progress_after_continue_as_new(handle: object) -> dict[str, int] | None:
    progress: dict[str, int] = await handle.query("progress")  # type: ignore[attr-defined]
    return progress if progress["generation"] > 1 else None


async def test_schedules_sweep_missing_workflows_and_send_the_weekly_digest(stack: Stack) -> None:
    for schedule_id in (SWEEP_SCHEDULE, DIGEST_SCHEDULE):
        description = await stack.client.get_schedule_handle(schedule_id).describe()
        assert description.schedule.spec.calendars
    app = stack.app
    alliance_id = app.register_alliance(
        name="Bündnis Verloren", municipality="Irgendwo", state="Hessen", by=BY
    )
    handle = stack.client.get_workflow_handle(f"alliance-{alliance_id}")
    await eventually(lambda: _running(handle), timeout=30)
    await handle.terminate("verloren gegangen")

    result = await stack.client.execute_workflow(
        FleetSweepWorkflow.run,
        SweepInput(),
        id=f"sweep-{uuid.uuid4().hex[:6]}",
        task_queue=stack.settings.task_queue,
    )
    assert result["started"] >= 1
    assert await _running(stack.client.get_workflow_handle(f"alliance-{alliance_id}"))

    await stack.client.execute_workflow(
        FleetSweepWorkflow.run,
        SweepInput(digest=True),
        id=f"digest-{uuid.uuid4().hex[:6]}",
        task_queue=stack.settings.task_queue,
    )
    digests = await eventually(
        lambda: [m for m in mails(stack) if "Wochenübersicht" in str(m["Subject"])]
    )
    assert "Bündnis" in plain(digests[0])


async def _running(handle: object) -> bool:
    try:
        description = await handle.describe()  # type: ignore[attr-defined]
    except Exception:
        return False
    return bool(description.status.name == "RUNNING")


async def test_a_changed_policy_file_reaches_running_workflows_without_a_restart(stack: Stack) -> None:
    """Runs last in this module: the stack's worker follows its policy file (SIGHUP: at once)."""
    app = stack.app
    alliance_id = app.register_alliance(name="Bündnis Regeln", municipality="Regelstadt", state="Hessen", by=BY)
    handle = stack.client.get_workflow_handle(f"alliance-{alliance_id}")
    async def view() -> object:
        try:
            return await handle.query(AllianceWorkflow.view)
        except Exception:  # not started by the relay yet
            return None

    first = await eventually(view, timeout=30)
    assert first.policy.stalled_days == 90
    assert stack.settings.policy_file is not None
    stack.settings.policy_file.write_text("[follow_ups]\nstalled_days = 60\n")
    os.kill(os.getpid(), signal.SIGHUP)

    async def reloaded() -> bool:
        changed = await handle.query(AllianceWorkflow.view)
        return changed is not None and changed.policy.stalled_days == 60

    await eventually(reloaded, timeout=60, what="the workflow reloads its view with the new policy")
    upcoming = await handle.query(AllianceWorkflow.upcoming)
    stalled = next(u for u in upcoming if u.rule == "step_stalled")
    entered = berlin(app.get_alliance(alliance_id).step_entered_at).date()
    assert berlin(stalled.due_at).date() == entered + timedelta(days=60)


async def test_a_policy_file_that_breaks_the_rules_is_refused_and_the_old_policy_kept(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[follow_ups]\nstalled_days = 45\n")
    applied: list[object] = []
    watch = PolicyWatch(load_settings(var_dir=tmp_path, policy_file=policy), applied.append)
    policy.write_text("[follow-ups]\nstalled_days = 30\n")  # a misspelt table
    assert not watch.check(force=True)
    assert watch.current[1].stalled_days == 45 and applied == []
    assert watch.refused is not None and "follow-ups" in watch.refused
