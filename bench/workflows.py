"""Workflow benchmark on the dev server: reaction lag, burst drain, worker RSS, SIGKILL recovery.

`python -m bench.workflows` (about 4–5 minutes on 2 cores). Writes bench/results/workflows.json.
The worker runs as its own process (`python -m bench.workflows worker`), the relay in this one,
woken by each save as in `buendnis up` (storage/wakes.py), with its fallback poll.
BENCH_WORKFLOWS_ONLY=lag or =recovery measures only that part (for probing; no results file).
Probes only: BENCH_WORKFLOWS_LAG_RUNS (below), BENCH_WORKFLOWS_SETTLE=s (wait up to s seconds until
the server lists every alliance workflow with its search attributes before the lag runs),
BENCH_WORKFLOWS_IDLE=s (s seconds more without load before them), BENCH_WORKFLOWS_PROBE_CACHE=1
(time a first and a second describe of each lag workflow), BENCH_WORKFLOWS_NO_FREEZE=1 (the bench
worker does not freeze its start-up heap).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from bench.common import Figure, percentile, size, write_results

ALLIANCES, LAG_ALLIANCES, LAG_SECONDS = size((600, 100, 20), (6, 3, 2))
# (events/s, relay woken on write?): the woken relay at the two rates, and the relay
# polling every 100 ms (as before wake on write) at 100/s as the anchor.
LAG_RUNS = size(((100, True), (300, True), (100, False)), ((10, True), (10, False)))
LAG_TARGETS = {10: 250.0, 100: 250.0, 300: 1000.0}  # p99 limits in ms (10/s: the smoke run)
ONLY = os.environ.get("BENCH_WORKFLOWS_ONLY", "")
# For probes: which lag runs, e.g. "100w,100w,300w,100p" (w: relay woken on write, p: polling).
if os.environ.get("BENCH_WORKFLOWS_LAG_RUNS"):
    LAG_RUNS = tuple((int(r[:-1]), r[-1] == "w") for r in os.environ["BENCH_WORKFLOWS_LAG_RUNS"].split(","))
BURST_EVENTS, BURST_ALLIANCES = size((10_000, 200), (30, 3))
ANCHOR_WORKFLOWS, ANCHOR_SIGNALS = size((200, 10), (3, 3))


def figure(
    name: str, value: float, unit: str, anchor: str, anchor_value: float, ratio: float,
    target: float | None, target_text: str,
) -> Figure:
    return Figure(
        name, round(value, 3), unit, anchor, round(anchor_value, 3), round(ratio, 3), target,
        target_text,
    )


@workflow.defn
class SignalSinkWorkflow:
    """The anchor's bare workflow: it only counts the signals it receives."""

    def __init__(self) -> None:
        self.received = 0

    @workflow.run
    async def run(self, expected: int) -> int:
        await workflow.wait_condition(lambda: self.received >= expected)
        return self.received

    @workflow.signal
    def ping(self, _: int) -> None:
        self.received += 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed_relay(*args: Any, **kwargs: Any) -> Any:
    """A relay that notes when each notice's signal was accepted (for the lag breakdown)."""
    from workflows.relay import Relay

    class TimedRelay(Relay):
        accepted: dict[int, float] = {}

        async def _signal(self, target: Any, notice: Any) -> None:
            await super()._signal(target, notice)
            self.accepted[notice.position] = time.time()

    return TimedRelay(*args, **kwargs)


def log_long_collections(label: str, longer_than: float = 0.05) -> None:
    """Prints each garbage collection that held the process longer than `longer_than` s (a stop of
    every thread: the event loop, the pollers' completions)."""
    import gc

    began = [0.0]

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        elif (took := time.perf_counter() - began[0]) > longer_than:
            print(f"{time.strftime('%H:%M:%S')} {label}: gc generation {info['generation']} took "
                  f"{took * 1000:.0f} ms ({info['collected']} collected)", flush=True)

    gc.callbacks.append(note)


class NullMailer:
    def send(self, message: EmailMessage) -> None:
        pass


# ---- the worker process --------------------------------------------------------------------


