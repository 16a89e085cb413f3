"""Fleet benchmark: 600 alliance and 3,000 commitment workflows, started and run through a month.

`python -m bench.fleet_workflows` writes bench/results/fleet_workflows.json. Two parts, each with
a fresh event store built through the application's commands, a worker process of this project
(`python -m bench.fleet_workflows worker`, built like `buendnis worker`) and the production relay
(signal-with-start from the notification log) running in this process:

1. Start, on a real Temporal dev server with a fresh state file: time until every workflow has
   been started and has run its first workflow task (and the rate), worker and dev-server RSS,
   and the anchor: as many bare `start_workflow` calls of a trivial workflow, in the same run,
   with the same concurrency.
2. A month of follow-ups, on the time-skipping test server (the dev server cannot skip time): the
   follow-ups recorded in the store and the mails taken by a local SMTP sink, against what the
   pure policy (domain/follow_ups.py) says falls due in the month: none missed, none twice; worker
   and server RSS after the month.

The data makes the month busy: alliance i was registered 89 - (i mod days) days before the start,
so its "Schritt stockt" falls due on day 1 + (i mod days); commitment n is due 15 + (n mod
(days + 16)) days after the start, so its "bald fällig" and, for some, its "überfällig" fall due.

`BENCH_SMOKE=1`: 6 alliances, 30 commitments, 4 days, results in a temporary folder (or
`BENCH_RESULTS_DIR`); tests/bench/test_fleet_smoke.py runs it so the benchmark cannot rot.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import re
import signal
import socket
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

from temporalio import workflow
from temporalio.client import Client

from bench.common import Figure, write_results

BY = "koordination"
STATES = ("Bayern", "Hessen", "Sachsen", "Niedersachsen", "Thüringen", "Berlin")
# The relay sends at most 64 signal-with-starts at once; the anchor starts with the same.
IN_FLIGHT = 64
WORKER_RSS_LIMIT, SERVER_RSS_LIMIT = 400.0, 1024.0  # MiB
START_LIMIT, MONTH_LIMIT = 600.0, 1200.0  # s


@dataclass(frozen=True)
class Size:
    alliances: int
    per_alliance: int
    days: int

    @property
    def commitments(self) -> int:
        return self.alliances * self.per_alliance

    @property
    def workflows(self) -> int:
        return self.alliances + self.commitments


FULL, SMOKE = Size(600, 5, 31), Size(6, 5, 4)


def size_from_env() -> Size:
    if os.environ.get("BENCH_SMOKE") == "1":
        return SMOKE
    alliances = int(os.environ.get("BENCH_ALLIANCES", FULL.alliances))
    return Size(alliances, FULL.per_alliance, FULL.days)


@workflow.defn
class IdleWorkflow:
    """The anchor's trivial workflow: it waits for nothing but its end."""

    def __init__(self) -> None:
        self.ended = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self.ended)

    @workflow.signal
    def end(self) -> None:
        self.ended = True

    @workflow.query
    def progress(self) -> dict[str, int]:
        return {"loads": 1}


# ---- the fleet in the event store -------------------------------------------------------------


class MovableClock:
    """The bench's application clock: set back to write an alliance's past."""

    def __init__(self, value: datetime) -> None:
        self.value = value

    def __call__(self) -> datetime:
        return self.value


@dataclass
class Fleet:
    alliances: list[uuid.UUID] = field(default_factory=list)
    commitments: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # commitment → alliance

    @property
    def workflow_ids(self) -> list[str]:
        return [f"alliance-{a}" for a in self.alliances] + [f"commitment-{c}" for c in self.commitments]


def build_fleet(app: Any, clock: MovableClock, start: datetime, size: Size) -> Fleet:
    """Alliances in step 1 with partners, contact persons and commitments, through the commands."""
    from domain.dates import berlin

    fleet, first_day, n = Fleet(), berlin(start).date(), 0
    for i in range(size.alliances):
        clock.value = start - timedelta(days=89 - i % size.days)
        alliance_id = app.register_alliance(
            name=f"Lokales Bündnis für Familie Ort {i}", municipality=f"Ort {i}",
            state=STATES[i % len(STATES)], by=BY)
        fleet.alliances.append(alliance_id)
        for j in range(size.per_alliance):
            partner = app.add_actor(alliance_id, name=f"Partner {i}-{j}", sector="unternehmen", by=BY)
            app.add_contact_person(alliance_id, actor_id=partner, name=f"Person {i}-{j}",
                                   email=f"person-{i}-{j}@partner.invalid", by=BY)
            due = first_day + timedelta(days=15 + n % (size.days + 16))
            commitment = app.pledge_commitment(
                alliance_id, partner_id=partner, description=f"Zusage {j} für Ferienbetreuung",
                kind="geld", due_on=due, by=BY)
            fleet.commitments[commitment] = alliance_id
            n += 1
    clock.value = start
    return fleet


