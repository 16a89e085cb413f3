"""Backup and restore of the embedded default's var/: every store, copied so that they agree.

Each SQLite file is copied with SQLite's online backup API (a consistent snapshot of that file
while the stack runs). Across files, the order makes every follower at most as far as the events
it follows, never ahead: first what follows the events (Temporal's file, the relay position, the
read models, the audit checkpoints), then the events, then the key ring (a person added in between
brings a spare key; none is missing) and the token store (revocations, calendar feeds), then the
secret files (token secret, audit key, the Servicebüro's first token), all 0600 in the copy.
After a restore the relay re-signals what Temporal had not seen (workflows ignore what they saw),
the projectors catch up, the checkpoints still verify.
The PostgreSQL layout is backed up with pg_dump/pg_restore (docs/RELIABILITY.md).
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from config.settings import Settings

MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is German and says why."""


def _sqlite_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _plan(settings: Settings) -> list[tuple[str, Path, str]]:
    """(name in the backup, source, kind) in the order that keeps followers behind the events."""
    var = settings.var_dir
    followers: list[tuple[str, Path, str]] = [
        ("temporal.db", var / "temporal.db", "sqlite"),
        ("relay.db", var / "relay.db", "sqlite"),
    ]
    followers += [(f"projections/{p.name}", p, "sqlite") for p in sorted((var / "projections").glob("*.db"))]
    followers.append(("audit-checkpoints.jsonl", var / "audit-checkpoints.jsonl", "file"))
    return [
        *followers,
        ("events.db", settings.events_path, "sqlite"),
        ("person-keys.db", var / "person-keys.db", "sqlite"),
        # Revoked tokens and calendar feeds: after the events, like the key ring (a revocation made
        # in between is kept; none is lost).
        ("tokens.db", var / "tokens.db", "sqlite"),
        # The secrets: tokens (and the page sessions made from them), the audit checkpoints' key,
        # and the Servicebüro's first token that `buendnis up` wrote.
        ("token-secret", var / "token-secret", "file"),
        ("audit-key", var / "audit-key", "file"),
        ("servicebuero-token", var / "servicebuero-token", "file"),
    ]


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def backup(settings: Settings, target: Path, *, now: datetime | None = None) -> dict[str, Any]:
    """Copies every store under var/ into `target` (a new, empty folder) and writes a manifest."""
    if settings.store != "sqlite":
        raise BackupError("Die Sicherung hier gilt dem eingebetteten Speicher (SQLite); PostgreSQL: pg_dump, "
                          "siehe docs/RELIABILITY.md.")
    if not settings.events_path.exists():
        raise BackupError(f"Es gibt keinen Ereignisspeicher {settings.events_path} zu sichern.")
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"Das Ziel {target} ist nicht leer; eine Sicherung braucht einen neuen Ordner.")
    target.mkdir(parents=True, exist_ok=True)
    target.chmod(0o700)
    files = []
    for name, source, kind in _plan(settings):
        if not source.exists():
            continue
        copy = target / name
        if kind == "sqlite":
            _sqlite_copy(source, copy)
        else:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
        copy.chmod(0o600)
        files.append({"name": name, "bytes": copy.stat().st_size, "sha256": _digest(copy)})
    events = sqlite3.connect(target / "events.db")
    try:
        head = events.execute("SELECT COALESCE(MAX(rowid), 0) FROM stored_events").fetchone()[0]
    finally:
        events.close()
    manifest = {
        "made_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "events_head": int(head),
        "files": files,
    }
    (target / MANIFEST).write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return manifest


def restore(settings: Settings, source: Path, *, replace: bool = False) -> dict[str, Any]:
    """Puts a backup's files into var/ after checking them against the manifest. An existing var/
    with events is refused unless `replace`; then it is kept beside as var.vor-wiederherstellung-…"""
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{source} ist keine Sicherung (es fehlt {MANIFEST}).")
    manifest: dict[str, Any] = orjson.loads(manifest_path.read_bytes())
    for entry in manifest["files"]:
        path = source / entry["name"]
        if not path.exists() or _digest(path) != entry["sha256"]:
            raise BackupError(f"Die Sicherung ist beschädigt: {entry['name']} fehlt oder wurde verändert.")
    var = settings.var_dir
    if settings.events_path.exists():
        if not replace:
            raise BackupError(f"In {var} liegt schon ein Ereignisspeicher; zum Ersetzen --ersetzen angeben "
                              "(der bisherige Ordner wird daneben aufbewahrt).")
        aside = var.with_name(f"{var.name}.vor-wiederherstellung-{datetime.now(UTC):%Y%m%dT%H%M%S}")
        var.rename(aside)
    var.mkdir(parents=True, exist_ok=True)
    var.chmod(0o700)
    for entry in manifest["files"]:
        target = settings.events_path if entry["name"] == "events.db" else var / entry["name"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / entry["name"], target)
        target.chmod(0o600)
    return manifest