def activity_timer() -> Any:
    """An interceptor that times each activity (local ones included) in the worker, and a task
    that prints the timings of every 5 s window (the worker's output goes to its log file)."""
    from temporalio.worker import (
        ActivityInboundInterceptor,
        ExecuteActivityInput,
        Interceptor,
    )

    times: dict[str, list[float]] = {}

    class Timed(ActivityInboundInterceptor):
        async def execute_activity(self, input: ExecuteActivityInput) -> Any:
            from temporalio import activity

            t = time.perf_counter()
            try:
                return await self.next.execute_activity(input)
            finally:
                times.setdefault(activity.info().activity_type, []).append(time.perf_counter() - t)

    class Timer(Interceptor):
        def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
            return Timed(next)

    # Runs created (started, replayed after an eviction or a task from the shared queue): counted by
    # wrapping the runners' create_instance.
    from temporalio.worker import UnsandboxedWorkflowRunner
    from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

    created: list[float] = []
    for runner in (SandboxedWorkflowRunner, UnsandboxedWorkflowRunner):
        def counted(self: Any, det: Any, _create: Any = runner.create_instance) -> Any:
            t = time.perf_counter()
            try:
                return _create(self, det)
            finally:
                created.append(time.perf_counter() - t)
        runner.create_instance = counted  # type: ignore[method-assign]

    async def report() -> None:
        while True:
            await asyncio.sleep(5)
            if created:
                print(f"{time.strftime('%H:%M:%S')} runs created: {len(created)}, "
                      f"p50 {percentile(created, 50) * 1000:.1f} ms", flush=True)
                created.clear()
            for name, ts in list(times.items()):
                times[name] = []
                if ts:
                    print(f"{time.strftime('%H:%M:%S')} activity {name}: {len(ts)}, "
                          f"p50 {percentile(ts, 50) * 1000:.1f} ms, p99 {percentile(ts, 99) * 1000:.1f} ms",
                          flush=True)

    return Timer(), report


async def worker_process(sticky: str) -> None:
    """`sticky`: seconds of the sticky queue timeout, or "setting" for build_worker's own."""
    from config.settings import load_settings
    from workers.bootstrap import build_application, freeze_startup_heap
    from workflows.activities import FollowUpActivities
    from workflows.runtime import WorkerPolling, build_worker, connect

    settings = load_settings()
    polling = WorkerPolling.of(settings)
    if sticky != "setting":
        polling = replace(polling, sticky_timeout=float(sticky))
    application = build_application(settings)
    _, policy = settings.policies()
    client = await connect(settings.temporal_address)
    activities = FollowUpActivities(application, policy, NullMailer(), sender=settings.mail_from)
    timer, report = activity_timer()
    reporting = asyncio.create_task(report())
    with ThreadPoolExecutor(16) as executor:
        worker = build_worker(
            client,
            settings.task_queue,
            activities,
            executor,
            extra_workflows=[SignalSinkWorkflow],
            max_cached_workflows=2000,
            interceptors=[timer],
            polling=polling,
            sandboxed=settings.worker_sandbox,
        )
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        if os.environ.get("BENCH_WORKFLOWS_NO_FREEZE") != "1":  # for the comparison in the notes
            freeze_startup_heap()  # as the worker process does
        async with worker:
            print("ready", flush=True)
            log_long_collections("worker")  # after "ready": the first line the benchmark reads
            await stop.wait()
    reporting.cancel()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class WorkerProcess:
    def __init__(self, env: dict[str, str], sticky_seconds: float | None = None) -> None:
        self.env, self.sticky = env, "setting" if sticky_seconds is None else str(sticky_seconds)
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> WorkerProcess:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.workflows",
            "worker",
            self.sticky,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 60)
        if line.strip() != b"ready":
            raise RuntimeError("Der Bench-Worker ist nicht gestartet.")
        # Read its output on into a file: a full pipe nobody reads (~64 KB) stops the worker.
        self.drain = asyncio.create_task(self._drain(self.process.stdout))
        return self

    async def _drain(self, stdout: asyncio.StreamReader) -> None:
        log = Path(self.env.get("BUENDNIS_VAR_DIR", tempfile.gettempdir())) / f"bench-worker-{self.pid}.log"
        with log.open("ab") as out:
            while chunk := await stdout.read(65536):
                out.write(chunk)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


