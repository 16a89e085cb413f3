"""Group commit on SQLite (storage/group_commit.py): the commands of one turn of the event loop are
stored by one commit, each in a savepoint of its own; what the group committed is in the file for
every other reader."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError, OperationalError
from eventsourcing.sqlite import SQLiteConnection

from config.settings import load_settings
from domain.application import AllianceApplication
from domain.idempotency import CommandRecord, record_id
from storage.group_commit import GroupCommit, one_transaction
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


class SlowCommits:
    """The store's commits take `seconds` (a slow disk's fsync) and may fail once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, seconds: float, fail: bool = False) -> None:
        self.seconds, self.fail, self.commits = seconds, fail, 0
        original = SQLiteConnection.commit

        def commit(conn: SQLiteConnection) -> None:
            self.commits += 1
            time.sleep(self.seconds)
            if self.fail:
                self.fail = False
                raise sqlite3.OperationalError("disk I/O error")
            original(conn)

        monkeypatch.setattr(SQLiteConnection, "commit", commit)


def test_the_event_loop_goes_on_while_a_group_commits(
    app: AllianceApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    alliance_id = app.register_alliance(name="Bündnis Takt", municipality="Ort", state="Bayern", by=BY)
    group = GroupCommit(app)
    SlowCommits(monkeypatch, 0.3)

    async def scene() -> int:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        await asyncio.sleep(0.02)
        before = ticks
        await group(lambda: app.record_goal(alliance_id, text="Langsam", by=BY))
        ticking.cancel()
        return ticks - before

    assert asyncio.run(scene()) >= 10  # ~30 ticks of 10 ms while the 300 ms commit ran in its thread


def test_commands_arriving_during_a_commit_form_the_next_group(
    app: AllianceApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [app.register_alliance(name=f"Bündnis {i}", municipality=f"Ort {i}", state="Bayern", by=BY)
           for i in range(2)]
    group = GroupCommit(app)
    SlowCommits(monkeypatch, 0.2)

    async def scene() -> list[UUID]:
        first = [asyncio.create_task(group(lambda i=i: app.record_goal(ids[0], text=f"Ziel {i}", by=BY)))
                 for i in range(5)]
        await asyncio.sleep(0.05)  # the first group is committing now
        later = [asyncio.create_task(group(lambda i=i: app.record_goal(ids[1], text=f"Später {i}", by=BY)))
                 for i in range(5)]
        return list(await asyncio.gather(*first, *later))

    goal_ids = asyncio.run(scene())

    assert len(set(goal_ids)) == 10
    assert group.groups == 2
    assert goals_in_store(tmp_path, ids) == 10


def test_the_listeners_of_saves_hear_of_a_group_after_its_commit(
    app: AllianceApplication, tmp_path: Path
) -> None:
    """The relay wakes on a save: woken before the commit, it found nothing and waited for its poll."""
    alliance_id = app.register_alliance(name="Bündnis Wach", municipality="Ort", state="Bayern", by=BY)
    group = GroupCommit(app)
    heard: list[tuple[int, int]] = []
    app.on_saved(lambda position: heard.append((position, goals_in_store(tmp_path, [alliance_id]))))

    async def turn() -> None:
        await asyncio.gather(*(
            group(lambda i=i: app.record_goal(alliance_id, text=f"Ziel {i}", by=BY)) for i in range(5)
        ))

    asyncio.run(turn())

    assert heard == [(app.recorder.max_notification_id(), 5)]  # once, with all five committed


def test_a_failing_commit_answers_every_command_of_its_group_and_the_next_group_stores(
    app: AllianceApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alliance_id = app.register_alliance(name="Bündnis Pech", municipality="Ort", state="Bayern", by=BY)
    group = GroupCommit(app)
    SlowCommits(monkeypatch, 0.0, fail=True)

    async def turn(texts: list[str]) -> list[object]:
        return list(await asyncio.gather(
            *(group(lambda t=t: app.record_goal(alliance_id, text=t, by=BY)) for t in texts),
            return_exceptions=True,
        ))

    failed = asyncio.run(turn(["Verloren 1", "Verloren 2"]))
    stored = asyncio.run(turn(["Gespeichert"]))

    assert all(isinstance(e, OperationalError) for e in failed)
    assert isinstance(stored[0], UUID)
    assert goals_in_store(tmp_path, [alliance_id]) == 1
    assert [g.text for g in app.get_alliance(alliance_id).goals.values()] == ["Gespeichert"]


def test_a_read_during_a_failing_group_is_not_served_after_the_commit_failed(
    app: AllianceApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page read while a group is open sees the group's rows (and keeps a read copy of that
    version); when the commit fails, that copy must go with the cached aggregates, or the next
    committed change of the same version number would be shown with the lost one's content."""
    alliance_id = app.register_alliance(name="Bündnis Pech", municipality="Ort", state="Bayern", by=BY)
    group = GroupCommit(app)
    SlowCommits(monkeypatch, 0.0, fail=True)

    seen: list[str] = []

    def command_then_read() -> None:
        app.record_goal(alliance_id, text="Verloren", by=BY)
        seen.extend(g.text for g in app.get_alliance(alliance_id).goals.values())

    async def lost() -> None:
        await group(command_then_read)

    with pytest.raises(OperationalError):
        asyncio.run(lost())
    assert seen == ["Verloren"]  # read uncommitted inside the open group

    async def stored() -> object:
        return await group(lambda: app.record_goal(alliance_id, text="Gespeichert", by=BY))

    asyncio.run(stored())

    assert goals_in_store(tmp_path, [alliance_id]) == 1
    assert [g.text for g in app.get_alliance(alliance_id).goals.values()] == ["Gespeichert"]


def test_one_writers_commands_in_one_transaction_are_stored_at_its_end(
    app: AllianceApplication, tmp_path: Path
) -> None:
    # Given an alliance, and a bulk writer (the generator) running commands in one transaction
    alliance_id = app.register_alliance(name="Bündnis Viele", municipality="Ort", state="Bayern", by=BY)
    with one_transaction(app):
        for i in range(5):
            app.record_goal(alliance_id, text=f"Ziel {i}", by=BY)
        # When one of them is refused, only its own rows go
        with pytest.raises(IntegrityError):
            app.save(applied("einmal"), applied("einmal"))
        # Then the writer sees its own work, nobody else does before the end
        assert len(app.get_alliance(alliance_id).goals) == 5
        assert goals_in_store(tmp_path, [alliance_id]) == 0
    assert goals_in_store(tmp_path, [alliance_id]) == 5


def test_an_error_leaving_one_transaction_stores_none_of_it(tmp_path: Path) -> None:
    # Given a writer changing the cached aggregates themselves, as the generator does
    app = build_application(load_settings(store="sqlite", var_dir=tmp_path / "var"), DEEPCOPY_FROM_AGGREGATE_CACHE="n")
    alliance_id = app.register_alliance(name="Bündnis Abbruch", municipality="Ort", state="Bayern", by=BY)
    with pytest.raises(RuntimeError), one_transaction(app):
        app.record_goal(alliance_id, text="Verworfen", by=BY)
        raise RuntimeError("generator stopped")

    assert goals_in_store(tmp_path, [alliance_id]) == 0
    assert app.get_alliance(alliance_id).goals == {}  # the cache held what was not stored
    app.record_goal(alliance_id, text="Danach", by=BY)
    assert goals_in_store(tmp_path, [alliance_id]) == 1
    app.close()
