"""Request bodies of API.md: unknown fields refused, codes checked against the domain's enums, dates bounded."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.calendar_fields import Day
from api.text_fields import Amount, email, optional_text, text, whole
from domain.values import (
    AnchoringKind,
    Bundesland,
    CommitmentKind,
    ErasureReason,
    LegalForm,
    MeetingKind,
    Outcome,
    ProjectStatus,
    Sector,
)

# Lengths as the domain checks each field (domain/commands/): the schema says no more than it accepts.
Name = text(200)  # names, titles, themes
Text = text(2000)  # a required text: a goal, a reason, a report
Description = text(1000)  # of a commitment
Note = optional_text(20_000)  # an optional note, reason, justification or minutes
Unit = optional_text(50)
Optional200 = optional_text(200)
Act = text(500)  # the founding's symbolic act
Email = email()
Ids = Annotated[list[UUID], Field(max_length=500)]
SomeIds = Annotated[list[UUID], Field(min_length=1, max_length=500)]  # the domain refuses an empty list
Score = whole(1, 5)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class RegisterAlliance(Body):
    name: Name
    municipality: Name
    state: Bundesland


class AddActor(Body):
    name: Name
    sector: Sector


class RecordContact(Body):
    actor_id: UUID
    on: Day
    outcome: Outcome
    follow_up_on: Day | None = None
    notes: Note | None = None


class AddTeamMember(Body):
    actor_id: UUID


class RecordGoal(Body):
    text: Text


class ScheduleMeeting(Body):
    kind: MeetingKind
    on: Day
    title: Name
    organiser_id: UUID | None = None


class HoldMeeting(Body):
    attendee_ids: SomeIds
    minutes: Note | None = None
    held_on: Day | None = None


class AddProject(Body):
    title: Name
    theme: Name
    owner_id: UUID | None = None
    due_on: Day | None = None


class RecordFounding(Body):
    on: Day
    symbolic_act: Act
    signatory_ids: Ids
    format: Optional200 | None = None
    declaration: StrictBool | None = Field(
        None, description="Eine Deklaration (Charta, Erklärung, …) wurde beschlossen; ohne Angabe: ja, wenn "
        "Partner unterzeichnet haben")


class JoinInitiative(Body):
    joined_on: Day


class CompleteStep(Body):
    justification: Note | None = None


class FormWorkingGroup(Body):
    name: Name
    theme: Name
    speaker_id: UUID | None = None


class PledgeCommitment(Body):
    partner_id: UUID
    description: Description
    kind: CommitmentKind
    amount: Amount | None = None
    unit: Unit | None = None
    due_on: Day | None = None


class Nothing(Body):
    """A command without fields (an empty object or no body at all)."""


class FulfilCommitment(Body):
    on: Day | None = None
    note: Note | None = None


class WithdrawCommitment(Body):
    reason: Text


class AmendCommitment(Body):
    reason: Text
    description: Description | None = None
    amount: Amount | None = None
    due_on: Day | None = None


class Scores(Body):
    wirkung: Score
    sichtbarkeit: Score
    verankerung: Score
    zusammenarbeit: Score
    kultur: Score
    kooperation: Score


class RecordSelfAssessment(Body):
    on: Day
    scores: Scores


# ---- the rest of the guide's commands (api/routes/guide/) ----------------------------------------------

Percent = whole(0, 100)


class ListCandidate(Body):
    """A further actor to win (step 2)."""

    name: Name
    sector: Sector


class InviteCandidate(Body):
    on: Day


class ReopenStep(Body):
    reason: Text


class ChangeStatus(Body):
    """Pause or resume, with an optional reason."""

    reason: Note | None = None


class Dissolve(Body):
    reason: Text


class SetLegalForm(Body):
    legal_form: LegalForm


class AddContactPerson(Body):
    """Personal data: sealed with a key of the person's own, erasable."""

    name: Name
    email: Email | None = None
    phone: Unit | None = None
    role: Optional200 | None = Field(None, description="Funktion in der Organisation")


class EraseContactPerson(Body):
    reason_code: ErasureReason


class RecordMinutes(Body):
    text: Text


class AddActionItem(Body):
    text: Text
    owner_id: UUID | None = None
    due_on: Day | None = None


class PledgeForActionItem(Body):
    """Partner = the item's owner, due = its due date, description = its text unless given."""

    kind: CommitmentKind
    amount: Amount | None = None
    unit: Unit | None = None
    description: Description | None = None


class InviteToMeeting(Body):
    actor_ids: SomeIds


class ChangeProjectStatus(Body):
    status: ProjectStatus
    reason: Note | None = None


class SignDeclaration(Body):
    actor_id: UUID
    on: Day


class ActorRef(Body):
    actor_id: UUID


class SetSteeringGroup(Body):
    actor_ids: SomeIds
    reason: Note | None = None


class ReportProgress(Body):
    on: Day
    text: Text
    amount: Amount | None = Field(None, description="bisher geleistet, in der Einheit der Zusage")
    percent: Percent | None = None


class RecordPublicity(Body):
    on: Day
    title: Name
    medium: Optional200 | None = None


class RecordAnchoring(Body):
    kind: AnchoringKind
    name: Name
    since: Day