# ---- measurements ----------------------------------------------------------------------------


async def bare_signals(client: Client, task_queue: str) -> tuple[float, float, float]:
    """Anchor: signals/s accepted with 100 in flight to workflows that only count them, and the
    unloaded signal round trip p50/p99 (ms), one signal at a time."""

    handles = [
        await client.start_workflow(
            SignalSinkWorkflow.run,
            ANCHOR_SIGNALS,
            id=f"sink-{uuid.uuid4().hex}",
            task_queue=task_queue,
        )
        for _ in range(ANCHOR_WORKFLOWS)
    ]
    limit, rtts = asyncio.Semaphore(100), []

    async def ping(handle: Any, n: int) -> None:
        async with limit:
            t = time.perf_counter()
            await handle.signal(SignalSinkWorkflow.ping, n)
            rtts.append((time.perf_counter() - t) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(ping(h, n) for n in range(ANCHOR_SIGNALS - 1) for h in handles))
    rate = ANCHOR_WORKFLOWS * (ANCHOR_SIGNALS - 1) / (time.perf_counter() - started)
    await asyncio.sleep(1)
    rtts.clear()
    for h in handles:  # one at a time: the unloaded round trip
        await ping(h, ANCHOR_SIGNALS)
    await asyncio.gather(*(h.result() for h in handles))
    return rate, percentile(rtts, 50), percentile(rtts, 99)


async def wait_relayed(relay: Any, upto: int) -> None:
    while relay.position < upto:
        await asyncio.sleep(0.02)


async def history_of_all_runs(client: Client, workflow_id: str) -> list[Any]:
    """The events of every run of a workflow, oldest run first (runs continue as new every few
    hundred events: the latest run alone would miss the reactions recorded before)."""
    runs: list[list[Any]] = []
    run_id: str | None = None
    while True:
        events = [e async for e in client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history_events()]
        runs.append(events)
        run_id = events[0].workflow_execution_started_event_attributes.continued_execution_run_id if events else ""
        if not run_id:
            return [e for run in reversed(runs) for e in run]


