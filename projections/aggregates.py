"""Aggregates as they stood at the last projected event, kept in memory by each projector."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.application import AllianceApplication


class AggregateCache:
    """Aggregates as they stood at the last projected event, so handlers can read names and state.

    A miss (after a restart, or an evicted entry) loads the aggregate at the version just before
    the event from the application's repository, so incremental projection and a rebuild see the
    same state.
    """

    def __init__(self, application: AllianceApplication, maxsize: int = 4000) -> None:
        self.application = application
        self.maxsize = maxsize
        # Keyed by the id's integer: hashed and compared in C (a UUID's own hash and == are Python calls).
        self._items: OrderedDict[int, Aggregate] = OrderedDict()

    def clear(self) -> None:
        self._items.clear()

    def before(self, event: Any) -> Any:
        """The aggregate just before `event` (None for a creation event)."""
        version = event.originator_version
        if version == 1:
            return None
        key = event.originator_id.int
        aggregate = self._items.get(key)
        if aggregate is None or aggregate.version != version - 1:
            aggregate = self.application.repository.get(event.originator_id, version=version - 1)
            self._put(key, aggregate)
        else:
            self._items.move_to_end(key)
        return aggregate

    def apply(self, event: Any, before: Any = ...) -> Any:
        """The aggregate right after `event`; `before`: what `before(event)` just answered, if asked."""
        if before is ...:
            before = self.before(event)  # now the most recently used entry
        aggregate = event.mutate(before)
        if aggregate is not before:  # a creation event; others change the cached aggregate in place
            self._put(event.originator_id.int, aggregate)
        return aggregate

    def latest(self, aggregate_id: UUID) -> Any:
        """The aggregate as last projected, or as it stands in the store when not cached."""
        aggregate = self._items.get(aggregate_id.int)
        if aggregate is None:
            aggregate = self.application.repository.get(aggregate_id)
            self._put(aggregate_id.int, aggregate)
        return aggregate

    def _put(self, key: int, aggregate: Aggregate) -> None:
        self._items[key] = aggregate
        self._items.move_to_end(key)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)
