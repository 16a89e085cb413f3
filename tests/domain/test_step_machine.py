"""Property: no sequence of commands brings an alliance into an invalid state; versions stay gapless."""

from __future__ import annotations

import contextlib
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.alliance import Alliance
from domain.application import AllianceApplication
from domain.errors import DomainError
from tests.builders import BY, MEET, Given, new_alliance


class StepMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.app = AllianceApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        self.g: Given = new_alliance(self.app)
        self.model_step = 1
        self.paused = False
        self.dissolved = False

    @property
    def alliance(self) -> Alliance:
        return self.app.get_alliance(self.g.alliance_id)

    def attempt(self, command: object) -> bool:
        version = self.alliance.version
        try:
            command()  # type: ignore[operator]
        except DomainError:
            assert self.alliance.version == version, "a refused command stored something"
            return False
        return True

    @rule(step=st.integers(min_value=-1, max_value=7), justified=st.booleans())
    def complete(self, step: int, justified: bool) -> None:
        ok = self.attempt(lambda: self.app.complete_step(
            self.g.alliance_id, step, justification="Begründung" if justified else None, by=BY))
        if ok:
            assert step == self.model_step and step < 5 and not self.paused and not self.dissolved
            self.model_step += 1

    @rule(step=st.integers(min_value=-1, max_value=7))
    def reopen(self, step: int) -> None:
        if self.attempt(lambda: self.app.reopen_step(self.g.alliance_id, step, reason="neu", by=BY)):
            assert 1 <= step < self.model_step and not self.dissolved
            self.model_step = step

    @rule(step=st.integers(min_value=1, max_value=4))
    def meet_criterion(self, step: int) -> None:
        with contextlib.suppress(DomainError):  # a criterion may already be met
            MEET[step - 1](self.g)

    @rule()
    def pause(self) -> None:
        if self.attempt(lambda: self.app.pause(self.g.alliance_id, by=BY)):
            self.paused = True

    @rule()
    def resume(self) -> None:
        if self.attempt(lambda: self.app.resume(self.g.alliance_id, by=BY)):
            self.paused = False

    @rule()
    def dissolve(self) -> None:
        if self.attempt(lambda: self.app.dissolve(self.g.alliance_id, reason="Ende", by=BY)):
            self.dissolved = True

    @rule()
    def record(self) -> None:
        self.attempt(lambda: self.app.record_goal(self.g.alliance_id, text=f"Ziel {date.today()}", by=BY))

    @invariant()
    def state_is_valid(self) -> None:
        alliance = self.alliance
        assert 1 <= alliance.step <= 5
        assert alliance.step == self.model_step
        assert alliance.paused == self.paused and alliance.dissolved == self.dissolved

    @invariant()
    def versions_are_gapless(self) -> None:
        versions = [e.originator_version for e in self.app.events.get(self.g.alliance_id)]
        assert versions == list(range(1, len(versions) + 1))


StepMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])
TestStepMachine = StepMachine.TestCase
