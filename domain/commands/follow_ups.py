"""Follow-ups the workflows sent, recorded once per deterministic key (a retried activity changes
nothing): these commands carry no command id, the key is what makes them idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.alliance import Alliance
from domain.commands.base import AllianceCommand, Change, CommitmentCommand, Handles
from domain.commitment import Commitment


@dataclass(frozen=True, kw_only=True)
class RecordAllianceFollowUp(AllianceCommand[bool]):
    """Records a sent follow-up about an alliance once per key; a repeated key answers False.
    `missed`: it fell due long before it could be sent and goes out in a summary."""

    key: str
    rule: str
    subject_id: str | None
    recipients: list[str]
    due_at: datetime
    missed: bool = False
    awaits_delivery: bool = False

    def check(self) -> Change[Alliance, bool]:
        return lambda a, ctx: a.record_follow_up(key=self.key, rule=self.rule, subject_id=self.subject_id,
                                                 recipients=self.recipients, due_at=self.due_at, missed=self.missed,
                                                 awaits_delivery=self.awaits_delivery, by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class RecordCommitmentFollowUp(CommitmentCommand[bool]):
    """Records a sent follow-up about a commitment once per key; a repeated key answers False."""

    key: str
    rule: str
    recipients: list[str]
    due_at: datetime
    missed: bool = False
    awaits_delivery: bool = False

    def check(self) -> Change[Commitment, bool]:
        return lambda c, ctx: c.record_follow_up(key=self.key, rule=self.rule, recipients=self.recipients,
                                                 due_at=self.due_at, missed=self.missed,
                                                 awaits_delivery=self.awaits_delivery, by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class RecordAllianceDeliveryFailure(AllianceCommand[bool]):
    """Records once that the mail of a follow-up recorded on the alliance was refused for good
    ("Zustellung fehlgeschlagen", with the server's answer); a repeat answers False."""

    key: str
    reason: str

    def check(self) -> Change[Alliance, bool]:
        return lambda a, ctx: a.record_delivery_failure(key=self.key, reason=self.reason, by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class RecordCommitmentDeliveryFailure(CommitmentCommand[bool]):
    """The same for a follow-up recorded on a commitment."""

    key: str
    reason: str

    def check(self) -> Change[Commitment, bool]:
        return lambda c, ctx: c.record_delivery_failure(key=self.key, reason=self.reason, by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class RecordAllianceDelivery(AllianceCommand[bool]):
    """Records once that the SMTP server took the mail of a follow-up recorded on the alliance
    (recorded and delivered are two facts); a key awaiting no delivery answers False."""

    key: str

    def check(self) -> Change[Alliance, bool]:
        return lambda a, ctx: a.record_delivery(key=self.key, by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class RecordCommitmentDelivery(CommitmentCommand[bool]):
    """The same for a follow-up recorded on a commitment."""

    key: str

    def check(self) -> Change[Commitment, bool]:
        return lambda c, ctx: c.record_delivery(key=self.key, by=ctx.by, at=ctx.now())


class FollowUpCommands(Handles):
    """Recording sent follow-ups, as methods of the application."""

    def record_alliance_follow_up(self, alliance_id: UUID, *, key: str, rule: str, subject_id: str | None,
                                  recipients: list[str], due_at: datetime, missed: bool = False,
                                  awaits_delivery: bool = False, by: str = "system") -> bool:
        return self.handle(RecordAllianceFollowUp(alliance_id=alliance_id, key=key, rule=rule, subject_id=subject_id,
                                                  recipients=recipients, due_at=due_at, missed=missed,
                                                  awaits_delivery=awaits_delivery), by=by)

    def record_commitment_follow_up(self, alliance_id: UUID, commitment_id: UUID, *, key: str, rule: str,
                                    recipients: list[str], due_at: datetime, missed: bool = False,
                                    awaits_delivery: bool = False, by: str = "system") -> bool:
        return self.handle(RecordCommitmentFollowUp(alliance_id=alliance_id, commitment_id=commitment_id, key=key,
                                                    rule=rule, recipients=recipients, due_at=due_at, missed=missed,
                                                    awaits_delivery=awaits_delivery), by=by)

    def record_alliance_delivery_failure(self, alliance_id: UUID, *, key: str, reason: str,
                                         by: str = "system") -> bool:
        return self.handle(RecordAllianceDeliveryFailure(alliance_id=alliance_id, key=key, reason=reason), by=by)

    def record_commitment_delivery_failure(self, alliance_id: UUID, commitment_id: UUID, *, key: str, reason: str,
                                           by: str = "system") -> bool:
        return self.handle(RecordCommitmentDeliveryFailure(alliance_id=alliance_id, commitment_id=commitment_id,
                                                           key=key, reason=reason), by=by)

    def record_alliance_delivery(self, alliance_id: UUID, *, key: str, by: str = "system") -> bool:
        return self.handle(RecordAllianceDelivery(alliance_id=alliance_id, key=key), by=by)

    def record_commitment_delivery(self, alliance_id: UUID, commitment_id: UUID, *, key: str,
                                   by: str = "system") -> bool:
        return self.handle(RecordCommitmentDelivery(alliance_id=alliance_id, commitment_id=commitment_id, key=key),
                           by=by)
