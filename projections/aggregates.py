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
        self._items: OrderedDict[UUID, Aggregate] = OrderedDict()

    def clear(self) -> None:
        self._items.clear()

    def before(self, event: Any) -> Any:
        """The aggregate just before `event` (None for a creation event)."""
        version = event.originator_version
        if version == 1:
            return None
        aggregate = self._items.get(event.originator_id)
        if aggregate is None or aggregate.version != version - 1:
            aggregate = self.application.repository.get(event.originator_id, version=version - 1)
            self._put(event.originator_id, aggregate)
        else:
            self._items.move_to_end(event.originator_id)
        return aggregate

    def apply(self, event: Any, before: Any = ...) -> Any:
        """The aggregate right after `event`; `before`: what `before(event)` just answered, if asked."""
        if before is ...:
            before = self.before(event)  # now the most recently used entry
        aggregate = event.mutate(before)
        if aggregate is not before:  # a creation event; others change the cached aggregate in place
            self._put(event.originator_id, aggregate)
        return aggregate

    def latest(self, aggregate_id: UUID) -> Any:
        """The aggregate as last projected, or as it stands in the store when not cached."""
        aggregate = self._items.get(aggregate_id)
        if aggregate is None:
            aggregate = self.application.repository.get(aggregate_id)
            self._put(aggregate_id, aggregate)
        return aggregate

    def _put(self, aggregate_id: UUID, aggregate: Aggregate) -> None:
        self._items[aggregate_id] = aggregate
        self._items.move_to_end(aggregate_id)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)
