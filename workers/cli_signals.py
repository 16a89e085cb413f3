"""How a long-running CLI command ends: SIGINT (Ctrl-C) or SIGTERM (systemd, docker) sets its stop event."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable


def stop_on_signals(announce: Callable[[], None] | None = None, *, second_interrupts: bool = False) -> asyncio.Event:
    """An event that SIGINT or SIGTERM to this process sets; called inside the running event loop,
    whose closing removes the handlers again. `announce` runs on the first signal (to say that the
    process is stopping); with `second_interrupts`, a second signal raises KeyboardInterrupt: the
    operator no longer wants to wait for a clean shutdown."""
    stop = asyncio.Event()

    def on_signal() -> None:
        if stop.is_set():
            if second_interrupts:
                raise KeyboardInterrupt
            return
        if announce is not None:
            announce()
        stop.set()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    return stop
