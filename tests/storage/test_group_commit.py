"""Group commit on SQLite (storage/group_commit.py): the commands of one turn of the event loop are
stored by one commit, each in a savepoint of its own; what the group committed is in the file for
every other reader."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from config.settings import load_settings
from domain.application import AllianceApplication
from domain.idempotency import CommandRecord, record_id
from storage.group_commit import GroupCommit
from workers.bootstrap import build_application

BY = "koordination"


@pytest.fixture
def app(tmp_path: Path) -> AllianceApplication:
    application = build_application(load_settings(store="sqlite", var_dir=tmp_path / "var"))
    yield application  # type: ignore[misc]
    application.close()


def goals_in_store(tmp_path: Path, alliance_ids: list[UUID]) -> int:
    """Counted by another application on the same file: it sees only what was committed."""
    other = build_application(load_settings(store="sqlite", var_dir=tmp_path / "var"))
    try:
        return sum(
            1 for n in other.recorder.select_notifications(1, 10_000)
            if n.originator_id in alliance_ids and n.topic.endswith(".GoalRecorded")
        )
    finally:
        other.close()


def applied(command_id: str) -> CommandRecord:
    return CommandRecord._create(CommandRecord.Applied, id=record_id(command_id), command_id=command_id,
                                 command="Probe", fingerprint="f", result=None)


def test_the_commands_of_one_turn_are_stored_by_one_commit(app: AllianceApplication, tmp_path: Path) -> None:
    ids = [app.register_alliance(name=f"Bündnis {i}", municipality=f"Ort {i}", state="Bayern", by=BY)
           for i in range(4)]
    group = GroupCommit(app)

    async def turn() -> list[UUID]:
        return await asyncio.gather(*(
            group(lambda i=i: app.record_goal(ids[i % 4], text=f"Ziel {i}", by=BY)) for i in range(40)
        ))

    goal_ids = asyncio.run(turn())

    assert len(set(goal_ids)) == 40
    assert group.groups == 1
    assert goals_in_store(tmp_path, ids) == 40
    assert all(len(app.get_alliance(a).goals) == 10 for a in ids)


def test_a_command_refused_in_a_group_takes_back_only_its_own_rows(
    app: AllianceApplication, tmp_path: Path
) -> None:
    alliance_id = app.register_alliance(name="Bündnis Eng", municipality="Ort", state="Bayern", by=BY)
    group = GroupCommit(app)

    async def turn() -> list[object]:
        return await asyncio.gather(
            group(lambda: app.save(applied("doppelt"))),
            group(lambda: app.save(applied("doppelt"))),  # the same record again: refused by the store
            group(lambda: app.record_goal(alliance_id, text="Danach", by=BY)),
            return_exceptions=True,
        )

    first, clash, goal = asyncio.run(turn())

    assert isinstance(clash, IntegrityError)  # eventsourcing's, as the application's retry expects
    assert not isinstance(first, BaseException) and isinstance(goal, UUID)
    assert group.groups == 1
    assert goals_in_store(tmp_path, [alliance_id]) == 1
    other = build_application(load_settings(store="sqlite", var_dir=tmp_path / "var"))
    try:
        records = [n for n in other.recorder.select_notifications(1, 100)
                   if n.originator_id == record_id("doppelt")]
    finally:
        other.close()
    assert len(records) == 1


def test_outside_a_group_every_save_commits_on_its_own(app: AllianceApplication, tmp_path: Path) -> None:
    alliance_id = app.register_alliance(name="Bündnis Allein", municipality="Ort", state="Bayern", by=BY)
    app.record_goal(alliance_id, text="Sofort", by=BY)

    assert goals_in_store(tmp_path, [alliance_id]) == 1
