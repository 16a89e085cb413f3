"""How workflows run: the client's data converter, the sandbox passthrough, and the worker."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import TypeAdapter
from temporalio.client import Client
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultPayloadConverter,
    JSONPlainPayloadConverter,
)
from temporalio.worker import (
    PollerBehaviorSimpleMaximum,
    UnsandboxedWorkflowRunner,
    Worker,
    WorkflowRunner,
)
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from config.settings import Settings
from workflows.activities import FollowUpActivities
from workflows.alliance import AllianceWorkflow
from workflows.commitment import CommitmentWorkflow


class SharedTypeAdapters:
    """One pydantic TypeAdapter per type hint for the whole process, built under a lock.

    The SDK gives every workflow run its own payload converter, and pydantic's builds its adapters
    per instance: each run started or replayed (a cache miss, a takeover after a SIGKILL, every
    continue-as-new) built AllianceInput's and AllianceView's again (~60 ms each on a loaded core)
    and each cached run kept its own. Built once under a lock, first uses in the activity and
    workflow threads do not build one type side by side either."""

    LIMIT = 1024  # type hints are the payload types of the code: a few dozen

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._adapters: dict[Any, TypeAdapter[Any]] = {}

    def __call__(self, hint: Any) -> TypeAdapter[Any]:
        adapter = self._adapters.get(hint)  # an unhashable hint raises TypeError: built uncached
        if adapter is None:
            with self._lock:
                adapter = self._adapters.get(hint)
                if adapter is None:
                    adapter = TypeAdapter(hint)
                    if len(self._adapters) < self.LIMIT:
                        self._adapters[hint] = adapter
        return adapter


ADAPTERS = SharedTypeAdapters()


class _SharedPydanticJSON(PydanticJSONPlainPayloadConverter):
    def __init__(self) -> None:
        super().__init__(max_cached_type_adapters=0)
        self._type_adapter = ADAPTERS  # type: ignore[assignment]


class PayloadConverter(CompositePayloadConverter):
    """temporalio.contrib.pydantic's payload converter, with the process's shared adapters."""

    def __init__(self) -> None:
        super().__init__(*(
            _SharedPydanticJSON() if isinstance(c, JSONPlainPayloadConverter) else c
            for c in DefaultPayloadConverter.default_encoding_payload_converters
        ))


# Payloads are validated dataclasses; pydantic checks their types and runs their __post_init__.
DATA_CONVERTER = DataConverter(payload_converter_class=PayloadConverter)
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


def workflow_runner(sandboxed: bool) -> WorkflowRunner:
    """The sandbox (tests, replays, and the worker unless `worker_sandbox` is off), or none.

    The sandbox re-imports each workflow's module for every run it creates or replays and runs every
    activation, and the SDK's payload visitor's look-up of each payload's context, through its
    importer: a run of a recorded 41-event history replayed in 36 ms sandboxed and 11 ms without
    (bench/notes/workflows.md, sixth look). What it guards (no clock, random or I/O in workflow
    code) the tests still check: their workers and the replay tests run sandboxed."""
    return sandbox_runner() if sandboxed else UnsandboxedWorkflowRunner()


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


def _default(name: str) -> Any:
    return Settings.model_fields[name].default


@dataclass(frozen=True)
class WorkerPolling:
    """How the worker polls workflow tasks (settings `worker_*`, see config/settings.py).

    A short sticky timeout lets another worker take over in ~3 s after one is killed (Temporal's
    default of 10 s leaves its workflows unanswered that long). The SDK gives the shared queue
    pollers × ratio of the pollers and the worker's own sticky queue the rest, at least one. Every
    task of a workflow the worker has cached comes through its sticky queue: with the ratio 1.0 one
    poller served them all, and at 100 events/s the tasks queued there (p50 327 ms from scheduled
    to started on a quiet machine, 79 of 2,000 timed out). With 0.25 (two pollers on the shared
    queue, six on the sticky one) the lag probe's reaction p99 at 100 events/s fell from 1.5 s to
    0.36 s; the full benchmark run gave 1.6 s for its first lag run (right after 600 workflows
    start) and 0.49 s for the polling relay's, so the 250 ms target is not met yet (fifth look).
    A task that timed out on the sticky queue is taken from the shared queue by the worker that
    has the run cached, without a replay. A worker taking over a killed one's workflows picked
    their tasks up from the shared queue 0.4–2.1 s (p50 to max) after the timeout, then replayed each
    (bench/notes/workflows.md, sixth look)."""

    sticky_timeout: float = _default("worker_sticky_timeout")
    pollers: int = _default("worker_workflow_pollers")
    nonsticky_ratio: float = _default("worker_nonsticky_ratio")

    @classmethod
    def of(cls, settings: Settings) -> WorkerPolling:
        return cls(settings.worker_sticky_timeout, settings.worker_workflow_pollers,
                   settings.worker_nonsticky_ratio)


def build_worker(
    client: Client,
    task_queue: str,
    follow_ups: FollowUpActivities,
    executor: Executor,
    *,
    extra_workflows: Sequence[type] = (),
    extra_activities: Sequence[Any] = (),
    polling: WorkerPolling = WorkerPolling(),
    sandboxed: bool = True,
    **options: Any,
) -> Worker:
    """The worker of all workflows, polling as `polling` says. On shutdown running activities get
    time to finish: cancelled mid-transaction, a sync activity would leave the store's shared
    SQLite connection inside an open transaction."""
    options.setdefault("graceful_shutdown_timeout", timedelta(seconds=10))
    options.setdefault("workflow_task_poller_behavior", PollerBehaviorSimpleMaximum(polling.pollers))
    options.setdefault("nonsticky_to_sticky_poll_ratio", polling.nonsticky_ratio)
    options.setdefault("sticky_queue_schedule_to_start_timeout", timedelta(seconds=polling.sticky_timeout))
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[*WORKFLOWS, *extra_workflows],
        activities=activity_functions(follow_ups, extra_activities),
        activity_executor=executor,
        workflow_runner=workflow_runner(sandboxed),
        **options,
    )
