"""Meetings of the alliance, who was invited, their minutes and the action items decided in them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

from domain.alliance_parts.state import AllianceEvent, AllianceState
from domain.errors import InvalidInput, NotFound, RuleViolation
from domain.personal_data import FreeText
from domain.records import ActionItem, Meeting
from domain.values import MeetingKind


class MeetingsPart(AllianceState):
    """Meetings are scheduled, actors invited to them, then held with attendees; minutes follow a held
    meeting. An action item may become a commitment of its owner, once."""

    def _meeting(self, meeting_id: UUID) -> Meeting:
        try:
            return self.meetings[str(meeting_id)]
        except KeyError:
            raise NotFound(f"Treffen {meeting_id} gehört nicht zu diesem Bündnis.") from None

    class MeetingScheduled(AllianceEvent):
        meeting_id: UUID
        kind: MeetingKind
        on: date
        title: str
        organiser_id: UUID | None

        def apply(self, a: AllianceState) -> None:
            a.meetings[str(self.meeting_id)] = Meeting(
                self.meeting_id, self.kind, self.on, self.title, self.organiser_id, None, (), None
            )

    def schedule_meeting(self, *, meeting_id: UUID, kind: MeetingKind, on: date, title: str,
                         organiser_id: UUID | None, by: str, at: datetime | None = None) -> None:
        self.require_open()
        self._require_new(self.meetings, meeting_id, "Treffen")
        if organiser_id is not None:
            self.actor(organiser_id)
        self._emit(self.MeetingScheduled, by, at, meeting_id=meeting_id, kind=kind, on=on,
                   title=title, organiser_id=organiser_id)

    class InvitedToMeeting(AllianceEvent):
        """Actors were invited to a meeting (the guide: all-partner meetings invite the passive too)."""

        meeting_id: UUID
        actor_ids: list[UUID]

        def apply(self, a: AllianceState) -> None:
            key = str(self.meeting_id)
            meeting = a.meetings[key]
            a.meetings[key] = replace(meeting, invitee_ids=(*meeting.invitee_ids, *self.actor_ids))

    def invite_to_meeting(self, *, meeting_id: UUID, actor_ids: list[UUID], by: str,
                          at: datetime | None = None) -> list[UUID]:
        """Invites the actors not yet invited; answers who was invited now."""
        self.require_open()
        meeting = self._meeting(meeting_id)
        if not actor_ids:
            raise InvalidInput("Eine Einladung braucht mindestens eine Organisation.")
        for actor_id in actor_ids:
            self.actor(actor_id)
        if len(set(actor_ids)) != len(actor_ids):
            raise InvalidInput("Eine eingeladene Organisation ist doppelt genannt.")
        new = [i for i in actor_ids if i not in meeting.invitee_ids]
        if not new:
            raise RuleViolation(f"Alle Genannten sind zum Treffen „{meeting.title}“ bereits eingeladen.")
        self._emit(self.InvitedToMeeting, by, at, meeting_id=meeting_id, actor_ids=new)
        return new

    class MeetingHeld(AllianceEvent):
        meeting_id: UUID
        held_on: date
        attendee_ids: list[UUID]
        minutes: FreeText | None  # sealed since free texts are

        def apply(self, a: AllianceState) -> None:
            key = str(self.meeting_id)
            a.meetings[key] = replace(a.meetings[key], held_on=self.held_on,
                                      attendee_ids=tuple(self.attendee_ids), minutes=self.minutes)

    def hold_meeting(self, *, meeting_id: UUID, held_on: date | None, attendee_ids: list[UUID],
                     minutes: FreeText | None, by: str, at: datetime | None = None) -> None:
        self.require_open()
        meeting = self._meeting(meeting_id)
        if meeting.held:
            raise RuleViolation(f"Das Treffen „{meeting.title}“ ist bereits als durchgeführt erfasst.")
        if not attendee_ids:
            raise InvalidInput("Ein durchgeführtes Treffen braucht mindestens eine teilnehmende Person.")
        for actor_id in attendee_ids:
            self.actor(actor_id)
        if len(set(attendee_ids)) != len(attendee_ids):
            raise InvalidInput("Eine teilnehmende Organisation ist doppelt genannt.")
        self._emit(self.MeetingHeld, by, at, meeting_id=meeting_id, held_on=held_on or meeting.on,
                   attendee_ids=list(attendee_ids), minutes=minutes)

    class MinutesRecorded(AllianceEvent):
        meeting_id: UUID
        minutes: FreeText

        def apply(self, a: AllianceState) -> None:
            key = str(self.meeting_id)
            a.meetings[key] = replace(a.meetings[key], minutes=self.minutes)

    def record_minutes(self, *, meeting_id: UUID, minutes: FreeText, by: str, at: datetime | None = None) -> None:
        self.require_open()
        meeting = self._meeting(meeting_id)
        if not meeting.held:
            raise RuleViolation("Ein Protokoll kann erst nach dem Treffen erfasst werden.")
        self._emit(self.MinutesRecorded, by, at, meeting_id=meeting_id, minutes=minutes)

    class ActionItemAdded(AllianceEvent):
        item_id: UUID
        meeting_id: UUID
        text: str
        owner_id: UUID | None
        due_on: date | None

        def apply(self, a: AllianceState) -> None:
            a.action_items[str(self.item_id)] = ActionItem(
                self.item_id, self.meeting_id, self.text, self.owner_id, self.due_on, False
            )

    def add_action_item(self, *, item_id: UUID, meeting_id: UUID, text: str, owner_id: UUID | None,
                        due_on: date | None, by: str, at: datetime | None = None) -> None:
        self.require_open()
        meeting = self._meeting(meeting_id)
        self._require_new(self.action_items, item_id, "Aufgabe")
        if owner_id is not None:
            self.actor(owner_id)
        if due_on is not None and due_on < meeting.on:
            raise InvalidInput("Die Aufgabe wäre vor dem Treffen fällig, aus dem sie stammt.")
        self._emit(self.ActionItemAdded, by, at, item_id=item_id, meeting_id=meeting_id, text=text,
                   owner_id=owner_id, due_on=due_on)

    class ActionItemDone(AllianceEvent):
        item_id: UUID

        def apply(self, a: AllianceState) -> None:
            key = str(self.item_id)
            a.action_items[key] = replace(a.action_items[key], done=True)

    def action_item(self, item_id: UUID) -> ActionItem:
        try:
            return self.action_items[str(item_id)]
        except KeyError:
            raise NotFound(f"Aufgabe {item_id} gehört nicht zu diesem Bündnis.") from None

    def complete_action_item(self, *, item_id: UUID, by: str, at: datetime | None = None) -> None:
        self.require_open()
        item = self.action_item(item_id)
        if item.done:
            raise RuleViolation("Die Aufgabe ist bereits erledigt.")
        self._emit(self.ActionItemDone, by, at, item_id=item_id)

    class ActionItemPledged(AllianceEvent):
        """The item's owner pledged a commitment for it (the commitment links back)."""

        item_id: UUID
        commitment_id: UUID

        def apply(self, a: AllianceState) -> None:
            key = str(self.item_id)
            a.action_items[key] = replace(a.action_items[key], commitment_id=self.commitment_id)

    def pledgeable_action_item(self, item_id: UUID) -> ActionItem:
        """The item, if it can become a commitment: open, with an owner who may pledge, not pledged yet."""
        self.require_open()
        item = self.action_item(item_id)
        if item.commitment_id is not None:
            raise RuleViolation("Für diese Aufgabe ist bereits eine Zusage erfasst.")
        if item.done:
            raise RuleViolation("Die Aufgabe ist bereits erledigt; eine Zusage kommt zu spät.")
        if item.owner_id is None:
            raise RuleViolation("Die Aufgabe hat keine verantwortliche Organisation, die etwas zusagen könnte.")
        self.require_pledger(item.owner_id)
        return item

    def link_action_item(self, *, item_id: UUID, commitment_id: UUID, by: str, at: datetime | None = None) -> None:
        self.pledgeable_action_item(item_id)
        self._emit(self.ActionItemPledged, by, at, item_id=item_id, commitment_id=commitment_id)
