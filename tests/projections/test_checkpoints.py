"""The signed checkpoint file: append-only, and every kind of damage is named in German."""

from __future__ import annotations

from pathlib import Path

import pytest

from projections.checkpoints import CheckpointFile
from projections.errors import CheckpointCorrupt

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
    migrated = CheckpointFile(old.path, audit_key, legacy_secret=token_secret)
    assert [e.position for e in migrated.entries()] == [10]
    migrated.append(position=20, head="1" * 64, events=20)
    assert [e.position for e in migrated.entries()] == [10, 20]
    # Whoever holds only the token secret can no longer add or change a line after the seal.
    CheckpointFile(old.path, token_secret).append(position=30, head="2" * 64, events=30, known=True,
                                                  previous=migrated.entries()[-1])
    with pytest.raises(CheckpointCorrupt, match="Zeile 3"):
        migrated.entries()
    # Without the legacy secret the old lines are not taken on trust.
    with pytest.raises(CheckpointCorrupt, match="Zeile 1"):
        CheckpointFile(old.path, audit_key).entries()
