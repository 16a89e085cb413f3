"""Shared bits of the benchmarks: percentiles, the results file format and the smoke mode.

Every figure carries a numeric `target`: the ratio it must reach (higher is better; for a limit
like p99 ≤ 50 ms the ratio is limit / value and the target 1.0), and `target_text` for people.
A figure measured only for comparison carries `target=None`. `bench/report.py` turns the files
into docs/PERFORMANCE.md.

Smoke mode (`BENCH_SMOKE=1` or `--smoke`): each module runs with tiny sizes, in seconds, and
writes its results into a temporary directory (or `BENCH_RESULTS_DIR`), never into
bench/results/, so `make test` runs every benchmark once and none can rot unnoticed.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

RESULTS = Path(__file__).parent / "results"
FIELDS = ("name", "value", "unit", "anchor", "anchor_value", "ratio", "target", "target_text")

T = TypeVar("T")


def smoke() -> bool:
    """True when the benchmarks run in smoke mode (tiny sizes, results into a temporary directory)."""
    return os.environ.get("BENCH_SMOKE", "") not in ("", "0") or "--smoke" in sys.argv


def size(full: T, tiny: T) -> T:
    """The full size of a benchmark, or the tiny one in smoke mode."""
    return tiny if smoke() else full


def load_average() -> float | None:
    """The machine's 1-minute load average now: the other work sharing the cores while measured."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # not every platform has one
        return None


@dataclass
class Figure:
    """One measured figure; `ratio` is higher-is-better (for a limit: limit / value), `target` the
    ratio it must reach (None: comparison only)."""

    name: str
    value: float
    unit: str
    anchor: str
    anchor_value: float
    ratio: float
    target: float | None
    target_text: str
    load_average: float | None = field(default_factory=load_average)

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.ratio >= self.target


def figure(name: str, value: float, unit: str, anchor: str, anchor_value: float, ratio: float,
           target: float | None, target_text: str) -> Figure:
    """A figure with its numbers rounded for the results file."""
    return Figure(name, round(value, 3), unit, anchor, round(anchor_value, 3), round(ratio, 3), target, target_text)



def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def results_dir() -> Path:
    """bench/results/, or in smoke mode `BENCH_RESULTS_DIR` (a temporary directory when unset)."""
    if not smoke():
        return RESULTS
    chosen = os.environ.get("BENCH_RESULTS_DIR")
    if chosen is None:
        chosen = tempfile.mkdtemp(prefix="bench-smoke-")
        os.environ["BENCH_RESULTS_DIR"] = chosen  # the other modules of the same run write there too
    return Path(chosen)


def write_results(name: str, figures: list[Figure], directory: Path | None = None) -> Path:
    """Writes bench/results/<name>.json (or, in smoke mode, into results_dir()). A `directory`
    given by a smoke test takes the smoke run's results there (never into bench/results)."""
    is_smoke = smoke() or directory is not None
    directory = directory or results_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    payload = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.machine(),
               "cpus": os.cpu_count(), "python": platform.python_version(), "smoke": is_smoke,
               "figures": [asdict(f) for f in figures]}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    for f in figures:
        verdict = {None: "comparison", True: "✔", False: "✘"}[f.met]
        print(f"{f.name}: {f.value:,.1f} {f.unit}  (anchor {f.anchor}: {f.anchor_value:,.1f}; "
              f"ratio {f.ratio:.2f}; target {f.target_text} {verdict}; load {f.load_average})")
    return path
