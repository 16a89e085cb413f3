"""Commands on an alliance (API.md): actors, contacts, team, meetings, steps, ..."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Path, Response

from api.access import CoordinationDep, OfficeDep
from api.answers import Created, StepAnswer
from api.calendar_fields import Version
from api.read_answers import ActorAdded, AllianceCreated, Assessed, Founded, Joined, MeetingHeld
from api.schemas import (
    AddActor,
    AddProject,
    AddTeamMember,
    CompleteStep,
    FormWorkingGroup,
    HoldMeeting,
    JoinInitiative,
    RecordContact,
    RecordFounding,
    RecordGoal,
    RecordSelfAssessment,
    RegisterAlliance,
    ScheduleMeeting,
)

IfMatch = Annotated[Version | None, Header(alias="If-Match", description="erwartete Version des Bündnisses")]
router = APIRouter(prefix="/api/v1/alliances", tags=["Bündnisse"])
Step = Annotated[int, Path(ge=1, le=5, description="Schritt 1–4 (Schritt 5 ist dauerhaft)")]


def created(response: Response, location: str, body: dict[str, Any]) -> dict[str, Any]:
    response.headers["Location"] = location
    return body


@router.post("", status_code=201, summary="Bündnis erfassen", response_model=AllianceCreated)
async def register_alliance(body: RegisterAlliance, response: Response, c: OfficeDep) -> dict[str, Any]:
    aid = await c.run(
        c.app.register_alliance,
        name=body.name,
        municipality=body.municipality,
        state=body.state.value,
    )
    return created(response, f"/api/v1/alliances/{aid}", {"id": str(aid), "step": 1, "status": "active"})


@router.post("/{alliance_id}/actors", status_code=201, summary="Akteur erfassen", response_model=Created)
async def add_actor(alliance_id: UUID, body: AddActor, c: CoordinationDep) -> dict[str, Any]:
    actor_id = await c.run(c.app.add_actor, alliance_id=alliance_id, name=body.name, sector=body.sector.value)
    return {"id": str(actor_id)}


@router.post("/{alliance_id}/contacts", status_code=201, summary="Einzelgespräch erfassen", response_model=Created)
async def record_contact(alliance_id: UUID, body: RecordContact, c: CoordinationDep) -> dict[str, Any]:
    contact_id = await c.run(
        c.app.record_contact,
        body.actor_id,
        alliance_id=alliance_id,
        actor_id=body.actor_id,
        on=body.on,
        outcome=body.outcome.value,
        follow_up_on=body.follow_up_on,
        notes=body.notes,
    )
    return {"id": str(contact_id)}


@router.post("/{alliance_id}/team-members", status_code=201, summary="Akteur ins Bündnisteam aufnehmen",
             response_model=ActorAdded)
async def add_team_member(alliance_id: UUID, body: AddTeamMember, c: CoordinationDep) -> dict[str, Any]:
    await c.run(c.app.add_team_member, body.actor_id, alliance_id=alliance_id, actor_id=body.actor_id)
    return {"actor_id": str(body.actor_id)}


@router.post("/{alliance_id}/goals", status_code=201, summary="Ziel oder Thema festhalten", response_model=Created)
async def record_goal(alliance_id: UUID, body: RecordGoal, c: CoordinationDep) -> dict[str, Any]:
    return {"id": str(await c.run(c.app.record_goal, alliance_id=alliance_id, text=body.text))}


@router.post("/{alliance_id}/meetings", status_code=201, summary="Treffen planen", response_model=Created)
async def schedule_meeting(alliance_id: UUID, body: ScheduleMeeting, c: CoordinationDep) -> dict[str, Any]:
    meeting_id = await c.run(
        c.app.schedule_meeting,
        body.organiser_id,
        alliance_id=alliance_id,
        kind=body.kind.value,
        on=body.on,
        title=body.title,
        organiser_id=body.organiser_id,
    )
    return {"id": str(meeting_id)}


@router.post("/{alliance_id}/meetings/{meeting_id}/held", summary="Treffen als durchgeführt erfassen",
             response_model=MeetingHeld)
async def hold_meeting(alliance_id: UUID, meeting_id: UUID, body: HoldMeeting, c: CoordinationDep) -> dict[str, Any]:
    await c.run(
        c.app.hold_meeting,
        *body.attendee_ids,
        alliance_id=alliance_id,
        meeting_id=meeting_id,
        attendee_ids=body.attendee_ids,
        minutes=body.minutes,
        held_on=body.held_on,
    )
    return {"id": str(meeting_id), "held": True}


@router.post("/{alliance_id}/action-plan", status_code=201, summary="Projekt in den Aktionsplan aufnehmen",
             response_model=Created)
async def add_project(alliance_id: UUID, body: AddProject, c: CoordinationDep) -> dict[str, Any]:
    project_id = await c.run(
        c.app.add_project,
        body.owner_id,
        alliance_id=alliance_id,
        title=body.title,
        theme=body.theme,
        owner_id=body.owner_id,
        due_on=body.due_on,
    )
    return {"id": str(project_id)}


@router.post("/{alliance_id}/founding", summary="Gründung erfassen", response_model=Founded)
async def record_founding(alliance_id: UUID, body: RecordFounding, c: CoordinationDep) -> dict[str, Any]:
    await c.run(
        c.app.record_founding,
        *body.signatory_ids,
        alliance_id=alliance_id,
        on=body.on,
        symbolic_act=body.symbolic_act,
        signatory_ids=body.signatory_ids,
        format=body.format,
        declaration=body.declaration,
    )
    return {"founded_on": body.on.isoformat()}


@router.post("/{alliance_id}/federal-initiative", summary="Beitritt zur Bundesinitiative erfassen",
             response_model=Joined)
async def join_federal_initiative(alliance_id: UUID, body: JoinInitiative, c: CoordinationDep) -> dict[str, Any]:
    await c.run(c.app.join_federal_initiative, alliance_id=alliance_id, joined_on=body.joined_on)
    return {"joined_on": body.joined_on.isoformat()}


@router.post("/{alliance_id}/steps/{n}/complete", summary="Schritt abschließen", response_model=StepAnswer)
async def complete_step(
    alliance_id: UUID, n: Step, c: CoordinationDep, body: CompleteStep | None = None, if_match: IfMatch = None
) -> dict[str, Any]:
    """`If-Match: <version>` (the detail's `version`) refuses with 409 when someone changed it since."""
    step = await c.run(
        c.app.complete_step,
        alliance_id=alliance_id,
        step=n,
        justification=body.justification if body else None,
        expected_version=if_match,
    )
    return {"step": step}


@router.post("/{alliance_id}/working-groups", status_code=201, summary="Arbeitsgruppe bilden", response_model=Created)
async def form_working_group(alliance_id: UUID, body: FormWorkingGroup, c: CoordinationDep) -> dict[str, Any]:
    group_id = await c.run(
        c.app.form_working_group,
        body.speaker_id,
        alliance_id=alliance_id,
        name=body.name,
        theme=body.theme,
        speaker_id=body.speaker_id,
    )
    return {"id": str(group_id)}


@router.post(
    "/{alliance_id}/self-assessments",
    status_code=201,
    summary="Selbsteinschätzung (sechs Dimensionen)",
    response_model=Assessed,
)
async def record_self_assessment(alliance_id: UUID, body: RecordSelfAssessment, c: CoordinationDep) -> dict[str, Any]:
    await c.run(
        c.app.record_self_assessment,
        alliance_id=alliance_id,
        on=body.on,
        scores=body.scores.model_dump(),
    )
    return {"on": body.on.isoformat()}
