"""Answers of the guide's command routes (api/routes/guide/), as models the OpenAPI document shows.

Their problem answers (401/403/404/409/422, RFC 9457) are documented by api/openapi.py for every route."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from domain.values import AllianceStatus, LegalForm, ProjectStatus


class Created(BaseModel):
    id: UUID


class CommitmentCreated(BaseModel):
    id: UUID
    status: Literal["pledged"] = "pledged"
    partner_id: UUID
    due_on: date | None
    action_item_id: UUID


class StepAnswer(BaseModel):
    step: int


class StatusAnswer(BaseModel):
    status: AllianceStatus


class LegalFormAnswer(BaseModel):
    legal_form: LegalForm


class CandidateInvited(BaseModel):
    id: UUID
    invited_on: date


class ContactPerson(BaseModel):
    """A contact person; name, e-mail, phone and role are null once the person was erased."""

    id: UUID
    actor_id: UUID
    erased: bool
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    role: str | None = None


class ContactPersons(BaseModel):
    items: list[ContactPerson]
    next: str | None = None  # the cursor of the next page


class Erased(BaseModel):
    id: UUID
    erased: Literal[True] = True


class MinutesRecorded(BaseModel):
    meeting_id: UUID
    minutes: Literal[True] = True


class ActionItemDone(BaseModel):
    id: UUID
    done: Literal[True] = True


class Invited(BaseModel):
    meeting_id: UUID
    invited: list[UUID]


class ProjectStatusAnswer(BaseModel):
    id: UUID
    status: ProjectStatus


class Signed(BaseModel):
    actor_id: UUID
    on: date


class Speaker(BaseModel):
    id: UUID
    speaker_id: UUID


class Members(BaseModel):
    id: UUID
    member_ids: list[UUID]


class SteeringGroup(BaseModel):
    member_ids: list[UUID]


class ProgressReported(BaseModel):
    commitment_id: UUID
    on: date
    text: str
    percent: int | None
    amount: Decimal | None
