"""Wake on write: a follower of the notification log (the relay) learns of a save at once instead
of at its next poll.

- In one process (`buendnis up`, the benchmark): the application's `on_saved` sets the follower's
  event.
- SQLite, across processes (`buendnis api` beside `buendnis relay`): each save sends one small
  datagram to an abstract unix socket named after the event store's file (no file to clean up, no
  path length limit); the follower binds it.
- PostgreSQL: the insert function (storage/postgres_events.py) NOTIFYs the events table's channel,
  delivered on commit to every process; the follower LISTENs on one connection of its own.

A wake is only a hint that the log may have grown. A lost one (nobody bound yet, a full socket
buffer, a dropped LISTEN connection) leaves the follower to its poll, which stays the guarantee:
a lost wake delays, it never loses an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

import psycopg
import structlog
from psycopg import sql

from config.settings import Settings
from domain.application import AllianceApplication

log = structlog.get_logger(__name__)
FOLLOWERS = ("relay",)


def datagram_address(events_path: Path, follower: str) -> str:
    """The abstract unix socket (leading NUL) a follower of this store binds."""
    digest = hashlib.sha256(str(events_path.resolve()).encode()).hexdigest()[:24]
    return f"\0buendnis-{follower}-{digest}"


class DatagramSender:
    """The writer's half on SQLite: one datagram per save to each follower, never blocking."""

    def __init__(self, events_path: Path, followers: Sequence[str] = FOLLOWERS) -> None:
        self.addresses = [datagram_address(events_path, f) for f in followers]
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.setblocking(False)

    def __call__(self, position: int) -> None:
        for address in self.addresses:
            # OSError: nobody bound (not started), or its buffer is full (it is busy reading): it polls
            with contextlib.suppress(OSError):
                self._socket.sendto(b"w", address)

    def close(self) -> None:
        self._socket.close()


@contextlib.asynccontextmanager
async def wake_on_write(
    settings: Settings, application: AllianceApplication, wake: asyncio.Event, follower: str = "relay"
) -> AsyncIterator[None]:
    """Sets `wake` whenever events are saved, in this process or (SQLite, PostgreSQL) another."""
    loop = asyncio.get_running_loop()

    def set_wake(_: int = 0) -> None:
        loop.call_soon_threadsafe(wake.set)  # saves happen in worker threads too

    remove = application.on_saved(set_wake)
    try:
        if settings.store == "sqlite":
            with _datagrams(loop, datagram_address(settings.events_path, follower), wake):
                yield
        elif settings.store == "postgres":
            channel = getattr(application.recorder, "channel_name", None)
            listening = asyncio.create_task(_listen(settings.postgres_dsn, channel, wake)) if channel else None
            try:
                yield
            finally:
                if listening is not None:
                    listening.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await listening
        else:
            yield
    finally:
        remove()


@contextlib.contextmanager
def _datagrams(loop: asyncio.AbstractEventLoop, address: str, wake: asyncio.Event) -> Iterator[None]:
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        receiver.bind(address)
    except OSError as e:  # another follower of this store holds it (a standby): poll only
        log.warning("wake_unavailable", address=address[1:], error=str(e))
        receiver.close()
        yield
        return
    receiver.setblocking(False)

    def readable() -> None:
        with contextlib.suppress(BlockingIOError):
            while receiver.recv(64):
                pass
        wake.set()

    loop.add_reader(receiver.fileno(), readable)
    try:
        yield
    finally:
        loop.remove_reader(receiver.fileno())
        receiver.close()


async def _listen(dsn: str, channel: str, wake: asyncio.Event) -> None:
    """LISTENs until cancelled; reconnects with backoff (polling covers the gap, and a wake after
    each (re)connection reads what was saved meanwhile)."""
    delay = 0.5
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
                await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                wake.set()
                delay = 0.5
                async for _ in conn.notifies():
                    wake.set()
        except psycopg.Error as e:
            log.warning("wake_listen_failed", error=str(e), retry_in=delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 30.0)

