"""The Commitment aggregate: what a partner pledged to contribute (Zusage / Beitrag).

Life: pledged → confirmed → amended* → fulfilled, or withdrawn. It is overdue once its due date
passed unfulfilled (marked by the follow-up workflow); amending the due date into the future
lifts that. A fulfilled commitment cannot be withdrawn. A yearly commitment starts its next
period when one is fulfilled. A commitment may be pledged for an action item of a meeting (its
owner pledges, due on the item's due date); it names the item, and the item names it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.copies import SharesImmutableParts
from domain.dates import check_date, check_dates, check_optional_date, not_before
from domain.errors import InvalidInput, RuleViolation
from domain.personal_data import FreeText
from domain.values import CommitmentKind, CommitmentStatus, Recurrence


@dataclass(frozen=True)
class ProgressReport:
    on: date
    text: FreeText  # sealed since free texts are
    percent: int | None
    amount: Decimal | None = None  # delivered so far, in the commitment's unit (absent in older snapshots)


@dataclass(frozen=True)
class Period:
    """A closed period of a yearly commitment: what was due, and when it was fulfilled."""

    period: int
    due_on: date | None
    fulfilled_on: date | None


def next_year(d: date) -> date:
    """The same day a year later; 29 February becomes 28 February."""
    day = min(d.day, calendar.monthrange(d.year + 1, d.month)[1])
    return d.replace(year=d.year + 1, day=day)


class Commitment(SharesImmutableParts, Aggregate):
    """A partner's commitment within one alliance. Version 2 knows the action item it was pledged for;
    a snapshot of version 1 has none."""

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["action_item_id"] = None

    class Event(Aggregate.Event):
        by: str

    class Pledged(Event, Aggregate.Created):
        """Version 2 names the action item the commitment was pledged for (version 1: none)."""

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["action_item_id"] = None

        alliance_id: UUID
        partner_id: UUID
        description: str
        kind: CommitmentKind
        amount: Decimal | None
        unit: str | None
        due_on: date | None
        recurrence: Recurrence | None
        action_item_id: UUID | None

    def __init__(self, by: str, alliance_id: UUID, partner_id: UUID, description: str,
                 kind: CommitmentKind, amount: Decimal | None, unit: str | None,
                 due_on: date | None, recurrence: Recurrence | None, action_item_id: UUID | None) -> None:
        self.alliance_id = alliance_id
        self.partner_id = partner_id
        self.description = description
        self.kind = kind
        self.amount = amount
        self.unit = unit
        self.due_on = due_on
        self.recurrence = recurrence
        self.confirmed = False
        self.fulfilled_on: date | None = None
        self.withdrawn = False
        self.overdue_since: date | None = None
        self.period = 1
        self.progress: list[ProgressReport] = []
        self.follow_ups: list[str] = []
        self.periods: list[Period] = []
        self.action_item_id = action_item_id

    @property
    def past_periods(self) -> list[Period]:
        """The closed periods of a yearly commitment, oldest first (snapshots from before have none)."""
        return list(getattr(self, "periods", []))

    @property
    def status(self) -> CommitmentStatus:
        if self.withdrawn:
            return CommitmentStatus.WITHDRAWN
        if self.fulfilled_on is not None:
            return CommitmentStatus.FULFILLED
        if self.overdue_since is not None:
            return CommitmentStatus.OVERDUE
        return CommitmentStatus.CONFIRMED if self.confirmed else CommitmentStatus.PLEDGED

    @property
    def is_open(self) -> bool:
        return not self.withdrawn and self.fulfilled_on is None

    def _require_open(self) -> None:
        if self.withdrawn:
            raise RuleViolation("Die Zusage wurde zurückgezogen und kann nicht mehr geändert werden.")
        if self.fulfilled_on is not None:
            raise RuleViolation("Die Zusage ist bereits erfüllt.")

    def _emit(self, event_class: type[Event], by: str, at: datetime | None, **fields: Any) -> None:
        check_dates(fields)
        # Activities stamp workflow time, the API wall time: never let an aggregate's time run back.
        self.trigger_event(event_class, timestamp=not_before(at, self.modified_on), by=by, **fields)

    class Confirmed(Event):
        def apply(self, c: Commitment) -> None:
            c.confirmed = True

    def confirm(self, *, by: str, at: datetime | None = None) -> None:
        self._require_open()
        if self.confirmed:
            raise RuleViolation("Die Zusage ist bereits bestätigt.")
        self._emit(self.Confirmed, by, at)

    class Amended(Event):
        """Only the changed fields are set; `reason` says why (kept for the audit)."""

        description: str | None
        amount: Decimal | None
        due_on: date | None
        reason: FreeText  # sealed since free texts are

        def apply(self, c: Commitment) -> None:
            if self.description is not None:
                c.description = self.description
            if self.amount is not None:
                c.amount = self.amount
            if self.due_on is not None:
                c.due_on = self.due_on
                if c.overdue_since is not None and self.due_on > c.overdue_since:
                    c.overdue_since = None

    def amend(self, *, description: str | None, amount: Decimal | None, due_on: date | None,
              reason: FreeText, by: str, at: datetime | None = None) -> None:
        self._require_open()
        check_optional_date(due_on, "Das Fälligkeitsdatum")
        if description is None and amount is None and due_on is None:
            raise InvalidInput("Eine Änderung braucht eine neue Beschreibung, einen Betrag oder ein Fälligkeitsdatum.")
        if (description in (None, self.description) and amount in (None, self.amount)
                and due_on in (None, self.due_on)):
            raise RuleViolation("Die Änderung ändert nichts an der Zusage.")
        self._emit(self.Amended, by, at, description=description, amount=amount, due_on=due_on, reason=reason)

    class ProgressReported(Event):
        """Version 2 may say how much was delivered so far (`amount`; version 1: none)."""

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["amount"] = None

        on: date
        text: FreeText
        percent: int | None
        amount: Decimal | None

        def apply(self, c: Commitment) -> None:
            c.progress.append(ProgressReport(self.on, self.text, self.percent, self.amount))

    def report_progress(self, *, on: date, text: FreeText, percent: int | None, by: str,
                        at: datetime | None = None, amount: Decimal | None = None) -> None:
        self._require_open()
        check_date(on, "Das Datum des Berichts")
        if percent is not None and not 0 <= percent <= 100:
            raise InvalidInput("Der Fortschritt wird in Prozent von 0 bis 100 angegeben.")
        self._emit(self.ProgressReported, by, at, on=on, text=text, percent=percent, amount=amount)

    class Fulfilled(Event):
        on: date
        note: FreeText | None

        def apply(self, c: Commitment) -> None:
            c.fulfilled_on = self.on
            c.overdue_since = None

    class PeriodStarted(Event):
        """A yearly commitment begins its next period with the next due date."""

        period: int
        due_on: date | None

        def apply(self, c: Commitment) -> None:
            c.periods = [*c.past_periods, Period(c.period, c.due_on, c.fulfilled_on)]
            c.period = self.period
            c.due_on = self.due_on
            c.fulfilled_on = None
            c.overdue_since = None

    def fulfil(self, *, on: date, note: FreeText | None, by: str, at: datetime | None = None) -> None:
        self._require_open()
        check_date(on, "Das Erfüllungsdatum")
        self._emit(self.Fulfilled, by, at, on=on, note=note)
        if self.recurrence is Recurrence.YEARLY:
            due = next_year(self.due_on) if self.due_on else None
            self._emit(self.PeriodStarted, by, at, period=self.period + 1, due_on=due)

    class Withdrawn(Event):
        reason: FreeText  # sealed since free texts are

        def apply(self, c: Commitment) -> None:
            c.withdrawn = True

    def withdraw(self, *, reason: FreeText, by: str, at: datetime | None = None) -> None:
        if self.fulfilled_on is not None:
            raise RuleViolation("Eine erfüllte Zusage kann nicht zurückgezogen werden.")
        self._require_open()
        self._emit(self.Withdrawn, by, at, reason=reason)

    class MarkedOverdue(Event):
        on: date

        def apply(self, c: Commitment) -> None:
            c.overdue_since = self.on

    def mark_overdue(self, *, on: date, by: str, at: datetime | None = None) -> bool:
        """Marks an open commitment overdue once its due date passed; otherwise changes nothing."""
        if not self.is_open or self.overdue_since is not None or self.due_on is None or on < self.due_on:
            return False
        check_date(on, "Das Datum")
        self._emit(self.MarkedOverdue, by, at, on=on)
        return True

    class FollowUpRecorded(Event):
        key: str
        rule: str
        recipients: list[str]
        due_at: datetime
        missed: bool = False  # summarised instead of mailed on its own (see Alliance.FollowUpRecorded)
        awaits_delivery: bool = False  # see Alliance.FollowUpRecorded

        def apply(self, c: Commitment) -> None:
            c.follow_ups.append(self.key)
            if self.awaits_delivery:
                c.awaiting_delivery = [*c.undelivered, self.key]
                if self.missed:  # the commitment keeps keys only: which of them go into a summary
                    c.awaiting_summary = [*c.missed_undelivered, self.key]

    def record_follow_up(self, *, key: str, rule: str, recipients: list[str], due_at: datetime,
                         by: str, at: datetime | None = None, missed: bool = False,
                         awaits_delivery: bool = False) -> bool:
        if key in self.follow_ups:
            return False
        extra = {"awaits_delivery": True} if awaits_delivery else {}
        self._emit(self.FollowUpRecorded, by, at, key=key, rule=rule, recipients=list(recipients), due_at=due_at,
                   missed=missed, **extra)
        return True

    # Recorded, mail not yet taken (and the missed among them); set by the first record awaiting
    # delivery only (see delivery_failures).
    awaiting_delivery: list[str]
    awaiting_summary: list[str]

    class FollowUpDelivered(Event):
        """The SMTP server took the mail of a recorded follow-up (alone or in a summary)."""

        key: str
        rule: str

        def apply(self, c: Commitment) -> None:
            c.no_longer_awaiting(self.key)

    def no_longer_awaiting(self, key: str) -> None:
        if key in self.undelivered:
            self.awaiting_delivery = [k for k in self.undelivered if k != key]
        if key in self.missed_undelivered:
            self.awaiting_summary = [k for k in self.missed_undelivered if k != key]

    @property
    def undelivered(self) -> list[str]:
        """Keys of recorded follow-ups whose mail was neither taken nor refused yet."""
        return list(getattr(self, "awaiting_delivery", []))

    @property
    def missed_undelivered(self) -> list[str]:
        """Those of them recorded as missed (for a summary)."""
        return list(getattr(self, "awaiting_summary", []))

    def record_delivery(self, *, key: str, by: str, at: datetime | None = None) -> bool:
        """Records once that a follow-up's mail was taken; a key awaiting nothing changes nothing."""
        if key not in self.undelivered:
            return False
        self._emit(self.FollowUpDelivered, by, at, key=key, rule=key.split(":", 1)[0])
        return True

    # Set by the first DeliveryFailed only, so that aggregates without one equal their snapshots.
    delivery_failures: dict[str, str]

    class DeliveryFailed(Event):
        """The mail of a recorded follow-up was refused for good (a permanent SMTP rejection)."""

        key: str
        rule: str
        reason: str

        def apply(self, c: Commitment) -> None:
            c.delivery_failures = {**c.failed_deliveries, self.key: self.reason}
            c.no_longer_awaiting(self.key)

    @property
    def failed_deliveries(self) -> dict[str, str]:
        """Key → reason of follow-ups whose mail was refused (absent in older snapshots)."""
        return dict(getattr(self, "delivery_failures", {}))

    def record_delivery_failure(self, *, key: str, reason: str, by: str, at: datetime | None = None) -> bool:
        """Records once that a recorded follow-up's mail was refused; otherwise changes nothing."""
        if key not in self.follow_ups or key in self.failed_deliveries:
            return False
        self._emit(self.DeliveryFailed, by, at, key=key, rule=key.split(":", 1)[0], reason=reason)
        return True
