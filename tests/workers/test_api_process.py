"""The API process (`workers.api.serve`): serves until stopped and reports each component."""

from __future__ import annotations

import asyncio

import httpx

from api.auth import issue_token
from config.settings import Settings
from tests.ports import free_port
from workers.api import serve
from workers.bootstrap import build_application


async def test_api_serves_until_stopped_and_health_reports_an_unreachable_temporal(settings: Settings) -> None:
    port, nobody = free_port(), free_port()
    configured = settings.model_copy(update={"api_port": port, "temporal_address": f"127.0.0.1:{nobody}"})
    application = build_application(configured)
    stop = asyncio.Event()
    server = asyncio.create_task(serve(configured, application, stop))
    try:
        office = {"Authorization": f"Bearer {issue_token(configured.secret(), 'servicebuero')}"}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=office) as c:
            for _ in range(200):
                try:
                    health = (await c.get("/health")).json()
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
        assert health["components"]["event_store"]["state"] == "ok"
        assert health["components"]["temporal"] == {"state": "unreachable", "address": f"127.0.0.1:{nobody}"}
        assert health["components"]["relay"]["state"] in ("absent", "down")  # no relay ever ran here
        assert health["status"] == "degraded"
    finally:
        stop.set()
        await asyncio.wait_for(server, 20)
        await asyncio.to_thread(application.close)
    assert server.done() and server.exception() is None
