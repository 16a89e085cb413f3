"""HTTP API throughput and latency, beside the in-process application in the same run.

1. Commands over HTTP (POST …/goals) from 32 concurrent keep-alive clients against `buendnis api`
   (uvicorn, its own process, SQLite file): commands/s, beside the same command called in-process
   on the application one after another (target ≥ 50 % of that rate). The two alternate in rounds
   (so both see the same load from the rest of the machine), each on alliances of its own with as
   many commands (so both change aggregates of the same size); the CPU time per command of the
   API process and of the client (this process) is reported beside. Then the latency open loop:
   requests offered at half that maximum whether answered or not, each counted from its due time
   (a late client or a busy connection counts against the server, never for it): p99 ≤ 25 ms. The
   same commands/s with the store on PostgreSQL, one and two API processes (BENCH_POSTGRES_DSN;
   the schema is named BENCH_SCHEMA_PREFIX_<random> and dropped at the end).
2. Reads on a large history (600 alliances with five years each, built through the application
   by the demo's generator): the alliance page (HTML) and alliance detail (JSON) p99, and the
   dashboard p99 when the read models are present; anchor: the application's own load of the
   alliance. Target ≤ 50 ms."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

from bench.common import Figure, percentile, size, write_results
from config.settings import load_settings
from domain.application import AllianceApplication
from domain.errors import RuleViolation
from workers.bootstrap import build_application, long_lived_heap

CLIENTS = size(32, 4)
WARMUP = size(300, 10)
COMMANDS = size(4000, 40)  # over HTTP, and as many in-process, in ROUNDS alternating rounds
ROUNDS = size(4, 2)
ALLIANCES = int(os.environ.get("BENCH_API_ALLIANCES", size("600", "3")))
YEARS = size(5.0, 1.0)
READS = size(300, 5)
OPEN_LOOP_SECONDS = size(8, 1)
PG_DSN = os.environ.get("BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
PG_SCHEMA_PREFIX = os.environ.get("BENCH_SCHEMA_PREFIX", "bench")  # several benchmarks on one database


Request = tuple[str, str, bytes | None]


async def _connection(
    host: str,
    port: int,
    token: str,
    jobs: asyncio.Queue[tuple[float | None, Request]],
    latencies: list[float],
    failures: list[str],
    late: list[float],
) -> None:
    """One keep-alive HTTP/1.1 connection taking jobs until the queue is empty. A job with a due
    time (open loop) is sent when due and its latency counts from then, so a request that waited
    for a free connection or a late client counts its wait (no coordinated omission); a job without
    one (closed loop) is sent at once and counts from its send."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            try:
                due, (method, path, body) = jobs.get_nowait()
            except asyncio.QueueEmpty:
                return
            if due is not None:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
            head = (
                f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body or b'')}\r\n\r\n"
            ).encode()
            started = time.perf_counter()
            if due is not None:
                late.append(started - due)  # how late the client sent it (its own lag)
                started = due
            writer.write(head + (body or b""))
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not status_line.split()[1].startswith(b"2"):
                failures.append(status_line.decode().strip())
    finally:
        writer.close()


