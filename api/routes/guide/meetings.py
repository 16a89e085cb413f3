"""Meetings as records: invitations, minutes, action items with owner and due date, and an action item
that becomes a tracked commitment of its owner."""

from __future__ import annotations

from functools import partial
from uuid import UUID

from fastapi import APIRouter, Response

from api.access import CoordinationDep, ItemOwnerDep
from api.answers import ActionItemDone, CommitmentCreated, Created, Invited, MinutesRecorded
from api.schemas import AddActionItem, InviteToMeeting, Nothing, PledgeForActionItem, RecordMinutes

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}", tags=["Treffen und Aufgaben"])


@router.post("/meetings/{meeting_id}/invitations", summary="Akteure zu einem Treffen einladen")
async def invite_to_meeting(alliance_id: UUID, meeting_id: UUID, body: InviteToMeeting, c: CoordinationDep) -> Invited:
    """Wer schon eingeladen ist, wird übergangen; die Antwort nennt, wer jetzt eingeladen wurde. Der
    Leitfaden rät, zu Bündnistreffen auch eher passive Partner einzuladen."""
    invited = await c.run(c.app.invite_to_meeting, *body.actor_ids, alliance_id=alliance_id, meeting_id=meeting_id,
                          actor_ids=body.actor_ids)
    return Invited(meeting_id=meeting_id, invited=invited)


@router.post("/meetings/{meeting_id}/minutes", summary="Protokoll eines Treffens erfassen")
async def record_minutes(alliance_id: UUID, meeting_id: UUID, body: RecordMinutes,
                         c: CoordinationDep) -> MinutesRecorded:
    await c.run(c.app.record_minutes, alliance_id=alliance_id, meeting_id=meeting_id, minutes=body.text)
    return MinutesRecorded(meeting_id=meeting_id)


@router.post("/meetings/{meeting_id}/action-items", status_code=201, summary="Aufgabe aus einem Treffen erfassen")
async def add_action_item(alliance_id: UUID, meeting_id: UUID, body: AddActionItem, c: CoordinationDep) -> Created:
    item_id = await c.run(c.app.add_action_item, body.owner_id, alliance_id=alliance_id, meeting_id=meeting_id,
                          text=body.text, owner_id=body.owner_id, due_on=body.due_on)
    return Created(id=item_id)


@router.post("/action-items/{item_id}/done", summary="Aufgabe als erledigt markieren")
async def complete_action_item(alliance_id: UUID, item_id: UUID, c: CoordinationDep,
                               body: Nothing | None = None) -> ActionItemDone:
    await c.run(c.app.complete_action_item, alliance_id=alliance_id, item_id=item_id)
    return ActionItemDone(id=item_id)


@router.post("/action-items/{item_id}/commitment", status_code=201, summary="Aus einer Aufgabe eine Zusage machen")
async def pledge_for_action_item(alliance_id: UUID, item_id: UUID, body: PledgeForActionItem, response: Response,
                                 c: ItemOwnerDep) -> CommitmentCreated:
    """Die verantwortliche Organisation der Aufgabe sagt zu, fällig zum Fälligkeitsdatum der Aufgabe;
    Aufgabe und Zusage verweisen aufeinander. Auch der Partner, dem die Aufgabe gehört, darf das."""
    cid = await c.run(c.app.pledge_for_action_item, alliance_id=alliance_id, item_id=item_id, kind=body.kind.value,
                      amount=body.amount, unit=body.unit, description=body.description)
    commitment = await c.ctx.execute(partial(c.app.get_commitment, alliance_id, cid))
    response.headers["Location"] = f"/api/v1/alliances/{alliance_id}/commitments/{cid}"
    return CommitmentCreated(id=cid, partner_id=commitment.partner_id, due_on=commitment.due_on, action_item_id=item_id)
