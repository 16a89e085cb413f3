"""Request bodies of API.md: unknown fields refused, codes checked against the domain's enums, dates bounded."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from api.calendar_fields import Day
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

Text = Annotated[StrictStr, Field(max_length=20_000)]
ShortText = Annotated[StrictStr, Field(max_length=500)]
Amount = Annotated[Decimal, Field(max_digits=15, decimal_places=4, ge=0, allow_inf_nan=False)]
Ids = Annotated[list[UUID], Field(max_length=500)]
Score = Annotated[StrictInt, Field(ge=1, le=5)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class RegisterAlliance(Body):
    name: ShortText
    municipality: ShortText
    state: Bundesland


class AddActor(Body):
    name: ShortText
    sector: Sector


class RecordContact(Body):
    actor_id: UUID
    on: Day
    outcome: Outcome
    follow_up_on: Day | None = None
    notes: Text | None = None


class AddTeamMember(Body):
    actor_id: UUID


class RecordGoal(Body):
    text: Text


class ScheduleMeeting(Body):
    kind: MeetingKind
    on: Day
    title: ShortText
    organiser_id: UUID | None = None


class HoldMeeting(Body):
    attendee_ids: Ids
    minutes: Text | None = None
    held_on: Day | None = None


class AddProject(Body):
    title: ShortText
    theme: ShortText
    owner_id: UUID | None = None
    due_on: Day | None = None


class RecordFounding(Body):
    on: Day
    symbolic_act: ShortText
    signatory_ids: Ids
    format: ShortText | None = None
    declaration: StrictBool | None = Field(
        None, description="Eine Deklaration (Charta, Erklärung, …) wurde beschlossen; ohne Angabe: ja, wenn "
        "Partner unterzeichnet haben")


class JoinInitiative(Body):
    joined_on: Day


class CompleteStep(Body):
    justification: Text | None = None


class FormWorkingGroup(Body):
    name: ShortText
    theme: ShortText
    speaker_id: UUID | None = None


class PledgeCommitment(Body):
    partner_id: UUID
    description: Text
    kind: CommitmentKind
    amount: Amount | None = None
    unit: ShortText | None = None
    due_on: Day | None = None


class Nothing(Body):
    """A command without fields (an empty object or no body at all)."""


class FulfilCommitment(Body):
    on: Day | None = None
    note: Text | None = None


class WithdrawCommitment(Body):
    reason: Text


class AmendCommitment(Body):
    reason: Text
    description: Text | None = None
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

Percent = Annotated[StrictInt, Field(ge=0, le=100)]


class ListCandidate(Body):
    """A further actor to win (step 2)."""

    name: ShortText
    sector: Sector


class InviteCandidate(Body):
    on: Day


class ReopenStep(Body):
    reason: Text


class ChangeStatus(Body):
    """Pause or resume, with an optional reason."""

    reason: Text | None = None


class Dissolve(Body):
    reason: Text


class SetLegalForm(Body):
    legal_form: LegalForm


class AddContactPerson(Body):
    """Personal data: sealed with a key of the person's own, erasable."""

    name: ShortText
    email: ShortText | None = None
    phone: ShortText | None = None
    role: ShortText | None = Field(None, description="Funktion in der Organisation")


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
    unit: ShortText | None = None
    description: Text | None = None


class InviteToMeeting(Body):
    actor_ids: Ids


class ChangeProjectStatus(Body):
    status: ProjectStatus
    reason: Text | None = None


class SignDeclaration(Body):
    actor_id: UUID
    on: Day


class ActorRef(Body):
    actor_id: UUID


class SetSteeringGroup(Body):
    actor_ids: Ids
    reason: Text | None = None


class ReportProgress(Body):
    on: Day
    text: Text
    amount: Amount | None = Field(None, description="bisher geleistet, in der Einheit der Zusage")
    percent: Percent | None = None


class RecordPublicity(Body):
    on: Day
    title: ShortText
    medium: ShortText | None = None


class RecordAnchoring(Body):
    kind: AnchoringKind
    name: ShortText
    since: Day
