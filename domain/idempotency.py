"""Applied commands, kept in the event store so a repeated command id changes nothing twice.

A record is saved in the same transaction as the command's events, so either both exist or
neither does. Its id is derived from the command id, so two concurrent repeats collide on the
record's first version and one of them is refused by the store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.copies import SharesImmutableParts
from domain.dates import not_before

_NAMESPACE = uuid5(NAMESPACE_URL, "buendnis:command")


def record_id(command_id: str) -> UUID:
    return uuid5(_NAMESPACE, command_id)


class CommandRecord(Aggregate):
    """The answer a command gave, with a fingerprint of what it asked."""

    class Applied(Aggregate.Created):
        command_id: str
        command: str
        fingerprint: str
        result: Any

    def __init__(self, command_id: str, command: str, fingerprint: str, result: Any) -> None:
        self.command_id = command_id
        self.command = command
        self.fingerprint = fingerprint
        self.result = result


class CommitmentIndex(SharesImmutableParts, Aggregate):
    """Which commitments belong to an alliance, so as-of queries need not read its whole history."""

    class Opened(Aggregate.Created):
        alliance_id: UUID

    def __init__(self, alliance_id: UUID) -> None:
        self.alliance_id = alliance_id
        self.commitment_ids: list[UUID] = []

    class CommitmentAdded(Aggregate.Event):
        commitment_id: UUID
        partner_id: UUID

        def apply(self, index: CommitmentIndex) -> None:
            index.commitment_ids.append(self.commitment_id)

    def add(self, commitment_id: UUID, partner_id: UUID, at: datetime | None) -> None:
        self.trigger_event(self.CommitmentAdded, timestamp=not_before(at, self.modified_on),
                           commitment_id=commitment_id, partner_id=partner_id)


def index_id(alliance_id: UUID) -> UUID:
    return uuid5(alliance_id, "commitments")
