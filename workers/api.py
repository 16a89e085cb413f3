"""The API process: uvicorn serving the FastAPI app until `stop` is set."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import socket
from collections.abc import Generator, Mapping
from types import ModuleType
from typing import Any

import uvicorn

from api.app import create_app
from api.context import Probe
from config.settings import Settings
from domain.application import AllianceApplication
from storage.group_commit import GroupCommit
from workers.bootstrap import build_queries, build_token_store, freeze_startup_heap, group_commit, long_lived_heap


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the composition root owns Ctrl-C."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def reachable(address: str, timeout: float = 0.5) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return True
    except OSError:
        return False


def component_probes(settings: Settings, application: AllianceApplication) -> dict[str, Probe]:
    """What /health asks beyond the event store: Temporal, and the relay's lag when it exists."""

    def temporal() -> dict[str, Any]:
        ok = reachable(settings.temporal_address)
        return {"state": "ok" if ok else "unreachable", "address": settings.temporal_address}

    def relay() -> dict[str, Any]:
        module = optional_module("workers.relay")
        if module is None:
            return {"state": "absent"}
        return dict(module.probe(settings, application))

    return {"temporal": temporal, "relay": relay}


def optional_module(name: str) -> ModuleType | None:
    """The module when that part has landed in this code base; None when it has not."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name and name.startswith(e.name):
            return None
        raise


async def serve(
    settings: Settings,
    application: AllianceApplication,
    stop: asyncio.Event,
    *,
    queries: Any | None = None,
    probes: Mapping[str, Probe] | None = None,
    keep_survivors: bool = True,
) -> None:
    """Serves until `stop`. `keep_survivors`: what outlives a full collection is frozen too
    (`long_lived_heap`); off where the worker shares the process (`buendnis up`), whose reaction
    lag that made worse (bench/notes/workflows.md, seventh look)."""
    if probes is None:
        probes = component_probes(settings, application)
    if queries is None:  # the read models over the same store, sharing this process's application
        queries = build_queries(settings, application=application)
    app = create_app(application, queries, settings, probes=probes, clock=application.clock,
                     tokens=build_token_store(settings), writes=group_commit(settings, application))
    config = uvicorn.Config(
        app,
        host=settings.api_host,
        port=settings.api_port,
        lifespan="off",
        log_level="warning",
        access_log=False,
        server_header=False,
        http="httptools",  # uvicorn's C parser: h11's pure-Python one was ~15 % of the loop per command
    )
    server = _Server(config)
    # What start-up built, and what outlived a full collection, lives long: the next full
    # collection under load walks only what requests made since.
    if not keep_survivors:
        freeze_startup_heap()
    with long_lived_heap() if keep_survivors else contextlib.nullcontext():
        serving = asyncio.create_task(server.serve())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        server.should_exit = True
        stopping.cancel()
        await serving
    if isinstance(app.state.ctx.writes, GroupCommit):
        app.state.ctx.writes.close()
    if not server.started:
        raise RuntimeError(f"Die API konnte nicht auf {settings.api_host}:{settings.api_port} starten (Port belegt?).")