def expected_keys(app: Any, fleet: Fleet, start: datetime, end: datetime, policy: Any) -> set[str]:
    """What the pure policy says falls due in (start, end]: the keys of the follow-ups."""
    from domain.facts import alliance_facts, commitment_facts
    from domain.follow_ups import plan_alliance, plan_commitment

    keys: set[str] = set()
    for a in fleet.alliances:
        plans = plan_alliance(alliance_facts(app.get_alliance(a), app.policy), start, policy)
        keys |= {f.key for f in plans if start < f.due_at <= end}
    for c, a in fleet.commitments.items():
        plans = plan_commitment(commitment_facts(app.get_commitment(a, c), "active"), start, policy)
        keys |= {f.key for f in plans if start < f.due_at <= end}
    return keys


def recorded_keys(app: Any) -> Counter[str]:
    """How often each follow-up key was recorded (a FollowUpRecorded event) in the store."""
    recorded: Counter[str] = Counter()
    position, head = 1, app.recorder.max_notification_id() or 0
    while position <= head:
        batch = app.recorder.select_notifications(position, 1000)
        if not batch:
            break
        for n in batch:
            if n.topic.endswith("FollowUpRecorded"):
                recorded[app.mapper.to_domain_event(n).key] += 1
        position = batch[-1].id + 1
    return recorded


# ---- processes: worker, SMTP sink, RSS --------------------------------------------------------


async def worker_process() -> None:
    """A worker as `buendnis worker` builds it (production cache and executor), plus the anchor's
    trivial workflow; its application's clock follows workflow time (the time-skipping server)."""
    from config.settings import load_settings
    from workers.bootstrap import build_application, build_mailer, freeze_startup_heap
    from workflows.activities import FollowUpActivities
    from workflows.clock import following_workflow_time
    from workflows.runtime import build_worker, connect

    settings = load_settings()
    application = build_application(settings, clock=following_workflow_time(settings.clock()))
    _, policy = settings.policies()
    client = await connect(settings.temporal_address)
    activities = FollowUpActivities(application, policy, build_mailer(settings), sender=settings.mail_from,
                                    site_url=settings.site_url())
    with ThreadPoolExecutor(16, thread_name_prefix="activity") as executor:
        worker = build_worker(client, settings.task_queue, activities, executor, extra_workflows=[IdleWorkflow],
                              sandboxed=settings.worker_sandbox)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        freeze_startup_heap()  # as the worker process does
        async with worker:
            print("ready", flush=True)
            await stop.wait()
    application.close()


class WorkerProcess:
    """The worker as a child process; what it logs goes to `log` (read on: a full pipe would stop it)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[None] | None = None

    async def __aenter__(self) -> WorkerProcess:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.fleet_workflows", "worker", env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        assert self.process.stdout is not None
        self._drain = asyncio.create_task(self._keep(self.process.stdout, ready := asyncio.Event()))
        try:
            await asyncio.wait_for(ready.wait(), 120)
        except TimeoutError:
            raise RuntimeError(f"Der Bench-Worker ist nicht gestartet (siehe {self.log}).") from None
        return self

    async def _keep(self, stream: asyncio.StreamReader, ready: asyncio.Event) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            while line := await stream.readline():
                out.write(line)
                if line.strip() == b"ready":
                    ready.set()

    async def __aexit__(self, *_: object) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._drain is not None:
            await self._drain

    @property
    def exited(self) -> bool:
        return self.process is not None and self.process.returncode is not None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child_named(fragment: str) -> int:
    """The pid of this process's child whose command name contains `fragment` (the test server,
    which the SDK starts)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if int(rest[1]) == os.getpid() and fragment in name:
            return int(stat.parent.name)
    raise RuntimeError(f"kein Kindprozess {fragment}")


