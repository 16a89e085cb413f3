"""Step 5 of the guide, steering the network: working groups, the steering group, self-assessments
and the legal form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

from domain import values as v
from domain.alliance import Alliance
from domain.commands.base import SEALED, AllianceCommand, Change, Context, Handles, sealed_optional


@dataclass(frozen=True, kw_only=True)
class FormWorkingGroup(AllianceCommand[UUID]):
    """A working group on a theme, its name unique in the alliance, with an optional speaker (an
    actor). Answers its id."""

    name: str
    theme: str
    speaker_id: UUID | None = None

    def check(self) -> Change[Alliance, UUID]:
        group_id = uuid4()
        name = v.require_text(self.name, "Der Name der Arbeitsgruppe", 200)
        theme = v.require_text(self.theme, "Das Thema", 200)

        def change(a: Alliance, ctx: Context) -> UUID:
            a.form_working_group(group_id=group_id, name=name, theme=theme, speaker_id=self.speaker_id,
                                 by=ctx.by, at=ctx.now())
            return group_id

        return change


@dataclass(frozen=True, kw_only=True)
class AppointSpeaker(AllianceCommand[None]):
    """One of the alliance's actors becomes the working group's speaker (Sprecher/in)."""

    group_id: UUID
    speaker_id: UUID

    def check(self) -> Change[Alliance, None]:
        return lambda a, ctx: a.appoint_speaker(group_id=self.group_id, speaker_id=self.speaker_id, by=ctx.by,
                                                at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class JoinWorkingGroup(AllianceCommand[None]):
    """One of the alliance's actors joins a working group, once."""

    group_id: UUID
    actor_id: UUID

    def check(self) -> Change[Alliance, None]:
        return lambda a, ctx: a.join_working_group(group_id=self.group_id, actor_id=self.actor_id, by=ctx.by,
                                                   at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class SetSteeringGroup(AllianceCommand[None]):
    """The steering group is these actors (at least one, each named once), with an optional reason."""

    member_ids: list[UUID]
    reason: str | None = field(default=None, repr=False, metadata=SEALED)

    def check(self) -> Change[Alliance, None]:
        why = v.optional_text(self.reason, "Der Grund")
        return lambda a, ctx: a.set_steering_group(member_ids=list(self.member_ids),
                                                   reason=sealed_optional(a, ctx, why), by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class RecordSelfAssessment(AllianceCommand[None]):
    """The self-assessment in the six dimensions, at most one per day."""

    on: date
    scores: dict[str, int]

    def check(self) -> Change[Alliance, None]:
        checked = v.require_scores(self.scores)
        return lambda a, ctx: a.record_self_assessment(on=self.on, scores=checked, by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class SetLegalForm(AllianceCommand[None]):
    """The alliance's legal form (loose circle, Arbeitskreis, e. V., other) changes to another."""

    legal_form: str

    def check(self) -> Change[Alliance, None]:
        code = v.parse_code(v.LegalForm, self.legal_form, "Rechtsform")
        return lambda a, ctx: a.set_legal_form(legal_form=code, by=ctx.by, at=ctx.now())


class SteeringCommands(Handles):
    """The commands of step 5 as methods of the application."""

    def form_working_group(self, alliance_id: UUID, *, name: str, theme: str, speaker_id: UUID | None = None,
                           by: str, command_id: str | None = None) -> UUID:
        return self.handle(FormWorkingGroup(alliance_id=alliance_id, name=name, theme=theme, speaker_id=speaker_id),
                           by=by, command_id=command_id)

    def appoint_speaker(self, alliance_id: UUID, group_id: UUID, *, speaker_id: UUID, by: str,
                        command_id: str | None = None) -> None:
        self.handle(AppointSpeaker(alliance_id=alliance_id, group_id=group_id, speaker_id=speaker_id), by=by,
                    command_id=command_id)

    def join_working_group(self, alliance_id: UUID, group_id: UUID, *, actor_id: UUID, by: str,
                           command_id: str | None = None) -> None:
        self.handle(JoinWorkingGroup(alliance_id=alliance_id, group_id=group_id, actor_id=actor_id), by=by,
                    command_id=command_id)

    def set_steering_group(self, alliance_id: UUID, *, member_ids: list[UUID], reason: str | None = None,
                           by: str, command_id: str | None = None) -> None:
        self.handle(SetSteeringGroup(alliance_id=alliance_id, member_ids=member_ids, reason=reason), by=by,
                    command_id=command_id)

    def record_self_assessment(self, alliance_id: UUID, *, on: date, scores: dict[str, int], by: str,
                               command_id: str | None = None) -> None:
        self.handle(RecordSelfAssessment(alliance_id=alliance_id, on=on, scores=scores), by=by, command_id=command_id)

    def set_legal_form(self, alliance_id: UUID, *, legal_form: str, by: str, command_id: str | None = None) -> None:
        self.handle(SetLegalForm(alliance_id=alliance_id, legal_form=legal_form), by=by, command_id=command_id)
