"""The parts an alliance is made of: immutable records kept inside the Alliance aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from domain.personal_data import FreeText
from domain.values import AnchoringKind, MeetingKind, Outcome, ProjectStatus, Sector


@dataclass(frozen=True)
class Actor:
    """An organisation that was contacted, is interested, in the team, or a partner."""

    id: UUID
    name: str
    sector: Sector
    added_at: datetime


@dataclass(frozen=True)
class Contact:
    """An Einzelgespräch with a potential actor (step 1)."""

    id: UUID
    actor_id: UUID
    on: date
    outcome: Outcome
    follow_up_on: date | None
    notes: FreeText | None  # sealed since free texts are


@dataclass(frozen=True)
class ContactPerson:
    """A person at an actor. Name, e-mail and phone live only in `sealed` (see personal_data)."""

    id: UUID
    actor_id: UUID
    sealed: str
    erased: bool


@dataclass(frozen=True)
class Goal:
    id: UUID
    text: str


@dataclass(frozen=True)
class Candidate:
    """A further actor to win (the list step 2 asks for); invited in step 3."""

    id: UUID
    name: str
    sector: Sector
    invited_on: date | None


@dataclass(frozen=True)
class Meeting:
    id: UUID
    kind: MeetingKind
    on: date
    title: str
    organiser_id: UUID | None
    held_on: date | None
    attendee_ids: tuple[UUID, ...]
    minutes: FreeText | None  # sealed since free texts are
    invitee_ids: tuple[UUID, ...] = ()  # recorded invitations (absent in snapshots taken before)

    @property
    def held(self) -> bool:
        return self.held_on is not None

    def reaches(self, actor_id: UUID) -> bool:
        """The actor was invited to the meeting or took part in it."""
        return actor_id in self.invitee_ids or actor_id in self.attendee_ids


@dataclass(frozen=True)
class ActionItem:
    """A decision of a meeting with an owner and a due date; may become a tracked commitment."""

    id: UUID
    meeting_id: UUID
    text: str
    owner_id: UUID | None
    due_on: date | None
    done: bool
    commitment_id: UUID | None = None  # the commitment its owner pledged for it


@dataclass(frozen=True)
class Project:
    """One entry of the Aktionsplan."""

    id: UUID
    title: str
    theme: str
    owner_id: UUID | None
    due_on: date | None
    status: ProjectStatus


@dataclass(frozen=True)
class Founding:
    on: date
    symbolic_act: str
    format: str | None
    declaration: bool


@dataclass(frozen=True)
class Signature:
    """A partner's dated signature of the declaration, at the founding or years later."""

    actor_id: UUID
    on: date


@dataclass(frozen=True)
class WorkingGroup:
    id: UUID
    name: str
    theme: str
    speaker_id: UUID | None
    formed_at: datetime
    member_ids: tuple[UUID, ...]


@dataclass(frozen=True)
class SelfAssessment:
    on: date
    scores: dict[str, int]


@dataclass(frozen=True)
class Publicity:
    """Press and public relations work (Presse- und Öffentlichkeitsarbeit): an article, a press
    release, a stand at a fair."""

    id: UUID
    on: date
    title: str
    medium: str | None


@dataclass(frozen=True)
class Anchoring:
    """Local anchoring: a strategic cooperation, or a seat in a local decision-making body."""

    id: UUID
    kind: AnchoringKind
    name: str
    since: date


@dataclass(frozen=True)
class FollowUpRecord:
    """A follow-up that was sent; `key` is deterministic so a retry records nothing twice."""

    key: str
    rule: str
    subject_id: str | None
    recipients: tuple[str, ...]
    due_at: datetime
    sent_at: datetime
    missed: bool = False  # went out in a summary of missed reminders, not on its own


RECORD_TYPES: tuple[type, ...] = (
    Actor, Contact, ContactPerson, Goal, Candidate, Meeting, ActionItem, Project, Founding,
    Signature, WorkingGroup, SelfAssessment, FollowUpRecord, Publicity, Anchoring,
)
