"""Commitments (Zusagen): what a partner pledges, and what becomes of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from domain import values as v
from domain.commands.base import (
    LATER,
    SEALED,
    Change,
    Command,
    CommitmentCommand,
    Context,
    Decide,
    Handles,
    Work,
    sealed_text,
)
from domain.commitment import Commitment
from domain.dates import berlin, check_optional_date
from domain.errors import InvalidInput
from domain.idempotency import CommitmentIndex


def _pledge(ctx: Context, alliance_id: UUID, partner_id: UUID, description: str, kind: v.CommitmentKind,
            amount: Decimal | None, unit: str | None, due_on: date | None, recurrence: v.Recurrence | None,
            action_item_id: UUID | None = None) -> tuple[Commitment, CommitmentIndex]:
    """A new commitment and the alliance's index that lists it."""
    check_optional_date(due_on, "Das Fälligkeitsdatum")
    at = ctx.now()
    commitment = Commitment._create(
        Commitment.Pledged, id=uuid4(), timestamp=at, by=ctx.by, alliance_id=alliance_id, partner_id=partner_id,
        description=description, kind=kind, amount=amount, unit=unit, due_on=due_on, recurrence=recurrence,
        action_item_id=action_item_id)
    index = ctx.commitment_index(alliance_id, at)
    index.add(commitment.id, partner_id, at)
    return commitment, index


@dataclass(frozen=True, kw_only=True)
class PledgeCommitment(Command[UUID]):
    """A partner pledges a contribution of a kind, with an optional amount, unit and due date; a yearly
    one needs a due date. Who may pledge: the team and the alliance's partners, not one whose latest
    word was no (see `AllianceState.require_pledger`); not in a dissolved alliance. Answers its id."""

    alliance_id: UUID
    partner_id: UUID
    description: str
    kind: str
    amount: Decimal | None = None
    unit: str | None = None
    due_on: date | None = None
    recurrence: str | None = None

    def plan(self) -> Decide[UUID]:
        text = v.require_text(self.description, "Die Beschreibung der Zusage", 1000)
        code = v.parse_code(v.CommitmentKind, self.kind, "Art der Zusage")
        amount, unit = v.require_amount(self.amount), v.optional_text(self.unit, "Die Einheit", 50)
        repeat = None if self.recurrence is None else v.parse_code(v.Recurrence, self.recurrence, "Wiederholung")
        if repeat is not None and self.due_on is None:
            raise InvalidInput("Eine jährliche Zusage braucht ein Fälligkeitsdatum.")

        def decide(ctx: Context) -> Work[UUID]:
            alliance = ctx.alliance(self.alliance_id, None)
            alliance.require_open()
            alliance.require_pledger(self.partner_id)
            commitment, index = _pledge(ctx, self.alliance_id, self.partner_id, text, code, amount, unit,
                                        self.due_on, repeat)
            return Work(commitment.id, commitment, index)

        return decide


@dataclass(frozen=True, kw_only=True)
class PledgeForActionItem(Command[UUID]):
    """An action item of a meeting becomes a tracked commitment: its owner pledges (who may pledge as
    for any commitment), due on the item's due date, described by the item's text unless a
    description is given. Once per item, not for one that is done. The item and the commitment name
    each other. Answers the commitment's id."""

    alliance_id: UUID
    item_id: UUID
    kind: str
    amount: Decimal | None = None
    unit: str | None = None
    description: str | None = None

    def plan(self) -> Decide[UUID]:
        code = v.parse_code(v.CommitmentKind, self.kind, "Art der Zusage")
        amount, unit = v.require_amount(self.amount), v.optional_text(self.unit, "Die Einheit", 50)
        text = None if self.description is None else v.require_text(self.description,
                                                                       "Die Beschreibung der Zusage", 1000)

        def decide(ctx: Context) -> Work[UUID]:
            alliance = ctx.alliance(self.alliance_id, None)
            item = alliance.pledgeable_action_item(self.item_id)
            assert item.owner_id is not None  # checked by pledgeable_action_item
            commitment, index = _pledge(ctx, self.alliance_id, item.owner_id, text or item.text[:1000], code,
                                        amount, unit, item.due_on, None, action_item_id=item.id)
            alliance.link_action_item(item_id=item.id, commitment_id=commitment.id, by=ctx.by, at=ctx.now())
            return Work(commitment.id, commitment, index, alliance)

        return decide


