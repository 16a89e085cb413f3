"""Request bodies of API.md: unknown fields refused, codes checked against the domain's enums, dates bounded."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from api.calendar_fields import Day
from domain.values import Bundesland, CommitmentKind, MeetingKind, Outcome, Sector

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
