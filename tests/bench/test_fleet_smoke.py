"""The fleet benchmark's smoke run (seconds): 6 alliances, 30 commitments, 4 simulated days.

Benchmarks never run in `make test`; this keeps bench/fleet_workflows.py from rotting. It also
checks what the full run reports: every follow-up the policy says is due was recorded and mailed,
none twice. At BUENDNIS_TEST_TODAY the month runs on a test server started at that moment.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.fleet_workflows import SMOKE, smoke
from tests import clock as test_clock
from tests.bench.test_smoke import well_formed

BIN = Path(sys.executable).parent


async def test_fleet_benchmark_smoke_run(tmp_path: Path) -> None:
    server = test_clock.faked_server(BIN / "temporal-test-server", tmp_path)
    path, month = await smoke(tmp_path / "results", server)

    assert month.expected > 0, "die Daten sollen in den simulierten Tagen Erinnerungen fällig machen"
    assert month.missed == [] and month.unexpected == []
    assert (month.recorded, month.mailed) == (month.expected, month.expected)
    assert (month.recorded_twice, month.mailed_twice) == (0, 0)
    figures = json.loads(path.read_text())["figures"]
    assert path.parent == tmp_path / "results"
    assert len(figures) == 11 and all(f["value"] >= 0 for f in figures)
    assert [p for f in figures for p in well_formed(f)] == []  # the fields every result carries
    started = next(f for f in figures if f["name"].startswith("time to start"))
    assert f"{SMOKE.alliances} Bündnis- und {SMOKE.commitments} Zusagen" in started["name"]
