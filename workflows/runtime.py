"""How workflows run: the client's data converter, the sandbox passthrough, and the worker."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import PollerBehaviorSimpleMaximum, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from workflows.activities import FollowUpActivities
from workflows.alliance import AllianceWorkflow
from workflows.commitment import CommitmentWorkflow

# Payloads are validated dataclasses; pydantic checks their types and runs their __post_init__.
DATA_CONVERTER = pydantic_data_converter
WORKFLOWS: Sequence[type] = (AllianceWorkflow, CommitmentWorkflow)
# Pure, deterministic modules that are slow to re-import for every workflow run.
PASSTHROUGH = (
    "domain",
    "eventsourcing",
    "orjson",
    "structlog",
    "pydantic",
    "pydantic_core",
    "jinja2",
    "icalendar",
)


async def connect(address: str, namespace: str = "default", **options: Any) -> Client:
    """A client with the project's data converter; `options`: tls, api_key (see workers/temporal_client.py)."""
    return await Client.connect(address, namespace=namespace, data_converter=DATA_CONVERTER, **options)


def sandbox_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH)
    )


def activity_functions(follow_ups: FollowUpActivities, extra: Sequence[Any] = ()) -> list[Any]:
    return [
        follow_ups.load_alliance,
        follow_ups.load_commitment,
        follow_ups.record_alliance_follow_up,
        follow_ups.record_commitment_follow_up,
        follow_ups.send_notification,
        follow_ups.send_summary,
        follow_ups.end_commitment_with_alliance,
        *extra,
    ]


def build_worker(
    client: Client,
    task_queue: str,
    follow_ups: FollowUpActivities,
    executor: Executor,
    *,
    extra_workflows: Sequence[type] = (),
    extra_activities: Sequence[Any] = (),
    sticky_timeout: timedelta = timedelta(seconds=1),
    **options: Any,
) -> Worker:
    """The worker of all workflows. A short sticky timeout lets another worker take over in ~3 s
    after one is killed (the default of 10 s leaves its workflows unanswered that long). On shutdown
    running activities get time to finish: cancelled mid-transaction, a sync activity would leave
    the store's shared SQLite connection inside an open transaction."""
    options.setdefault("graceful_shutdown_timeout", timedelta(seconds=10))
    # Half the pollers on the shared queue (Temporal's default: one of five), so that a worker
    # taking over a killed one's workflows fetches their tasks side by side.
    options.setdefault("workflow_task_poller_behavior", PollerBehaviorSimpleMaximum(8))
    options.setdefault("nonsticky_to_sticky_poll_ratio", 1.0)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[*WORKFLOWS, *extra_workflows],
        activities=activity_functions(follow_ups, extra_activities),
        activity_executor=executor,
        workflow_runner=sandbox_runner(),
        sticky_queue_schedule_to_start_timeout=sticky_timeout,
        **options,
    )
