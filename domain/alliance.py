"""The Alliance aggregate: one Lokales Bündnis für Familie through the guide's five steps.

Business rules: a step is completed by a coordinator's confirmation once its exit criterion holds,
or with a written justification when it does not; a step can be reopened with a reason; a
dissolved alliance takes no further changes; a dormant one cannot move between steps.
Every event carries who did it (`by`) and, where given, why.

The alliance is composed of its parts (domain/alliance_parts/, one per part of the guide). Each
part's events are nested in it and become `Alliance.<Event>` here, defined by eventsourcing in this
module: their topics stay `domain.alliance:Alliance.<Event>` (tests/storage/test_stored_topics.py).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.alliance_parts.action_plan import ActionPlanPart
from domain.alliance_parts.actors import ActorsPart
from domain.alliance_parts.follow_ups import FollowUpsPart
from domain.alliance_parts.founding import FoundingPart
from domain.alliance_parts.meetings import MeetingsPart
from domain.alliance_parts.outreach import OutreachPart
from domain.alliance_parts.state import AllianceEvent
from domain.alliance_parts.steering import SteeringPart
from domain.alliance_parts.steps import StepsPart
from domain.alliance_parts.team import TeamPart
from domain.copies import SharesImmutableParts
from domain.records import Contact
from domain.steps import StepPolicy, unmet
from domain.values import AllianceStatus, Bundesland, Outcome


class Alliance(ActorsPart, TeamPart, MeetingsPart, ActionPlanPart, FoundingPart, SteeringPart, OutreachPart,
               StepsPart, FollowUpsPart, SharesImmutableParts, Aggregate):
    """A local alliance; children are kept in dicts keyed by the child's id as text.

    Version 2 keeps press work and local anchoring; a snapshot of version 1 gets them empty."""

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["publicity"] = {}
        state["anchorings"] = {}

    class Event(AllianceEvent):
        """Every event of an alliance; the parts' events are redefined on it."""

    class Registered(Event, Aggregate.Created):
        name: str
        municipality: str
        state: Bundesland

    def __init__(self, by: str, name: str, municipality: str, state: Bundesland) -> None:
        """The state every part works on; its types are declared in `AllianceState`."""
        self.name = name
        self.municipality = municipality
        self.state = state
        self.step = 1
        self.step_entered_at = self.created_on
        self.paused = False
        self.paused_at = None
        self.dissolved = False
        self.legal_form = None
        self.actors = {}
        self.contacts = {}
        self.persons = {}
        self.team = []
        self.goals = {}
        self.candidates = {}
        self.meetings = {}
        self.action_items = {}
        self.projects = {}
        self.founding = None
        self.signatures = {}
        self.joined_initiative_on = None
        self.working_groups = {}
        self.steering_group = []
        self.self_assessments = []
        self.follow_ups = {}
        self.publicity = {}
        self.anchorings = {}

    # ---- derived views -------------------------------------------------------------------

    @property
    def status(self) -> AllianceStatus:
        if self.dissolved:
            return AllianceStatus.DISSOLVED
        return AllianceStatus.DORMANT if self.paused else AllianceStatus.ACTIVE

    def latest_outcomes(self) -> dict[str, Outcome]:
        """Each contacted actor's most recent outcome (the latest conversation counts)."""
        latest: dict[str, Contact] = {}
        for c in self.contacts.values():
            key = str(c.actor_id)
            if key not in latest or c.on >= latest[key].on:
                latest[key] = c
        return {k: c.outcome for k, c in latest.items()}

    def unmet_criteria(self, policy: StepPolicy) -> list[str]:
        return unmet(self, self.step, policy)

    def is_partner(self, actor_id: UUID) -> bool:
        return str(actor_id) in self.actors
