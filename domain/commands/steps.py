"""The alliance's life: registered, moved through the guide's steps, dormant, dissolved."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID, uuid4

from domain import values as v
from domain.alliance import Alliance
from domain.commands.base import (
    SEALED,
    AllianceCommand,
    Change,
    Command,
    Context,
    Decide,
    Handles,
    Work,
    sealed_optional,
    sealed_text,
)


@dataclass(frozen=True, kw_only=True)
class RegisterAlliance(Command[UUID]):
    """A new alliance in a municipality of a Bundesland starts in step 1. Answers its id."""

    name: str
    municipality: str
    state: str

    def plan(self) -> Decide[UUID]:
        name = v.require_text(self.name, "Der Name des Bündnisses", 200)
        municipality = v.require_text(self.municipality, "Die Kommune", 200)
        state = v.parse_code(v.Bundesland, self.state, "Bundesland")

        def decide(ctx: Context) -> Work[UUID]:
            alliance = Alliance._create(Alliance.Registered, id=uuid4(), timestamp=ctx.now(), by=ctx.by,
                                        name=name, municipality=municipality, state=state)
            return Work(alliance.id, alliance)

        return decide


@dataclass(frozen=True, kw_only=True)
class CompleteStep(AllianceCommand[int]):
    """The current step (1 to 4) is completed by a coordinator's confirmation once its exit criterion
    holds, or with a written justification when it does not; not while the alliance is dormant.
    Answers the step the alliance is in now."""

    step: int
    justification: str | None = field(default=None, repr=False, metadata=SEALED)

    def check(self) -> Change[Alliance, int]:
        why = v.optional_text(self.justification, "Die Begründung")

        def change(a: Alliance, ctx: Context) -> int:
            a.complete_step(step=self.step, justification=sealed_optional(a, ctx, why), policy=ctx.policy, by=ctx.by,
                            at=ctx.now())
            return a.step

        return change


@dataclass(frozen=True, kw_only=True)
class ReopenStep(AllianceCommand[int]):
    """A completed step is opened again, with a reason. Answers the step the alliance is in now."""

    step: int
    reason: str = field(repr=False, metadata=SEALED)

    def check(self) -> Change[Alliance, int]:
        why = v.require_text(self.reason, "Der Grund für das Wiederöffnen")

        def change(a: Alliance, ctx: Context) -> int:
            a.reopen_step(step=self.step, reason=sealed_text(a, ctx, why), by=ctx.by, at=ctx.now())
            return a.step

        return change


@dataclass(frozen=True, kw_only=True)
class Pause(AllianceCommand[None]):
    """An active alliance becomes dormant; the time it rests does not count as time in its step."""

    reason: str | None = field(default=None, repr=False, metadata=SEALED)

    def check(self) -> Change[Alliance, None]:
        why = v.optional_text(self.reason, "Der Grund")
        return lambda a, ctx: a.pause(reason=sealed_optional(a, ctx, why), by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class Resume(AllianceCommand[None]):
    """A dormant alliance becomes active again."""

    reason: str | None = field(default=None, repr=False, metadata=SEALED)

    def check(self) -> Change[Alliance, None]:
        why = v.optional_text(self.reason, "Der Grund")
        return lambda a, ctx: a.resume(reason=sealed_optional(a, ctx, why), by=ctx.by, at=ctx.now())


@dataclass(frozen=True, kw_only=True)
class Dissolve(AllianceCommand[None]):
    """The alliance is dissolved, with a reason; it takes no further changes."""

    reason: str = field(repr=False, metadata=SEALED)

    def check(self) -> Change[Alliance, None]:
        why = v.require_text(self.reason, "Der Grund der Auflösung")
        return lambda a, ctx: a.dissolve(reason=sealed_text(a, ctx, why), by=ctx.by, at=ctx.now())


class StepCommands(Handles):
    """The commands on the alliance's life as methods of the application."""

    def register_alliance(self, *, name: str, municipality: str, state: str, by: str,
                          command_id: str | None = None) -> UUID:
        return self.handle(RegisterAlliance(name=name, municipality=municipality, state=state), by=by,
                           command_id=command_id)

    def complete_step(self, alliance_id: UUID, step: int, *, justification: str | None = None, by: str,
                      expected_version: int | None = None, command_id: str | None = None) -> int:
        return self.handle(CompleteStep(alliance_id=alliance_id, step=step, justification=justification,
                                        expected_version=expected_version), by=by, command_id=command_id)

    def reopen_step(self, alliance_id: UUID, step: int, *, reason: str, by: str,
                    expected_version: int | None = None, command_id: str | None = None) -> int:
        return self.handle(ReopenStep(alliance_id=alliance_id, step=step, reason=reason,
                                      expected_version=expected_version), by=by, command_id=command_id)

    def pause(self, alliance_id: UUID, *, reason: str | None = None, by: str, command_id: str | None = None) -> None:
        self.handle(Pause(alliance_id=alliance_id, reason=reason), by=by, command_id=command_id)

    def resume(self, alliance_id: UUID, *, reason: str | None = None, by: str, command_id: str | None = None) -> None:
        self.handle(Resume(alliance_id=alliance_id, reason=reason), by=by, command_id=command_id)

    def dissolve(self, alliance_id: UUID, *, reason: str, by: str, command_id: str | None = None) -> None:
        self.handle(Dissolve(alliance_id=alliance_id, reason=reason), by=by, command_id=command_id)
