"""The fleet sweep: every day it makes sure each open alliance and commitment has its workflow
running (and starts the missing); every week it sends the Servicebüro a digest.

`FleetSweepWorkflow` runs on Temporal Schedules (`ensure_schedules`), its activities here.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from uuid import UUID

import structlog
from eventsourcing.utils import get_topic
from temporalio import activity, workflow
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleRange,
    ScheduleSpec,
    WorkflowHandle,
)
from temporalio.common import RetryPolicy
from temporalio.service import RPCError, RPCStatusCode

with workflow.unsafe.imports_passed_through():
    from domain.alliance import Alliance
    from domain.application import AllianceApplication
    from domain.commitment import Commitment
    from domain.follow_ups import FollowUpPolicy
    from workflows.alliance import AllianceWorkflow
    from workflows.commitment import CommitmentWorkflow
    from workflows.digest import build_digest
    from workflows.notifications import Mailer, message_id, set_body
    from workflows.payloads import (
        EVENT_SIGNAL,
        AllianceInput,
        AllianceView,
        CommitmentInput,
        CommitmentView,
        EventNotice,
        RefreshRequest,
    )

log = structlog.get_logger(__name__)
SWEEP_SCHEDULE, DIGEST_SCHEDULE = "buendnis-fleet-sweep", "buendnis-weekly-digest"


@dataclass(frozen=True)
class SweepInput:
    digest: bool = False


@dataclass(frozen=True)
class OpenWork:
    alliance_ids: list[str]
    commitment_ids: list[str]


@dataclass(frozen=True)
class EnsureRequest:
    kind: str  # "alliance" | "commitment"
    ids: list[str]


@dataclass(frozen=True)
class EnsureResult:
    started: list[str]
    refreshed: list[str]


@dataclass(frozen=True)
class DigestRequest:
    now: datetime


class FleetActivities:
    def __init__(
        self,
        application: AllianceApplication,
        client: Client,
        task_queue: str,
        policy: FollowUpPolicy,
        mailer: Mailer,
        *,
        sender: str,
        site_url: str = "http://127.0.0.1:8000",
    ) -> None:
        self.application, self.client, self.task_queue = application, client, task_queue
        self.policy, self.mailer, self.sender = policy, mailer, sender
        self.site_url = site_url.rstrip("/")

    def functions(self) -> list[Any]:
        return [self.list_open_work, self.ensure_running, self.send_digest]

    def _originators(self, *event_classes: type) -> list[UUID]:
        topics = [get_topic(cls) for cls in event_classes]
        ids: dict[UUID, None] = {}
        start = 1
        while batch := self.application.recorder.select_notifications(start, 10_000, topics=topics):
            ids.update(dict.fromkeys(n.originator_id for n in batch))  # type: ignore[misc]
            start = batch[-1].id + 1
        return list(ids)

    def _open(self) -> tuple[list[Alliance], list[Commitment]]:
        get = self.application.repository.get
        alliances: list[Alliance] = [get(i) for i in self._originators(Alliance.Registered)]
        commitments: list[Commitment] = [get(i) for i in self._originators(Commitment.Pledged)]
        return alliances, commitments

    @activity.defn(name="list_open_work")
    def list_open_work(self, _: SweepInput) -> OpenWork:
        alliances, commitments = self._open()
        return OpenWork(
            [str(a.id) for a in alliances if not a.dissolved],
            [str(c.id) for c in commitments if c.is_open],
        )

    @activity.defn(name="ensure_running")
    async def ensure_running(self, request: EnsureRequest) -> EnsureResult:
        """Starts the workflows of open aggregates that do not run (never started, failed, or ended
        as if there were nothing to do, as runs before the LOAD_FAILS patch did when loading
        failed), and has running ones whose view holds another policy than the worker's reload it."""
        result = EnsureResult([], [])
        for aggregate_id in request.ids:
            workflow_id = f"{request.kind}-{aggregate_id}"
            handle = self.client.get_workflow_handle(workflow_id)
            try:
                status = (await handle.describe()).status
            except RPCError as e:
                if e.status != RPCStatusCode.NOT_FOUND:
                    raise
                status = None
            if status is not None and status.name == "RUNNING":
                if await self._holds_other_policy(handle, request.kind):
                    await handle.execute_update(
                        "refresh", RefreshRequest("Regeln geändert"), result_type=int
                    )
                    result.refreshed.append(workflow_id)
                continue
            arg: AllianceInput | CommitmentInput = (
                AllianceInput(aggregate_id)
                if request.kind == "alliance"
                else CommitmentInput(aggregate_id)
            )
            run = "AllianceWorkflow" if request.kind == "alliance" else "CommitmentWorkflow"
            await self.client.start_workflow(
                run,
                arg,
                id=workflow_id,
                task_queue=self.task_queue,
                start_signal=EVENT_SIGNAL,
                start_signal_args=[EventNotice(0, aggregate_id, ("Sweep",))],
            )
            result.started.append(workflow_id)
            log.info("sweep_started_missing_workflow", workflow_id=workflow_id,
                     previous=status.name if status is not None else None)
        return result

    async def _holds_other_policy(self, handle: WorkflowHandle[Any, Any], kind: str) -> bool:
        view: AllianceView | CommitmentView | None
        if kind == "alliance":
            view = await handle.query(AllianceWorkflow.view)
        else:
            view = await handle.query(CommitmentWorkflow.view)
        return view is not None and view.policy != self.policy

    @activity.defn(name="send_digest")
    def send_digest(self, request: DigestRequest) -> str:
        alliances, commitments = self._open()
        digest = build_digest(
            alliances, commitments, self.application.policy, self.policy, request.now
        )
        year, week, _ = request.now.isocalendar()
        message = EmailMessage()
        domain = self.sender.rpartition("@")[2]
        message["From"] = message["To"] = self.sender
        message["Subject"] = (
            f"Wochenübersicht KW {week}/{year}: {len(digest.stalled)} stockend, "
            f"{len(digest.overdue)} Zusagen überfällig"
        )
        message["Message-ID"] = message_id(f"digest:{year}-W{week}", domain)
        message["Date"] = format_datetime(request.now)
        set_body(message, "digest", {**vars(digest), "link": f"{self.site_url}/"})
        self.mailer.send(message)
        return str(message["Message-ID"])