@dataclass(frozen=True, kw_only=True)
class ConfirmCommitment(CommitmentCommand[v.CommitmentStatus]):
    """An open commitment is confirmed, once. Answers its status."""

    def check(self) -> Change[Commitment, v.CommitmentStatus]:
        def change(c: Commitment, ctx: Context) -> v.CommitmentStatus:
            c.confirm(by=ctx.by, at=ctx.now())
            return c.status

        return change


@dataclass(frozen=True, kw_only=True)
class AmendCommitment(CommitmentCommand[v.CommitmentStatus]):
    """An open commitment's description, amount or due date changes (at least one of them, to something
    new), with a reason. Answers its status."""

    reason: str = field(repr=False, metadata=SEALED)
    description: str | None = None
    amount: Decimal | None = None
    due_on: date | None = None

    def check(self) -> Change[Commitment, v.CommitmentStatus]:
        why = v.require_text(self.reason, "Der Grund der Änderung")
        text = None if self.description is None else v.require_text(self.description,
                                                                      "Die Beschreibung der Zusage", 1000)
        amount = v.require_amount(self.amount)

        def change(c: Commitment, ctx: Context) -> v.CommitmentStatus:
            reason = sealed_text(ctx.alliance(self.alliance_id, None), ctx, why)
            c.amend(description=text, amount=amount, due_on=self.due_on, reason=reason, by=ctx.by, at=ctx.now())
            return c.status

        return change


@dataclass(frozen=True, kw_only=True)
class FulfilCommitment(CommitmentCommand[v.CommitmentStatus]):
    """An open commitment is fulfilled (today in Germany, unless `on` says otherwise). Answers its
    status: a yearly commitment stands in its next period then, not "fulfilled"."""

    on: date | None = None
    note: str | None = field(default=None, repr=False, metadata=SEALED)

    def check(self) -> Change[Commitment, v.CommitmentStatus]:
        text = v.optional_text(self.note, "Die Notiz")

        def change(c: Commitment, ctx: Context) -> v.CommitmentStatus:
            at = ctx.now()
            note = None if text is None else sealed_text(ctx.alliance(self.alliance_id, None), ctx, text)
            c.fulfil(on=self.on or berlin(at).date(), note=note, by=ctx.by, at=at)
            return c.status

        return change


@dataclass(frozen=True, kw_only=True)
class WithdrawCommitment(CommitmentCommand[v.CommitmentStatus]):
    """An open commitment that is not fulfilled is withdrawn, with a reason. Answers its status."""

    reason: str = field(repr=False, metadata=SEALED)

    def check(self) -> Change[Commitment, v.CommitmentStatus]:
        why = v.require_text(self.reason, "Der Grund des Rückzugs")

        def change(c: Commitment, ctx: Context) -> v.CommitmentStatus:
            c.withdraw(reason=sealed_text(ctx.alliance(self.alliance_id, None), ctx, why), by=ctx.by, at=ctx.now())
            return c.status

        return change


