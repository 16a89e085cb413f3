"""Shared bits of the benchmarks: percentiles and the results file format."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


@dataclass
class Figure:
    """One measured figure; `ratio` is higher-is-better (for a limit: limit / value)."""

    name: str
    value: float
    unit: str
    anchor: str
    anchor_value: float
    ratio: float
    target: str


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def write_results(name: str, figures: list[Figure]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds"), "machine": platform.machine(),
               "python": platform.python_version(), "figures": [asdict(f) for f in figures]}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    for f in figures:
        print(f"{f.name}: {f.value:,.1f} {f.unit}  (anchor {f.anchor}: {f.anchor_value:,.1f}; "
              f"ratio {f.ratio:.2f}; target {f.target})")
    return path
