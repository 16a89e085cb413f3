"""The stack as real processes for fault injection: the Temporal dev server, the mail sink, the
worker, the relay and the projector, each its own `buendnis …` process on one store (a SQLite file
or a PostgreSQL schema), started, killed with a signal and started again as systemd would
(`Restart=on-failure` in infra/systemd).

The processes run in real time (the dev server is a Go program; libfaketime cannot move its clock),
so the data are written as if entered days ago: every follow-up they hold fell due in the past
(within the catch-up window) and fires as soon as its workflow runs, whatever the time of day the
suite starts (BUENDNIS_TEST_TODAY does not apply to these processes and is taken out of their
environment).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from config.settings import Settings, load_settings
from domain.application import AllianceApplication
from domain.dates import berlin
from projections.rebuild import rebuild
from projections.registry import build_projection
from tests.ports import free_port
from tests.projections.conftest import snapshot
from tests.waiting import poll
from workers.bootstrap import build_application, build_queries, build_store
from workers.mail_sink import deliveries, mail_dir
from workers.relay import position_store
from workflows.notifications import message_id

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent / "buendnis"
BY = "koordination"
SOAK = os.environ.get("BUENDNIS_SOAK", "") not in ("", "0")
COMMANDS = {
    "temporal": ["workflows", "temporal", "--no-ui"],
    "mail_sink": ["workflows", "mail-sink"],
    "projector": ["projector"],
    "relay": ["relay"],
    "worker": ["worker"],
}
# The line each part logs once it runs (its signal handlers installed before).
STARTED = {"relay": '"relay_started"', "projector": '"projector_started"'}
# The entry date of the data: their contacts' follow-ups fall due 1–5 days later, all in the past.
DAYS_AGO = 10
# The read models compared with a rebuild (the audit chain is checked by its own tests).
READ_MODELS = ("overview", "detail", "timeline", "inbox")


def scaled(normal: int, soak: int) -> int:
    """A count for `make test`, or the larger one for `make soak` (BUENDNIS_SOAK=1)."""
    return soak if SOAK else normal


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Stack:
    """The processes of one store, their logs, and the application the test writes with."""

    folder: Path
    settings: Settings
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    started: Counter[str] = field(default_factory=Counter)
    killed: Counter[str] = field(default_factory=Counter)
    writer: AllianceApplication | None = None
    written: list[UUID] = field(default_factory=list)

    @classmethod
    def create(cls, folder: Path, *, store: str = "sqlite", dsn: str = "", schema: str = "") -> Stack:
        extra: dict[str, Any] = {"postgres_dsn": dsn, "postgres_schema": schema} if store == "postgres" else {}
        settings = load_settings(
            store=store, var_dir=folder / "var", temporal_address=f"127.0.0.1:{free_port()}",
            smtp_port=free_port(), temporal_ui_port=free_port(), **extra)
        (folder / "logs").mkdir(parents=True, exist_ok=True)
        return cls(folder, settings)

    @property
    def env(self) -> dict[str, str]:
        s = self.settings
        env = {k: v for k, v in os.environ.items() if k != "BUENDNIS_TEST_TODAY"}
        env.update({
            "BUENDNIS_STORE": s.store, "BUENDNIS_VAR_DIR": str(s.var_dir),
            "BUENDNIS_TEMPORAL_ADDRESS": s.temporal_address, "BUENDNIS_TEMPORAL_UI_PORT": str(s.temporal_ui_port),
            "BUENDNIS_SMTP_PORT": str(s.smtp_port), "BUENDNIS_LOG_FORMAT": "json",
            "BUENDNIS_POSTGRES_DSN": s.postgres_dsn, "BUENDNIS_POSTGRES_SCHEMA": s.postgres_schema,
            # The processes share the server's connections with everything else running.
            "ALLIANCES_POSTGRES_POOL_SIZE": "2", "ALLIANCES_POSTGRES_MAX_OVERFLOW": "2",
            "PYTHONPATH": str(ROOT),
        })
        return env

    def log(self, name: str) -> Path:
        return self.folder / "logs" / f"{name}.log"

    # ---- processes -------------------------------------------------------------------------

    def start(self, name: str) -> None:
        with self.log(name).open("ab") as out:
            self.processes[name] = subprocess.Popen(
                [str(BIN), *COMMANDS[name]], env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.started[name] += 1

    def up(self, *names: str) -> None:
        """Starts the given parts (all by default), the dev server and the sink first and ready."""
        names = names or tuple(COMMANDS)
        if "temporal" in names:
            self.start("temporal")
            port = int(self.settings.temporal_address.rpartition(":")[2])
            poll(lambda: listening(port), bool, timeout=60)
        if "mail_sink" in names:
            self.start("mail_sink")
            poll(lambda: listening(self.settings.smtp_port), bool, timeout=60)
        for name in names:
            if name not in ("temporal", "mail_sink"):
                self.start(name)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Sends `sig` to the part's process group and waits for it to end."""
        process = self.processes[name]
        if process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        self.killed[name] += 1

    def restart_dead(self) -> list[str]:
        """What systemd does with Restart=on-failure: starts again every part that ended."""
        dead = [n for n, p in self.processes.items() if p.poll() is not None]
        for name in dead:
            self.start(name)
        return dead

    def alive(self, name: str) -> bool:
        return self.processes[name].poll() is None

    def started_up(self, name: str) -> bool:
        """Whether the part's latest start has logged its start line (the ones that log one)."""
        line = STARTED.get(name)
        return line is None or self.log(name).read_text(errors="replace").count(line) >= self.started[name]

    def stop(self) -> dict[str, int | None]:
        """SIGTERM to every part (the dev server last), answers their exit codes. A part started again
        a moment ago is let finish starting first: a SIGTERM while Python still imports ends it by
        the signal (-15), which says nothing about how it stops."""
        codes: dict[str, int | None] = {}
        for name in [n for n in self.processes if n != "temporal"] + ["temporal"]:
            if name in self.processes:
                process = self.processes[name]
                if process.poll() is None:
                    with contextlib.suppress(AssertionError, TimeoutError):
                        poll(lambda n=name: self.started_up(n) or not self.alive(n), bool, timeout=120)  # type: ignore[misc]
                    os.killpg(process.pid, signal.SIGTERM)
                    try:
                        process.wait(timeout=60)
                    except subprocess.TimeoutExpired:
                        os.killpg(process.pid, signal.SIGKILL)
                        process.wait(timeout=30)
                codes[name] = process.returncode
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        return codes

    # ---- data --------------------------------------------------------------------------------

    def app(self) -> AllianceApplication:
        """The test's own application (another writer beside the processes), its clock days back."""
        if self.writer is None:
            entered = datetime.now(UTC) - timedelta(days=DAYS_AGO)
            self.writer = build_application(self.settings, clock=lambda: entered)
        return self.writer

    def write_alliance(self, contacts: int = 2, app: AllianceApplication | None = None) -> UUID:
        """An alliance with `contacts` talks entered DAYS_AGO whose follow-ups fell due since."""
        app = app or self.app()
        n = len(self.written)
        alliance_id = app.register_alliance(name=f"Bündnis Ausfall {n}", municipality="Jena", state="Thüringen",
                                            by=BY)
        entered = berlin(app.clock()).date()
        for i in range(contacts):
            actor = app.add_actor(alliance_id, name=f"Verein {n}-{i}", sector="verband", by=BY)
            app.record_contact(alliance_id, actor_id=actor, on=entered, outcome="undecided",
                               follow_up_on=entered + timedelta(days=1 + i % 5), by=BY)
        self.written.append(alliance_id)
        return alliance_id

    def expected_keys(self, app: AllianceApplication) -> dict[UUID, set[str]]:
        """The contact follow-ups each written alliance must get recorded."""
        result = {}
        for alliance_id in self.written:
            alliance = app.get_alliance(alliance_id)
            result[alliance_id] = {f"contact_follow_up:{c.id}:{c.follow_up_on}"
                                   for c in alliance.contacts.values() if c.follow_up_on is not None}
        return result


