"""How a long-running CLI command ends: SIGINT (Ctrl-C) or SIGTERM (systemd, docker) sets its stop event."""

from __future__ import annotations

import asyncio
import signal


def stop_on_signals() -> asyncio.Event:
    """An event that SIGINT or SIGTERM to this process sets; called inside the running event loop,
    whose closing removes the handlers again."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
