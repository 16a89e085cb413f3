"""Step 5 of the guide, steering the network: working groups, the steering group,
self-assessments and the legal form."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.alliance_parts.state import AllianceEvent, AllianceState
from domain.errors import InvalidInput, NotFound, RuleViolation
from domain.personal_data import FreeText
from domain.records import SelfAssessment, WorkingGroup
from domain.values import Dimension, LegalForm


class SteeringPart(AllianceState):
    """Working groups (no two of one name) with a speaker and members, the steering group (at least one
    member), self-assessments (one per day) and the legal form."""

    def _working_group(self, group_id: UUID) -> WorkingGroup:
        try:
            return self.working_groups[str(group_id)]
        except KeyError:
            raise NotFound(f"Arbeitsgruppe {group_id} gehört nicht zu diesem Bündnis.") from None

    class WorkingGroupFormed(AllianceEvent):
        group_id: UUID
        name: str
        theme: str
        speaker_id: UUID | None

        def apply(self, a: AllianceState) -> None:
            a.working_groups[str(self.group_id)] = WorkingGroup(
                self.group_id, self.name, self.theme, self.speaker_id, self.timestamp, ()
            )

    def form_working_group(self, *, group_id: UUID, name: str, theme: str, speaker_id: UUID | None,
                           by: str, at: datetime | None = None) -> None:
        self.require_open()
        self._require_new(self.working_groups, group_id, "Arbeitsgruppe")
        if speaker_id is not None:
            self.actor(speaker_id)
        if any(g.name.casefold() == name.casefold() for g in self.working_groups.values()):
            raise RuleViolation(f"Eine Arbeitsgruppe „{name}“ gibt es bereits.")
        self._emit(self.WorkingGroupFormed, by, at, group_id=group_id, name=name, theme=theme,
                   speaker_id=speaker_id)

    class SpeakerAppointed(AllianceEvent):
        group_id: UUID
        speaker_id: UUID

        def apply(self, a: AllianceState) -> None:
            key = str(self.group_id)
            a.working_groups[key] = replace(a.working_groups[key], speaker_id=self.speaker_id)

    def appoint_speaker(self, *, group_id: UUID, speaker_id: UUID, by: str, at: datetime | None = None) -> None:
        self.require_open()
        group = self._working_group(group_id)
        self.actor(speaker_id)
        if group.speaker_id == speaker_id:
            raise RuleViolation("Diese Sprecherin bzw. dieser Sprecher ist bereits benannt.")
        self._emit(self.SpeakerAppointed, by, at, group_id=group_id, speaker_id=speaker_id)

    class WorkingGroupJoined(AllianceEvent):
        group_id: UUID
        actor_id: UUID

        def apply(self, a: AllianceState) -> None:
            key = str(self.group_id)
            group = a.working_groups[key]
            a.working_groups[key] = replace(group, member_ids=(*group.member_ids, self.actor_id))

    def join_working_group(self, *, group_id: UUID, actor_id: UUID, by: str, at: datetime | None = None) -> None:
        self.require_open()
        group = self._working_group(group_id)
        actor = self.actor(actor_id)
        if actor_id in group.member_ids:
            raise RuleViolation(f"{actor.name} arbeitet bereits in der Arbeitsgruppe „{group.name}“ mit.")
        self._emit(self.WorkingGroupJoined, by, at, group_id=group_id, actor_id=actor_id)

    class SteeringGroupSet(AllianceEvent):
        member_ids: list[UUID]
        reason: FreeText | None  # sealed since free texts are

        def apply(self, a: AllianceState) -> None:
            a.steering_group = [str(m) for m in self.member_ids]

    def set_steering_group(self, *, member_ids: list[UUID], reason: FreeText | None, by: str,
                           at: datetime | None = None) -> None:
        self.require_open()
        if not member_ids:
            raise InvalidInput("Die Steuerungsgruppe braucht mindestens ein Mitglied.")
        for actor_id in member_ids:
            self.actor(actor_id)
        if len(set(member_ids)) != len(member_ids):
            raise InvalidInput("Ein Mitglied der Steuerungsgruppe ist doppelt genannt.")
        self._emit(self.SteeringGroupSet, by, at, member_ids=list(member_ids), reason=reason)

    class SelfAssessmentRecorded(AllianceEvent):
        """Version 2 keys the scores by dimension code; version 1 stored a list in the guide's order."""

        class_version = 2
        on: date
        scores: dict[str, int]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["scores"] = dict(zip([d.value for d in Dimension], state["scores"], strict=True))

        def apply(self, a: AllianceState) -> None:
            a.self_assessments.append(SelfAssessment(self.on, dict(self.scores)))

    def record_self_assessment(self, *, on: date, scores: dict[str, int], by: str,
                               at: datetime | None = None) -> None:
        self.require_open()
        if any(s.on == on for s in self.self_assessments):
            raise RuleViolation(f"Für den {on:%d.%m.%Y} ist bereits eine Selbsteinschätzung erfasst.")
        self._emit(self.SelfAssessmentRecorded, by, at, on=on, scores=dict(scores))

    class LegalFormSet(AllianceEvent):
        legal_form: LegalForm

        def apply(self, a: AllianceState) -> None:
            a.legal_form = self.legal_form

    def set_legal_form(self, *, legal_form: LegalForm, by: str, at: datetime | None = None) -> None:
        self.require_open()
        if self.legal_form is legal_form:
            raise RuleViolation(f"Die Rechtsform ist bereits „{legal_form.label}“.")
        self._emit(self.LegalFormSet, by, at, legal_form=legal_form)