def recorded_events(app: AllianceApplication) -> Counter[tuple[str, str]]:
    """How often each (aggregate, follow-up key) was recorded, counted in the event log itself."""
    counts: Counter[tuple[str, str]] = Counter()
    for n in app.recorder.select_notifications(start=1, limit=10_000_000):
        if n.topic.endswith(".FollowUpRecorded"):
            event = app.mapper.to_domain_event(n)
            counts[(str(event.originator_id), event.key)] += 1  # type: ignore[attr-defined]
    return counts


def all_recorded(stack: Stack, app: AllianceApplication) -> bool:
    recorded = {key for (_, key) in recorded_events(app)}
    return all(keys <= recorded for keys in stack.expected_keys(app).values())


def mails_expected(stack: Stack, app: AllianceApplication) -> dict[str, str]:
    """Message-ID → key of every recorded follow-up of the written alliances that must be mailed
    on its own (not summarised, not refused for good)."""
    domain = stack.settings.mail_from.rpartition("@")[2]
    result = {}
    for alliance_id in stack.written:
        alliance = app.get_alliance(alliance_id)
        for key, record in alliance.follow_ups.items():
            if not record.missed and key not in alliance.failed_deliveries:
                result[message_id(key, domain)] = key
    return result


def settle(stack: Stack, app: AllianceApplication, *, timeout: float) -> dict[str, int]:
    """Waits (failing at the deadline) until every expected follow-up is recorded and mailed, the relay
    has passed the log's head and every read model too; answers the sink's count per Message-ID."""
    poll(lambda: all_recorded(stack, app), bool, timeout=timeout)
    sink = mail_dir(stack.settings)
    poll(lambda: set(mails_expected(stack, app)) - set(deliveries(sink)), lambda missing: not missing,
         timeout=timeout)
    head = app.recorder.max_notification_id() or 0
    poll(lambda: position_store(stack.settings).get(), lambda p: p >= head, timeout=timeout)
    queries = build_queries(stack.settings, application=app)
    try:
        poll(queries.status, lambda s: all(p["position"] >= head for p in s.values()), timeout=timeout)
    finally:
        queries.close()
    return deliveries(sink)


def read_models_equal_a_rebuild(stack: Stack, app: AllianceApplication) -> None:
    """Every read model as the projector processes left it equals one rebuilt from position 0
    (the processes stopped first: nothing moves while they are compared)."""
    store = build_store(stack.settings)
    try:
        for name in READ_MODELS:
            incremental = snapshot(store, name)
            rebuild(app, store, build_projection(name, app))
            assert snapshot(store, name) == incremental, f"{name} weicht vom Neuaufbau ab"
    finally:
        store.close()


def kill_at_random(stack: Stack, names: list[str], rounds: int, *, between: tuple[float, float],
                   ready: Callable[[str], bool] | None = None) -> None:
    """`rounds` times: waits a random while (the part ready first), kills one of `names` with
    SIGKILL, starts it again."""
    rng = random.Random(os.environ.get("BUENDNIS_SOAK_SEED"))
    for _ in range(rounds):
        name = rng.choice(names)
        if ready is not None:
            poll(lambda n=name: ready(n), bool, timeout=90)  # type: ignore[misc]
        time.sleep(rng.uniform(*between))
        stack.kill(name)
        stack.start(name)
