"""Who may call a route, decided before its body is read: an unauthorised caller learns nothing
about the body's validity or the ids' existence (401/403 come before 400/404/422).

The Servicebüro may do everything, the Koordination everything in its alliance; a partner only what
concerns its own organisation (its alliance's public view, its own commitments and action items).
Each route names its class by the dependency it takes (`OfficeDep`, `CoordinationDep`, ...);
tests/api/test_authorization_matrix.py holds the expected answer of every route for every role.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request

from api.routes.common import Caller, CallerDep
from api.visibility import documents_allowed, export_scope
from domain.errors import NotFound

OwnerOf = Callable[[Caller, UUID, UUID], Awaitable[UUID | None]]  # who owns the id, None: nobody
NOBODY = UUID(int=0)  # the partner no partner is: "not yours" without saying whether the id exists


def _path_id(request: Request, name: str) -> UUID | None:
    """The id in the path; None when it is no UUID (the route's own validation says 422 then)."""
    raw = request.path_params.get(name)
    try:
        return UUID(str(raw)) if raw is not None else None
    except ValueError:
        return None


async def office(c: CallerDep) -> Caller:
    """The Servicebüro only: the fleet, the audit check, registering alliances."""
    c.principal.require_servicebuero()
    return c


async def alliance_member(request: Request, c: CallerDep) -> Caller:
    """Anyone of the alliance in the path (what a partner then sees is cut by api/visibility.py)."""
    aid = _path_id(request, "alliance_id")
    if aid is not None:
        c.principal.require_alliance(aid)
    return c


async def coordination(request: Request, c: CallerDep) -> Caller:
    """The Servicebüro or the alliance's Koordination: commands that run the alliance."""
    aid = _path_id(request, "alliance_id")
    if aid is not None:
        c.principal.require_coordination(aid)
    return c


async def document_reader(request: Request, c: CallerDep) -> Caller:
    """The Servicebüro or the alliance's Koordination: the Werkzeugbox names organisations and people."""
    aid = _path_id(request, "alliance_id")
    if aid is not None:
        documents_allowed(c.principal, aid)
    return c


async def exporter(c: CallerDep) -> Caller:
    """The Servicebüro or a Koordination (its own alliance only; `?alliance=` is checked with the
    query, api/visibility.py export_scope); partners get no export."""
    export_scope(c.principal, c.principal.alliance_id)
    return c


async def commitment_owner(request: Request, c: CallerDep) -> Caller:
    """The Servicebüro, the Koordination, or the partner whose commitment the path names."""
    return await _partner_owns(request, c, "commitment_id", _commitment_partner)


async def action_item_owner(request: Request, c: CallerDep) -> Caller:
    """The Servicebüro, the Koordination, or the partner who owns the action item the path names."""
    return await _partner_owns(request, c, "item_id", _item_owner)


async def _partner_owns(request: Request, c: Caller, name: str, owner_of: OwnerOf) -> Caller:
    """Anyone of the alliance but a partner; a partner only when it owns what the path's `name` names.
    A partner learns no more about other ids than that they are not its own (403, never 404)."""
    aid, oid = _path_id(request, "alliance_id"), _path_id(request, name)
    if aid is None:
        return c
    c.principal.require_alliance(aid)
    if c.principal.role == "partner" and oid is not None:
        c.principal.require_partner(aid, await owner_of(c, aid, oid) or NOBODY)
    return c


async def _commitment_partner(c: Caller, aid: UUID, cid: UUID) -> UUID | None:
    try:
        commitment = await c.ctx.execute(partial(c.app.get_commitment, aid, cid))
    except NotFound:
        return None
    return commitment.partner_id


async def _item_owner(c: Caller, aid: UUID, iid: UUID) -> UUID | None:
    alliance = await c.ctx.execute(partial(c.app.get_alliance, aid))
    item = alliance.action_items.get(str(iid))
    return item.owner_id if item is not None else None


OfficeDep = Annotated[Caller, Depends(office)]
MemberDep = Annotated[Caller, Depends(alliance_member)]
CoordinationDep = Annotated[Caller, Depends(coordination)]
OwnerDep = Annotated[Caller, Depends(commitment_owner)]
ItemOwnerDep = Annotated[Caller, Depends(action_item_owner)]
DocumentsDep = Annotated[Caller, Depends(document_reader)]
ExportsDep = Annotated[Caller, Depends(exporter)]
