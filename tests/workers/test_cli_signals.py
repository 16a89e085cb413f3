"""The separate processes (`buendnis api`, `projector`, `worker`, `relay`, `temporal`) stop on SIGTERM
as on Ctrl-C: one stop event for both."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from workers.cli_signals import stop_on_signals


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_sigterm_and_sigint_set_the_stop_event(sig: signal.Signals) -> None:
    async def main() -> bool:
        stop = stop_on_signals()
        os.kill(os.getpid(), sig)
        await asyncio.wait_for(stop.wait(), 10)
        return stop.is_set()

    assert asyncio.run(main())
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the loop's end gave the handlers back
