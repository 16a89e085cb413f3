"""`buendnis up`: the whole stack in one process (the embedded default behind `make run`).

Creates the store, loads the demo into an empty one, starts the Temporal dev server, the mail
sink, the worker, the relay, the projectors and the API; Ctrl-C, or SIGTERM/SIGINT to this pid alone
(systemd, docker), stops everything cleanly, also while it is still starting; the Temporal dev
server, the one child process, is terminated and reaped before `up` ends.
A part that is not in this code base yet is reported as absent, never faked.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import structlog
from rich.console import Console

from api.auth import decode_token, issue_token
from api.problems import Problem
from api.tokens import TokenState
from config.settings import Settings, write_secret_file
from domain.application import AllianceApplication
from workers.api import component_probes, optional_module
from workers.bootstrap import build_application, build_token_store
from workers.cli_signals import stop_on_signals

log = structlog.get_logger("up")
Serve = Callable[[Settings, AllianceApplication, asyncio.Event], Coroutine[Any, Any, None]]
# The long-running parts, in start order: (name in /health, module with `serve`).
EXIT_GRACE = 10.0  # seconds the interpreter gets to exit once every part has stopped
SHUTDOWN_BUDGET = 75.0  # seconds the whole shutdown may take before the process ends regardless
LABELS = {"mail_sink": "Mail-Sammler", "projector": "Projektoren", "worker": "Temporal-Worker", "relay": "Relay"}
PARTS = (
    ("mail_sink", "workers.mail_sink"),
    ("projector", "workers.projector"),
    ("worker", "workers.worker"),
    ("relay", "workers.relay"),
)


@dataclass
class Stack:
    """The running parts and what /health says about each."""

    settings: Settings
    application: AllianceApplication
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    stops: dict[str, asyncio.Event] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)
    temporal: bool = False
    dev_server: Any = None
    serves: dict[str, Callable[[asyncio.Event], Coroutine[Any, Any, None]]] = field(default_factory=dict)
    restartable: dict[str, bool] = field(default_factory=dict)
    failures: dict[str, list[float]] = field(default_factory=dict)

    def start(
        self, name: str, serve: Callable[[asyncio.Event], Coroutine[Any, Any, None]], *, restartable: bool = True
    ) -> None:
        """Starts a part with a stop event of its own, so the parts can be stopped one by one."""
        self.serves[name], self.restartable[name] = serve, restartable
        self.stops[name] = asyncio.Event()
        self.tasks[name] = asyncio.create_task(serve(self.stops[name]), name=name)

    def probes(self) -> dict[str, Callable[[], dict[str, Any]]]:
        shared = component_probes(self.settings, self.application)
        result: dict[str, Callable[[], dict[str, Any]]] = {"temporal": self._temporal(shared["temporal"])}
        for name, _ in PARTS:
            if name != "projector":  # the API reads the projector lag from the read models themselves
                result[name] = self._part(name, shared.get(name))
        return result

    def _temporal(self, probe: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
        def state() -> dict[str, Any]:
            if not self.temporal:
                return {"state": "absent"}
            if self.dev_server is not None and not self.dev_server.running:
                return {"state": "down", "reason": self.dev_server.failed or "der Server startet neu"}
            return probe()

        return state

    def _part(self, name: str, more: Callable[[], dict[str, Any]] | None) -> Callable[[], dict[str, Any]]:
        def probe() -> dict[str, Any]:
            task = self.tasks.get(name)
            if task is None:
                return {"state": "absent"}
            state: dict[str, Any] = {"state": "ok", **(more() if more else {})}
            if task.done():
                state["state"] = "stopped"
            return state

        return probe


async def run(settings: Settings, console: Console) -> bool:
    """Runs the stack until Ctrl-C or SIGTERM; True when it ended because a part kept failing."""
    # Ctrl-C or SIGTERM, or a part that failed; a second Ctrl-C stops waiting for a clean shutdown.
    stop = stop_on_signals(lambda: console.print("\nBeende alle Dienste …"), second_interrupts=True)
    application = await asyncio.to_thread(build_application, settings)
    stack = Stack(settings, application)
    stuck: list[str] = []
    failed = False
    try:
        if not stop.is_set():
            await _load_demo_if_empty(application, console)
        async with contextlib.AsyncExitStack() as exits:
            # A signal while starting ends the start: nothing more is started, what was is stopped.
            if not stop.is_set():
                await _start_temporal(stack, exits, stop, console)
            if not stop.is_set():
                _start_parts(stack, settings, application)
                await _unless_stopped(_api_listening(settings, stack), stop)
            if not stop.is_set():
                _banner(console, settings, stack)
            failed = await _supervise(stack, stop, console)
            # However a part misbehaves, the process ends: nothing in it is needed to keep the data.
            _watchdog(SHUTDOWN_BUDGET, "shutdown_overran", before=partial(_end_child, stack.dev_server))
            stuck = await _shut_down(stack, console)
    finally:
        try:
            await asyncio.wait_for(asyncio.to_thread(application.close), 10)
        except TimeoutError:
            log.warning("store_close_overran")
        console.print("Alle Dienste beendet; die Daten bleiben erhalten.")
        # A thread a part left behind (e.g. an activity) must not keep the process alive.
        _watchdog(EXIT_GRACE, "threads_left_behind")
    if stuck:
        _exit_now("parts_left_behind", parts=stuck, code=1 if failed else 0)
    return failed


async def _start_temporal(
    stack: Stack, exits: contextlib.AsyncExitStack, stop: asyncio.Event, console: Console
) -> None:
    server = optional_module("workers.temporal_server")
    if server is None:
        stack.absent.append("Temporal-Server")
        return
    dev_server = stack.dev_server = server.start_dev_server(stack.settings)
    exits.push_async_callback(dev_server.stop)  # stopped (and reaped) however its start ends
    with console.status("Starte den Temporal-Entwicklungsserver …"):
        if not await _unless_stopped(dev_server.start(), stop):
            return
    stack.temporal = True
    if dev_server.process is not None:  # ours (not one found running): watch over it
        # Restarted with backoff when it dies (its output: var/log/temporal.log).
        stack.start("temporal", dev_server.supervise, restartable=False)


def _start_parts(stack: Stack, settings: Settings, application: AllianceApplication) -> None:
    for name, module_name in PARTS:
        module = optional_module(module_name)
        if module is None:
            stack.absent.append(LABELS[name])
            continue
        stack.start(name, partial(_serve_part, module, settings, application))
    from workers.api import serve as serve_api

    probes = stack.probes()
    stack.start("api", lambda own_stop: serve_api(settings, application, own_stop, probes=probes,
                                                         keep_survivors=False))  # the worker runs here too


async def _api_listening(settings: Settings, stack: Stack, patience: float = 60) -> None:
    """Returns once the API takes connections (or its task ended, or after `patience` s): the banner
    sends people and scripts to it (a loaded machine took over 0.5 s, and a test was refused)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        api = stack.tasks.get("api")
        if api is not None and api.done():
            return
        try:
            _, writer = await asyncio.open_connection(settings.api_host, settings.api_port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return


async def _unless_stopped(step: Coroutine[Any, Any, Any], stop: asyncio.Event) -> bool:
    """Runs a step of the start unless `stop` is set first (the step is then cancelled): True when it
    ran to its end. Its error, if any, is raised."""
    running = asyncio.ensure_future(step)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not running.done():
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
    if running.cancelled():
        return False
    running.result()
    return True


def _serve_part(
    module: ModuleType, settings: Settings, application: AllianceApplication, stop: asyncio.Event
) -> Coroutine[Any, Any, None]:
    serve: Serve = module.serve
    return serve(settings, application, stop)


def _watchdog(seconds: float, reason: str, before: Callable[[], None] | None = None) -> None:
    """Ends the process after `seconds` (having called `before`, from the timer's thread)."""

    def end() -> None:
        if before is not None:
            before()
        _exit_now(reason)

    timer = threading.Timer(seconds, end)
    timer.daemon = True
    timer.start()


def _end_child(dev_server: Any, patience: float = 10.0) -> None:
    """The dev server terminated and reaped before the process ends without its event loop (which
    would stop it): no orphan outlives `up`. Safe from any thread."""
    process = getattr(dev_server, "process", None)
    if process is None or process.returncode is not None:
        return
    end_process(process.pid, patience)


def end_process(pid: int, patience: float) -> None:
    """SIGTERM to a child, SIGKILL when it is still there after `patience` seconds; reaped either way
    (here, or by asyncio's child watcher: then there is nothing left to wait for)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + patience
    try:
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return
            time.sleep(0.05)
    except ChildProcessError:
        return


def _exit_now(reason: str, code: int = 0, **details: Any) -> None:
    # Whatever still runs holds nothing that is not already stored (events are committed
    # atomically, workflows live in Temporal): end the process rather than wait forever.
    log.warning(reason, **details)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


async def _load_demo_if_empty(application: AllianceApplication, console: Console) -> None:
    if application.recorder.max_notification_id():
        return
    from workers.demo import load_demo

    with console.status("Leerer Speicher: lade Demo-Bündnisse …"):
        ids = await asyncio.to_thread(load_demo, application)
    console.print(f"{len(ids)} Demo-Bündnisse geladen.")


async def _supervise(
    stack: Stack, stop: asyncio.Event, console: Console, *, attempts: int = 3, window: float = 300.0
) -> bool:
    """Runs until Ctrl-C. A part that fails is restarted with backoff; one that failed `attempts`
    times within `window` seconds (or cannot be restarted) stops the whole stack, which then ends
    with a non-zero exit code (better than half running). Answers whether that happened."""
    loop = asyncio.get_running_loop()
    waiting = asyncio.create_task(stop.wait())
    pending: set[asyncio.Task[Any]] = {waiting, *stack.tasks.values()}
    failed = False
    while not stop.is_set():
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is waiting:
                continue
            name = task.get_name()
            error = task.exception() if not task.cancelled() else None
            log.error("part_stopped", part=name, error=str(error) if error else None)
            recent = [t for t in stack.failures.get(name, []) if loop.time() - t < window]
            stack.failures[name] = [*recent, loop.time()]
            if stack.restartable.get(name) and len(stack.failures[name]) < attempts:
                delay = 2.0 ** len(stack.failures[name])
                console.print(f"[bold yellow]Der Dienst {name} ist ausgefallen[/]" + (f": {error}" if error else "")
                              + f"; Neustart in {delay:.0f} s.")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(waiting), delay)
                if stop.is_set():
                    break
                stack.start(name, stack.serves[name])
                pending.add(stack.tasks[name])
                continue
            console.print(f"[bold red]Der Dienst {name} ist beendet[/]" + (f": {error}" if error else ""))
            failed = True
            stop.set()
    waiting.cancel()
    return failed


async def _shut_down(stack: Stack, console: Console, patience: float = 15) -> list[str]:
    """Stops the parts in the reverse order of their start: nothing loses what it depends on
    (the worker its mail sink, the relay and the worker Temporal) while it still runs.
    Returns the parts that ignored both the stop and the cancellation."""
    stuck = []
    for name in reversed(list(stack.tasks)):
        task = stack.tasks[name]
        stack.stops[name].set()
        done, _ = await asyncio.wait({task}, timeout=patience)
        if done:
            continue
        console.print(f"Der Dienst {name} beendet sich nicht; er wird abgebrochen.")
        log.warning("part_cancelled", part=name)
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=5)
        if not done:
            stuck.append(name)
    return stuck


def servicebuero_token_file(settings: Settings) -> Path:
    """The first Servicebüro token, in a file only this user can read (0600), never on the screen
    or in a log: made on the first start, made anew when the one kept there no longer works."""
    path = settings.var_dir / "servicebuero-token"
    state = TokenState(build_token_store(settings))
    if path.exists():
        try:
            decode_token(settings.secret(), path.read_text().strip(), state=state)
            return path
        except Problem:
            path.unlink()
    token = issue_token(settings.secret(), "servicebuero", version=state.version("servicebuero"))
    write_secret_file(path, token + "\n")
    return path


def _banner(console: Console, settings: Settings, stack: Stack) -> None:
    host = settings.api_host
    token_file = servicebuero_token_file(settings)
    console.print(
        f"\n[bold]buendnis läuft.[/]\n  Dashboard:       http://{host}:{settings.api_port}/"
        f"\n  API (OpenAPI):   http://{host}:{settings.api_port}/docs"
        f"\n  Zustand:         http://{host}:{settings.api_port}/health"
    )
    if stack.temporal:
        console.print(f"  Temporal-UI:     http://127.0.0.1:{settings.temporal_ui_port}/")
    if "mail_sink" in stack.tasks:
        console.print(
            f"  Mail-Sammler:    http://{host}:{settings.api_port}/post "
            f"(SMTP {settings.smtp_host}:{settings.smtp_port}, Dateien unter {settings.var_dir / 'mail'}/)"
        )
    if stack.absent:
        console.print(f"  Noch nicht Teil dieser Installation: {', '.join(stack.absent)}")
    console.print(
        "\nZugangsschlüssel des Servicebüros (nur für Sie lesbar; auf der Anmeldeseite einfügen oder als "
        "„Authorization: Bearer …“ senden):"
    )
    print(f"  {token_file.resolve()}", flush=True)
    console.print("\nStrg-C beendet alle Dienste.")
