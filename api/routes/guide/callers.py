"""Who may call a route of the guide, decided before its body is read (401/403 before 400/404/422).

The Servicebüro may do everything, the Koordination everything in its alliance; a partner only what
concerns its own organisation: progress on its own commitments, the commitment for its own action item.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request

from api.routes.common import Caller, CallerDep
from domain.errors import NotFound

NOBODY = UUID(int=0)


def path_id(request: Request, name: str) -> UUID | None:
    """The id in the path; None when it is no UUID (the route's own validation says 422 then)."""
    raw = request.path_params.get(name)
    try:
        return UUID(str(raw)) if raw is not None else None
    except ValueError:
        return None


async def coordination(request: Request, c: CallerDep) -> Caller:
    """The Servicebüro or the alliance's Koordination: commands that run the alliance."""
    aid = path_id(request, "alliance_id")
    if aid is not None:
        c.principal.require_coordination(aid)
    return c


async def commitment_owner(request: Request, c: CallerDep) -> Caller:
    """The Servicebüro, the Koordination, or the partner whose commitment the path names."""
    aid, cid = path_id(request, "alliance_id"), path_id(request, "commitment_id")
    if aid is None:
        return c
    c.principal.require_alliance(aid)
    if c.principal.role == "partner" and cid is not None:
        try:
            commitment = await c.ctx.execute(partial(c.app.get_commitment, aid, cid))
        except NotFound:
            c.principal.require_partner(aid, NOBODY)  # a partner learns no more than "not yours"
            raise
        c.principal.require_partner(aid, commitment.partner_id)
    return c


async def action_item_owner(request: Request, c: CallerDep) -> Caller:
    """The Servicebüro, the Koordination, or the partner who owns the action item the path names."""
    aid, iid = path_id(request, "alliance_id"), path_id(request, "item_id")
    if aid is None:
        return c
    c.principal.require_alliance(aid)
    if c.principal.role == "partner" and iid is not None:
        alliance = await c.ctx.execute(partial(c.app.get_alliance, aid))
        item = alliance.action_items.get(str(iid))
        owner = item.owner_id if item is not None else None
        c.principal.require_partner(aid, owner or NOBODY)
    return c


CoordinationDep = Annotated[Caller, Depends(coordination)]
OwnerDep = Annotated[Caller, Depends(commitment_owner)]
ItemOwnerDep = Annotated[Caller, Depends(action_item_owner)]
