"""The base of read models about alliances: events arrive with their aggregates' state."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.alliance import Alliance
from domain.commitment import Commitment
from projections.aggregates import AggregateCache
from projections.engine import Handler, Item, Projection
from projections.sentences import SENTENCES
from projections.store import Db
from projections.values import iso, text_id

# Every domain event a read model must understand; anything else halts the projector.
KNOWN_EVENTS: tuple[type, ...] = tuple(SENTENCES)


@dataclass(slots=True)
class Seen:
    """One event in context: the alliance (and commitment) as they stood right after it. Read only
    by convention: a frozen dataclass sets each field through object.__setattr__ (5× the cost of
    building it, once per event of a rebuild)."""

    item: Item
    event: Any
    alliance: Alliance
    commitment: Commitment | None
    step_entered_before: datetime | None  # for alliance events: when the step it left was entered
    alliance_id: str
    at: str  # the event's timestamp as stored in the read models (iso), formatted once for all of them
    commitment_id: str | None = None  # as text, like alliance_id: formatted once for all read models


def in_context(item: Item, aggregates: AggregateCache) -> Seen:
    """Applies the event to its aggregate (once) and answers it with the state right after it.

    A rebuild of several read models calls this once per event for all of them (one shared cache)
    and hands the same Seen to each, before the next event changes the aggregates."""
    event = item.event
    if isinstance(event, Commitment.Event):
        commitment: Commitment = aggregates.apply(event)
        alliance: Alliance = aggregates.latest(commitment.alliance_id)
        return Seen(item, event, alliance, commitment, None, text_id(alliance.id), iso(event.timestamp),
                    text_id(commitment.id))
    before = aggregates.before(event)
    entered = before.step_entered_at if before is not None else None
    alliance = aggregates.apply(event, before)
    return Seen(item, event, alliance, None, entered, text_id(alliance.id), iso(event.timestamp))


class AllianceProjection(Projection):
    """Feeds every known alliance and commitment event, with context, to `see`."""

    def handlers(self) -> dict[type, Handler]:
        return dict.fromkeys(KNOWN_EVENTS, self._handle)

    def _handle(self, item: Item, db: Db) -> None:
        self.see(in_context(item, self.aggregates), db)

    @abstractmethod
    def see(self, seen: Seen, db: Db) -> None:
        """Records what this read model needs of one event (or marks it for `finish`)."""


class AppendOnlyProjection(AllianceProjection):
    """A read model that only appends rows: `see` collects them, one INSERT per batch writes them."""

    table: str  # the table its rows go to (every column, in order)

    def __init__(self, application: Any) -> None:
        super().__init__(application)
        self._rows: list[tuple[Any, ...]] = []

    def begin(self, db: Db) -> None:
        self._rows = []

    def reset(self) -> None:
        super().reset()
        self._rows = []

    def finish(self, db: Db) -> None:
        db.append(self.table, self._rows)
        self._rows = []
