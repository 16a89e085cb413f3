"""Step 3 of the guide: the action plan (Aktionsplan), projects with owner, due date and status."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

from domain.alliance_parts.state import AllianceEvent, AllianceState
from domain.errors import NotFound, RuleViolation
from domain.personal_data import FreeText
from domain.records import Project
from domain.values import ProjectStatus


class ActionPlanPart(AllianceState):
    """The projects of the action plan; a project's status changes only to a different status."""

    class ProjectAdded(AllianceEvent):
        project_id: UUID
        title: str
        theme: str
        owner_id: UUID | None
        due_on: date | None

        def apply(self, a: AllianceState) -> None:
            a.projects[str(self.project_id)] = Project(
                self.project_id, self.title, self.theme, self.owner_id, self.due_on, ProjectStatus.PLANNED
            )

    def add_project(self, *, project_id: UUID, title: str, theme: str, owner_id: UUID | None,
                    due_on: date | None, by: str, at: datetime | None = None) -> None:
        self.require_open()
        self._require_new(self.projects, project_id, "Projekt")
        if owner_id is not None:
            self.actor(owner_id)
        self._emit(self.ProjectAdded, by, at, project_id=project_id, title=title, theme=theme,
                   owner_id=owner_id, due_on=due_on)

    class ProjectStatusChanged(AllianceEvent):
        project_id: UUID
        status: ProjectStatus
        reason: FreeText | None  # sealed since free texts are

        def apply(self, a: AllianceState) -> None:
            key = str(self.project_id)
            a.projects[key] = replace(a.projects[key], status=self.status)

    def change_project_status(self, *, project_id: UUID, status: ProjectStatus, reason: FreeText | None,
                              by: str, at: datetime | None = None) -> None:
        self.require_open()
        project = self.projects.get(str(project_id))
        if project is None:
            raise NotFound(f"Projekt {project_id} steht nicht im Aktionsplan dieses Bündnisses.")
        if project.status is status:
            raise RuleViolation(f"Das Projekt hat bereits den Status „{status.label}“.")
        self._emit(self.ProjectStatusChanged, by, at, project_id=project_id, status=status, reason=reason)
