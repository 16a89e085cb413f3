"""The shared pass of a rebuild: each batch decoded once, each event applied to its aggregate once
and shown to every read model, with Python's cyclic collector run once per batch."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import cast

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.application import AllianceApplication
from projections.aggregates import AggregateCache
from projections.alliance_events import KNOWN_EVENTS, AllianceProjection, in_context
from projections.engine import BOOKKEEPING, Item, Projector


@contextmanager
def collected_per_batch() -> Iterator[Callable[[], int]]:
    """Python's cyclic garbage collector off while a rebuild runs; `collect()` after each batch
    collects the young generations (all that the batch allocated and still lives) at once, and the
    collector is as it was afterwards. With the collector on, its automatic collections ran every
    700 allocations and, as the cached aggregates grew, walked them again and again: off, a rebuild
    of all four read models took 18 % less CPU on 52k events and 21–45 % less on 245k (21 % in the
    quietest pair; 2026-11-30, bench/notes/projections.md, "fifth pass"). The old generation (what
    outlived a batch's collection, the cached aggregates among it) is not collected before the
    rebuild ends: a cycle that becomes garbage there waits for the collector's next full
    collection after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield lambda: gc.collect(1)
    finally:
        if enabled:
            gc.enable()


class SharedPass:
    """Projects a batch into every projection at once: each event is applied to its aggregate once
    (one cache for all) and the same event in context goes to each projection before the next event
    changes the aggregates; each projection writes its own transaction, committed together at the
    end of the batch (in a partition of a split rebuild: each as soon as written, see `project`).
    Only for read models about alliances (all the rebuildable ones)."""

    def __init__(self, application: AllianceApplication, projectors: list[Projector]) -> None:
        self.projectors = projectors
        self.usable = all(isinstance(p.projection, AllianceProjection) for p in projectors)
        self.aggregates = AggregateCache(application, maxsize=20_000)
        self.known = frozenset(KNOWN_EVENTS)
        self.ignored = frozenset(BOOKKEEPING)
        # Bookkeeping is known by its topic before decoding (a command record per command, in use).
        self.skipped = frozenset(get_topic(cls) for cls in BOOKKEEPING) if self.usable else frozenset()

    def item(self, notification: Notification) -> Item:
        """The notification decoded, except bookkeeping that no read model shows (event None)."""
        if notification.topic in self.skipped:
            return Item(notification.id, notification, None)
        return self.projectors[0].item(notification)

    def project(self, items: list[Item], *, after: int | None) -> bool:
        """True when the batch was projected and committed in every projection; False when it was
        not (nothing of it is kept, the shared aggregates are forgotten): the caller projects it
        again one projection at a time, which halts at the exact event.

        `after` None: a partition of a split rebuild (projections/partitioned.py), whose parent
        tracks the position at the end. No tracking row, and each read model commits its rows as
        soon as it has written them: another partition waits for one file's write lock only while
        this one writes that file (SQLite takes the lock at the first write, not at BEGIN)."""
        if not self.usable or any(i.event is not None and type(i.event) not in self.known
                                  and type(i.event) not in self.ignored for i in items):
            return False
        projections = [cast(AllianceProjection, p.projection) for p in self.projectors]
        transactions = [ExitStack() for _ in self.projectors]
        try:
            dbs = [t.enter_context(p.view().write()) for t, p in zip(transactions, self.projectors, strict=True)]
            if after is not None:
                for projector, db in zip(self.projectors, dbs, strict=True):
                    projector.view().claim(db, after)
            for projection, db in zip(projections, dbs, strict=True):
                projection.begin(db)
            pairs = list(zip(projections, dbs, strict=True))
            for item in items:
                if item.event is None or type(item.event) in self.ignored:
                    continue
                seen = in_context(item, self.aggregates)
                for projection, db in pairs:
                    projection.see(seen, db)
            for (projection, db), projector, transaction in zip(pairs, self.projectors, transactions, strict=True):
                projection.finish(db)
                if after is None:
                    transaction.close()  # committed
                else:
                    projector.view().track(db, items[-1].position)
            for transaction in reversed(transactions):  # tracked: committed together, at the end
                transaction.close()
        except BaseException as e:
            # Every transaction not yet committed rolls back; a commit that got through before a
            # later one failed is refused by its tracking row when the batch is projected again (a
            # partition's: its whole rebuild is done again in one process).
            for transaction in reversed(transactions):
                transaction.__exit__(type(e), e, e.__traceback__)
            if not isinstance(e, Exception):
                raise
            self.aggregates.clear()
            for projection in projections:
                projection.reset()
            return False
        return True
