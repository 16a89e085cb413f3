"""Meetings of the alliance, their minutes, and the action items decided in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

from domain import values as v
from domain.alliance import Alliance
from domain.commands.base import SEALED, AllianceCommand, Change, Context, Handles, sealed_text


@dataclass(frozen=True, kw_only=True)
class ScheduleMeeting(AllianceCommand[UUID]):
    """A meeting of a kind (team, planning, all partners, ...) on a day, optionally organised by one of
    the alliance's actors. Answers its id."""

    kind: str
    on: date
    title: str
    organiser_id: UUID | None = None

    def check(self) -> Change[Alliance, UUID]:
        meeting_id, code = uuid4(), v.parse_code(v.MeetingKind, self.kind, "Art des Treffens")
        checked = v.require_text(self.title, "Der Titel des Treffens", 200)

        def change(a: Alliance, ctx: Context) -> UUID:
            a.schedule_meeting(meeting_id=meeting_id, kind=code, on=self.on, title=checked,
                               organiser_id=self.organiser_id, by=ctx.by, at=ctx.now())
            return meeting_id

        return change


@dataclass(frozen=True, kw_only=True)
class InviteToMeeting(AllianceCommand[list[UUID]]):
    """Actors of the alliance (each named once) are invited to a meeting; those invited before are
    left out, and when all were, nothing is recorded but a refusal. Answers who was invited now."""

    meeting_id: UUID
    actor_ids: list[UUID]

    def check(self) -> Change[Alliance, list[UUID]]:
        return lambda a, ctx: a.invite_to_meeting(meeting_id=self.meeting_id, actor_ids=list(self.actor_ids),
                                                  by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class HoldMeeting(AllianceCommand[None]):
    """A scheduled meeting was held, once, with at least one attendee (each an actor, named once);
    held on its scheduled day unless `held_on` says otherwise."""

    meeting_id: UUID
    attendee_ids: list[UUID]
    minutes: str | None = field(default=None, repr=False, metadata=SEALED)
    held_on: date | None = None

    def check(self) -> Change[Alliance, None]:
        text = v.optional_text(self.minutes, "Das Protokoll", 100_000)
        return lambda a, ctx: a.hold_meeting(meeting_id=self.meeting_id, held_on=self.held_on,
                                             attendee_ids=list(self.attendee_ids),
                                             minutes=None if text is None else sealed_text(a, ctx, text),
                                             by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class RecordMinutes(AllianceCommand[None]):
    """The minutes of a meeting that was held."""

    meeting_id: UUID
    minutes: str = field(repr=False, metadata=SEALED)

    def check(self) -> Change[Alliance, None]:
        text = v.require_text(self.minutes, "Das Protokoll", 100_000)
        return lambda a, ctx: a.record_minutes(meeting_id=self.meeting_id, minutes=sealed_text(a, ctx, text),
                                               by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class AddActionItem(AllianceCommand[UUID]):
    """A task decided in a meeting, with an optional owner (an actor) and a due date not before the
    meeting. Answers its id."""

    meeting_id: UUID
    text: str
    owner_id: UUID | None = None
    due_on: date | None = None

    def check(self) -> Change[Alliance, UUID]:
        item_id, checked = uuid4(), v.require_text(self.text, "Die Aufgabe")

        def change(a: Alliance, ctx: Context) -> UUID:
            a.add_action_item(item_id=item_id, meeting_id=self.meeting_id, text=checked, owner_id=self.owner_id,
                              due_on=self.due_on, by=ctx.by, at=ctx.now())
            return item_id

        return change


@dataclass(frozen=True, kw_only=True)
class CompleteActionItem(AllianceCommand[None]):
    """An action item is done, once."""

    item_id: UUID

    def check(self) -> Change[Alliance, None]:
        return lambda a, ctx: a.complete_action_item(item_id=self.item_id, by=ctx.by, at=ctx.now())


class MeetingCommands(Handles):
    """The commands on meetings as methods of the application."""

    def schedule_meeting(self, alliance_id: UUID, *, kind: str, on: date, title: str,
                         organiser_id: UUID | None = None, by: str, command_id: str | None = None) -> UUID:
        return self.handle(ScheduleMeeting(alliance_id=alliance_id, kind=kind, on=on, title=title,
                                           organiser_id=organiser_id), by=by, command_id=command_id)

    def invite_to_meeting(self, alliance_id: UUID, meeting_id: UUID, *, actor_ids: list[UUID], by: str,
                          command_id: str | None = None) -> list[UUID]:
        return self.handle(InviteToMeeting(alliance_id=alliance_id, meeting_id=meeting_id, actor_ids=actor_ids),
                           by=by, command_id=command_id)

    def hold_meeting(self, alliance_id: UUID, meeting_id: UUID, *, attendee_ids: list[UUID],
                     minutes: str | None = None, held_on: date | None = None, by: str,
                     command_id: str | None = None) -> None:
        self.handle(HoldMeeting(alliance_id=alliance_id, meeting_id=meeting_id, attendee_ids=attendee_ids,
                                minutes=minutes, held_on=held_on), by=by, command_id=command_id)

    def record_minutes(self, alliance_id: UUID, meeting_id: UUID, *, minutes: str, by: str,
                       command_id: str | None = None) -> None:
        self.handle(RecordMinutes(alliance_id=alliance_id, meeting_id=meeting_id, minutes=minutes), by=by,
                    command_id=command_id)

    def add_action_item(self, alliance_id: UUID, meeting_id: UUID, *, text: str, owner_id: UUID | None = None,
                        due_on: date | None = None, by: str, command_id: str | None = None) -> UUID:
        return self.handle(AddActionItem(alliance_id=alliance_id, meeting_id=meeting_id, text=text,
                                         owner_id=owner_id, due_on=due_on), by=by, command_id=command_id)

    def complete_action_item(self, alliance_id: UUID, item_id: UUID, *, by: str,
                             command_id: str | None = None) -> None:
        self.handle(CompleteActionItem(alliance_id=alliance_id, item_id=item_id), by=by, command_id=command_id)