async def _run(
    host: str, ports: list[int], token: str, jobs: list[tuple[float | None, Request]], connections: int
) -> tuple[list[float], list[str], list[float]]:
    """Runs the jobs over `connections` connections: latencies, failures and, for jobs with a due
    time, how late each was sent."""
    queue: asyncio.Queue[tuple[float | None, Request]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    latencies: list[float] = []
    failures: list[str] = []
    late: list[float] = []
    await asyncio.gather(*(_connection(host, ports[i % len(ports)], token, queue, latencies, failures, late)
                           for i in range(connections)))
    return latencies, failures, late




async def _load(
    host: str, port: int | list[int], token: str, requests: list[Request], clients: int
) -> tuple[float, list[float], list[str]]:
    """Closed loop: `clients` connections (spread over the ports), each sending its next request
    when the last was answered."""
    ports = port if isinstance(port, list) else [port]
    # The client's own heap out of its collector's sight: a full collection of it paused the client
    # 100–280 ms (wall, load ~9), counted as the server's latency.
    with long_lived_heap():
        started = time.perf_counter()
        latencies, failures, _ = await _run(host, ports, token, [(None, r) for r in requests], clients)
        return time.perf_counter() - started, latencies, failures


async def _open_loop(
    host: str, ports: list[int], token: str, requests: list[Request], rate: float, connections: int = 64,
) -> tuple[list[float], list[str], list[float]]:
    """Requests offered at `rate`/s whatever the answers take (open loop), over up to
    `connections` keep-alive connections spread over the API processes' `ports`: the latencies
    from each request's due time, the failures, and how late the client sent each."""
    with long_lived_heap():  # the client's heap, as in _load
        start = time.perf_counter() + 0.2
        jobs: list[tuple[float | None, Request]] = [(start + i / rate, r) for i, r in enumerate(requests)]
        return await _run(host, ports, token, jobs, connections)


def _serve(var: Path, port: int, store: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BUENDNIS_VAR_DIR": str(var),
        "BUENDNIS_API_PORT": str(port),
        "BUENDNIS_STORE": "sqlite",
        "BUENDNIS_LOG_LEVEL": "warning",
        "BUENDNIS_RATE_LIMIT": "999999/minute",  # one token sends them all; the limiter still counts
        **(store or {}),
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "buendnis"), "api"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import httpx

    deadline = time.monotonic() + 120  # start-up took over 20 s at load 13-18 (the others' work)
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("buendnis api did not start")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Comparison:
    """Commands over HTTP beside the same command in-process, measured in alternating rounds so
    both see the same load from the rest of the machine."""

    in_process: float  # commands/s, one after another in this process
    http: float  # commands/s over HTTP, CLIENTS connections, closed loop
    closed_p99: float  # ms
    server_cpu: float  # µs of CPU per command in the API processes (all their threads)
    client_cpu: float  # µs of CPU per command in this process, the load's client


def _compare(app: AllianceApplication, ports: list[int], token: str, servers: list[subprocess.Popen[bytes]],
             commands: int, rounds: int) -> Comparison:
    """Each round: `commands / rounds` commands in-process on alliances of their own, then as many
    over HTTP on as many other alliances (so both change aggregates of the same size)."""
    anchor_ids = [app.register_alliance(name=f"Anker {i}", municipality=f"Ort {i}", state="Bayern", by="bench")
                  for i in range(CLIENTS * 2)]
    http_ids = [app.register_alliance(name=f"HTTP {i}", municipality=f"Ort {i}", state="Bayern", by="bench")
                for i in range(CLIENTS * 2)]
    body = b'{"text": "Ferienbetreuung ausbauen"}'

    def goals(ids: list[UUID], n: int) -> list[Request]:
        return [("POST", f"/api/v1/alliances/{ids[i % len(ids)]}/goals", body) for i in range(n)]

    for i in range(WARMUP):  # warm both the same way
        app.record_goal(anchor_ids[i % len(anchor_ids)], text=f"Warm {i}", by="bench")
    asyncio.run(_load("127.0.0.1", ports, token, goals(http_ids, WARMUP), CLIENTS))
    per_round = commands // rounds
    in_process_time = http_time = server_cpu = client_cpu = 0.0
    latencies: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        for i in range(per_round):
            app.record_goal(anchor_ids[i % len(anchor_ids)], text=f"Ziel {i}", by="bench")
        in_process_time += time.perf_counter() - started
        cpu_before = sum(_cpu_seconds(s.pid) for s in servers)
        own_before = time.process_time()
        elapsed, lat, failures = asyncio.run(_load("127.0.0.1", ports, token, goals(http_ids, per_round), CLIENTS))
        client_cpu += time.process_time() - own_before
        server_cpu += sum(_cpu_seconds(s.pid) for s in servers) - cpu_before
        assert not failures, failures[:5]
        http_time += elapsed
        latencies += lat
    done = per_round * rounds
    return Comparison(done / in_process_time, done / http_time, percentile(latencies, 99) * 1000,
                      server_cpu / done * 1e6, client_cpu / done * 1e6)


def _project(settings: object, app: object) -> float | None:
    """Runs the projectors until they caught up with the store, and returns the read models'
    own dashboard p99 in ms (uncached, in-process); None when they are not present."""
    try:
        from workers.bootstrap import build_queries
        from workers.projector import serve  # type: ignore[import-not-found]
    except ImportError:
        print("  read models absent: dashboard not measured", flush=True)
        return None
    queries = build_queries(settings, application=app)

    async def catch_up() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(serve(settings, app, stop))
        while True:
            await asyncio.sleep(0.5)
            try:
                if all(p["lag"] == 0 for p in queries.status().values()):
                    break
            except Exception:
                continue  # the projectors are still setting up their tables
        stop.set()
        await task

    started = time.perf_counter()
    asyncio.run(catch_up())
    print(f"  projected in {time.perf_counter() - started:.0f} s", flush=True)
    samples = []
    for _ in range(30):
        t = time.perf_counter()
        queries.dashboard()
        samples.append(time.perf_counter() - t)
    return percentile(samples, 99) * 1000


def _postgres_figures() -> list[Figure]:
    """Commands over HTTP with the store on PostgreSQL, one and two API processes (each its own
    port, the clients spread over them), beside the same command in-process on PostgreSQL."""
    import uuid

    import psycopg

    from api.auth import issue_token

    schema = f"{PG_SCHEMA_PREFIX}_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_DSN, connect_timeout=3):
            pass
    except psycopg.Error as e:
        print(f"  PostgreSQL not reachable ({e}): not measured", flush=True)
        return []
    figures = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            var = Path(tmp) / "var"
            settings = load_settings(store="postgres", postgres_dsn=PG_DSN, postgres_schema=schema, var_dir=var)
            app = build_application(settings)
            store = {"BUENDNIS_STORE": "postgres", "BUENDNIS_POSTGRES_DSN": PG_DSN,
                     "BUENDNIS_POSTGRES_SCHEMA": schema}
            token = issue_token(settings.secret(), "servicebuero")
            try:
                for processes in (1, 2):
                    ports = [_free_port() for _ in range(processes)]
                    servers: list[subprocess.Popen[bytes]] = []
                    try:
                        for p in ports:  # one that does not start must not leave the others running
                            servers.append(_serve(var, p, store))
                        c = _compare(app, ports, token, servers, COMMANDS // 2, ROUNDS)
                    finally:
                        for server in servers:
                            server.terminate()
                            server.wait(timeout=30)
                    figures.append(Figure(
                        f"api.postgres_{processes}_process_commands_per_second", c.http, "commands/s",
                        f"PostgreSQL: in-process application, same command, sequential, alternating rounds "
                        f"({processes} API process{'es' if processes > 1 else ''}, {CLIENTS} clients, p99 "
                        f"{c.closed_p99:.0f} ms; CPU per command: API {c.server_cpu:.0f} µs, client "
                        f"{c.client_cpu:.0f} µs)",
                        c.in_process, c.http / c.in_process, 0.5, "≥ 0.5 × anchor"))
            finally:
                app.close()
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_keys" CASCADE')  # the key ring's
    return figures


def main() -> None:
    from api.auth import issue_token
    from workers.demo import build_alliance

    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp) / "var"
        settings = load_settings(store="sqlite", var_dir=var)
        app = build_application(settings)
        print(f"building {ALLIANCES} alliances with {YEARS:g} years of history …", flush=True)
        rng, now = random.Random(7), datetime.now(UTC)
        built = time.perf_counter()
        large: list[UUID] = []
        for i in range(ALLIANCES):
            try:
                large.append(
                    build_alliance(
                        app, f"Stadt {i}", "Hessen", 5, now - timedelta(days=365 * YEARS), rng, now - timedelta(days=10)
                    ).alliance_id
                )
            except RuleViolation:
                continue  # the demo generator's random contacts missed step 1's criterion: take the next
        events = app.recorder.max_notification_id()
        print(f"  {len(large)} alliances in step 5", flush=True)
        print(f"  {events} events in {time.perf_counter() - built:.0f} s", flush=True)
        big = max(large[:50], key=lambda a: app.get_alliance(a).version)
        anchor_reads = []
        for _ in range(READS):
            t = time.perf_counter()
            app.get_alliance(big)
            app.commitments(big)
            anchor_reads.append(time.perf_counter() - t)
        projected = _project(settings, app)

        port = _free_port()
        server = _serve(var, port)
        try:
            token = issue_token(settings.secret(), "servicebuero")
            c = _compare(app, [port], token, [server], COMMANDS, ROUNDS)
            # Latency open loop: requests offered at half the maximum just measured, answered or not.
            targets = [app.register_alliance(name=f"Offen {i}", municipality=f"Ort {i}", state="Bayern", by="bench")
                       for i in range(CLIENTS * 2)]
            app.close()
            body = b'{"text": "Ferienbetreuung ausbauen"}'
            offered_rate = c.http / 2
            offered: list[Request] = [("POST", f"/api/v1/alliances/{targets[i % len(targets)]}/goals", body)
                       for i in range(int(offered_rate * OPEN_LOOP_SECONDS))]
            latencies, failures, late = asyncio.run(_open_loop("127.0.0.1", [port], token, offered, offered_rate))
            assert not failures, failures[:5]
            p99, p50 = percentile(latencies, 99) * 1000, percentile(latencies, 50) * 1000
            late_p99 = percentile(late, 99) * 1000

            reads: dict[str, list[float]] = {}
            pages = [("alliance_page", f"/alliances/{big}"), ("alliance_json", f"/api/v1/alliances/{big}")]
            if projected is not None:  # the dashboard needs the read models
                pages += [("dashboard_page", "/"), ("dashboard_json", "/api/v1/dashboard")]
            for name, path in pages:
                _, lat, fails = asyncio.run(_load("127.0.0.1", port, token, [("GET", path, None)] * READS, 1))
                if not fails:
                    reads[name] = lat
                else:
                    print(f"  {name}: not measured ({fails[0]})")
        finally:
            server.terminate()
            server.wait(timeout=30)

    anchor_p99 = percentile(anchor_reads, 99) * 1000
    figures = [
        Figure(
            "api.commands_per_second",
            c.http,
            "commands/s",
            f"in-process application, same command, sequential, alternating rounds with HTTP ({CLIENTS} "
            f"keep-alive clients, closed loop, p99 {c.closed_p99:.0f} ms; CPU per command: API "
            f"{c.server_cpu:.0f} µs, client {c.client_cpu:.0f} µs)",
            c.in_process,
            c.http / c.in_process,
            0.5,
            "≥ 0.5 × anchor",
        ),
        Figure(
            "api.command_p99",
            p99,
            "ms",
            f"limit 25 ms; open loop at {offered_rate:.0f} commands/s offered (half the maximum) for "
            f"{OPEN_LOOP_SECONDS} s, counted from each request's due time; p50 {p50:.1f} ms; client late "
            f"p99 {late_p99:.1f} ms",
            25.0,
            25.0 / p99,
            1.0,
            "≤ 25 ms",
        ),
        *_postgres_figures(),
    ]
    history = f"{len(large)} alliances × {YEARS:g} years, {events} events"
    for name, lat in reads.items():
        value = percentile(lat, 99) * 1000
        if name.startswith("dashboard"):
            anchor = (
                f"limit 50 ms ({history}); the read models' dashboard computed uncached in-process: "
                f"p99 {projected:.1f} ms (the API caches it for ≤ 2 s, as API.md lets it lag)"
            )
        else:
            anchor = (
                f"limit 50 ms ({history}); in-process load of the alliance and its commitments p99 {anchor_p99:.1f} ms"
            )
        figures.append(Figure(f"api.{name}_p99", value, "ms", anchor, 50.0, 50.0 / value, 1.0, "≤ 50 ms"))
    write_results("api", figures)


if __name__ == "__main__":
    main()