class CountingSink:
    """aiosmtpd handler counting the mails by their follow-up key (the X-Buendnis-Follow-Up header),
    so a mail sent twice is seen twice (the product's file sink would store it once)."""

    def __init__(self) -> None:
        self.keys: Counter[str] = Counter()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default)
        # A long key is folded onto a continuation line: the key itself holds no whitespace.
        self.keys["".join(str(message.get("X-Buendnis-Follow-Up", "")).split())] += 1
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- measuring --------------------------------------------------------------------------------


async def gather_limited(calls: Iterable[Callable[[], Awaitable[Any]]], limit: int = IN_FLIGHT) -> None:
    semaphore = asyncio.Semaphore(limit)

    async def one(call: Callable[[], Awaitable[Any]]) -> None:
        async with semaphore:
            await call()

    await asyncio.gather(*(one(c) for c in calls))


async def all_started(client: Client, workflow_ids: list[str], timeout: float) -> None:
    """Until every workflow has completed its first workflow task (which loads its view) and has
    none pending. Asked of the server (describe), not the workflow: a query would make the worker
    replay each workflow that no longer fits its cache, and measure that too."""
    from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest

    deadline = time.monotonic() + timeout

    async def started(workflow_id: str) -> None:
        request = DescribeWorkflowExecutionRequest(namespace=client.namespace, execution={"workflow_id": workflow_id})
        while True:
            try:
                d = await client.workflow_service.describe_workflow_execution(request)
                # Started, (signalled,) task scheduled, started, completed: at least four events.
                if d.workflow_execution_info.history_length >= 4 and not d.HasField("pending_workflow_task"):
                    return
            except Exception:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{workflow_id} hat nach {timeout:.0f} s keinen Workflow-Task erledigt")
            await asyncio.sleep(0.1)

    await gather_limited([lambda w=w: started(w) for w in workflow_ids])  # type: ignore[misc]


async def relay_until_started(app: Any, client: Client, options: Any, fleet: Fleet,
                              timeout: float) -> tuple[asyncio.Task[None], asyncio.Event, float, float]:
    """Starts the production relay; answers it (running), its stop, and the seconds until it had
    relayed the whole log and until every workflow had run its first task."""
    from workflows.relay import Relay
    from workflows.relay_position import MemoryPositionStore

    relay = Relay(app, client, MemoryPositionStore(), options)
    head, stop = app.recorder.max_notification_id(), asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(relay.run(stop))
    deadline = time.monotonic() + timeout
    while relay.position < head:
        if task.done() or time.monotonic() > deadline:
            raise AssertionError(f"Relay bei {relay.position} von {head}")
        await asyncio.sleep(0.05)
    relayed = time.perf_counter() - started
    await all_started(client, fleet.workflow_ids, timeout)
    return task, stop, relayed, time.perf_counter() - started


async def bare_starts(client: Client, task_queue: str, count: int, timeout: float) -> tuple[float, float]:
    """The anchor: `count` bare start_workflow calls (IN_FLIGHT at once) of the trivial workflow;
    seconds until all were accepted and until all ran their first tasked."""
    ids = [f"idle-{uuid.uuid4().hex}" for _ in range(count)]
    started = time.perf_counter()
    await gather_limited([
        lambda w=w: client.start_workflow(IdleWorkflow.run, id=w, task_queue=task_queue)  # type: ignore[misc]
        for w in ids])
    accepted = time.perf_counter() - started
    await all_started(client, ids, timeout)
    return accepted, time.perf_counter() - started


def settings_env(overrides: dict[str, Any]) -> dict[str, str]:
    """The worker's environment: these settings, and this checkout importable from anywhere."""
    root = str(Path(__file__).resolve().parent.parent)
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **{f"BUENDNIS_{k.upper()}": str(v) for k, v in overrides.items()}}


def say(text: str) -> None:
    print(text, flush=True)


@dataclass
class StartPart:
    build_seconds: float
    relayed_seconds: float
    started_seconds: float
    bare_accepted_seconds: float
    bare_started_seconds: float
    worker_idle: float
    worker_started: float
    server_idle: float
    server_started: float


