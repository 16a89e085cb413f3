"""What every part of an alliance shares: its state, its base event and the guards on both."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.dates import check_dates, not_before
from domain.errors import NotFound, RuleViolation
from domain.records import (
    ActionItem,
    Actor,
    Anchoring,
    Candidate,
    Contact,
    ContactPerson,
    FollowUpRecord,
    Founding,
    Goal,
    Meeting,
    Project,
    Publicity,
    SelfAssessment,
    Signature,
    WorkingGroup,
)
from domain.values import Bundesland, LegalForm, Outcome

if TYPE_CHECKING:
    from domain.steps import StepPolicy


class AllianceEvent(Aggregate.Event):
    """Every event of an alliance carries who did it."""

    by: str


class AllianceState:
    """The state of an alliance (set in `Alliance.__init__`); children are kept in dicts keyed by
    the child's id as text. A dissolved alliance takes no further changes."""

    name: str
    municipality: str
    state: Bundesland
    step: int
    step_entered_at: datetime
    paused: bool
    paused_at: datetime | None
    dissolved: bool
    legal_form: LegalForm | None
    actors: dict[str, Actor]
    contacts: dict[str, Contact]
    persons: dict[str, ContactPerson]
    team: list[str]
    goals: dict[str, Goal]
    candidates: dict[str, Candidate]
    meetings: dict[str, Meeting]
    action_items: dict[str, ActionItem]
    projects: dict[str, Project]
    founding: Founding | None
    signatures: dict[str, Signature]
    joined_initiative_on: date | None
    working_groups: dict[str, WorkingGroup]
    steering_group: list[str]
    self_assessments: list[SelfAssessment]
    follow_ups: dict[str, FollowUpRecord]
    delivery_failures: dict[str, str]  # key → the server's answer; set by the first DeliveryFailed only
    awaiting_delivery: list[str]  # recorded, mail not yet taken; set by the first record awaiting it only
    publicity: dict[str, Publicity]
    anchorings: dict[str, Anchoring]
    # Set by the first FreeTextsErased only (absent from older snapshots: read with getattr), so an
    # aggregate equals its snapshot from before.
    erased_text_keys: tuple[str, ...]

    if TYPE_CHECKING:  # given by the Alliance the parts are composed into
        id: UUID
        modified_on: datetime

        def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None: ...

        def unmet_criteria(self, policy: StepPolicy) -> list[str]: ...

    # ---- guards --------------------------------------------------------------------------

    def require_open(self) -> None:
        if self.dissolved:
            raise RuleViolation("Das Bündnis ist aufgelöst und nimmt keine Änderungen mehr an.")

    def actor(self, actor_id: UUID) -> Actor:
        """The actor of this alliance; NotFound when it has none with this id."""
        try:
            return self.actors[str(actor_id)]
        except KeyError:
            raise NotFound(f"Akteur {actor_id} gehört nicht zu diesem Bündnis.") from None

    def declined(self, actor_id: UUID) -> Contact | None:
        """The conversation in which the actor said no, if that is still its latest word: it is not in
        the team and signed the declaration on no later day."""
        mine = [c for c in self.contacts.values() if c.actor_id == actor_id]
        if not mine or str(actor_id) in self.team:
            return None
        latest = max(mine, key=lambda c: c.on)
        if latest.outcome is not Outcome.NOT_INTERESTED:
            return None
        signature = self.signatures.get(str(actor_id))
        return None if signature is not None and signature.on >= latest.on else latest

    def require_pledger(self, actor_id: UUID) -> Actor:
        """Who may pledge a commitment: the team and the alliance's partners, unless they declined."""
        actor = self.actor(actor_id)
        no = self.declined(actor_id)
        if no is not None:
            raise RuleViolation(
                f"{actor.name} hat im Gespräch am {no.on:%d.%m.%Y} abgesagt und kann deshalb keine Zusage "
                "geben. Erst ein neues Gespräch mit Interesse erfassen oder die Organisation ins Bündnisteam "
                "aufnehmen."
            )
        return actor

    def _require_new(self, table: dict[str, Any], child_id: UUID, what: str) -> None:
        if str(child_id) in table:
            raise RuleViolation(f"{what} {child_id} ist bereits erfasst.")

    def _emit(self, event_class: type[AllianceEvent], by: str, at: datetime | None, **fields: Any) -> None:
        check_dates(fields)
        # Activities stamp workflow time, the API wall time: never let an aggregate's time run back.
        self.trigger_event(event_class, timestamp=not_before(at, self.modified_on), by=by, **fields)
