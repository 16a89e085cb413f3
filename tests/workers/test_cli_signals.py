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


def test_the_first_signal_is_announced_once_and_a_second_one_ignored() -> None:
    said: list[str] = []

    async def main() -> None:
        stop = stop_on_signals(lambda: said.append("Beende …"))
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.wait_for(stop.wait(), 10)
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.sleep(0.2)

    asyncio.run(main())
    assert said == ["Beende …"]


def test_a_second_ctrl_c_stops_waiting_for_a_clean_shutdown_where_asked() -> None:
    """`buendnis up`: the first Ctrl-C starts the clean shutdown, a second one interrupts it."""

    async def main() -> None:
        stop = stop_on_signals(second_interrupts=True)
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.wait_for(stop.wait(), 10)
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.sleep(5)  # a clean shutdown taking its time

    with pytest.raises(KeyboardInterrupt):
        asyncio.run(main())
