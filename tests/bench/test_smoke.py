"""Every benchmark module runs once in smoke mode (tiny sizes, seconds each) so that none can rot,
and every figure it writes has the results format's fields and a numeric or null target.

Times are never asserted: only that each module runs to its end and writes well-formed figures,
into a temporary directory (never bench/results/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.common import FIELDS, RESULTS
from bench.report import render

ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    pytest.param("event_store", marks=pytest.mark.postgres),
    "projections",
    pytest.param("scale", marks=pytest.mark.postgres),
    "api",
    "workflows",
]


def run_smoke(module: str, results: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BENCH_SMOKE": "1", "BENCH_RESULTS_DIR": str(results)}
    return subprocess.run([sys.executable, "-m", "bench", module], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def well_formed(figure: dict[str, object]) -> list[str]:
    problems = [f"no field {k!r}" for k in FIELDS if k not in figure]
    for k in ("value", "anchor_value", "ratio"):
        if not isinstance(figure.get(k), int | float):
            problems.append(f"{k} is not a number: {figure.get(k)!r}")
        elif figure[k] < 0:  # type: ignore[operator]  # rates, times, counts and sizes: none below zero
            problems.append(f"{k} is negative: {figure.get(k)!r}")
    target = figure.get("target")
    if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)):
        problems.append(f"target is neither a number nor null: {target!r}")
    if not isinstance(figure.get("target_text"), str) or not figure.get("target_text"):
        problems.append("no target_text")
    return problems


@pytest.mark.parametrize("module", MODULES)
def test_each_benchmark_runs_in_smoke_mode_and_writes_well_formed_figures(module: str, tmp_path: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in RESULTS.glob("*.json")}
    done = run_smoke(module, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    payload = json.loads((tmp_path / f"{module}.json").read_text())
    assert payload["smoke"] is True
    assert payload["figures"], "no figures"
    problems = {f.get("name"): p for f in payload["figures"] if (p := well_formed(f))}
    assert not problems, problems
    assert {p: p.stat().st_mtime_ns for p in RESULTS.glob("*.json")} == before, "smoke mode wrote bench/results/"
    page = render(tmp_path)  # the report takes what the module wrote
    assert payload["figures"][0]["name"] in page


def test_a_figure_without_a_numeric_target_is_refused() -> None:
    good = {"name": "x", "value": 1.0, "unit": "ms", "anchor": "limit", "anchor_value": 50.0, "ratio": 50.0,
            "target": 1.0, "target_text": "≤ 50 ms"}
    assert well_formed(good) == []
    assert well_formed({**good, "target": None}) == []
    assert well_formed({**good, "target": "≤ 50 ms"})
    assert well_formed({k: v for k, v in good.items() if k != "target_text"})


def test_the_report_marks_each_figure_met_unmet_or_comparison(tmp_path: Path) -> None:
    figures = [
        {"name": "fast", "value": 10.0, "unit": "ms", "anchor": "limit", "anchor_value": 50.0, "ratio": 5.0,
         "target": 1.0, "target_text": "≤ 50 ms", "load_average": 1.5},
        {"name": "slow", "value": 100.0, "unit": "ms", "anchor": "limit", "anchor_value": 50.0, "ratio": 0.5,
         "target": 1.0, "target_text": "≤ 50 ms", "load_average": 1.5},
        {"name": "beside", "value": 3.0, "unit": "x", "anchor": "other", "anchor_value": 1.0, "ratio": 3.0,
         "target": None, "target_text": "comparison", "load_average": None},
    ]
    (tmp_path / "zzz.json").write_text(json.dumps({"measured_at": "2026-11-30T10:00:00+00:00", "machine": "x86_64",
                                                   "python": "3.11", "figures": figures}))
    rows = {line.split("|")[1].strip(): line.split("|")[6].strip()
            for line in render(tmp_path).splitlines()
            if line.startswith("| ") and "zzz" not in line and line.count("|") == 8}  # notes have tables too
    assert (rows["fast"], rows["slow"], rows["beside"]) == ("✔", "✘", "–")
