"""Random valid histories: commands drawn at random, applied through the application.

A command the rules refuse writes nothing, so whatever is stored is a valid history.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import strategies as st

from domain.application import AllianceApplication
from domain.errors import DomainError
from domain.values import (
    Bundesland,
    CommitmentKind,
    Dimension,
    MeetingKind,
    Outcome,
    ProjectStatus,
    Sector,
)
from workers.demo import SimClock

COMMANDS = (
    "register",
    "actor",
    "contact",
    "team",
    "goal",
    "candidate",
    "invite",
    "schedule",
    "hold",
    "project",
    "project_status",
    "complete",
    "reopen",
    "founding",
    "join",
    "group",
    "speaker",
    "join_group",
    "assess",
    "pledge",
    "confirm",
    "amend",
    "fulfil",
    "withdraw",
    "overdue",
    "progress",
    "follow_up",
    "commitment_follow_up",
    "pause",
    "resume",
    "dissolve",
    "sign",
)
command = st.tuples(
    st.sampled_from(COMMANDS), st.integers(0, 50), st.integers(0, 50), st.integers(0, 20)
)
histories = st.lists(command, min_size=15, max_size=80)


class History:
    """Applies drawn commands to an application on a simulated clock; remembers ids to refer to."""

    def __init__(self, app: AllianceApplication, clock: SimClock) -> None:
        self.app, self.clock = app, clock
        self.alliances: list[UUID] = []
        self.actors: dict[UUID, list[UUID]] = {}
        self.meetings: dict[UUID, list[UUID]] = {}
        self.candidates: dict[UUID, list[UUID]] = {}
        self.projects: dict[UUID, list[UUID]] = {}
        self.groups: dict[UUID, list[UUID]] = {}
        self.commitments: dict[UUID, list[UUID]] = {}
        self.applied = 0

    def apply(self, cmd: tuple[str, int, int, int]) -> None:
        name, a, b, days = cmd
        self.clock.advance(days)
        if name != "register" and not self.alliances:
            name = "register"
        try:
            if name != "register":
                self._ensure(self._aid(a))
            getattr(self, f"_{name}")(a, b)
            self.applied += 1
        except DomainError:
            pass  # refused by a rule: nothing was written

    def _pick(self, items: list[Any], i: int) -> Any:
        if not items:
            raise DomainError("nichts zum Auswählen")
        return items[i % len(items)]

    def _ensure(self, aid: UUID) -> None:
        """Prerequisites most commands need: a few actors, a meeting, a commitment."""
        if len(self.actors[aid]) < 3:
            self._actor(self.alliances.index(aid), len(self.actors[aid]) * 5)
        if not self.meetings[aid]:
            self._schedule(self.alliances.index(aid), 0)
        if not self.commitments[aid]:
            self._pledge(self.alliances.index(aid), 7)

    def _aid(self, i: int) -> UUID:
        return self._pick(self.alliances, i)  # type: ignore[no-any-return]

    def _register(self, a: int, b: int) -> None:
        states = list(Bundesland)
        aid = self.app.register_alliance(
            name=f"Bündnis {len(self.alliances)}",
            municipality=f"Ort {a}",
            state=states[b % len(states)].value,
            by="koordination@test",
        )
        self.alliances.append(aid)
        for table in (
            self.actors,
            self.meetings,
            self.candidates,
            self.projects,
            self.groups,
            self.commitments,
        ):
            table[aid] = []

    def _actor(self, a: int, b: int) -> None:
        aid = self._aid(a)
        sectors = list(Sector)
        self.actors[aid].append(
            self.app.add_actor(
                aid,
                name=f"Akteur {len(self.actors[aid])}",
                sector=sectors[b % len(sectors)].value,
                by="koordination@test",
            )
        )

    def _contact(self, a: int, b: int) -> None:
        aid = self._aid(a)
        outcomes = list(Outcome)
        on = self.clock.now.date()
        self.app.record_contact(
            aid,
            actor_id=self._pick(self.actors[aid], b),
            on=on,
            outcome=outcomes[b % len(outcomes)].value,
            follow_up_on=on + timedelta(days=14) if b % 2 else None,
            by="koordination@test",
        )

    def _team(self, a: int, b: int) -> None:
        aid = self._aid(a)
        self.app.add_team_member(
            aid, actor_id=self._pick(self.actors[aid], b), by="koordination@test"
        )

    def _goal(self, a: int, b: int) -> None:
        self.app.record_goal(self._aid(a), text=f"Ziel {b}", by="koordination@test")

    def _candidate(self, a: int, b: int) -> None:
        aid = self._aid(a)
        self.candidates[aid].append(
            self.app.list_candidate(
                aid, name=f"Kandidat {b}", sector="verband", by="koordination@test"
            )
        )

    def _invite(self, a: int, b: int) -> None:
        aid = self._aid(a)
        self.app.invite_candidate(
            aid,
            candidate_id=self._pick(self.candidates[aid], b),
            on=self.clock.now.date(),
            by="koordination@test",
        )

    def _schedule(self, a: int, b: int) -> None:
        aid = self._aid(a)
        kinds = list(MeetingKind)
        self.meetings[aid].append(
            self.app.schedule_meeting(
                aid,
                kind=kinds[b % len(kinds)].value,
                on=self.clock.now.date(),
                title=f"Treffen {b}",
                by="koordination@test",
            )
        )

    def _hold(self, a: int, b: int) -> None:
        aid = self._aid(a)
        actors = self.actors[aid]
        self.app.hold_meeting(
            aid,
            self._pick(self.meetings[aid], b),
            attendee_ids=actors[: 1 + b % 4] if actors else [],
            minutes="Protokoll" if b % 3 else None,
            by="koordination@test",
        )

    def _project(self, a: int, b: int) -> None:
        aid = self._aid(a)
        self.projects[aid].append(
            self.app.add_project(
                aid, title=f"Projekt {b}", theme=f"Thema {b % 3}", by="koordination@test"
            )
        )

    def _project_status(self, a: int, b: int) -> None:
        aid = self._aid(a)
        statuses = list(ProjectStatus)
        self.app.change_project_status(
            aid,
            self._pick(self.projects[aid], b),
            status=statuses[b % len(statuses)].value,
            reason="weil",
            by="koordination@test",
        )

    def _complete(self, a: int, b: int) -> None:
        aid = self._aid(a)
        step = self.app.get_alliance(aid).step
        self.app.complete_step(
            aid, step, justification="Begründung" if b % 2 else None, by="koordination@test"
        )

    def _reopen(self, a: int, b: int) -> None:
        aid = self._aid(a)
        step = self.app.get_alliance(aid).step
        self.app.reopen_step(
            aid, max(1, step - 1 - b % 2), reason="neu aufrollen", by="koordination@test"
        )

    def _founding(self, a: int, b: int) -> None:
        aid = self._aid(a)
        self.app.record_founding(
            aid,
            on=self.clock.now.date(),
            symbolic_act="Baum gepflanzt",
            signatory_ids=self.actors[aid][: b % 3],
            by="koordination@test",
        )

    def _sign(self, a: int, b: int) -> None:
        aid = self._aid(a)
        self.app.sign_declaration(
            aid,
            actor_id=self._pick(self.actors[aid], b),
            on=self.clock.now.date(),
            by="koordination@test",
        )

    def _join(self, a: int, b: int) -> None:
        self.app.join_federal_initiative(
            self._aid(a), joined_on=self.clock.now.date(), by="koordination@test"
        )

    def _group(self, a: int, b: int) -> None:
        aid = self._aid(a)
        speaker = (
            self.actors[aid][b % len(self.actors[aid])] if self.actors[aid] and b % 2 else None
        )
        self.groups[aid].append(
            self.app.form_working_group(
                aid,
                name=f"AG {len(self.groups[aid])}",
                theme="Thema",
                speaker_id=speaker,
                by="koordination@test",
            )
        )

    def _speaker(self, a: int, b: int) -> None:
        aid = self._aid(a)
        self.app.appoint_speaker(
            aid,
            self._pick(self.groups[aid], b),
            speaker_id=self._pick(self.actors[aid], b),
            by="koordination@test",
        )

    def _join_group(self, a: int, b: int) -> None:
        aid = self._aid(a)
        self.app.join_working_group(
            aid,
            self._pick(self.groups[aid], b),
            actor_id=self._pick(self.actors[aid], a),
            by="koordination@test",
        )

    def _assess(self, a: int, b: int) -> None:
        scores = {d.value: 1 + (b + i) % 5 for i, d in enumerate(Dimension)}
        self.app.record_self_assessment(
            self._aid(a), on=self.clock.now.date(), scores=scores, by="koordination@test"
        )

    def _pledge(self, a: int, b: int) -> None:
        aid = self._aid(a)
        kinds = list(CommitmentKind)
        self.commitments[aid].append(
            self.app.pledge_commitment(
                aid,
                partner_id=self._pick(self.actors[aid], b),
                description=f"Zusage {b}",
                kind=kinds[b % len(kinds)].value,
                amount=Decimal(b * 100) if b % 2 else None,
                unit="EUR" if b % 2 else None,
                due_on=self.clock.now.date() + timedelta(days=b),
                recurrence="yearly" if b % 5 == 0 else None,
                by="partner@test",
            )
        )

    def _commitment(self, a: int, b: int) -> tuple[UUID, UUID]:
        aid = self._aid(a)
        return aid, self._pick(self.commitments[aid], b)

    def _confirm(self, a: int, b: int) -> None:
        self.app.confirm_commitment(*self._commitment(a, b), by="partner@test")

    def _amend(self, a: int, b: int) -> None:
        self.app.amend_commitment(
            *self._commitment(a, b),
            due_on=self.clock.now.date() + timedelta(days=30 + b),
            reason="verschoben",
            by="partner@test",
        )

    def _fulfil(self, a: int, b: int) -> None:
        self.app.fulfil_commitment(*self._commitment(a, b), by="partner@test")

    def _withdraw(self, a: int, b: int) -> None:
        self.app.withdraw_commitment(
            *self._commitment(a, b), reason="kein Budget", by="partner@test"
        )

    def _overdue(self, a: int, b: int) -> None:
        self.app.mark_commitment_overdue(*self._commitment(a, b), on=self.clock.now.date())

    def _progress(self, a: int, b: int) -> None:
        self.app.report_progress(
            *self._commitment(a, b),
            on=self.clock.now.date(),
            text="läuft",
            percent=b * 2,
            by="partner@test",
        )

    def _follow_up(self, a: int, b: int) -> None:
        aid = self._aid(a)
        self.app.record_alliance_follow_up(
            aid,
            key=f"step_stalled:{aid}:{b}",
            rule="step_stalled",
            subject_id=str(aid),
            recipients=["koordination", "servicebuero"][: 1 + b % 2],
            due_at=self.clock.now,
        )

    def _commitment_follow_up(self, a: int, b: int) -> None:
        aid, cid = self._commitment(a, b)
        partner = self.app.get_commitment(aid, cid).partner_id
        self.app.record_commitment_follow_up(
            aid,
            cid,
            key=f"commitment_due_soon:{cid}:{b}",
            rule="commitment_due_soon",
            recipients=[f"partner:{partner}", "koordination"],
            due_at=self.clock.now,
        )

    def _pause(self, a: int, b: int) -> None:
        self.app.pause(self._aid(a), reason="Pause", by="koordination@test")

    def _resume(self, a: int, b: int) -> None:
        self.app.resume(self._aid(a), by="koordination@test")

    def _dissolve(self, a: int, b: int) -> None:
        if b % 4 == 0:  # rarely: a dissolved alliance takes nothing more
            self.app.dissolve(self._aid(a), reason="aufgelöst", by="koordination@test")