async def start_part(size: Size, folder: Path) -> StartPart:
    """Part 1, on the dev server."""
    from config.settings import load_settings
    from workers.bootstrap import build_application
    from workers.temporal_server import start_dev_server
    from workflows.relay import WorkflowOptions
    from workflows.runtime import connect

    overrides = {"store": "sqlite", "var_dir": str(folder / "start"), "task_queue": "fleet",
                 "temporal_address": f"127.0.0.1:{free_port()}", "temporal_ui_port": free_port(),
                 "smtp_port": free_port()}
    settings = load_settings(**overrides)
    timeout = 60 + size.workflows * 0.5
    async with start_dev_server(settings, ui=False) as server:
        assert server.process is not None, "ein anderer Temporal-Server lief schon an der Adresse"
        start = datetime.now(UTC)
        clock = MovableClock(start)
        app = build_application(settings, clock=clock)
        t = time.perf_counter()
        fleet = build_fleet(app, clock, start, size)
        build_seconds = time.perf_counter() - t
        say(f"Start: {len(fleet.alliances)} Bündnisse, {len(fleet.commitments)} Zusagen in {build_seconds:.1f} s "
            f"gespeichert ({app.recorder.max_notification_id()} Ereignisse)")
        client = await connect(settings.temporal_address)
        async with WorkerProcess(settings_env(overrides), Path(settings.var_dir) / "worker.log") as worker:
            await asyncio.sleep(1)
            worker_idle, server_idle = rss_mib(worker.pid), rss_mib(server.process.pid)
            task, stop, relayed, started = await relay_until_started(
                app, client, WorkflowOptions(settings.task_queue), fleet, timeout)
            say(f"Start: {size.workflows} Abläufe in {relayed:.1f} s angestoßen, nach {started:.1f} s alle gestartet")
            await asyncio.sleep(2)
            worker_started, server_started = rss_mib(worker.pid), rss_mib(server.process.pid)
            say(f"Start: RSS Worker {worker_idle:.0f} → {worker_started:.0f} MiB, "
                f"Dev-Server {server_idle:.0f} → {server_started:.0f} MiB")
            bare_accepted, bare_started = await bare_starts(client, settings.task_queue, size.workflows, timeout)
            say(f"Anker: {size.workflows} leere Abläufe in {bare_accepted:.1f} s angestoßen, "
                f"nach {bare_started:.1f} s alle gestartet")
            stop.set()
            await task
        app.close()
    return StartPart(build_seconds, relayed, started, bare_accepted, bare_started,
                     worker_idle, worker_started, server_idle, server_started)


@dataclass
class MonthPart:
    expected: int
    recorded: int
    mailed: int
    missed: list[str]
    unexpected: list[str]
    recorded_twice: int
    mailed_twice: int
    month_seconds: float
    worker_started: float
    worker_after: float
    server_started: float
    server_after: float


