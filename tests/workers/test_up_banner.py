"""`buendnis up` prints its banner (URLs, the token file) only once the API takes connections: a
test that read the token and called at once was refused on a loaded machine (the banner came
after a fixed half second)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tests.ports import free_port
from workers.up import _api_listening


def test_the_banner_waits_until_the_api_takes_connections(tmp_path: Path) -> None:
    port = free_port()
    settings: Any = SimpleNamespace(api_host="127.0.0.1", api_port=port)

    async def scenario() -> bool:
        listening = asyncio.Event()

        async def slow_api(_stop: asyncio.Event) -> None:
            await asyncio.sleep(1.5)  # a slow start: imports, the store, uvicorn
            server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", port)
            listening.set()
            async with server:
                await asyncio.sleep(3)

        stack: Any = SimpleNamespace(tasks={"api": asyncio.create_task(slow_api(asyncio.Event()))})
        await _api_listening(settings, stack)
        was_listening = listening.is_set()
        _, writer = await asyncio.open_connection("127.0.0.1", port)  # taken, not refused
        writer.close()
        stack.tasks["api"].cancel()
        return was_listening

    assert asyncio.run(scenario())


def test_the_banner_does_not_wait_for_an_api_that_ended(tmp_path: Path) -> None:
    settings: Any = SimpleNamespace(api_host="127.0.0.1", api_port=free_port())

    async def scenario() -> None:
        async def failed(_stop: asyncio.Event) -> None:
            raise RuntimeError("port taken")

        stack: Any = SimpleNamespace(tasks={"api": asyncio.create_task(failed(asyncio.Event()))})
        await asyncio.wait_for(_api_listening(settings, stack, patience=600), 30)  # returns, not 600 s
        assert stack.tasks["api"].done()

    asyncio.run(scenario())
