"""Recorded histories of running workflows replay on the current code (changes are patched)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.fleet import FleetSweepWorkflow
from workflows.runtime import DATA_CONVERTER, WORKFLOWS, sandbox_runner, workflow_runner

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_there_are_recorded_histories_of_each_workflow() -> None:
    names = {p.stem.rsplit("_", 1)[0] for p in HISTORIES}
    assert {"alliance_step1", "alliance_step5", "commitment_yearly"} <= names


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays_on_the_current_workflow_code(path: Path) -> None:
    replayer = Replayer(
        workflows=[*WORKFLOWS, FleetSweepWorkflow],
        data_converter=DATA_CONVERTER,
        workflow_runner=sandbox_runner(),
    )
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    result = await replayer.replay_workflow(history)
    assert result.replay_failure is None


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays_without_the_sandbox_too(path: Path) -> None:
    """A worker may run without the sandbox (`worker_sandbox`): the same code, the same commands."""
    replayer = Replayer(
        workflows=[*WORKFLOWS, FleetSweepWorkflow],
        data_converter=DATA_CONVERTER,
        workflow_runner=workflow_runner(sandboxed=False),
    )
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    result = await replayer.replay_workflow(history)
    assert result.replay_failure is None
