"""Answers of the first contract's routes (API.md) as models, so the OpenAPI document shows each 2xx
body instead of a bare object; schemathesis checks every answer against them.

They name the fields API.md promises and let the rest through (`extra="allow"`): what a role sees is
cut in api/visibility.py, and a field added to a view needs no change here. Timestamps stay strings,
so the answer is byte for byte what the route built.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from domain.values import AllianceStatus, CommitmentStatus


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class AllianceCreated(BaseModel):
    id: UUID
    step: Literal[1] = 1
    status: Literal["active"] = "active"


class ActorAdded(BaseModel):
    actor_id: UUID


class MeetingHeld(BaseModel):
    id: UUID
    held: Literal[True] = True


class Founded(BaseModel):
    founded_on: str


class Joined(BaseModel):
    joined_on: str


class Assessed(BaseModel):
    on: str


class Criteria(Open):
    met: bool
    unmet: list[str]


class AllianceSummary(Open):
    id: UUID
    name: str
    step: int
    status: AllianceStatus


class Alliance(AllianceSummary):
    criteria: Criteria
    version: int


class AlliancePage(BaseModel):
    items: list[AllianceSummary]
    next: str | None


class Commitment(Open):
    id: UUID
    partner_id: UUID
    description: str
    status: CommitmentStatus
    due_on: str | None = None


class CommitmentPage(BaseModel):
    items: list[Commitment]
    next: str | None
    as_of: str | None


class CommitmentPledged(BaseModel):
    id: UUID
    status: Literal["pledged"] = "pledged"


class CommitmentState(BaseModel):
    status: CommitmentStatus


class CommitmentFulfilled(CommitmentState):
    """A yearly commitment goes on with its next period: which, and when it is due."""

    period: int
    due_on: str | None
    fulfilled_periods: list[int]


class FollowUp(Open):
    rule: str
    due_at: str
    status: Literal["scheduled", "sent"]


class FollowUpPage(BaseModel):
    items: list[FollowUp]
    next: str | None


class HistoryEntry(Open):
    position: int
    at: str
    type: str


class HistoryPage(BaseModel):
    items: list[HistoryEntry]
    next: str | None


class CommitmentChanges(Open):
    since: str
    until: str
    added: list[dict[str, Any]]
    changed: list[dict[str, Any]]
    unchanged: int | None  # null for a partner: a count over others' commitments is not its business
    events: list[dict[str, Any]]


class InboxEntry(Open):
    position: int
    recipient: str
    rule: str


class InboxPage(BaseModel):
    items: list[InboxEntry]
    next: str | None


class Dashboard(Open):
    alliances_per_step: dict[str, int]
    overdue_commitments: int
    stalled_alliances: int


class AuditCheck(Open):
    ok: bool
    events_checked: int


class FeedCreated(BaseModel):
    id: str
    url: str


class Feed(Open):
    id: str
    role: str


class FeedPage(BaseModel):
    items: list[Feed]
    next: str | None


class Health(BaseModel):
    status: Literal["ok", "degraded", "error"]
    components: dict[str, dict[str, Any]] | None = None
