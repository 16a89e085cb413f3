"""Step 2 of the guide: the alliance team, its first goals and the further actors to win."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from uuid import UUID

from domain.alliance_parts.state import AllianceEvent, AllianceState
from domain.errors import NotFound, RuleViolation
from domain.personal_data import FreeText
from domain.records import Candidate, Goal
from domain.values import Sector


class TeamPart(AllianceState):
    """The team (actors of the alliance), goals, and candidates listed in step 2 and invited in step 3."""

    class TeamMemberAdded(AllianceEvent):
        actor_id: UUID

        def apply(self, a: AllianceState) -> None:
            a.team.append(str(self.actor_id))

    def add_team_member(self, *, actor_id: UUID, by: str, at: datetime | None = None) -> None:
        self.require_open()
        actor = self.actor(actor_id)
        if str(actor_id) in self.team:
            raise RuleViolation(f"{actor.name} gehört bereits zum Bündnisteam.")
        self._emit(self.TeamMemberAdded, by, at, actor_id=actor_id)

    class TeamMemberRemoved(AllianceEvent):
        actor_id: UUID
        reason: FreeText | None  # sealed since free texts are

        def apply(self, a: AllianceState) -> None:
            a.team.remove(str(self.actor_id))

    def remove_team_member(self, *, actor_id: UUID, reason: FreeText | None, by: str,
                           at: datetime | None = None) -> None:
        self.require_open()
        actor = self.actor(actor_id)
        if str(actor_id) not in self.team:
            raise RuleViolation(f"{actor.name} gehört nicht zum Bündnisteam.")
        self._emit(self.TeamMemberRemoved, by, at, actor_id=actor_id, reason=reason)

    class GoalRecorded(AllianceEvent):
        goal_id: UUID
        text: str

        def apply(self, a: AllianceState) -> None:
            a.goals[str(self.goal_id)] = Goal(self.goal_id, self.text)

    def record_goal(self, *, goal_id: UUID, text: str, by: str, at: datetime | None = None) -> None:
        self.require_open()
        self._require_new(self.goals, goal_id, "Ziel")
        self._emit(self.GoalRecorded, by, at, goal_id=goal_id, text=text)

    class CandidateListed(AllianceEvent):
        candidate_id: UUID
        name: str
        sector: Sector

        def apply(self, a: AllianceState) -> None:
            a.candidates[str(self.candidate_id)] = Candidate(self.candidate_id, self.name, self.sector, None)

    def list_candidate(self, *, candidate_id: UUID, name: str, sector: Sector, by: str,
                       at: datetime | None = None) -> None:
        self.require_open()
        self._require_new(self.candidates, candidate_id, "Weiterer Akteur")
        self._emit(self.CandidateListed, by, at, candidate_id=candidate_id, name=name, sector=sector)

    class CandidateInvited(AllianceEvent):
        candidate_id: UUID
        on: date

        def apply(self, a: AllianceState) -> None:
            key = str(self.candidate_id)
            a.candidates[key] = replace(a.candidates[key], invited_on=self.on)

    def invite_candidate(self, *, candidate_id: UUID, on: date, by: str, at: datetime | None = None) -> None:
        self.require_open()
        if str(candidate_id) not in self.candidates:
            raise NotFound(f"Weiterer Akteur {candidate_id} steht nicht auf der Liste dieses Bündnisses.")
        self._emit(self.CandidateInvited, by, at, candidate_id=candidate_id, on=on)
