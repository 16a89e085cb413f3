"""Workflow fixtures: one time-skipping server per session; fresh store, worker, queue per test."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.testservice.v1 import SleepRequest
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from config.settings import Settings, load_settings
from domain.application import AllianceApplication
from domain.follow_ups import FollowUpPolicy
from domain.records import FollowUpRecord
from tests import clock as test_clock
from workers.bootstrap import build_application
from workflows.activities import FollowUpActivities
from workflows.clock import following_workflow_time
from workflows.relay import Relay, WorkflowOptions
from workflows.relay_position import MemoryPositionStore, PositionStore
from workflows.runtime import DATA_CONVERTER, build_worker

BIN = Path(sys.executable).parent
SKIP_TIMEOUT = 60.0


@pytest.fixture(scope="module")
async def ts_env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping server, its clock starting at the suite's today (BUENDNIS_TEST_TODAY).

    One per test file: with one for the whole session its clock ran years past that today (the
    files' skips add up: 2037 in a run starting 2028-02-29), and whatever one file left holding
    its clock (time stood still for two later tests in one such run) reached every file after it."""
    server = test_clock.faked_server(BIN / "temporal-test-server", tmp_path_factory.mktemp("ts"))
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(server), data_converter=DATA_CONVERTER
    )
    if test_clock.START is not None:
        started = await env.get_current_time()
        assert abs(started - test_clock.START) < timedelta(minutes=10), (
            f"der Testserver startete um {started}, nicht am {test_clock.START}"
        )
    yield env
    await env.shutdown()


class SimClock:
    """The application's clock in tests: the test server's time, set before each command."""

    def __init__(self) -> None:
        self.value = test_clock.now()

    def __call__(self) -> datetime:
        return self.value


def plain(message: EmailMessage) -> str:
    """A mail's text part (each mail has a text and an HTML part)."""
    body = message.get_body(("plain",))
    assert body is not None, "the mail has no text part"
    return str(body.get_content())  # type: ignore[attr-defined]