@dataclass(frozen=True, kw_only=True)
class ReportProgress(CommitmentCommand[None]):
    """A progress report on an open commitment, with an optional percentage (0 to 100) and the amount
    delivered so far (≥ 0, in the commitment's unit)."""

    on: date
    text: str = field(repr=False, metadata=SEALED)
    percent: int | None = None
    amount: Decimal | None = field(default=None, metadata=LATER)

    def check(self) -> Change[Commitment, None]:
        checked = v.require_text(self.text, "Der Fortschrittsbericht")
        amount = v.require_amount(self.amount)
        return lambda c, ctx: c.report_progress(
            on=self.on, text=sealed_text(ctx.alliance(self.alliance_id, None), ctx, checked), percent=self.percent,
            amount=amount, by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class MarkCommitmentOverdue(CommitmentCommand[bool]):
    """Marks an open commitment overdue once its due date passed; already marked, not due or no longer
    open: no change (answers False)."""

    on: date

    def check(self) -> Change[Commitment, bool]:
        return lambda c, ctx: c.mark_overdue(on=self.on, by=ctx.by, at=ctx.now())


class CommitmentCommands(Handles):
    """The commands on commitments as methods of the application."""

    def pledge_commitment(self, alliance_id: UUID, *, partner_id: UUID, description: str, kind: str,
                          amount: Decimal | None = None, unit: str | None = None, due_on: date | None = None,
                          recurrence: str | None = None, by: str, command_id: str | None = None) -> UUID:
        return self.handle(PledgeCommitment(alliance_id=alliance_id, partner_id=partner_id, description=description,
                                            kind=kind, amount=amount, unit=unit, due_on=due_on,
                                            recurrence=recurrence), by=by, command_id=command_id)

    def pledge_for_action_item(self, alliance_id: UUID, item_id: UUID, *, kind: str, amount: Decimal | None = None,
                               unit: str | None = None, description: str | None = None, by: str,
                               command_id: str | None = None) -> UUID:
        return self.handle(PledgeForActionItem(alliance_id=alliance_id, item_id=item_id, kind=kind, amount=amount,
                                               unit=unit, description=description), by=by, command_id=command_id)

    def confirm_commitment(self, alliance_id: UUID, commitment_id: UUID, *, by: str,
                           command_id: str | None = None) -> v.CommitmentStatus:
        return self.handle(ConfirmCommitment(alliance_id=alliance_id, commitment_id=commitment_id), by=by,
                           command_id=command_id)

    def amend_commitment(self, alliance_id: UUID, commitment_id: UUID, *, reason: str,
                         description: str | None = None, amount: Decimal | None = None,
                         due_on: date | None = None, by: str, command_id: str | None = None) -> v.CommitmentStatus:
        return self.handle(AmendCommitment(alliance_id=alliance_id, commitment_id=commitment_id, reason=reason,
                                           description=description, amount=amount, due_on=due_on), by=by,
                           command_id=command_id)

    def fulfil_commitment(self, alliance_id: UUID, commitment_id: UUID, *, on: date | None = None,
                          note: str | None = None, by: str, command_id: str | None = None) -> v.CommitmentStatus:
        return self.handle(FulfilCommitment(alliance_id=alliance_id, commitment_id=commitment_id, on=on, note=note),
                           by=by, command_id=command_id)

    def withdraw_commitment(self, alliance_id: UUID, commitment_id: UUID, *, reason: str, by: str,
                            command_id: str | None = None) -> v.CommitmentStatus:
        return self.handle(WithdrawCommitment(alliance_id=alliance_id, commitment_id=commitment_id, reason=reason),
                           by=by, command_id=command_id)

    def report_progress(self, alliance_id: UUID, commitment_id: UUID, *, on: date, text: str,
                        percent: int | None = None, amount: Decimal | None = None, by: str,
                        command_id: str | None = None) -> None:
        self.handle(ReportProgress(alliance_id=alliance_id, commitment_id=commitment_id, on=on, text=text,
                                   percent=percent, amount=amount), by=by, command_id=command_id)

    def mark_commitment_overdue(self, alliance_id: UUID, commitment_id: UUID, *, on: date,
                                by: str = "system") -> bool:
        return self.handle(MarkCommitmentOverdue(alliance_id=alliance_id, commitment_id=commitment_id, on=on), by=by)