STAGES = (
    ("signal → task scheduled", EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
    ("scheduled → started", EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED),
    ("started → completed", EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    ("completed → reload recorded", EventType.EVENT_TYPE_MARKER_RECORDED),
)


async def stage_times(
    client: Client, alliance_ids: list[Any], since: float
) -> tuple[dict[str, list[float]], int, int]:
    """Where a reaction waits, from the histories' own (server) times: for each signal since
    `since`, the time to the next workflow task scheduled, from there to its start on a worker, to
    its completion, and to the reload's marker (a signal that came while a task ran waits for that
    task to complete before the next is scheduled). Also answers how many workflow tasks completed
    and how many timed out
    (on the sticky queue: no poller of the worker that has the workflow took them in time, so they
    went to the shared queue with the whole history)."""
    gaps: dict[str, list[float]] = {name: [] for name, _ in STAGES}
    completed = timed_out = 0
    for alliance_id in alliance_ids:
        events = await history_of_all_runs(client, f"alliance-{alliance_id}")
        for i, event in enumerate(events):
            at = event.event_time.ToDatetime(tzinfo=UTC).timestamp()
            if at < since:
                continue
            timed_out += event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT
            completed += event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
            if event.event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
                continue
            j = i
            for name, wanted in STAGES:
                j = next((k for k in range(j + 1, len(events)) if events[k].event_type == wanted), -1)
                if j < 0:
                    break
                then = events[j].event_time.ToDatetime(tzinfo=UTC).timestamp()
                gaps[name].append(then - at)
                at = then
    return gaps, completed, timed_out


async def reaction_times(client: Client, alliance_ids: list[Any]) -> list[tuple[int, float]]:
    """For each alliance: (position told, time its workflow recorded the reload that followed)."""
    reacted: list[tuple[int, float]] = []
    for alliance_id in alliance_ids:
        pending: list[int] = []
        for event in await history_of_all_runs(client, f"alliance-{alliance_id}"):
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
                payload = event.workflow_execution_signaled_event_attributes.input.payloads[0]
                pending.append(json.loads(payload.data)["position"])
            elif event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED and pending:
                at = event.event_time.ToDatetime(tzinfo=UTC).timestamp()
                reacted.extend((p, at) for p in pending)
                pending = []
    return reacted


def lag_by_position(written: dict[int, tuple[Any, float]], reacted: list[tuple[int, float]]) -> dict[int, float]:
    """Per event (by position): time from its save to its workflow's first reload that knew its position."""
    by_alliance: dict[Any, list[tuple[int, float]]] = {}
    positions_to_alliance = {p: a for p, (a, _) in written.items()}
    for p, at in reacted:
        if p in positions_to_alliance:
            by_alliance.setdefault(positions_to_alliance[p], []).append((p, at))
    result = {}
    for position, (alliance_id, saved_at) in written.items():
        later = [at for p, at in by_alliance.get(alliance_id, []) if p >= position]
        if later:
            result[position] = min(later) - saved_at
    return result


async def wait_all_answer(client: Client, workflow_ids: list[str]) -> float:
    started = time.perf_counter()

    async def answer(workflow_id: str) -> None:
        handle = client.get_workflow_handle(workflow_id)
        while True:
            try:
                await handle.query("progress", rpc_timeout=timedelta(seconds=30))
                return
            except Exception:
                await asyncio.sleep(0.05)

    await asyncio.gather(*(answer(w) for w in workflow_ids))
    return time.perf_counter() - started


async def run() -> list[Figure]:
    from config.settings import load_settings
    from storage.wakes import wake_on_write
    from workers.bootstrap import build_application
    from workers.relay import FALLBACK_POLL
    from workers.temporal_server import start_dev_server
    from workflows.relay import WorkflowOptions
    from workflows.relay_position import MemoryPositionStore
    from workflows.runtime import connect

    figures: list[Figure] = []
    log_long_collections("benchmark")
    var = Path(tempfile.mkdtemp(prefix="bench-workflows-")) / "var"
    overrides = {
        "store": "sqlite",
        "var_dir": str(var),
        "temporal_address": f"127.0.0.1:{free_port()}",
        "temporal_ui_port": free_port(),
        "smtp_port": free_port(),
        "task_queue": "bench",
    }
    settings = load_settings(**overrides)
    env = {**os.environ, **{f"BUENDNIS_{k.upper()}": str(v) for k, v in overrides.items()}}
    async with start_dev_server(settings, ui=False):
        app = build_application(settings)
        client = await connect(settings.temporal_address)
        worker = await WorkerProcess(env).start()
        idle_rss = rss_mib(worker.pid)

        rate, rtt50, rtt99 = await bare_signals(client, "bench")
        print(
            f"anchor: {rate:,.0f} bare signals/s accepted; "
            f"signal round trip p50 {rtt50:.1f} ms, p99 {rtt99:.1f} ms"
        )

        relay = timed_relay(app, client, MemoryPositionStore(), WorkflowOptions("bench"))
        stop, wake = asyncio.Event(), asyncio.Event()
        waking = wake_on_write(settings, app, wake)
        await waking.__aenter__()
        relay_task = asyncio.create_task(relay.run(stop, wake=wake, idle_interval=FALLBACK_POLL))
        ids = [
            app.register_alliance(
                name=f"Bündnis {i}", municipality=f"Ort {i}", state="Bayern", by="bench"
            )
            for i in range(ALLIANCES)
        ]
        started = time.perf_counter()
        await wait_relayed(relay, app.recorder.max_notification_id())
        await wait_all_answer(client, [f"alliance-{i}" for i in ids])
        print(
            f"{ALLIANCES} alliance workflows started and answering "
            f"in {time.perf_counter() - started:.1f} s"
        )
        if os.environ.get("BENCH_WORKFLOWS_PROBE_CACHE") == "1":
            # The server's cache of workflow state: the first describe after 600 starts of the
            # workflows the lag runs use, then a second one of each, one at a time.
            for touch in ("first", "second"):
                took = []
                for i in ids[:LAG_ALLIANCES]:
                    t = time.perf_counter()
                    await client.get_workflow_handle(f"alliance-{i}").describe()
                    took.append((time.perf_counter() - t) * 1000)
                print(f"  describe, {touch} touch: p50 {percentile(took, 50):.1f} ms, "
                      f"p99 {percentile(took, 99):.1f} ms", flush=True)
        settle = float(os.environ.get("BENCH_WORKFLOWS_SETTLE", "0"))
        t = time.perf_counter()
        while time.perf_counter() - t < settle:
            count = (await client.count_workflows('Bundesland = "Bayern"')).count
            print(f"  {time.perf_counter() - t:.1f} s after: {count} workflows visible with their "
                  "search attributes", flush=True)
            if count >= ALLIANCES:
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(2 + float(os.environ.get("BENCH_WORKFLOWS_IDLE", "0")))
        rss = rss_mib(worker.pid)
        figures.append(
            figure(
                f"worker RSS with {ALLIANCES} live alliance workflows",
                rss,
                "MiB",
                "same worker idle, before any workflow",
                idle_rss,
                400 / rss,
                1.0,
                "≤ 400 MB",
            )
        )

        async def restart_relay(woken: bool) -> tuple[asyncio.Event, asyncio.Task[None]]:
            stop.set()
            await relay_task
            again = asyncio.Event()
            run = relay.run(again, wake=wake, idle_interval=FALLBACK_POLL) if woken else relay.run(again)
            return again, asyncio.create_task(run)

        # Reaction lag at sustained rates: one event every 1/rate s, round robin over LAG_ALLIANCES.
        lag: dict[tuple[int, bool], dict[str, float]] = {}
        for rate_per_s, woken in LAG_RUNS if ONLY in ("", "lag") else ():
            stop, relay_task = await restart_relay(woken)
            lag[rate_per_s, woken] = await measure_lag(
                app, client, relay, ids[:LAG_ALLIANCES], rate_per_s, rtt50, rtt99, rate, woken
            )
        figures.extend(lag_figures(lag, rtt50, rtt99, rate))
        stop, relay_task = await restart_relay(True)

        # Burst: a bulk import written while the relay is stopped, then drained.
        if ONLY == "":
            stop.set()
            await relay_task
            burst_ids = ids[:BURST_ALLIANCES]
            t = time.perf_counter()
            for n in range(BURST_EVENTS):
                app.record_goal(burst_ids[n % BURST_ALLIANCES], text=f"Import {n}", by="bench")
            write_seconds = time.perf_counter() - t
            head = app.recorder.max_notification_id()
            stop = asyncio.Event()
            signals_before = relay.signals_sent
            t = time.perf_counter()
            relay_task = asyncio.create_task(relay.run(stop, wake=wake, idle_interval=FALLBACK_POLL))
            await wait_relayed(relay, head)
            await wait_caught_up(client, burst_ids, head, app)
            drain_seconds = time.perf_counter() - t
            print(f"burst: {BURST_EVENTS} events → {relay.signals_sent - signals_before} signals")
            figures.append(
                figure(
                    f"drain time of a burst of {BURST_EVENTS:,} events",
                    drain_seconds,
                    "s",
                    "time the event store took to write them",
                    write_seconds,
                    2 * write_seconds / drain_seconds,
                    1.0,
                    "≤ 2× write time",
                )
            )

        # Recovery: the workflows are sticky to one worker (it just served them); a second worker is
        # ready; the first is killed. Measured twice: until every sampled workflow has processed a
        # signal again (Temporal alone), and until it has acted on a new event (store → relay → it).
        # With the worker's settings (build_worker), and with Temporal's default sticky timeout.
        sample = ids[::12]
        recovered: dict[tuple[float | None, bool], float] = {}
        for sticky in (10.0, None) if ONLY in ("", "recovery") else ():
            for end_to_end in (False, True):
                await worker.stop()
                worker = await WorkerProcess(env, sticky_seconds=sticky).start()
                await wait_events_acted_on(client, app, sample)
                before = await progress_of(client, sample)
                standby = await WorkerProcess(env, sticky_seconds=sticky).start()
                await asyncio.sleep(1)  # the standby's pollers are waiting
                await worker.kill()
                if end_to_end:
                    seconds = await wait_events_acted_on(client, app, sample)
                else:
                    seconds = await wait_signals_processed(client, before)
                recovered[sticky, end_to_end] = seconds
                what = "acted on a new event" if end_to_end else "processed a signal"
                print(
                    f"recovery after SIGKILL (sticky timeout {sticky or 'setting'} s): {seconds:.1f} s "
                    f"until {len(sample)} workflows {what}",
                    flush=True,
                )
                worker = standby
        for end_to_end, what in (
            (False, "processed a signal"),
            (True, "acted on a new event (store → relay → workflow)"),
        ):
            if (None, end_to_end) not in recovered:
                continue
            value, anchor_value = recovered[None, end_to_end], recovered[10.0, end_to_end]
            figures.append(figure(
                f"recovery after SIGKILL of a worker: {len(sample)} sampled workflows {what}",
                value, "s", "same with Temporal's default sticky queue timeout (10 s)", anchor_value,
                3 / value, 1.0, "≤ 3 s"))
        await worker.stop()
        stop.set()
        await relay_task
        await waking.__aexit__(None, None, None)
        app.close()
    return figures


async def progress_of(client: Client, alliance_ids: list[Any]) -> dict[Any, dict[str, int]]:
    return {
        a: await client.get_workflow_handle(f"alliance-{a}").query("progress") for a in alliance_ids
    }


# How often the recovery measurements look whether every workflow is done: each look is a query
# task for the worker that is taking over, so they look seldom and read the exact moments from the
# workflows' histories afterwards (server time stamps, no polling interval in the figure).
LOOK_EVERY = 0.5


async def wait_signals_processed(client: Client, before: dict[Any, dict[str, int]]) -> float:
    """Signals each workflow a notice it has seen (it only counts it); answers how long until all
    have processed theirs: the workflow task after the signal completed, on a worker that has the
    workflow again."""
    from workflows.payloads import EVENT_SIGNAL, EventNotice

    started = time.time()
    # All at once, as notices come from the relay: one after another, their round trips (~35 ms
    # each on a loaded machine, ~1.7 s for 50) were in the figure.
    await asyncio.gather(*(
        client.get_workflow_handle(f"alliance-{alliance_id}").signal(
            EVENT_SIGNAL, EventNotice(progress["seen"], str(alliance_id), ("Probe",)))
        for alliance_id, progress in before.items()))
    print(f"  signalled in {time.time() - started:.2f} s", flush=True)
    await look_until(client, before, lambda a, now: now["ignored"] > before[a]["ignored"])
    done = [await first_after_last_signal(client, a, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
            for a in before]
    await print_takeover(client, list(before), started)
    return max(done) - started


async def print_takeover(client: Client, alliance_ids: list[Any], since: float) -> None:
    """Where the takeover's time went, from the histories: after the signals (at `since`), when
    each workflow's task on the dead worker's sticky queue timed out, when the new worker started
    its task from the shared queue, and when it completed it (p50 / max, seconds after `since`)."""
    moments: dict[str, list[float]] = {"timed out": [], "started": [], "completed": []}
    wanted = {
        EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT: "timed out",
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED: "started",
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: "completed",
    }
    for alliance_id in alliance_ids:
        found: dict[str, float] = {}
        for event in await history_of_all_runs(client, f"alliance-{alliance_id}"):
            at = event.event_time.ToDatetime(tzinfo=UTC).timestamp()
            name = wanted.get(event.event_type)
            if at >= since and name is not None:
                found[name] = at  # the last of each: the task that finally completed
        for name, at in found.items():
            moments[name].append(at - since)
    print("  takeover (s after the signals, p50 / max): " + "; ".join(
        f"{name} {percentile(ts, 50):.2f} / {max(ts):.2f} ({len(ts)})" for name, ts in moments.items() if ts),
        flush=True)


async def wait_events_acted_on(client: Client, app: Any, alliance_ids: list[Any]) -> float:
    """Writes one event per alliance now; answers the longest time from an event's write until its
    workflow had acted on it (recorded the reload of its view that followed the signal). Written
    from a thread, as the API's writes come from another process: the relay (on this loop) sends
    each as it is written, not all after the last."""
    started = time.time()
    positions, written_at = {}, {}
    for alliance_id in alliance_ids:
        await asyncio.to_thread(app.record_goal, alliance_id, text="Nach dem Neustart", by="bench")
        positions[alliance_id] = app.recorder.max_notification_id()
        written_at[alliance_id] = time.time()
    written = time.time() - started
    await look_until(client, positions, lambda a, now: now["seen"] >= positions[a])
    seen_at = time.time()
    # A workflow whose last signal came after its reload has no marker after it (0.0): then the
    # moment the query saw the event acted on is the bound (a little late, never before the write).
    done = [await first_after_last_signal(client, a, EventType.EVENT_TYPE_MARKER_RECORDED) or seen_at
            for a in alliance_ids]
    signalled = [await first_after_last_signal(client, a, None) for a in alliance_ids]
    print(f"  written in {written:.2f} s; the last signal accepted after {max(signalled) - started:.2f} s, "
          f"the last reload recorded after {max(done) - started:.2f} s", flush=True)
    return max(d - written_at[a] for a, d in zip(alliance_ids, done, strict=True))


async def look_until(client: Client, alliance_ids: Any, done: Any) -> None:
    async def one(alliance_id: Any) -> None:
        handle = client.get_workflow_handle(f"alliance-{alliance_id}")
        while True:
            await asyncio.sleep(LOOK_EVERY)
            try:
                if done(alliance_id, await handle.query("progress", rpc_timeout=timedelta(seconds=30))):
                    return
            except Exception:
                pass

    await asyncio.gather(*(one(a) for a in alliance_ids))


async def first_after_last_signal(client: Client, alliance_id: Any, event_type: Any) -> float:
    """The time (server's clock) of the first `event_type` after the workflow's last signal (None:
    of the signal itself)."""
    signalled, found = False, 0.0
    for event in await history_of_all_runs(client, f"alliance-{alliance_id}"):
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            signalled, found = True, 0.0
            if event_type is None:
                found = event.event_time.ToDatetime(tzinfo=UTC).timestamp()
        elif signalled and not found and event.event_type == event_type:
            found = event.event_time.ToDatetime(tzinfo=UTC).timestamp()
    return found


async def measure_lag(
    app: Any,
    client: Client,
    relay: Any,
    ids: list[Any],
    rate_per_s: int,
    rtt50: float,
    rtt99: float,
    signal_rate: float,
    woken: bool,
) -> dict[str, float]:
    written: dict[int, tuple[Any, float]] = {}
    count, since = rate_per_s * LAG_SECONDS, time.time()
    t0 = time.perf_counter()
    for n in range(count):
        await asyncio.sleep(max(0.0, t0 + n / rate_per_s - time.perf_counter()))
        alliance_id = ids[n % len(ids)]
        await asyncio.to_thread(app.record_goal, alliance_id, text=f"Ziel {n}", by="bench")
        written[app.recorder.max_notification_id()] = (alliance_id, time.time())
    achieved = count / (time.perf_counter() - t0)
    await wait_relayed(relay, max(written))
    await asyncio.sleep(3)
    reacted = await reaction_times(client, ids)
    by_position = lag_by_position(written, reacted)
    measured = list(by_position.values())
    p50, p99 = percentile(measured, 50), percentile(measured, 99)
    windows: dict[int, list[float]] = {}
    for position, lag in by_position.items():
        windows.setdefault(int((written[position][1] - since) // 5), []).append(lag)
    to_signal = [relay.accepted[p] - at for p, (_, at) in written.items() if p in relay.accepted]
    print(
        f"lag ({'woken' if woken else 'polling'}): {len(measured)} of {len(written)} events "
        f"measured at {achieved:.0f} events/s; p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms; "
        f"save→signal accepted p50 {percentile(to_signal, 50) * 1000:.0f} ms, "
        f"p99 {percentile(to_signal, 99) * 1000:.0f} ms",
        flush=True,
    )
    print("  by 5 s window of writes (p50 / p99 ms): " + "; ".join(
        f"{w * 5}–{w * 5 + 5} s {percentile(ls, 50) * 1000:.0f} / {percentile(ls, 99) * 1000:.0f}"
        for w, ls in sorted(windows.items())), flush=True)
    stages, completed, timed_out = await stage_times(client, ids, since)
    print("  stages (p50 / p99 ms): " + "; ".join(
        f"{name} {percentile(g, 50) * 1000:.0f} / {percentile(g, 99) * 1000:.0f}"
        for name, g in stages.items() if g)
        + f"; workflow tasks completed {completed}, timed out {timed_out}", flush=True)
    return {"p50": p50 * 1000, "p99": p99 * 1000, "achieved": achieved}


def lag_figures(lag: dict[tuple[int, bool], dict[str, float]], rtt50: float, rtt99: float,
                signal_rate: float) -> list[Figure]:
    figures = []
    polled = lag.get((100, False))
    for (rate_per_s, woken), m in lag.items():
        if not woken:
            continue
        limit = LAG_TARGETS[rate_per_s]
        figures.append(figure(
            f"event→workflow reaction lag p99 at {rate_per_s} events/s (relay woken on write)",
            m["p99"], "ms",
            "bare signal round trip p99" + (
                f"; the relay polling every 100 ms instead, 100 events/s: p99 {polled['p99']:.0f} ms, "
                f"p50 {polled['p50']:.0f} ms" if polled and rate_per_s == 100 else ""),
            rtt99, limit / m["p99"], 1.0, f"≤ {limit:.0f} ms"))
        figures.append(figure(
            f"event→workflow reaction lag p50 at {rate_per_s} events/s (relay woken on write)",
            m["p50"], "ms", "bare signal round trip p50", rtt50, limit / m["p50"], None,
            "comparison (the limit is on p99)"))
        figures.append(figure(
            f"events/s relayed and acted on, sustained ({rate_per_s}/s offered)",
            m["achieved"], "events/s", "bare Temporal signals accepted/s, 100 in flight",
            signal_rate, m["achieved"] / signal_rate,
            # sustaining the offered rate: its share of the bare signal rate
            0.99 * rate_per_s / signal_rate, f"≥ {rate_per_s} events/s sustained"))
    return figures


async def wait_caught_up(client: Client, alliance_ids: list[Any], head: int, app: Any) -> None:
    """Until every burst alliance's workflow has seen its last event of the burst."""
    last: dict[Any, int] = {}
    for n in app.recorder.select_notifications(
        max(1, head - BURST_EVENTS - 10), BURST_EVENTS + 100, stop=head
    ):
        last[n.originator_id] = n.id
    limit = asyncio.Semaphore(50)

    async def caught_up(alliance_id: Any) -> None:
        handle = client.get_workflow_handle(f"alliance-{alliance_id}")
        while True:
            async with limit:
                progress = await handle.query("progress")
            if progress["seen"] >= last.get(alliance_id, 0) and progress["loads"] >= 1:
                return
            await asyncio.sleep(0.1)

    await asyncio.gather(*(caught_up(a) for a in alliance_ids))


def main() -> None:
    figures = asyncio.run(run())
    if ONLY:  # a probe of one part: nothing to keep
        for f in figures:
            print(f"{f.name}: {f.value:,.1f} {f.unit} (anchor {f.anchor_value:,.1f}; target {f.target})")
    else:
        write_results("workflows", figures)


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        asyncio.run(worker_process(sys.argv[2]))
    else:
        main()
