"""The follow-ups an alliance's workflow sent, each recorded once by its deterministic key."""

from __future__ import annotations

from datetime import datetime

from domain.alliance_parts.state import AllianceEvent, AllianceState
from domain.records import FollowUpRecord


class FollowUpsPart(AllianceState):
    """Sent follow-ups, keyed so a retried activity records nothing twice."""

    class FollowUpRecorded(AllianceEvent):
        key: str
        rule: str
        subject_id: str | None
        recipients: list[str]
        due_at: datetime
        # Fell due long before it could be sent (an outage, an imported history): summarised.
        missed: bool = False
        # Its mail is awaited until FollowUpDelivered or DeliveryFailed says what became of it
        # (records of workflows from before this fact existed await nothing).
        awaits_delivery: bool = False

        def apply(self, a: AllianceState) -> None:
            a.follow_ups[self.key] = FollowUpRecord(
                self.key, self.rule, self.subject_id, tuple(self.recipients), self.due_at, self.timestamp,
                self.missed,
            )
            if self.awaits_delivery:
                a.awaiting_delivery = [*getattr(a, "awaiting_delivery", []), self.key]

    def record_follow_up(self, *, key: str, rule: str, subject_id: str | None, recipients: list[str],
                         due_at: datetime, by: str, at: datetime | None = None, missed: bool = False,
                         awaits_delivery: bool = False) -> bool:
        """Records a sent follow-up once; a repeated key changes nothing and answers False."""
        if key in self.follow_ups:
            return False
        extra = {"awaits_delivery": True} if awaits_delivery else {}
        self._emit(self.FollowUpRecorded, by, at, key=key, rule=rule, subject_id=subject_id,
                   recipients=list(recipients), due_at=due_at, missed=missed, **extra)
        return True

    class FollowUpDelivered(AllianceEvent):
        """The SMTP server took the mail of a recorded follow-up (alone or in a summary)."""

        key: str
        rule: str

        def apply(self, a: AllianceState) -> None:
            a.awaiting_delivery = [k for k in getattr(a, "awaiting_delivery", []) if k != self.key]

    @property
    def undelivered(self) -> list[str]:
        """Keys of recorded follow-ups whose mail was neither taken nor refused yet."""
        return list(getattr(self, "awaiting_delivery", []))

    def record_delivery(self, *, key: str, by: str, at: datetime | None = None) -> bool:
        """Records once that a follow-up's mail was taken; a key awaiting nothing changes nothing."""
        if key not in self.undelivered:
            return False
        self._emit(self.FollowUpDelivered, by, at, key=key, rule=self.follow_ups[key].rule)
        return True

    class DeliveryFailed(AllianceEvent):
        """The mail of a recorded follow-up was refused for good (a permanent SMTP rejection)."""

        key: str
        rule: str
        reason: str

        def apply(self, a: AllianceState) -> None:
            a.delivery_failures = {**getattr(a, "delivery_failures", {}), self.key: self.reason}
            if self.key in getattr(a, "awaiting_delivery", []):
                a.awaiting_delivery = [k for k in a.awaiting_delivery if k != self.key]

    @property
    def failed_deliveries(self) -> dict[str, str]:
        """Key → reason of follow-ups whose mail was refused (absent in older snapshots)."""
        return dict(getattr(self, "delivery_failures", {}))

    def record_delivery_failure(self, *, key: str, reason: str, by: str, at: datetime | None = None) -> bool:
        """Records once that a recorded follow-up's mail was refused; otherwise changes nothing."""
        record = self.follow_ups.get(key)
        if record is None or key in self.failed_deliveries:
            return False
        self._emit(self.DeliveryFailed, by, at, key=key, rule=record.rule, reason=reason)
        return True
