"""The command line, run as a new user would: a real process on a fresh data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from config.settings import load_settings
from workers.bootstrap import build_application

BUENDNIS = Path(sys.executable).with_name("buendnis")


def run(*args: str, var: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BUENDNIS), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "BUENDNIS_VAR_DIR": str(var), "COLUMNS": "200", **env})


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run("--help", var=tmp_path)
    assert result.returncode == 0 and "store" in result.stdout and "demo" in result.stdout


def test_store_init_then_demo_load_fills_an_empty_store_once(tmp_path: Path) -> None:
    assert run("store", "init", var=tmp_path).returncode == 0
    assert (tmp_path / "events.db").exists()
    loaded = run("demo", "load", var=tmp_path)
    assert loaded.returncode == 0 and "12 Demo-Bündnisse" in loaded.stderr
    again = run("demo", "load", var=tmp_path)
    assert again.returncode == 0 and "bereits" in again.stderr
    app = build_application(load_settings(var_dir=tmp_path))
    ids = {n.originator_id for n in app.recorder.select_notifications(1, 100_000)}
    steps = sorted(a.step for a in (app.repository.get(i) for i in ids) if hasattr(a, "step"))
    assert len(steps) == 12 and set(steps) == {1, 2, 3, 4, 5}


def test_a_bad_setting_stops_the_cli_with_a_clear_message(tmp_path: Path) -> None:
    result = run("store", "init", var=tmp_path, BUENDNIS_STORE="oracle")
    assert result.returncode == 2 and "BUENDNIS_STORE" in result.stderr
