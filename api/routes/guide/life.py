"""The alliance's life: reopening a step, pausing, resuming, dissolving, its legal form."""

from __future__ import annotations

from functools import partial
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path

from api.access import CoordinationDep
from api.answers import LegalFormAnswer, StatusAnswer, StepAnswer
from api.routes.common import Caller
from api.schemas import ChangeStatus, Dissolve, ReopenStep, SetLegalForm

router = APIRouter(prefix="/api/v1/alliances/{alliance_id}", tags=["Bündnisse"])
Step = Annotated[int, Path(ge=1, le=5, description="ein abgeschlossener Schritt (1–4)")]


@router.post("/steps/{n}/reopen", summary="Abgeschlossenen Schritt wieder öffnen")
async def reopen_step(alliance_id: UUID, n: Step, body: ReopenStep, c: CoordinationDep) -> StepAnswer:
    """Das Bündnis kehrt in Schritt n zurück; der Grund bleibt im Prüfpfad."""
    step = await c.run(c.app.reopen_step, alliance_id=alliance_id, step=n, reason=body.reason)
    return StepAnswer(step=step)


async def _status(c: Caller, alliance_id: UUID) -> StatusAnswer:
    alliance = await c.ctx.execute(partial(c.app.get_alliance, alliance_id))
    return StatusAnswer(status=alliance.status)


@router.post("/pause", summary="Bündnis ruhen lassen")
async def pause(alliance_id: UUID, c: CoordinationDep, body: ChangeStatus | None = None) -> StatusAnswer:
    """Die Zeit, in der es ruht, zählt nicht als Zeit im Schritt."""
    await c.run(c.app.pause, alliance_id=alliance_id, reason=body.reason if body else None)
    return await _status(c, alliance_id)


@router.post("/resume", summary="Ruhendes Bündnis wieder aufnehmen")
async def resume(alliance_id: UUID, c: CoordinationDep, body: ChangeStatus | None = None) -> StatusAnswer:
    await c.run(c.app.resume, alliance_id=alliance_id, reason=body.reason if body else None)
    return await _status(c, alliance_id)


@router.post("/dissolve", summary="Bündnis auflösen")
async def dissolve(alliance_id: UUID, body: Dissolve, c: CoordinationDep) -> StatusAnswer:
    """Ein aufgelöstes Bündnis nimmt keine Änderungen mehr an; der Grund ist Pflicht."""
    await c.run(c.app.dissolve, alliance_id=alliance_id, reason=body.reason)
    return await _status(c, alliance_id)


@router.put("/legal-form", summary="Rechtsform festlegen")
async def set_legal_form(alliance_id: UUID, body: SetLegalForm, c: CoordinationDep) -> LegalFormAnswer:
    await c.run(c.app.set_legal_form, alliance_id=alliance_id, legal_form=body.legal_form.value)
    return LegalFormAnswer(legal_form=body.legal_form)
