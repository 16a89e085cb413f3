"""The relay: follows the event store's notification log and signal-with-starts the workflows.

At least once and in order: a batch of notifications is grouped by aggregate, each aggregate's
events become one notice (the burst is coalesced) sent with signal-with-start, and only after every
signal of the batch was accepted is the position stored. A crash in between sends some notices
again; the workflows ignore positions they have seen.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import structlog
from eventsourcing.persistence import Notification
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.application import AllianceApplication
from workflows.alliance import AllianceWorkflow
from workflows.commitment import CommitmentWorkflow
from workflows.payloads import EVENT_SIGNAL, MAX_TYPES, AllianceInput, CommitmentInput, EventNotice
from workflows.relay_position import PositionStore

log = structlog.get_logger(__name__)

# Aggregates of the store that no workflow follows (idempotency records, the commitment index).
INTERNAL = ("CommandRecord", "CommitmentIndex")
# Alliance events the alliance's commitment workflows are told of too.
ALLIANCE_STATUS = frozenset({"Paused", "Resumed", "Dissolved"})
CommitmentsOf = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class WorkflowOptions:
    task_queue: str
    max_history: int = 3000
    search_attributes: bool = True


@dataclass(frozen=True)
class Target:
    workflow_id: str
    kind: str  # "alliance" | "commitment"
    aggregate_id: str


def route(notification: Notification) -> Target | None:
    """Which workflow an event concerns, read off its topic (`domain.alliance:Alliance.X`)."""
    qualname = notification.topic.partition(":")[2]
    aggregate = qualname.split(".", 1)[0]
    originator = str(notification.originator_id)
    if aggregate == "Alliance":
        return Target(f"alliance-{originator}", "alliance", originator)
    if aggregate == "Commitment":
        return Target(f"commitment-{originator}", "commitment", originator)
    if aggregate not in INTERNAL:
        log.warning(
            "unknown_event_type_skipped", topic=notification.topic, position=notification.id
        )
    return None


def coalesce(
    notifications: Sequence[Notification], commitments_of: CommitmentsOf | None = None
) -> dict[Target, EventNotice]:
    """One notice per aggregate: the last position, how many events, and their (distinct) types.
    An alliance's pause, resumption or dissolution also goes to each of its commitments
    (`commitments_of(alliance_id)`), whose reminders follow the alliance's status."""
    grouped: dict[Target, tuple[int, int, list[str]]] = {}
    for n in notifications:
        target = route(n)
        if target is None:
            continue
        event_type = n.topic.partition(":")[2].split(".", 1)[-1][:80]
        targets = [target]
        if commitments_of is not None and target.kind == "alliance" and event_type in ALLIANCE_STATUS:
            targets += [Target(f"commitment-{c}", "commitment", c) for c in commitments_of(target.aggregate_id)]
        for t in targets:
            _, count, types = grouped.get(t, (0, 0, []))
            if event_type not in types and len(types) < MAX_TYPES:
                types.append(event_type)
            grouped[t] = (n.id, count + 1, types)
    return {
        t: EventNotice(position=p, aggregate_id=t.aggregate_id, event_types=tuple(types), count=c)
        for t, (p, c, types) in grouped.items()
    }


def merge(earlier: EventNotice, later: EventNotice) -> EventNotice:
    """One notice for two of one workflow's, the later one's position last (as `coalesce` does)."""
    types = list(earlier.event_types)
    for t in later.event_types:
        if t not in types and len(types) < MAX_TYPES:
            types.append(t)
    return EventNotice(position=later.position, aggregate_id=later.aggregate_id,
                       event_types=tuple(types), count=earlier.count + later.count)


class _Queued:
    """A notice waiting for its workflow's earlier one to be accepted. Until it is sent, the notices
    of later batches for the same workflow merge into it: at a high rate a workflow gets one
    signal per round trip instead of one per batch (fewer signals, fewer workflow tasks)."""

    def __init__(self, notice: EventNotice) -> None:
        self.notice, self.started = notice, False


