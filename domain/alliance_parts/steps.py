"""The step machine and the alliance's status: completing and reopening steps, pause, resume, dissolve."""

from __future__ import annotations

from datetime import datetime

from domain.alliance_parts.state import AllianceEvent, AllianceState
from domain.errors import InvalidInput, RuleViolation
from domain.personal_data import FreeText
from domain.steps import LAST_STEP, StepPolicy


class StepsPart(AllianceState):
    """A step is completed by a coordinator's confirmation once its exit criterion holds, or with a
    written justification when it does not; a step can be reopened with a reason; a dissolved
    alliance takes no further changes; a dormant one cannot move between steps."""

    class StepCompleted(AllianceEvent):
        """`unmet` holds the criteria that did not hold and were overridden by `justification`."""

        step: int
        justification: FreeText | None  # sealed since free texts are
        unmet: list[str]

        def apply(self, a: AllianceState) -> None:
            a.step = self.step + 1
            a.step_entered_at = self.timestamp

    def complete_step(self, *, step: int, justification: FreeText | None, policy: StepPolicy, by: str,
                      at: datetime | None = None) -> None:
        self.require_open()
        if self.paused:
            raise RuleViolation("Das Bündnis ruht; zuerst wieder aufnehmen, dann Schritte abschließen.")
        if not 1 <= step <= LAST_STEP:
            raise InvalidInput(f"Schritt {step} gibt es nicht; die Schritte sind 1 bis {LAST_STEP}.")
        if step == LAST_STEP:
            raise RuleViolation("Schritt 5 (Netzwerk nachhaltig steuern) ist dauerhaft und wird nicht abgeschlossen.")
        if step != self.step:
            raise RuleViolation(
                f"Das Bündnis ist in Schritt {self.step}; Schritt {step} kann jetzt nicht abgeschlossen werden.")
        missing = self.unmet_criteria(policy)  # step is the current step here
        if missing and not justification:
            raise RuleViolation(
                f"Schritt {step} ist noch nicht erfüllt; ohne schriftliche Begründung kann er nicht "
                "abgeschlossen werden.", unmet=missing,
            )
        self._emit(self.StepCompleted, by, at, step=step, justification=justification or None, unmet=missing)

    class StepReopened(AllianceEvent):
        step: int
        reason: FreeText  # sealed since free texts are

        def apply(self, a: AllianceState) -> None:
            a.step = self.step
            a.step_entered_at = self.timestamp
            if a.paused:  # reopened while dormant: the pause counts from here for the new step
                a.paused_at = self.timestamp

    def reopen_step(self, *, step: int, reason: FreeText, by: str, at: datetime | None = None) -> None:
        self.require_open()
        if not 1 <= step <= LAST_STEP:
            raise InvalidInput(f"Schritt {step} gibt es nicht; die Schritte sind 1 bis {LAST_STEP}.")
        if step >= self.step:
            raise RuleViolation(f"Schritt {step} ist nicht abgeschlossen und kann nicht wieder geöffnet werden.")
        self._emit(self.StepReopened, by, at, step=step, reason=reason)

    # ---- status: pause, resume, dissolve ----------------------------------------------------

    class Paused(AllianceEvent):
        reason: FreeText | None  # sealed since free texts are

        def apply(self, a: AllianceState) -> None:
            a.paused = True
            a.paused_at = self.timestamp

    class Resumed(AllianceEvent):
        """Time spent dormant does not count as time in the step: its start moves by the pause."""

        reason: FreeText | None  # sealed since free texts are

        def apply(self, a: AllianceState) -> None:
            a.paused = False
            paused_at: datetime | None = getattr(a, "paused_at", None)  # absent in older snapshots
            if paused_at is not None and self.timestamp > paused_at:
                a.step_entered_at = a.step_entered_at + (self.timestamp - paused_at)
            a.paused_at = None

    class Dissolved(AllianceEvent):
        reason: FreeText  # sealed since free texts are

        def apply(self, a: AllianceState) -> None:
            a.dissolved = True

    def pause(self, *, reason: FreeText | None, by: str, at: datetime | None = None) -> None:
        self.require_open()
        if self.paused:
            raise RuleViolation("Das Bündnis ruht bereits.")
        self._emit(self.Paused, by, at, reason=reason)

    def resume(self, *, reason: FreeText | None, by: str, at: datetime | None = None) -> None:
        self.require_open()
        if not self.paused:
            raise RuleViolation("Das Bündnis ist aktiv und muss nicht wieder aufgenommen werden.")
        self._emit(self.Resumed, by, at, reason=reason)

    def dissolve(self, *, reason: FreeText, by: str, at: datetime | None = None) -> None:
        self.require_open()
        self._emit(self.Dissolved, by, at, reason=reason)
