"""The Temporal worker process (`buendnis worker`): alliance, commitment and fleet workflows."""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor

import structlog
from temporalio.client import Client

from config.settings import Settings
from domain.application import AllianceApplication
from workflows.activities import FollowUpActivities
from workflows.fleet import FleetActivities, FleetSweepWorkflow, ensure_schedules
from workflows.notifications import SmtpMailer
from workflows.runtime import build_worker, connect
from workflows.search_attributes import ensure_registered

log = structlog.get_logger(__name__)


async def connect_when_ready(settings: Settings, stop: asyncio.Event) -> Client | None:
    """Connects to Temporal, retrying while it starts (inside `buendnis up` it starts alongside)."""
    delay = 0.5
    while not stop.is_set():
        try:
            return await connect(settings.temporal_address, settings.temporal_namespace)
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


async def serve(settings: Settings, application: AllianceApplication, stop: asyncio.Event) -> None:
    # A broken policy file stops start-up here with the SettingsError's German message.
    _, follow_up_policy = settings.policies()
    client = await connect_when_ready(settings, stop)
    if client is None:
        return
    mailer = SmtpMailer(settings.smtp_host, settings.smtp_port)
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
        )
        await ensure_registered(client, settings.temporal_namespace)
        await ensure_schedules(client, settings.task_queue)
        log.info(
            "worker_started", task_queue=settings.task_queue, address=settings.temporal_address
        )
        async with worker:
            await stop.wait()
    log.info("worker_stopped")
