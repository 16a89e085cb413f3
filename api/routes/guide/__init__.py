"""The routes of the guide's remaining commands, one module per part (as domain/commands/): steps and
status, team and contact persons, meetings and action items, steering and visibility. Who may call
is decided before the body is read (api/access.py)."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes.guide import life, meetings, steering, team

router = APIRouter()
for part in (life, team, meetings, steering):
    router.include_router(part.router)
