"""Read models on SQLite: one file per projection and generation, a pointer file per projection."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO, Any

import orjson
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool, SQLiteDatastore, SQLiteTrackingRecorder

from projections.store import Lease, ProjectionStore, Schema, View, ddl


class _SQLiteView(SQLiteTrackingRecorder):
    def __init__(self, datastore: SQLiteDatastore, statements: list[str]) -> None:
        super().__init__(datastore)
        self.create_table_statements.extend(statements)


class _BuildingPool(SQLiteConnectionPool):
    """Connections to a generation being built: commits do not wait for the disk (synchronous=OFF).
    Safe because an unfinished generation is never read: the pointer moves to it only after the
    rebuild completed and `swap` synced its file, and the next rebuild drops what a crash left."""

    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        connection.cursor().execute("PRAGMA synchronous=OFF")  # per connection, never stored in the file
        return connection


class _FileLease:
    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle

    def alive(self) -> bool:
        return not self.handle.closed

    def release(self) -> None:
        self.handle.close()  # closing the file drops the lock


class SQLiteProjectionStore(ProjectionStore):
    postgres = False

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def path(self, name: str, generation: int) -> Path:
        return self.directory / f"{name}-{generation}.db"

    def _pointer(self, name: str) -> Path:
        return self.directory / f"{name}.generation"

    def current(self, name: str) -> int:
        try:
            return int(self._pointer(name).read_text().strip())
        except FileNotFoundError:
            return 1

    def open(self, name: str, generation: int, schema: Schema, *, building: bool = False) -> View:
        names = {t: t for t in schema.tables}
        datastore = SQLiteDatastore(str(self.path(name, generation)), lock_timeout=30, pool_size=2)
        if building:
            datastore.pool.close()
            datastore.pool = _BuildingPool(db_name=str(self.path(name, generation)), lock_timeout=30, pool_size=2)
        recorder = _SQLiteView(datastore, ddl(schema, names, lambda ix: ix))
        recorder.create_table()
        return View(name, generation, recorder, names, False, owns_datastore=True, building=building)

    def lease(self, name: str) -> Lease | None:
        """An exclusive flock on `<name>.lock` (any other open of the file conflicts, in this process
        too); the system releases it when the process ends."""
        handle = open(self.directory / f"{name}.lock", "a")  # noqa: SIM115 - held until release
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return None
        return _FileLease(handle)

    def swap(self, name: str, generation: int) -> None:
        # The generation's file on disk first (a rebuild wrote it without syncing each commit).
        for suffix in ("", "-wal"):
            with contextlib.suppress(FileNotFoundError), open(f"{self.path(name, generation)}{suffix}", "rb") as f:
                os.fsync(f.fileno())
        pointer = self._pointer(name)
        temporary = pointer.with_suffix(".tmp")
        temporary.write_text(f"{generation}\n")
        with open(temporary, "rb") as f:
            os.fsync(f.fileno())
        os.replace(temporary, pointer)  # atomic: readers see the old or the new generation

    def record_halt(self, name: str, position: int, message: str) -> None:
        path = self.directory / f"{name}.halted"
        path.write_bytes(orjson.dumps({"position": position, "message": message}))

    def clear_halt(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.directory / f"{name}.halted").unlink()

    def halts(self) -> dict[str, dict[str, Any]]:
        result = {}
        for path in self.directory.glob("*.halted"):
            with contextlib.suppress(FileNotFoundError, orjson.JSONDecodeError):
                result[path.stem] = orjson.loads(path.read_bytes())
        return result

    def drop(self, name: str, generation: int, schema: Schema) -> None:
        base = self.path(name, generation)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{base}{suffix}").unlink()
