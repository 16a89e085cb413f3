"""The signed checkpoint file: append-only, and every kind of damage is named in German."""

from __future__ import annotations

import hashlib
import hmac
import multiprocessing
from pathlib import Path
from typing import Any

import orjson
import pytest

from projections.checkpoints import CheckpointFile, Checkpoints, PostgresCheckpoints, key_id, signing_key
from projections.errors import CheckpointCorrupt
from tests.conftest import POSTGRES_DSN

SECRET = "s" * 40


def _file(tmp_path: Path, entries: int = 3) -> CheckpointFile:
    f = CheckpointFile(tmp_path / "audit-checkpoints.jsonl", SECRET)
    for i in range(1, entries + 1):
        f.append(position=i * 10, head=f"{i:064x}", events=i * 10)
    return f


def test_checkpoints_read_back_in_order(tmp_path: Path) -> None:
    entries = _file(tmp_path).entries()
    assert [e.number for e in entries] == [1, 2, 3]
    assert [e.position for e in entries] == [10, 20, 30]


def test_a_removed_line_breaks_the_chain_of_checkpoints(tmp_path: Path) -> None:
    f = _file(tmp_path)
    lines = f.path.read_text().splitlines()
    f.path.write_text("\n".join([lines[0], lines[2]]) + "\n")
    with pytest.raises(CheckpointCorrupt, match=r"Zeile 2.*unterbrochen"):
        f.entries()


def test_a_checkpoint_signed_with_another_secret_is_refused(tmp_path: Path) -> None:
    _file(tmp_path)
    with pytest.raises(CheckpointCorrupt, match="Signatur stimmt nicht"):
        CheckpointFile(tmp_path / "audit-checkpoints.jsonl", "x" * 40).entries()


def test_an_unreadable_line_is_named(tmp_path: Path) -> None:
    f = _file(tmp_path, 1)
    f.path.write_text(f.path.read_text() + "{kaputt\n")
    with pytest.raises(CheckpointCorrupt, match=r"Zeile 2\): kein lesbarer Prüfpunkt"):
        f.entries()


def test_appending_to_a_corrupt_file_is_refused(tmp_path: Path) -> None:
    f = _file(tmp_path, 1)
    f.path.write_text(f.path.read_text().replace('"events":10', '"events":11'))
    with pytest.raises(CheckpointCorrupt):
        f.append(position=99, head="0" * 64, events=99)


def test_checkpoints_from_before_the_audit_key_stay_verifiable_and_are_sealed_by_the_next(tmp_path: Path) -> None:
    token_secret, audit_key = "t" * 40, "a" * 40
    old = CheckpointFile(tmp_path / "audit-checkpoints.jsonl", token_secret)  # as written before the split
    old.append(position=10, head="0" * 64, events=10)
    migrated = CheckpointFile(old.path, audit_key, (token_secret,))  # workers/bootstrap.py: the token secret is older
    assert [e.position for e in migrated.entries()] == [10]
    migrated.append(position=20, head="1" * 64, events=20)
    assert [e.position for e in migrated.entries()] == [10, 20]
    # Whoever holds only the token secret can no longer add a checkpoint after the seal, even a
    # well-formed one that names its key and links to the last one.
    last = migrated.entries()[-1]
    old_key = signing_key(token_secret)
    body = {"n": 3, "position": 30, "head": "2" * 64, "events": 30, "at": last.at, "prev": last.mac,
            "kid": key_id(old_key)}
    forged = orjson.dumps({**body, "mac": hmac.new(old_key, orjson.dumps(body, option=orjson.OPT_SORT_KEYS),
                                                    hashlib.sha256).hexdigest()})
    with old.path.open("ab") as file:
        file.write(forged + b"\n")
    with pytest.raises(CheckpointCorrupt, match=r"Zeile 3.*älteren Schlüssel"):
        migrated.entries()
    # Without the token secret listed the old lines are not taken on trust.
    with pytest.raises(CheckpointCorrupt, match="Zeile 1"):
        CheckpointFile(old.path, audit_key).entries()


def _append_many(kind: str, where: str, worker: int, rounds: int, written: Any, go: Any) -> None:
    """One process appending checkpoints, as a projector and `buendnis audit checkpoint` do."""
    cp = _open(kind, where)
    cp.entries()  # connected and ready before the start signal, so the appends overlap
    written.put("ready")
    go.wait(60)
    count = 0
    for j in range(rounds):
        events = j * 10 + worker
        if cp.append(position=events, head=f"{events:064x}", events=events) is not None:
            count += 1
    written.put(count)


def _open(kind: str, where: str, secret: str = SECRET, older: tuple[str, ...] = ()) -> Checkpoints:
    if kind == "file":
        return CheckpointFile(Path(where), secret, older)
    return PostgresCheckpoints(POSTGRES_DSN, where, secret, older)


@pytest.fixture(params=["file", pytest.param("postgres", marks=pytest.mark.postgres)])
def place(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    if request.param == "file":
        return "file", str(tmp_path / "audit-checkpoints.jsonl")
    return "postgres", request.getfixturevalue("pg_schema")


def test_processes_appending_at_once_keep_one_unbroken_chain(place: tuple[str, str]) -> None:
    kind, where = place
    context = multiprocessing.get_context("spawn")
    written, go = context.Queue(), context.Event()
    workers = [context.Process(target=_append_many, args=(kind, where, w, 100, written, go)) for w in range(4)]
    for w in workers:
        w.start()
    assert [written.get(timeout=60) for _ in workers] == ["ready"] * len(workers)
    go.set()
    for w in workers:
        w.join(timeout=120)
        assert w.exitcode == 0
    appended = sum(written.get(timeout=10) for _ in workers)
    entries = _open(kind, where).entries()  # raises on any break in the chain
    assert len(entries) == appended > 0
    assert [e.number for e in entries] == list(range(1, appended + 1))


def test_after_a_key_rotation_old_checkpoints_still_verify(place: tuple[str, str]) -> None:
    kind, where = place
    _open(kind, where, secret="alt" * 12).append(position=10, head="a" * 64, events=10)
    rotated = _open(kind, where, secret="neu" * 12, older=("alt" * 12,))
    rotated.append(position=20, head="b" * 64, events=20)
    assert [e.position for e in rotated.entries()] == [10, 20]
    with pytest.raises(CheckpointCorrupt, match="Signatur stimmt nicht"):
        _open(kind, where, secret="neu" * 12).entries()  # the old key forgotten: the old line fails
