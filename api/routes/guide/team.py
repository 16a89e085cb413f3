"""Step 2 and the people: further actors to win and their invitation, leaving the team, contact persons
and their erasure (GDPR)."""

from __future__ import annotations

from functools import partial
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.access import CoordinationDep
from api.answers import CandidateInvited, ContactPerson, ContactPersons, Created, Erased
from api.paging import MAX_PAGE, Cursor, page
from api.routes.common import Caller
from api.schemas import AddContactPerson, EraseContactPerson, InviteCandidate, ListCandidate
from api.text_fields import OPTIONAL
from domain.errors import NotFound

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}", tags=["Bündnisteam und Ansprechpersonen"])
Reason = Annotated[str | None, Query(max_length=2000, pattern=OPTIONAL, description="Grund (optional)")]


@router.post("/candidates", status_code=201, summary="Weiteren Akteur auf die Liste setzen")
async def list_candidate(alliance_id: UUID, body: ListCandidate, response: Response, c: CoordinationDep) -> Created:
    """Weitere Akteure, die für das Bündnis gewonnen werden sollen (Schritt 2)."""
    cid = await c.run(c.app.list_candidate, alliance_id=alliance_id, name=body.name, sector=body.sector.value)
    response.headers["Location"] = f"/api/v1/alliances/{alliance_id}#kandidat-{cid}"
    return Created(id=cid)


@router.post("/candidates/{candidate_id}/invitation", summary="Einladung eines weiteren Akteurs erfassen")
async def invite_candidate(alliance_id: UUID, candidate_id: UUID, body: InviteCandidate,
                           c: CoordinationDep) -> CandidateInvited:
    await c.run(c.app.invite_candidate, alliance_id=alliance_id, candidate_id=candidate_id, on=body.on)
    return CandidateInvited(id=candidate_id, invited_on=body.on)


@router.delete("/team-members/{actor_id}", status_code=204, summary="Akteur aus dem Bündnisteam nehmen")
async def remove_team_member(alliance_id: UUID, actor_id: UUID, c: CoordinationDep, reason: Reason = None) -> Response:
    await c.run(c.app.remove_team_member, alliance_id=alliance_id, actor_id=actor_id, reason=reason)
    return Response(status_code=204)


@router.post("/actors/{actor_id}/contact-persons", status_code=201, summary="Ansprechperson erfassen")
async def add_contact_person(alliance_id: UUID, actor_id: UUID, body: AddContactPerson, c: CoordinationDep) -> Created:
    """Name, E-Mail, Telefon und Funktion werden mit einem Schlüssel der Person verschlüsselt gespeichert."""
    person_id = await c.run(c.app.add_contact_person, alliance_id=alliance_id, actor_id=actor_id, name=body.name,
                            email=body.email, phone=body.phone, role=body.role)
    return Created(id=person_id)


def _person(c: Caller, alliance_id: UUID, person_id: UUID, actor_id: UUID, erased: bool) -> ContactPerson:
    data = None if erased else c.app.contact_person(alliance_id, person_id)
    if data is None:
        return ContactPerson(id=person_id, actor_id=actor_id, erased=True)
    return ContactPerson(id=person_id, actor_id=actor_id, erased=False, name=data.name, email=data.email,
                         phone=data.phone, role=data.role)


@router.get("/contact-persons", summary="Ansprechpersonen (gelöschte ohne Daten)")
async def list_contact_persons(alliance_id: UUID, c: CoordinationDep, cursor: Cursor = None,
                               limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100) -> ContactPersons:
    alliance = await c.ctx.execute(partial(c.app.get_alliance, alliance_id))
    shown = page(list(alliance.persons.values()), cursor, limit)  # only this page's people are unsealed
    return ContactPersons(items=[_person(c, alliance_id, p.id, p.actor_id, p.erased) for p in shown["items"]],
                          next=shown["next"])


@router.get("/contact-persons/{person_id}", summary="Eine Ansprechperson")
async def get_contact_person(alliance_id: UUID, person_id: UUID, c: CoordinationDep) -> ContactPerson:
    alliance = await c.ctx.execute(partial(c.app.get_alliance, alliance_id))
    person = alliance.persons.get(str(person_id))
    if person is None:
        raise NotFound(f"Ansprechperson {person_id} gehört nicht zu diesem Bündnis.")
    return _person(c, alliance_id, person.id, person.actor_id, person.erased)


@router.post("/contact-persons/{person_id}/erasure", summary="Personenbezogene Daten löschen (Art. 17 DSGVO)")
async def erase_contact_person(alliance_id: UUID, person_id: UUID, body: EraseContactPerson,
                               c: CoordinationDep) -> Erased:
    """Der Schlüssel der Person wird vernichtet: ihre Daten sind danach nirgends mehr lesbar; die Löschung,
    wer sie veranlasst hat und ihr Grund bleiben im Prüfpfad."""
    await c.run(c.app.erase_contact_person, alliance_id=alliance_id, person_id=person_id,
                reason_code=body.reason_code.value)
    return Erased(id=person_id)