@workflow.defn
class FleetSweepWorkflow:
    """Starts missing workflows and refreshes those holding an old policy; with `digest` set,
    sends the weekly digest instead."""

    @workflow.run
    async def run(self, input: SweepInput) -> dict[str, int]:
        timeout, retry = timedelta(minutes=10), RetryPolicy(maximum_attempts=5)
        if input.digest:
            await workflow.execute_activity(
                "send_digest",
                DigestRequest(workflow.now()),
                start_to_close_timeout=timeout,
                retry_policy=retry,
            )
            return {"digest": 1}
        work: OpenWork = await workflow.execute_activity(
            "list_open_work",
            input,
            result_type=OpenWork,
            start_to_close_timeout=timeout,
            retry_policy=retry,
        )
        started = refreshed = 0
        for kind, ids in (("alliance", work.alliance_ids), ("commitment", work.commitment_ids)):
            for i in range(0, len(ids), 200):
                result: EnsureResult = await workflow.execute_activity(
                    "ensure_running",
                    EnsureRequest(kind, ids[i : i + 200]),
                    result_type=EnsureResult,
                    start_to_close_timeout=timeout,
                    retry_policy=retry,
                )
                started += len(result.started)
                refreshed += len(result.refreshed)
        return {
            "alliances": len(work.alliance_ids),
            "commitments": len(work.commitment_ids),
            "started": started,
            "refreshed": refreshed,
        }


async def ensure_schedules(client: Client, task_queue: str) -> None:
    """The daily sweep (05:00 UTC) and the weekly digest (Mondays 06:00 UTC); existing ones stay."""
    plans = (
        (SWEEP_SCHEDULE, SweepInput(digest=False), ScheduleCalendarSpec(hour=[ScheduleRange(5)])),
        (
            DIGEST_SCHEDULE,
            SweepInput(digest=True),
            ScheduleCalendarSpec(hour=[ScheduleRange(6)], day_of_week=[ScheduleRange(1)]),
        ),
    )
    for schedule_id, arg, calendar in plans:
        with contextlib.suppress(ScheduleAlreadyRunningError):
            await client.create_schedule(
                schedule_id,
                Schedule(
                    action=ScheduleActionStartWorkflow(
                        FleetSweepWorkflow.run, arg, id=f"{schedule_id}-run", task_queue=task_queue
                    ),
                    spec=ScheduleSpec(calendars=[calendar]),
                ),
            )
