"""A process of the application that waits for a start signal, then writes or just starts up.

Usage: python -m tests.storage.concurrent_writer GO_FILE write ALLIANCES THREADS
       python -m tests.storage.concurrent_writer GO_FILE start
(settings from the BUENDNIS_* environment). Run several at once by the tests of this folder:
`write` registers ALLIANCES alliances with four goals each (five saves of one event each) from
THREADS threads; `start` builds what every process builds on start-up on a fresh schema.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from config.settings import load_settings
from workers.bootstrap import build_application, build_key_ring, build_store
from workers.relay import position_store

BY = "schreiber@test"
# Small pools: the test's processes share the server's connections with everything else.
POOL = {"POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "2"}


def wait_for(go: Path, patience: float = 120.0) -> None:
    """Says it is ready (a file beside GO_FILE), then waits for GO_FILE."""
    (go.parent / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + patience
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit("kein Startsignal")
        time.sleep(0.005)


def start(go: Path) -> None:
    settings = load_settings()
    wait_for(go)
    application = build_application(settings, **POOL)
    build_store(settings).close()
    build_key_ring(settings)
    position_store(settings).get()
    application.close()


def write(go: Path, alliances: int, threads: int) -> None:
    application = build_application(load_settings(), **POOL)
    wait_for(go)
    errors: list[BaseException] = []

    def work(count: int) -> None:
        try:
            for i in range(count):
                aid = application.register_alliance(name=f"Bündnis {i}", municipality="Jena", state="Thüringen",
                                                     by=BY)
                for j in range(4):
                    application.record_goal(aid, text=f"Ziel {j}", by=BY)
        except BaseException as e:
            errors.append(e)

    workers = [threading.Thread(target=work, args=(alliances // threads,)) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    application.close()
    if errors:
        raise errors[0]


if __name__ == "__main__":
    go_file = Path(sys.argv[1])
    if sys.argv[2] == "start":
        start(go_file)
    else:
        write(go_file, int(sys.argv[3]), int(sys.argv[4]))
