"""Steps 3 to 5: the action plan's status, signatures of the declaration, working groups and the steering
group, press work and local anchoring, and progress on a commitment."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from api.access import CoordinationDep, OwnerDep
from api.answers import (
    Created,
    Members,
    ProgressReported,
    ProjectStatusAnswer,
    Signed,
    Speaker,
    SteeringGroup,
)
from api.schemas import (
    ActorRef,
    ChangeProjectStatus,
    RecordAnchoring,
    RecordPublicity,
    ReportProgress,
    SetSteeringGroup,
    SignDeclaration,
)

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}", tags=["Steuerung"])


@router.patch("/action-plan/{project_id}", summary="Status eines Projekts im Aktionsplan ändern")
async def change_project_status(alliance_id: UUID, project_id: UUID, body: ChangeProjectStatus,
                                c: CoordinationDep) -> ProjectStatusAnswer:
    await c.run(c.app.change_project_status, alliance_id=alliance_id, project_id=project_id,
                status=body.status.value, reason=body.reason)
    return ProjectStatusAnswer(id=project_id, status=body.status)


@router.post("/signatures", status_code=201, summary="Unterschrift unter die Deklaration erfassen")
async def sign_declaration(alliance_id: UUID, body: SignDeclaration, c: CoordinationDep) -> Signed:
    """Auch Partner, die Jahre nach der Gründung beitreten, unterzeichnen die Deklaration, datiert."""
    await c.run(c.app.sign_declaration, body.actor_id, alliance_id=alliance_id, actor_id=body.actor_id, on=body.on)
    return Signed(actor_id=body.actor_id, on=body.on)


@router.post("/working-groups/{group_id}/speaker", summary="Sprecher/in einer Arbeitsgruppe benennen")
async def appoint_speaker(alliance_id: UUID, group_id: UUID, body: ActorRef, c: CoordinationDep) -> Speaker:
    await c.run(c.app.appoint_speaker, body.actor_id, alliance_id=alliance_id, group_id=group_id,
                speaker_id=body.actor_id)
    return Speaker(id=group_id, speaker_id=body.actor_id)


@router.post("/working-groups/{group_id}/members", summary="Akteur einer Arbeitsgruppe zuordnen")
async def join_working_group(alliance_id: UUID, group_id: UUID, body: ActorRef, c: CoordinationDep) -> Members:
    await c.run(c.app.join_working_group, body.actor_id, alliance_id=alliance_id, group_id=group_id,
                actor_id=body.actor_id)
    group = c.app.get_alliance(alliance_id).working_groups[str(group_id)]
    return Members(id=group_id, member_ids=list(group.member_ids))


@router.put("/steering-group", summary="Lenkungs-/Steuerungsgruppe festlegen")
async def set_steering_group(alliance_id: UUID, body: SetSteeringGroup, c: CoordinationDep) -> SteeringGroup:
    await c.run(c.app.set_steering_group, *body.actor_ids, alliance_id=alliance_id, member_ids=body.actor_ids,
                reason=body.reason)
    return SteeringGroup(member_ids=body.actor_ids)


@router.post("/publicity", status_code=201, summary="Presse- und Öffentlichkeitsarbeit erfassen")
async def record_publicity(alliance_id: UUID, body: RecordPublicity, c: CoordinationDep) -> Created:
    """Der Netzwerk-Check von Schritt 5 fragt nach regelmäßiger Pressearbeit."""
    pid = await c.run(c.app.record_publicity, alliance_id=alliance_id, on=body.on, title=body.title,
                      medium=body.medium)
    return Created(id=pid)


@router.post("/anchorings", status_code=201, summary="Lokale Verankerung erfassen (Kooperation, Gremium)")
async def record_anchoring(alliance_id: UUID, body: RecordAnchoring, c: CoordinationDep) -> Created:
    aid = await c.run(c.app.record_anchoring, alliance_id=alliance_id, kind=body.kind.value, name=body.name,
                      since=body.since)
    return Created(id=aid)


@router.post("/commitments/{commitment_id}/progress", status_code=201, tags=["Zusagen"],
             summary="Fortschritt einer Zusage berichten")
async def report_progress(alliance_id: UUID, commitment_id: UUID, body: ReportProgress,
                          c: OwnerDep) -> ProgressReported:
    """Partner berichten über ihre eigenen Zusagen, die Koordination über alle."""
    await c.run(c.app.report_progress, alliance_id=alliance_id, commitment_id=commitment_id, on=body.on,
                text=body.text, percent=body.percent, amount=body.amount)
    return ProgressReported(commitment_id=commitment_id, on=body.on, text=body.text, percent=body.percent,
                            amount=body.amount)
