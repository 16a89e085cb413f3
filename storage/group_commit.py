"""Group commit on SQLite: the commands the API runs in one turn of its event loop share one
transaction, so one fsync stores them all (a commit took a third of the API's time per command).

The API runs SQLite commands on its event loop (api/context.py). The first command of a turn opens
a group: the writer connection with BEGIN, held by the loop's thread. Every transaction that thread
asks for inside the group (each command's save, its reads) becomes a savepoint of it, so a command
that fails (a rule, a concurrent write) takes back only its own rows. At the end of the turn
(`loop.call_soon`) the group commits once, and only then does each command answer: nobody is told
"stored" before it is. Should the commit fail, every command of the group answers with that error
and the application's aggregate cache is emptied (it held what was not stored).

Other threads (activities, projectors in `buendnis up`) keep their own transactions; a writer
among them waits for the group's commit as it waits for any other writer. Reads on the loop's
thread while a group is open see its uncommitted rows (the commands of one group build on each
other); everyone else sees only what is committed.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from eventsourcing.application import LRUCache
from eventsourcing.persistence import IntegrityError, OperationalError, PersistenceError
from eventsourcing.sqlite import SQLiteConnection, SQLiteCursor, SQLiteDatastore, SQLiteFactory

from domain.application import AllianceApplication
from storage.snapshots import LatestSnapshotSQLiteRecorder

T = TypeVar("T")


class GroupCommitDatastore(SQLiteDatastore):
    """eventsourcing's SQLite datastore with `group()`: one transaction for many."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._group: tuple[int, SQLiteConnection] | None = None
        self._names = itertools.count()

    @contextmanager
    def group(self) -> Iterator[None]:
        """Commits everything this thread stores inside at once, at the end."""
        with self.get_connection(commit=True) as conn:  # the pool's writer lock, held throughout
            conn.cursor().execute("BEGIN")
            self._group = (threading.get_ident(), conn)
            try:
                yield
            except BaseException:
                self._group = None
                conn.rollback()
                raise
            self._group = None
            try:
                conn.commit()
            except sqlite3.Error as e:
                conn.rollback()
                raise OperationalError(e) from e

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[SQLiteCursor]:
        group = self._group
        if group is None or group[0] != threading.get_ident():
            with super().transaction(commit=commit) as curs:
                yield curs
            return
        name = f"command_{next(self._names)}"
        curs = group[1].cursor()
        curs.execute(f"SAVEPOINT {name}")
        try:
            yield curs
        except BaseException as e:
            curs.execute(f"ROLLBACK TO {name}")
            curs.execute(f"RELEASE {name}")
            if isinstance(e, sqlite3.Error):  # as eventsourcing's own transaction converts them
                raise _converted(e) from e
            raise
        if not commit:
            curs.execute(f"ROLLBACK TO {name}")
        curs.execute(f"RELEASE {name}")


def _converted(error: sqlite3.Error) -> PersistenceError:
    if isinstance(error, sqlite3.IntegrityError):
        return IntegrityError(error)
    if isinstance(error, sqlite3.OperationalError):
        return OperationalError(error)
    return PersistenceError(error)


class GroupCommitSQLiteFactory(SQLiteFactory):
    """PERSISTENCE_MODULE=storage.group_commit:GroupCommitSQLiteFactory"""

    aggregate_recorder_class = LatestSnapshotSQLiteRecorder  # the snapshots: only the latest kept

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        plain = self.datastore
        self.datastore = GroupCommitDatastore(
            db_name=plain.pool.db_name,
            lock_timeout=plain.pool.lock_timeout,
            single_row_tracking=plain.single_row_tracking,
            originator_id_type=plain.originator_id_type,
        )
        plain.close()


class GroupCommit:
    """Runs application commands on the event loop, each turn's commands in one transaction."""

    def __init__(self, application: AllianceApplication) -> None:
        datastore = getattr(application.factory, "datastore", None)
        if not isinstance(datastore, GroupCommitDatastore):
            raise TypeError("Gruppen-Commit braucht den SQLite-Speicher mit GroupCommitSQLiteFactory.")
        self.application, self.datastore = application, datastore
        self._group: AbstractContextManager[None] | None = None
        self._waiting: list[asyncio.Future[None]] = []
        self.groups = 0  # commits made (for tests and the benchmark: commands / groups)

    async def __call__(self, call: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        if self._group is None:
            group = self.datastore.group()
            group.__enter__()
            self._group = group
            loop.call_soon(self._commit)
        result = call()  # a command that raises stored nothing: its savepoint was rolled back
        stored = loop.create_future()
        self._waiting.append(stored)
        await stored
        return result

    def _commit(self) -> None:
        group, waiting = self._group, self._waiting
        self._group, self._waiting = None, []
        assert group is not None
        try:
            group.__exit__(None, None, None)
        except PersistenceError as e:
            self._forget_uncommitted()
            for future in waiting:
                if not future.done():
                    future.set_exception(e)
            return
        self.groups += 1
        for future in waiting:
            if not future.done():  # its request may have been cancelled (client gone)
                future.set_result(None)

    def _forget_uncommitted(self) -> None:
        cache = self.application.repository.cache
        if isinstance(cache, LRUCache):
            cache.clear()


__all__ = ["GroupCommit", "GroupCommitDatastore", "GroupCommitSQLiteFactory", "IntegrityError"]
