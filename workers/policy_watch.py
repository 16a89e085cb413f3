"""The policy file followed while a worker runs: re-read when it changes (checked every few seconds)
or at once on SIGHUP, applied to the worker's activities without a restart, and pushed to running
workflows by a sweep named after the policy's version.

Every worker with the same file converges on the same version within one check interval; the sweep
has each running workflow whose view holds another policy reload it (`refresh`). A file that does
not pass the checks is refused with the German message of `SettingsError`, and the worker keeps the
policy it has.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import signal
from collections.abc import Awaitable, Callable
from dataclasses import asdict

import orjson
import structlog

from config.settings import Settings, SettingsError
from domain.follow_ups import FollowUpPolicy
from domain.steps import StepPolicy

log = structlog.get_logger("worker")
Policies = tuple[StepPolicy, FollowUpPolicy]


def version(policies: Policies) -> str:
    """A short name for what the policies say (the same file content gives the same version)."""
    step, follow_ups = policies
    data = orjson.dumps({"steps": asdict(step), "follow_ups": asdict(follow_ups)}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(data).hexdigest()[:12]


class PolicyWatch:
    """Holds the policies in force; `check()` re-reads the file and applies what changed."""

    def __init__(self, settings: Settings, apply: Callable[[Policies], None]) -> None:
        self.settings, self._apply = settings, apply
        self.current: Policies = settings.policies()
        self.version = version(self.current)
        self.refused: str | None = None
        self._stamp = self._file_stamp()

    def _file_stamp(self) -> tuple[float, int] | None:
        path = self.settings.policy_file
        try:
            stat = path.stat() if path is not None else None
        except OSError:
            return None
        return None if stat is None else (stat.st_mtime, stat.st_size)

    def check(self, force: bool = False) -> bool:
        """True when a changed policy was applied."""
        stamp = self._file_stamp()
        if not force and stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            policies = self.settings.policies()
        except SettingsError as e:
            self.refused = str(e)
            log.error("policy_refused", detail=str(e), keeping=self.version)
            return False
        self.refused = None
        new = version(policies)
        if new == self.version:
            return False
        log.info("policy_changed", old=self.version, new=new)
        self.current, self.version = policies, new
        self._apply(policies)
        return True


async def follow(
    watch: PolicyWatch,
    stop: asyncio.Event,
    on_change: Callable[[str], Awaitable[None]],
    *,
    interval: float = 5.0,
) -> None:
    """Checks the file every `interval` s and at once on SIGHUP, until `stop`."""
    hangup = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):  # not the main thread
        loop.add_signal_handler(signal.SIGHUP, hangup.set)
    try:
        while not stop.is_set():
            waiters = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(hangup.wait())}
            _done, pending = await asyncio.wait(waiters, timeout=interval, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            if stop.is_set():
                return
            forced = hangup.is_set()
            hangup.clear()
            if await asyncio.to_thread(watch.check, forced):
                try:
                    await on_change(watch.version)
                except Exception as e:  # the daily sweep will still carry it; say so
                    log.warning("policy_sweep_not_started", version=watch.version, error=repr(e))
    finally:
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            loop.remove_signal_handler(signal.SIGHUP)
