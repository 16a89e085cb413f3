"""Step 2 of the guide: the alliance team, its goals, and the further actors to win."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

from domain import values as v
from domain.alliance import Alliance
from domain.commands.base import SEALED, AllianceCommand, Change, Context, Handles, sealed_optional


@dataclass(frozen=True, kw_only=True)
class AddTeamMember(AllianceCommand[None]):
    """One of the alliance's actors joins the alliance team (Bündnisteam), once."""

    actor_id: UUID

    def check(self) -> Change[Alliance, None]:
        return lambda a, ctx: a.add_team_member(actor_id=self.actor_id, by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class RemoveTeamMember(AllianceCommand[None]):
    """A member leaves the alliance team, with an optional reason."""

    actor_id: UUID
    reason: str | None = field(default=None, repr=False, metadata=SEALED)

    def check(self) -> Change[Alliance, None]:
        why = v.optional_text(self.reason, "Der Grund")
        return lambda a, ctx: a.remove_team_member(actor_id=self.actor_id, reason=sealed_optional(a, ctx, why),
                                                   by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class RecordGoal(AllianceCommand[UUID]):
    """A goal or theme the team agreed on. Answers its id."""

    text: str

    def check(self) -> Change[Alliance, UUID]:
        goal_id, checked = uuid4(), v.require_text(self.text, "Das Ziel")

        def change(a: Alliance, ctx: Context) -> UUID:
            a.record_goal(goal_id=goal_id, text=checked, by=ctx.by, at=ctx.now())
            return goal_id

        return change


@dataclass(frozen=True, kw_only=True)
class ListCandidate(AllianceCommand[UUID]):
    """A further actor to win goes on the alliance's list (step 2). Answers its id."""

    name: str
    sector: str

    def check(self) -> Change[Alliance, UUID]:
        candidate_id = uuid4()
        text, code = v.require_text(self.name, "Der Name", 200), v.parse_code(v.Sector, self.sector, "Akteurstyp")

        def change(a: Alliance, ctx: Context) -> UUID:
            a.list_candidate(candidate_id=candidate_id, name=text, sector=code, by=ctx.by, at=ctx.now())
            return candidate_id

        return change


@dataclass(frozen=True, kw_only=True)
class InviteCandidate(AllianceCommand[None]):
    """A listed further actor is invited (step 3)."""

    candidate_id: UUID
    on: date

    def check(self) -> Change[Alliance, None]:
        return lambda a, ctx: a.invite_candidate(candidate_id=self.candidate_id, on=self.on, by=ctx.by, at=ctx.now())


class TeamCommands(Handles):
    """The commands of step 2 as methods of the application."""

    def add_team_member(self, alliance_id: UUID, *, actor_id: UUID, by: str, command_id: str | None = None) -> None:
        self.handle(AddTeamMember(alliance_id=alliance_id, actor_id=actor_id), by=by, command_id=command_id)

    def remove_team_member(self, alliance_id: UUID, *, actor_id: UUID, reason: str | None = None, by: str,
                           command_id: str | None = None) -> None:
        self.handle(RemoveTeamMember(alliance_id=alliance_id, actor_id=actor_id, reason=reason), by=by,
                    command_id=command_id)

    def record_goal(self, alliance_id: UUID, *, text: str, by: str, command_id: str | None = None) -> UUID:
        return self.handle(RecordGoal(alliance_id=alliance_id, text=text), by=by, command_id=command_id)

    def list_candidate(self, alliance_id: UUID, *, name: str, sector: str, by: str,
                       command_id: str | None = None) -> UUID:
        return self.handle(ListCandidate(alliance_id=alliance_id, name=name, sector=sector), by=by,
                           command_id=command_id)

    def invite_candidate(self, alliance_id: UUID, *, candidate_id: UUID, on: date, by: str,
                         command_id: str | None = None) -> None:
        self.handle(InviteCandidate(alliance_id=alliance_id, candidate_id=candidate_id, on=on), by=by,
                    command_id=command_id)
