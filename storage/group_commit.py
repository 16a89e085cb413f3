"""Group commit on SQLite: the commands the API runs in one turn of its event loop share one
transaction, so one fsync stores them all (a commit took a third of the API's time per command).

The API runs SQLite commands on its event loop (api/context.py). The first command of a turn opens
a group: the writer connection with BEGIN, held by the loop's thread. Every transaction that thread
asks for inside the group (each command's save, its reads) becomes a savepoint of it, so a command
that fails (a rule, a concurrent write) takes back only its own rows. At the end of the turn
(`loop.call_soon`) the group is handed to a thread of its own that commits it (the fsync, and
now and then SQLite's checkpoint), while the loop goes on reading requests; only when the commit
is done does each command answer: nobody is told "stored" before it is. Commands that arrive
meanwhile wait for that commit and then form the next group (one writer at a time). Should the
commit fail, every command of the group answers with that error and the application's aggregate
cache is emptied (it held what was not stored).

The application's listeners of saves (the relay's wake) hear of a group's saves after its commit,
once, with the highest position: a follower woken before the commit found nothing and waited for
its next poll.

Other threads (activities, projectors in `buendnis up`) keep their own transactions; a writer
among them waits for the group's commit as it waits for any other writer. Reads on the loop's
thread while a group is open see its uncommitted rows (the commands of one group build on each
other), and so may a read of a cached aggregate while the group commits; everyone else sees only
what is committed.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from eventsourcing.persistence import IntegrityError, OperationalError, PersistenceError
from eventsourcing.sqlite import SQLiteConnection, SQLiteCursor, SQLiteDatastore, SQLiteFactory

from domain.application import AllianceApplication
from storage.snapshots import LatestSnapshotSQLiteRecorder

T = TypeVar("T")


class GroupCommitDatastore(SQLiteDatastore):
    """eventsourcing's SQLite datastore with groups: one transaction for many."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._group: tuple[int, SQLiteConnection] | None = None
        self._names = itertools.count()

    def begin_group(self) -> SQLiteConnection:
        """Opens a group on this thread: the writer connection (the pool's writer lock, held until
        `finish_group`) in a transaction that this thread's transactions join as savepoints."""
        conn = self.pool.get_connection(is_writer=True)
        try:
            conn.cursor().execute("BEGIN")
        except BaseException:
            self.pool.put_connection(conn)
            raise
        self._group = (threading.get_ident(), conn)
        return conn

    def detach_group(self) -> None:
        """This thread's transactions are its own again (the group is about to be finished, maybe
        in another thread)."""
        self._group = None

    def finish_group(self, conn: SQLiteConnection, *, commit: bool = True) -> None:
        """Commits (or rolls back) a detached group and gives the writer connection back; any
        thread may do it."""
        try:
            if not commit:
                conn.rollback()
                return
            try:
                conn.commit()
            except sqlite3.Error as e:
                conn.rollback()
                raise OperationalError(e) from e
        finally:
            self.pool.put_connection(conn)

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


@contextmanager
def one_transaction(application: AllianceApplication) -> Iterator[None]:
    """The commands one writer runs on this thread inside the block are one transaction: one commit
    (one fsync) for all, where each took one of its own (a bulk writer such as the generator spent a
    third of its time in them). A command that raises takes back only its own rows (its savepoint);
    an error leaving the block takes back them all. Listeners of saves are told after the commit.
    Not on SQLite's group-commit datastore (PostgreSQL, memory): each command commits as before."""
    datastore = getattr(application.factory, "datastore", None)
    if not isinstance(datastore, GroupCommitDatastore):
        yield
        return
    positions: list[int] = []
    conn = datastore.begin_group()
    application.hold_saved(positions.append)
    try:
        yield
    except BaseException:
        datastore.detach_group()
        application.hold_saved(None)
        datastore.finish_group(conn, commit=False)
        application.forget_cached()  # it held what was not stored
        raise
    datastore.detach_group()
    application.hold_saved(None)
    try:
        datastore.finish_group(conn)
    except BaseException:
        application.forget_cached()
        raise
    if positions:
        application.tell_saved(max(positions))


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
    """Runs application commands on the event loop, each turn's commands in one transaction,
    committed in a thread while the loop goes on."""

    def __init__(self, application: AllianceApplication) -> None:
        datastore = getattr(application.factory, "datastore", None)
        if not isinstance(datastore, GroupCommitDatastore):
            raise TypeError("Gruppen-Commit braucht den SQLite-Speicher mit GroupCommitSQLiteFactory.")
        self.application, self.datastore = application, datastore
        self._conn: SQLiteConnection | None = None  # the open group's writer connection
        self._waiting: list[asyncio.Future[None]] = []
        self._positions: list[int] = []  # what the group's saves told the listeners (told after the commit)
        self._committing: asyncio.Future[None] | None = None
        self._committer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="group-commit")
        self.groups = 0  # commits made (for tests and the benchmark: commands / groups)

    async def __call__(self, call: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        while self._committing is not None:  # one writer: the next group opens after this commit
            await asyncio.wait([self._committing])
        if self._conn is None:
            self._open()
            loop.call_soon(self._commit)
        result = call()  # a command that raises stored nothing: its savepoint was rolled back
        stored = loop.create_future()
        self._waiting.append(stored)
        await stored
        return result

    def _open(self) -> None:
        self._conn = self.datastore.begin_group()
        self.application.hold_saved(self._positions.append)  # told after the commit

    def _commit(self) -> None:
        conn, waiting, positions = self._conn, self._waiting, self._positions
        self._conn, self._waiting, self._positions = None, [], []
        assert conn is not None
        self.datastore.detach_group()
        self.application.hold_saved(None)  # before the writer lock goes: other threads' saves are told at once
        committing = asyncio.get_running_loop().run_in_executor(self._committer, self.datastore.finish_group, conn)
        self._committing = committing
        committing.add_done_callback(lambda done: self._committed(done, waiting, positions))

    def _committed(self, done: asyncio.Future[None], waiting: list[asyncio.Future[None]],
                   positions: list[int]) -> None:
        self._committing = None
        error = done.exception()
        if error is not None:
            self.application.forget_cached()  # it held what was not stored
            for future in waiting:
                if not future.done():
                    future.set_exception(error)
            return
        self.groups += 1
        if positions:
            self.application.tell_saved(max(positions))
        for future in waiting:
            if not future.done():  # its request may have been cancelled (client gone)
                future.set_result(None)

    def close(self) -> None:
        self._committer.shutdown(wait=True)


__all__ = ["GroupCommit", "GroupCommitDatastore", "GroupCommitSQLiteFactory", "IntegrityError", "one_transaction"]
