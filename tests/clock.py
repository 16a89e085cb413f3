"""The suite's today: `BUENDNIS_TEST_TODAY=YYYY-MM-DD[THH:MM]` (UTC; a date alone is noon) runs
every test as if it were then; unset, the tests start at the real time.

The time-skipping Temporal server is started inside libfaketime at that moment (it is a native
program that reads the system clock), the application's clock starts there, and fixtures take
their dates from `today()`.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from domain.dates import StartedClock, berlin, parse_start

VARIABLE = "BUENDNIS_TEST_TODAY"
_raw = os.environ.get(VARIABLE, "").strip()
START: datetime | None = parse_start(_raw) if _raw else None
LIBFAKETIME = next(iter(sorted(Path("/usr/lib").glob("*/faketime/libfaketimeMT.so.1"))), None)


def clock() -> Callable[[], datetime]:
    """A clock for an application under test: starting at the suite's today, running on."""
    if START is None:
        return lambda: datetime.now(UTC)
    return StartedClock(START)


def now() -> datetime:
    return START if START is not None else datetime.now(UTC)


def today() -> date:
    """The suite's today as people in Berlin would name it."""
    return berlin(now()).date()


def faked_server(binary: Path, folder: Path) -> Path:
    """A launcher that starts `binary` with its clock at the suite's today (the binary as is when unset)."""
    if START is None:
        return binary
    library = LIBFAKETIME
    if library is None:
        found = shutil.which("faketime")
        raise RuntimeError(
            f"{VARIABLE} braucht libfaketime (Debian-Paket faketime; `make test` installiert es)"
            + (f"; gefunden nur {found}" if found else "")
        )
    launcher = folder / "temporal-test-server-at-today"
    launcher.write_text(
        "#!/bin/sh\n"
        f"export LD_PRELOAD={library}\n"
        f"export FAKETIME='@{START:%Y-%m-%d %H:%M:%S}'\n"
        "export TZ=UTC\n"
        f'exec "{binary}" "$@"\n'
    )
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR)
    return launcher