async def month_part(size: Size, folder: Path, test_server: Path | None) -> MonthPart:
    """Part 2, on the time-skipping server: the month of follow-ups."""
    from aiosmtpd.smtp import SMTP
    from temporalio.testing import WorkflowEnvironment

    from config.settings import load_settings
    from domain.dates import BERLIN, berlin
    from workers.bootstrap import build_application
    from workflows.relay import WorkflowOptions
    from workflows.runtime import DATA_CONVERTER

    binary = test_server or Path(sys.executable).parent / "temporal-test-server"
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(binary), data_converter=DATA_CONVERTER)
    sink, smtp_port = CountingSink(), free_port()
    smtp = await asyncio.get_running_loop().create_server(
        lambda: SMTP(sink, hostname="bench-mail-sink"), host="127.0.0.1", port=smtp_port)
    try:
        server_pid = child_named("temporal")
        address = env.client.service_client.config.target_host
        overrides = {"store": "sqlite", "var_dir": str(folder / "month"), "task_queue": "fleet-month",
                     "temporal_address": address, "smtp_host": "127.0.0.1", "smtp_port": smtp_port}
        settings = load_settings(**overrides)
        _, policy = settings.policies()
        start = await env.get_current_time()
        # The month ends at midnight in Berlin: no follow-up falls due in the hours around it.
        first_day = berlin(start).date()
        end = datetime.combine(first_day + timedelta(days=size.days), day_time(0), tzinfo=BERLIN).astimezone(UTC)
        clock = MovableClock(start)
        app = build_application(settings, clock=clock)
        fleet = build_fleet(app, clock, start, size)
        expected = expected_keys(app, fleet, start, end, policy)
        say(f"Monat: {len(expected)} Erinnerungen fällig zwischen {start:%Y-%m-%d %H:%M} und {end:%Y-%m-%d %H:%M} UTC")
        timeout = 60 + size.workflows * 0.5
        async with WorkerProcess(settings_env(overrides), Path(settings.var_dir) / "worker.log") as worker:
            task, stop, _, started = await relay_until_started(
                app, env.client, WorkflowOptions(settings.task_queue, search_attributes=False), fleet, timeout)
            say(f"Monat: {size.workflows} Abläufe gestartet nach {started:.1f} s")
            worker_started, server_started = rss_mib(worker.pid), rss_mib(server_pid)
            t = time.perf_counter()
            for day in range(1, size.days + 1):
                # From midnight to midnight in Berlin: between two skips time runs in real time
                # (the counting below), and a timer firing then can leave the test server's time
                # locked; at night no follow-up falls due.
                midnight = datetime.combine(first_day + timedelta(days=day), day_time(0), tzinfo=BERLIN)
                while (now := await env.get_current_time()) < midnight:
                    sleep = asyncio.ensure_future(env.sleep(midnight - now))
                    while not sleep.done():  # a worker that died would leave the server's time locked
                        await asyncio.wait({sleep}, timeout=1)
                        if worker.exited or time.perf_counter() - t > MONTH_LIMIT:
                            sleep.cancel()
                            raise AssertionError(f"Monat nicht simuliert: Worker beendet oder über "
                                                 f"{MONTH_LIMIT:.0f} s (siehe {worker.log})")
                    if sleep.exception() is not None:  # the long sleep's connection can break (h2 error)
                        say(f"Monat: Schlaf bis {midnight} abgebrochen ({sleep.exception()}), noch einmal")
                        await asyncio.sleep(1)
                say(f"Monat: Tag {day}, {sum(recorded_keys(app).values())} Erinnerungen gespeichert, "
                    f"{sum(sink.keys.values())} Mails ({time.perf_counter() - t:.0f} s)")
            await settle(lambda: (sum(recorded_keys(app).values()), sum(sink.keys.values())), 60)
            month_seconds = time.perf_counter() - t
            worker_after, server_after = rss_mib(worker.pid), rss_mib(server_pid)
            stop.set()
            await task
        recorded, mailed = recorded_keys(app), sink.keys
        app.close()
    finally:
        smtp.close()
        await env.shutdown()
    return MonthPart(
        expected=len(expected), recorded=len(set(recorded) & expected), mailed=len(set(mailed) & expected),
        missed=sorted(expected - set(recorded)) + sorted(k for k in expected - set(mailed) if k in recorded),
        unexpected=sorted((set(recorded) | set(mailed)) - expected),
        recorded_twice=sum(n - 1 for n in recorded.values() if n > 1),
        mailed_twice=sum(n - 1 for n in mailed.values() if n > 1),
        month_seconds=month_seconds, worker_started=worker_started, worker_after=worker_after,
        server_started=server_started, server_after=server_after)


async def settle(counts: Callable[[], tuple[int, int]], timeout: float) -> None:
    """Until the counts have not changed for two seconds (what fell due last is recorded and sent)."""
    deadline, last, still = time.monotonic() + timeout, counts(), 0
    while still < 4 and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        now = counts()
        still = still + 1 if now == last else 0
        last = now


# ---- figures ----------------------------------------------------------------------------------


def figure(name: str, value: float, unit: str, anchor: str, anchor_value: float, ratio: float,
           target: float = 1.0, target_text: str | None = None) -> Figure:
    """A figure whose ratio must reach `target`; its text for people is the name's limit unless given."""
    limit = re.search(r"\(limit ([^)]*)\)", name)
    text = target_text or (f"≤ {limit.group(1)}" if limit else f"ratio ≥ {target:g}")
    return Figure(name, round(value, 3), unit, anchor, round(anchor_value, 3), round(ratio, 3), target, text)


