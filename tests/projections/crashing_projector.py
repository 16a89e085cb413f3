"""A projector process that kills itself (SIGKILL) in the middle of a batch: run by the crash test.

Usage: python -m tests.projections.crashing_projector BATCH_SIZE KILL_AT_EVENT
(settings from the BUENDNIS_* environment).
"""

from __future__ import annotations

import os
import signal
import sys

from config.settings import load_settings
from projections.alliance_events import Seen
from projections.engine import Projector
from projections.overview import OverviewProjection
from projections.store import Db
from workers.bootstrap import build_application, build_store


class CrashingOverview(OverviewProjection):
    """The real overview, except that the process dies after `kill_at` events have been seen."""

    kill_at = 0
    seen = 0

    def see(self, seen: Seen, db: Db) -> None:
        super().see(seen, db)
        CrashingOverview.seen += 1
        if CrashingOverview.seen == self.kill_at:
            # Rows of this batch are in the open transaction; the process dies before commit.
            db.execute("UPDATE {alliances} SET event_count = event_count + 1000")
            os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    batch_size, kill_at = int(sys.argv[1]), int(sys.argv[2])
    settings = load_settings()
    app = build_application(settings)
    CrashingOverview.kill_at = kill_at
    Projector(app, build_store(settings), CrashingOverview(app), batch_size=batch_size).catch_up()


if __name__ == "__main__":
    main()