def html(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None, "the mail has no HTML part"
    return str(body.get_content())  # type: ignore[attr-defined]


class RecordingMailer:
    """Keeps the sent messages (the SMTP sink is exercised by the dev-server test)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    def send(self, message: EmailMessage) -> None:
        with self._lock:
            self.messages.append(message)

    def with_key(self, prefix: str) -> list[EmailMessage]:
        return [m for m in self.messages if str(m["X-Buendnis-Follow-Up"]).startswith(prefix)]


@dataclass
class Harness:
    env: WorkflowEnvironment
    app: AllianceApplication
    clock: SimClock
    mailer: RecordingMailer
    task_queue: str
    policy: FollowUpPolicy
    make_worker: Callable[..., Worker]
    activities: FollowUpActivities
    positions: PositionStore = field(default_factory=MemoryPositionStore)
    max_history: int = 3000
    skip_timeout: float = SKIP_TIMEOUT
    worker: Worker | None = None
    _worker_task: asyncio.Task[None] | None = None

    async def start_worker(self, **options: Any) -> None:
        self.worker = self.make_worker(**options)
        self._worker_task = asyncio.create_task(self.worker.run())

    async def stop_worker(self) -> None:
        if self.worker is not None and self._worker_task is not None:
            await self.worker.shutdown()
            await self._worker_task
        self.worker = self._worker_task = None

    relayed: int = 0

    def relay(self, positions: PositionStore | None = None, batch_size: int = 1000) -> Relay:
        return TrackedRelay(
            self,
            self.app,
            self.env.client,
            positions or self.positions,
            WorkflowOptions(self.task_queue, max_history=self.max_history, search_attributes=False),
            batch_size=batch_size,
        )

    async def now(self) -> datetime:
        now = await self.env.get_current_time()
        self.clock.value = now
        return now

    async def relay_all(self) -> int:
        relay, total = self.relay(), 0
        while read := await relay.run_once():
            total += read
        return total

    async def skip(self, delta: timedelta) -> None:
        """The test server skips `delta`; fails (instead of hanging) when it cannot within a minute,
        i.e. when something keeps its time locked (an activity retrying without end).

        The skip is one long-lived gRPC call. Its deadline is ours (`skip_timeout`): without one the
        SDK's client gives every call 30 s and ends it with "Timeout expired" (seen on loaded
        cores). Its HTTP/2 connection broke mid-skip ("h2 protocol error", seen on loaded cores):
        the server goes on skipping after a call ends, so the call is made again for what is left
        of the skip (the server's clock says how much), at most twice, within the same deadline.
        Any error once the deadline has passed is the skip's timeout (a call ended at its deadline
        was once told "h2 protocol error" instead of "Timeout expired")."""
        loop = asyncio.get_running_loop()
        started = await self.env.get_current_time()
        target = started + delta
        deadline = loop.time() + self.skip_timeout
        for attempt in range(3):
            left = target - (started if attempt == 0 else await self.env.get_current_time())
            if left <= timedelta(0):
                return
            budget = deadline - loop.time()
            if budget <= 0:
                break
            request = SleepRequest()
            request.duration.FromTimedelta(left)
            try:
                await self.env.client.test_service.unlock_time_skipping_with_sleep(
                    request, timeout=timedelta(seconds=budget))
                return
            except RPCError as broken:
                if "Timeout expired" in broken.message or loop.time() >= deadline:
                    break
                if attempt == 2 or broken.status != RPCStatusCode.CANCELLED or "h2" not in broken.message:
                    raise
        raise AssertionError(
            f"der Testserver konnte {delta} nicht in {self.skip_timeout} s überspringen (von {started} "
            f"bis {target}, erreicht: {await self.env.get_current_time()}; eine Aktivität oder ein "
            "Workflow-Task hält die Zeit an)"
        )

    async def advance(self, delta: timedelta) -> datetime:
        await self.skip(delta)
        await asyncio.sleep(0.1)
        return await self.now()

    async def advance_to(self, moment: datetime, margin: timedelta = timedelta(seconds=30)) -> datetime:
        """Skips time to `margin` after `moment`, so what falls due then runs in skipped time.

        (A timer left to fire in real time just after a skipping sleep can leave the test server's
        time locked for the next test; the margin avoids that.) A past moment is a test error."""
        now = await self.now()
        assert moment >= now, f"{moment} liegt schon zurück (jetzt {now})"
        await self.skip(moment + margin - now)
        await asyncio.sleep(0.1)
        return await self.now()

    async def due_at(self, handle: WorkflowHandle[Any, Any], rule: str) -> datetime:
        """When the workflow will send its next follow-up of `rule` (from its `upcoming` query)."""
        upcoming = await handle.query("upcoming")
        moments = [u.due_at if hasattr(u, "due_at") else datetime.fromisoformat(u["due_at"])
                   for u in upcoming if (u.rule if hasattr(u, "rule") else u["rule"]) == rule]
        assert moments, f"{handle.id} plant keine Erinnerung „{rule}“: {upcoming}"
        return min(moments)

    async def just_before(self, handle: WorkflowHandle[Any, Any], rule: str) -> datetime:
        """Skips to one minute before `rule` falls due; answers its due moment."""
        due = await self.due_at(handle, rule)
        await self.advance_to(due - timedelta(minutes=1))
        return due

    def alliance_handle(self, alliance_id: uuid.UUID) -> WorkflowHandle[Any, Any]:
        return self.env.client.get_workflow_handle(f"alliance-{alliance_id}")

    def commitment_handle(self, commitment_id: uuid.UUID) -> WorkflowHandle[Any, Any]:
        return self.env.client.get_workflow_handle(f"commitment-{commitment_id}")

    async def settle(self, handle: WorkflowHandle[Any, Any]) -> dict[str, int]:
        """Waits until the workflow has acted on everything relayed (its position caught up)."""
        target = self._last_position(handle.id, self.relayed)
        for _ in range(200):
            try:
                progress: dict[str, int] = await handle.query("progress")
                if progress["seen"] >= target:
                    await asyncio.sleep(0.2)
                    return progress
            except Exception:
                pass
            await asyncio.sleep(0.05)
        raise AssertionError(f"{handle.id} hat die Ereignisse nicht verarbeitet")

    def _last_position(self, workflow_id: str, upto: int) -> int:
        aggregate_id = uuid.UUID(workflow_id.split("-", 1)[1])
        last = 0
        for n in self.app.recorder.select_notifications(1, 1_000_000, stop=upto):
            if n.originator_id == aggregate_id:
                last = n.id
        return last

    def alliance_follow_ups(self, alliance_id: uuid.UUID, rule: str | None = None) -> list[FollowUpRecord]:
        """The follow-ups recorded on the alliance, of one rule when `rule` is given."""
        sent = self.app.get_alliance(alliance_id).follow_ups.values()
        return [f for f in sent if rule is None or f.rule == rule]

    def commitment_follow_ups(self, commitment_id: uuid.UUID) -> list[str]:
        return list(self.app.repository.get(commitment_id).follow_ups)


class TrackedRelay(Relay):
    """A relay that tells the harness how far it got (what the workflows were told)."""

    def __init__(self, harness: Harness, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.harness = harness

    async def run_once(self) -> int:
        read = await super().run_once()
        self.harness.relayed = max(self.harness.relayed, self.position)
        return read


async def eventually(check: Callable[[], Any], *, timeout: float = 10.0, what: str = "") -> Any:
    """Polls `check` until it returns something truthy (real time: only for work already due);
    fails the test when `timeout` seconds pass without that, naming the last result."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            detail = f": {what}" if what else ""
            raise AssertionError(f"nach {timeout} s nicht eingetreten{detail} (zuletzt {result!r})")
        await asyncio.sleep(0.05)


async def terminate_all(h: Harness) -> None:
    """Ends the test's workflows: a later timer with no worker would hold the shared clock."""
    from workflows.relay import route

    targets = {
        t.workflow_id for n in h.app.recorder.select_notifications(1, 1_000_000) if (t := route(n))
    }
    for workflow_id in targets:
        with contextlib.suppress(Exception):
            await h.env.client.get_workflow_handle(workflow_id).terminate("Test beendet")


@asynccontextmanager
async def open_harness(
    env: WorkflowEnvironment, var_dir: Path, settings: Settings | None = None
) -> AsyncIterator[Harness]:
    """A fresh store (SQLite unless `settings` say otherwise), a worker on a task queue of its
    own; its workflows end with it."""
    settings = settings or load_settings(store="sqlite", var_dir=var_dir)
    clock = SimClock()
    app = build_application(settings, clock=following_workflow_time(clock))
    policy = FollowUpPolicy()
    mailer = RecordingMailer()
    activities = FollowUpActivities(app, policy, mailer, sender="servicebuero@buendnis.invalid")
    task_queue = f"tq-{uuid.uuid4().hex[:12]}"
    executor = ThreadPoolExecutor(8)

    def make_worker(**options: Any) -> Worker:
        return build_worker(env.client, task_queue, activities, executor, **options)

    h = Harness(env, app, clock, mailer, task_queue, policy, make_worker, activities)
    await h.now()
    await h.start_worker()
    try:
        yield h
        await terminate_all(h)
    finally:
        await h.stop_worker()
        executor.shutdown(wait=False)
        app.close()


@pytest.fixture
async def harness(ts_env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Harness]:
    async with open_harness(ts_env, tmp_path / "var") as h:
        yield h
