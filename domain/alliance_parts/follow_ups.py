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

        def apply(self, a: AllianceState) -> None:
            a.follow_ups[self.key] = FollowUpRecord(
                self.key, self.rule, self.subject_id, tuple(self.recipients), self.due_at, self.timestamp,
                self.missed,
            )

    def record_follow_up(self, *, key: str, rule: str, subject_id: str | None, recipients: list[str],
                         due_at: datetime, by: str, at: datetime | None = None, missed: bool = False) -> bool:
        """Records a sent follow-up once; a repeated key changes nothing and answers False."""
        if key in self.follow_ups:
            return False
        self._emit(self.FollowUpRecorded, by, at, key=key, rule=rule, subject_id=subject_id,
                   recipients=list(recipients), due_at=due_at, missed=missed)
        return True

    class DeliveryFailed(AllianceEvent):
        """The mail of a recorded follow-up was refused for good (a permanent SMTP rejection)."""

        key: str
        rule: str
        reason: str

        def apply(self, a: AllianceState) -> None:
            a.delivery_failures = {**getattr(a, "delivery_failures", {}), self.key: self.reason}

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