class Relay:
    def __init__(
        self,
        application: AllianceApplication,
        client: Client,
        positions: PositionStore,
        options: WorkflowOptions,
        *,
        batch_size: int = 1000,
        concurrency: int = 64,
    ) -> None:
        self.application = application
        self.client = client
        self.positions = positions
        self.options = options
        self.batch_size = batch_size
        self._limit = asyncio.Semaphore(concurrency)
        self.position = positions.get()
        self.signals_sent = 0
        self.events_relayed = 0

    def _commitments_of(self, alliance_id: str) -> list[str]:
        return [str(c) for c in self.application.commitment_ids(UUID(alliance_id))]

    def status(self) -> dict[str, int]:
        """Position, head of the log, and the lag between them (in events)."""
        head = self.application.recorder.max_notification_id() or 0
        return {
            "position": self.position,
            "head": head,
            "lag": max(0, head - self.position),
            "signals_sent": self.signals_sent,
            "events_relayed": self.events_relayed,
        }

    async def run_once(self) -> int:
        """Relays one batch; answers how many notifications it read (0: caught up)."""
        notifications = await asyncio.to_thread(
            self.application.recorder.select_notifications, self.position + 1, self.batch_size
        )
        if not notifications:
            return 0
        notices = await asyncio.to_thread(coalesce, notifications, self._commitments_of)
        await asyncio.gather(*(self._signal(t, n) for t, n in notices.items()))
        last = notifications[-1].id
        await asyncio.to_thread(self.positions.set, last)
        self.position = last
        self.signals_sent += len(notices)
        self.events_relayed += len(notifications)
        log.debug("relay_batch", position=last, events=len(notifications), signals=len(notices))
        return len(notifications)

    async def run(self, stop: asyncio.Event, *, idle_interval: float = 0.1,
                  in_flight: int = 16, wake: asyncio.Event | None = None) -> None:
        """Relays until `stop` is set. Up to `in_flight` batches are on their way at once (a slow
        signal holds up no other workflow); one workflow's notices still go out in order, and the
        position moves only past batches whose every signal was accepted. A workflow's notice that
        waits behind its earlier one takes in those of later batches (`_Queued`), and the position
        is written once for all batches that landed together. A failed batch is retried from the
        stored position (Temporal down: writes go on, workflows catch up).

        Caught up, it reads again after `idle_interval`, or as soon as `wake` is set (a save:
        storage/wakes.py). The wake is cleared before each read, so a save during the read sets it
        again and is not missed; a wake that never comes only leaves the poll."""
        backoff, failed_at = 0.5, -1
        while not stop.is_set():
            try:
                await self._pipeline(stop, idle_interval, in_flight, wake)
            except Exception as e:  # the store or Temporal is unavailable: try again later
                if self.position != failed_at:  # it got further since the last failure
                    backoff, failed_at = 0.5, self.position
                log.warning("relay_batch_failed", error=str(e), position=self.position,
                            retry_in=backoff)
                await _wait(stop, backoff)
                backoff = min(backoff * 2, 30.0)

    async def _pipeline(self, stop: asyncio.Event, idle_interval: float, in_flight: int,
                        wake: asyncio.Event | None) -> None:
        pending: deque[tuple[int, int, int, asyncio.Future[list[None]]]] = deque()
        last_sent: dict[str, tuple[asyncio.Task[None], _Queued]] = {}
        start = self.position + 1
        try:
            while not stop.is_set() or pending:
                done = 0
                while pending and pending[0][3].done():
                    position, events, signals, batch = pending.popleft()
                    batch.result()  # a failed signal fails the batch: retried from the position
                    done, self.events_relayed, self.signals_sent = (
                        position, self.events_relayed + events, self.signals_sent + signals)
                    log.debug("relay_batch", position=position, events=events, signals=signals)
                if done:  # one write for all the batches that landed (synchronous on SQLite)
                    await asyncio.to_thread(self.positions.set, done)
                    self.position = done
                if stop.is_set() or len(pending) >= in_flight:
                    if pending:
                        await asyncio.wait({pending[0][3]})
                    continue
                if wake is not None:
                    wake.clear()
                notifications = await asyncio.to_thread(
                    self.application.recorder.select_notifications, start, self.batch_size)
                if not notifications:
                    await _idle(stop, wake, pending[0][3] if pending else None, idle_interval)
                    continue
                notices = await asyncio.to_thread(coalesce, notifications, self._commitments_of)
                tasks, signals = [], 0
                for target, notice in notices.items():
                    before = last_sent.get(target.workflow_id)
                    if before is not None and not before[1].started and not before[0].done():
                        # Still waiting behind this workflow's notice in flight: one signal says both.
                        before[1].notice = merge(before[1].notice, notice)
                        tasks.append(before[0])
                        continue
                    queued = _Queued(notice)
                    task = asyncio.create_task(
                        self._signal_after(before[0] if before else None, target, queued))
                    last_sent[target.workflow_id] = (task, queued)
                    tasks.append(task)
                    signals += 1
                pending.append((notifications[-1].id, len(notifications), signals,
                                asyncio.gather(*tasks)))
                start = notifications[-1].id + 1
                if len(last_sent) > 10_000:
                    last_sent = {k: t for k, t in last_sent.items() if not t[0].done()}
        finally:
            for *_, batch in pending:
                batch.cancel()

    async def _signal_after(self, before: asyncio.Task[None] | None, target: Target,
                            queued: _Queued) -> None:
        if before is not None:
            await asyncio.wait({before})  # this workflow's earlier notice goes first
            if before.cancelled() or before.exception() is not None:
                raise RuntimeError(f"Vorheriger Hinweis an {target.workflow_id} nicht zugestellt")
        queued.started = True  # from here on later notices wait behind this one
        await self._signal(target, queued.notice)

    async def _signal(self, target: Target, notice: EventNotice) -> None:
        o = self.options
        workflow: Any
        arg: AllianceInput | CommitmentInput
        if target.kind == "alliance":
            workflow = AllianceWorkflow.run
            arg = AllianceInput(
                target.aggregate_id,
                max_history=o.max_history,
                search_attributes=o.search_attributes,
            )
        else:
            workflow = CommitmentWorkflow.run
            arg = CommitmentInput(target.aggregate_id, max_history=o.max_history)
        async with self._limit:
            try:
                handle: WorkflowHandle[Any, Any] = await self.client.start_workflow(
                    workflow,
                    arg,
                    id=target.workflow_id,
                    task_queue=o.task_queue,
                    start_signal=EVENT_SIGNAL,
                    start_signal_args=[notice],
                    id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                    id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                )
                del handle
            except WorkflowAlreadyStartedError:
                # It completed (a dissolved alliance, a closed commitment): nothing to follow.
                log.debug(
                    "relay_workflow_closed",
                    workflow_id=target.workflow_id,
                    position=notice.position,
                )


async def _idle(stop: asyncio.Event, wake: asyncio.Event | None, batch: asyncio.Future[Any] | None,
                seconds: float) -> None:
    """Until `seconds` pass, or the stop, a wake, or the oldest batch in flight comes first."""
    waits: set[asyncio.Future[Any]] = {asyncio.ensure_future(stop.wait())}
    if wake is not None:
        waits.add(asyncio.ensure_future(wake.wait()))
    try:
        await asyncio.wait({*waits, *([batch] if batch is not None else [])}, timeout=seconds,
                           return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waits:
            w.cancel()


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
