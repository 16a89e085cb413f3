"""Step 3 of the guide: the action plan (Aktionsplan), its projects and their status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

from domain import values as v
from domain.alliance import Alliance
from domain.commands.base import SEALED, AllianceCommand, Change, Context, Handles, sealed_optional


@dataclass(frozen=True, kw_only=True)
class AddProject(AllianceCommand[UUID]):
    """A project enters the action plan as planned, with a theme, an optional owner (an actor) and
    due date. Answers its id."""

    title: str
    theme: str
    owner_id: UUID | None = None
    due_on: date | None = None

    def check(self) -> Change[Alliance, UUID]:
        project_id = uuid4()
        title = v.require_text(self.title, "Der Titel des Projekts", 200)
        theme = v.require_text(self.theme, "Das Thema", 200)

        def change(a: Alliance, ctx: Context) -> UUID:
            a.add_project(project_id=project_id, title=title, theme=theme, owner_id=self.owner_id,
                          due_on=self.due_on, by=ctx.by, at=ctx.now())
            return project_id

        return change


@dataclass(frozen=True, kw_only=True)
class ChangeProjectStatus(AllianceCommand[None]):
    """A project of the action plan moves to another status, with an optional reason."""

    project_id: UUID
    status: str
    reason: str | None = field(default=None, repr=False, metadata=SEALED)

    def check(self) -> Change[Alliance, None]:
        code = v.parse_code(v.ProjectStatus, self.status, "Projektstatus")
        why = v.optional_text(self.reason, "Der Grund")
        return lambda a, ctx: a.change_project_status(project_id=self.project_id, status=code,
                                                      reason=sealed_optional(a, ctx, why), by=ctx.by, at=ctx.now())


class ActionPlanCommands(Handles):
    """The commands on the action plan as methods of the application."""

    def add_project(self, alliance_id: UUID, *, title: str, theme: str, owner_id: UUID | None = None,
                    due_on: date | None = None, by: str, command_id: str | None = None) -> UUID:
        return self.handle(AddProject(alliance_id=alliance_id, title=title, theme=theme, owner_id=owner_id,
                                      due_on=due_on), by=by, command_id=command_id)

    def change_project_status(self, alliance_id: UUID, project_id: UUID, *, status: str,
                              reason: str | None = None, by: str, command_id: str | None = None) -> None:
        self.handle(ChangeProjectStatus(alliance_id=alliance_id, project_id=project_id, status=status,
                                        reason=reason), by=by, command_id=command_id)
