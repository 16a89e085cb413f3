"""Commitments (Zusagen): pledge, confirm, fulfil, withdraw, amend, and the list as of any date."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.access import MemberDep, OwnerDep
from api.calendar_fields import AsOf
from api.paging import Cursor, page
from api.read_answers import Commitment, CommitmentFulfilled, CommitmentPage, CommitmentPledged, CommitmentState
from api.schemas import (
    AmendCommitment,
    FulfilCommitment,
    Nothing,
    PledgeCommitment,
    WithdrawCommitment,
)
from api.views import commitment_view
from api.visibility import commitments_view

Stichtag = Annotated[AsOf, Query(description="Datum oder Zeitpunkt mit Zone")]


def _iso(d: Any) -> str | None:
    return None if d is None else str(d.isoformat())


router = APIRouter(prefix="/api/v1/alliances/{alliance_id}/commitments", tags=["Zusagen"])


@router.post("", status_code=201, summary="Zusage erfassen", response_model=CommitmentPledged)
async def pledge(alliance_id: UUID, body: PledgeCommitment, response: Response, c: MemberDep) -> dict[str, Any]:
    c.principal.require_partner(alliance_id, body.partner_id)
    cid = await c.run(
        c.app.pledge_commitment,
        body.partner_id,
        alliance_id=alliance_id,
        partner_id=body.partner_id,
        description=body.description,
        kind=body.kind.value,
        amount=body.amount,
        unit=body.unit,
        due_on=body.due_on,
    )
    response.headers["Location"] = f"/api/v1/alliances/{alliance_id}/commitments/{cid}"
    return {"id": str(cid), "status": "pledged"}


@router.get("", summary="Zusagen, wie sie zu einem Stichtag standen", response_model=CommitmentPage)
def list_commitments(
    alliance_id: UUID,
    c: MemberDep,
    as_of: Stichtag = None,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 500,
) -> dict[str, Any]:
    """A partner reads only its own organisation's commitments."""
    text = c.app.texts_of(alliance_id)
    items = commitments_view(c.principal, [commitment_view(x, text=text)
                                           for x in c.app.commitments(alliance_id, as_of)])
    return {**page(items, cursor, limit), "as_of": as_of.isoformat() if as_of else None}


@router.get("/{commitment_id}", summary="Eine Zusage", response_model=Commitment)
def get_commitment(alliance_id: UUID, commitment_id: UUID, c: OwnerDep) -> dict[str, Any]:
    return commitment_view(c.app.get_commitment(alliance_id, commitment_id), text=c.app.texts_of(alliance_id))


@router.post("/{commitment_id}/confirm", summary="Zusage bestätigen", response_model=CommitmentState)
async def confirm(alliance_id: UUID, commitment_id: UUID, c: OwnerDep, body: Nothing | None = None) -> dict[str, Any]:
    status = await c.run(c.app.confirm_commitment, alliance_id=alliance_id, commitment_id=commitment_id)
    return {"status": str(status)}


@router.post("/{commitment_id}/fulfil", summary="Zusage als erfüllt erfassen", response_model=CommitmentFulfilled)
async def fulfil(
    alliance_id: UUID, commitment_id: UUID, c: OwnerDep, body: FulfilCommitment | None = None
) -> dict[str, Any]:
    status = await c.run(
        c.app.fulfil_commitment,
        alliance_id=alliance_id,
        commitment_id=commitment_id,
        on=body.on if body else None,
        note=body.note if body else None,
    )
    # A yearly commitment goes on with its next period: say which, and when it is due.
    commitment = c.app.get_commitment(alliance_id, commitment_id)
    return {"status": str(status), "period": commitment.period, "due_on": _iso(commitment.due_on),
            "fulfilled_periods": [p.period for p in commitment.past_periods if p.fulfilled_on]}


@router.post("/{commitment_id}/withdraw", summary="Zusage zurückziehen", response_model=CommitmentState)
async def withdraw(alliance_id: UUID, commitment_id: UUID, body: WithdrawCommitment, c: OwnerDep) -> dict[str, Any]:
    status = await c.run(
        c.app.withdraw_commitment,
        alliance_id=alliance_id,
        commitment_id=commitment_id,
        reason=body.reason,
    )
    return {"status": str(status)}


@router.post("/{commitment_id}/amend", summary="Zusage ändern", response_model=CommitmentState)
async def amend(alliance_id: UUID, commitment_id: UUID, body: AmendCommitment, c: OwnerDep) -> dict[str, Any]:
    status = await c.run(
        c.app.amend_commitment,
        alliance_id=alliance_id,
        commitment_id=commitment_id,
        reason=body.reason,
        description=body.description,
        amount=body.amount,
        due_on=body.due_on,
    )
    return {"status": str(status)}
