"""The Temporal worker process (`buendnis worker`): alliance, commitment and fleet workflows."""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor

import structlog
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from config.settings import Settings
from domain.application import AllianceApplication
from workers.bootstrap import build_mailer, freeze_startup_heap
from workers.policy_watch import Policies, PolicyWatch, follow
from workers.temporal_client import connect_client
from workflows.activities import FollowUpActivities
from workflows.fleet import FleetActivities, FleetSweepWorkflow, SweepInput, ensure_schedules
from workflows.runtime import WorkerPolling, build_worker
from workflows.search_attributes import ensure_registered

log = structlog.get_logger(__name__)


async def connect_when_ready(settings: Settings, stop: asyncio.Event) -> Client | None:
    """Connects to Temporal, retrying while it starts (inside `buendnis up` it starts alongside)."""
    delay = 0.5
    while not stop.is_set():
        try:
            return await connect_client(settings)
        except Exception as e:
            log.warning(
                "temporal_unreachable",
                address=settings.temporal_address,
                error=str(e),
                retry_in=delay,
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 10.0)
    return None


async def serve(
    settings: Settings, application: AllianceApplication, stop: asyncio.Event, *, policy_interval: float = 5.0
) -> None:
    # A broken policy file stops start-up here with the SettingsError's German message.
    _, follow_up_policy = settings.policies()
    client = await connect_when_ready(settings, stop)
    if client is None:
        return
    mailer = build_mailer(settings)
    follow_ups = FollowUpActivities(
        application, follow_up_policy, mailer, sender=settings.mail_from, site_url=settings.site_url()
    )
    fleet = FleetActivities(
        application,
        client,
        settings.task_queue,
        follow_up_policy,
        mailer,
        sender=settings.mail_from,
        site_url=settings.site_url(),
    )
    with ThreadPoolExecutor(max_workers=16, thread_name_prefix="activity") as executor:
        worker = build_worker(
            client,
            settings.task_queue,
            follow_ups,
            executor,
            extra_workflows=[FleetSweepWorkflow],
            extra_activities=fleet.functions(),
            polling=WorkerPolling.of(settings),
            sandboxed=settings.worker_sandbox,
        )
        await ensure_registered(client, settings.temporal_namespace)
        await ensure_schedules(client, settings.task_queue)
        def apply(policies: Policies) -> None:
            application.policy, follow_ups.policy, fleet.policy = policies[0], policies[1], policies[1]

        async def sweep(version: str) -> None:
            # One sweep per version, whichever worker saw the change first: the others' starts
            # are refused as duplicates.
            with contextlib.suppress(WorkflowAlreadyStartedError):
                await client.start_workflow(
                    FleetSweepWorkflow.run, SweepInput(), id=f"fleet-sweep-policy-{version}",
                    task_queue=settings.task_queue,
                )

        watch = PolicyWatch(settings, apply)
        log.info(
            "worker_started", task_queue=settings.task_queue, address=settings.temporal_address,
            policy=watch.version,
        )
        # The start-up heap only: freezing what survives each full collection too (as the API does)
        # made the reaction lag worse in two pairs of probes (bench/notes/workflows.md, seventh look).
        freeze_startup_heap()
        async with worker:
            await follow(watch, stop, sweep, interval=policy_interval)
    log.info("worker_stopped")