def figures(size: Size, s: StartPart, m: MonthPart) -> list[Figure]:
    n = size.workflows
    fleet = f"{size.alliances} Bündnis- und {size.commitments} Zusagen-Abläufe"
    return [
        figure(f"time to start {fleet} through the relay until all ran their first task (limit {START_LIMIT:.0f} s)",
               s.started_seconds, "s",
               f"{n} bare start_workflow calls of a trivial workflow until all ran their first task",
               s.bare_started_seconds, START_LIMIT / s.started_seconds),
        figure(f"start rate of {fleet} (signal-with-start by the relay, until all ran their first task)",
               n / s.started_seconds, "workflows/s",
               f"bare start_workflow of a trivial workflow, {IN_FLIGHT} in flight",
               n / s.bare_started_seconds, s.bare_started_seconds / s.started_seconds, 0.25, "≥ 0.25 × anchor"),
        figure(f"start rate of {fleet}: starts accepted (relay through the log)", n / s.relayed_seconds,
               "workflows/s", "bare start_workflow calls accepted", n / s.bare_accepted_seconds,
               s.bare_accepted_seconds / s.relayed_seconds, 0.25, "≥ 0.25 × anchor"),
        figure(f"worker RSS with {fleet} started (limit {WORKER_RSS_LIMIT:.0f} MiB)", s.worker_started, "MiB",
               "same worker idle, before any workflow", s.worker_idle, WORKER_RSS_LIMIT / s.worker_started),
        figure(f"dev-server RSS with {fleet} started (limit {SERVER_RSS_LIMIT:.0f} MiB)", s.server_started,
               "MiB", "same dev server idle", s.server_idle, SERVER_RSS_LIMIT / s.server_started),
        figure(f"worker RSS after a simulated month of {size.days} days (limit {WORKER_RSS_LIMIT:.0f} MiB)",
               m.worker_after, "MiB", "same worker once all workflows had started", m.worker_started,
               WORKER_RSS_LIMIT / m.worker_after),
        figure(f"time-skipping server RSS after the month (limit {SERVER_RSS_LIMIT:.0f} MiB)", m.server_after,
               "MiB", "same server once all workflows had started", m.server_started,
               SERVER_RSS_LIMIT / m.server_after),
        figure(f"follow-ups recorded of those due in the month (limit {MONTH_LIMIT:.0f} s for the month)",
               m.recorded, "follow-ups", "due by the policy (domain/follow_ups.py)", m.expected,
               m.recorded / m.expected if m.expected else 1.0, 1.0, "all that were due recorded"),
        figure("follow-ups mailed (SMTP sink) of those due in the month", m.mailed, "follow-ups",
               "due by the policy", m.expected, m.mailed / m.expected if m.expected else 1.0, 1.0,
               "all that were due mailed"),
        figure("follow-ups recorded or mailed twice, or not due", m.recorded_twice + m.mailed_twice + len(m.unexpected),
               "follow-ups", "due by the policy", m.expected,
               1.0 / (1 + m.recorded_twice + m.mailed_twice + len(m.unexpected)), 1.0, "none"),
        figure(f"wall time of the simulated month (limit {MONTH_LIMIT:.0f} s)", m.month_seconds, "s",
               "simulated seconds per wall second", size.days * 86400 / m.month_seconds,
               MONTH_LIMIT / m.month_seconds),
    ]


async def run(size: Size, test_server: Path | None = None) -> tuple[list[Figure], MonthPart]:
    folder = Path(tempfile.mkdtemp(prefix="bench-fleet-"))
    start = await start_part(size, folder)
    month = await month_part(size, folder, test_server)
    say(f"Monat: erwartet {month.expected}, gespeichert {month.recorded}, gemailt {month.mailed}, "
        f"doppelt gespeichert {month.recorded_twice}, doppelt gemailt {month.mailed_twice}, "
        f"fehlend {len(month.missed)}, unerwartet {len(month.unexpected)}")
    return figures(size, start, month), month


async def smoke(folder: Path, test_server: Path | None = None) -> tuple[Path, MonthPart]:
    """The smoke run (tests/bench/test_fleet_smoke.py): its results go to `folder`."""
    result, month = await run(SMOKE, test_server)
    return write_results("fleet_workflows", result, folder), month


def main() -> None:
    size = size_from_env()
    if size == SMOKE:
        folder = Path(os.environ.get("BENCH_RESULTS_DIR") or tempfile.mkdtemp(prefix="bench-results-"))
        path, _ = asyncio.run(smoke(folder))
        say(f"Ergebnisse: {path}")
    else:
        result, _ = asyncio.run(run(size))
        write_results("fleet_workflows", result)


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        asyncio.run(worker_process())
    else:
        main()
