"""The Alliance aggregate: one Lokales Bündnis für Familie through the guide's five steps.

Business rules: a step is completed by a coordinator's confirmation once its exit criterion holds,
or with a written justification when it does not; a step can be reopened with a reason; a
dissolved alliance takes no further changes; a dormant one cannot move between steps.
Every event carries who did it (`by`) and, where given, why.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.dates import check_dates, not_before
from domain.errors import InvalidInput, NotFound, RuleViolation
from domain.records import (
    ActionItem,
    Actor,
    Candidate,
    Contact,
    ContactPerson,
    FollowUpRecord,
    Founding,
    Goal,
    Meeting,
    Project,
    SelfAssessment,
    Signature,
    WorkingGroup,
)
from domain.steps import LAST_STEP, StepPolicy, unmet
from domain.values import (
    AllianceStatus,
    Bundesland,
    Dimension,
    LegalForm,
    MeetingKind,
    Outcome,
    ProjectStatus,
    Sector,
)


class Alliance(Aggregate):
    """A local alliance; children are kept in dicts keyed by the child's id as text."""

    class Event(Aggregate.Event):
        by: str

    class Registered(Event, Aggregate.Created):
        name: str
        municipality: str
        state: Bundesland

    def __init__(self, by: str, name: str, municipality: str, state: Bundesland) -> None:
        self.name = name
        self.municipality = municipality
        self.state = state
        self.step = 1
        self.step_entered_at: datetime = self.created_on
        self.paused = False
        self.paused_at: datetime | None = None
        self.dissolved = False
        self.legal_form: LegalForm | None = None
        self.actors: dict[str, Actor] = {}
        self.contacts: dict[str, Contact] = {}
        self.persons: dict[str, ContactPerson] = {}
        self.team: list[str] = []
        self.goals: dict[str, Goal] = {}
        self.candidates: dict[str, Candidate] = {}
        self.meetings: dict[str, Meeting] = {}
        self.action_items: dict[str, ActionItem] = {}
        self.projects: dict[str, Project] = {}
        self.founding: Founding | None = None
        self.signatures: dict[str, Signature] = {}
        self.joined_initiative_on: date | None = None
        self.working_groups: dict[str, WorkingGroup] = {}
        self.steering_group: list[str] = []
        self.self_assessments: list[SelfAssessment] = []
        self.follow_ups: dict[str, FollowUpRecord] = {}

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

    # ---- guards --------------------------------------------------------------------------

    def _require_open(self) -> None:
        if self.dissolved:
            raise RuleViolation("Das Bündnis ist aufgelöst und nimmt keine Änderungen mehr an.")

    def _actor(self, actor_id: UUID) -> Actor:
        try:
            return self.actors[str(actor_id)]
        except KeyError:
            raise NotFound(f"Akteur {actor_id} gehört nicht zu diesem Bündnis.") from None

    def _meeting(self, meeting_id: UUID) -> Meeting:
        try:
            return self.meetings[str(meeting_id)]
        except KeyError:
            raise NotFound(f"Treffen {meeting_id} gehört nicht zu diesem Bündnis.") from None

    def _working_group(self, group_id: UUID) -> WorkingGroup:
        try:
            return self.working_groups[str(group_id)]
        except KeyError:
            raise NotFound(f"Arbeitsgruppe {group_id} gehört nicht zu diesem Bündnis.") from None

    def _require_new(self, table: dict[str, Any], child_id: UUID, what: str) -> None:
        if str(child_id) in table:
            raise RuleViolation(f"{what} {child_id} ist bereits erfasst.")

    def _emit(self, event_class: type[Event], by: str, at: datetime | None, **fields: Any) -> None:
        check_dates(fields)
        # Activities stamp workflow time, the API wall time: never let an aggregate's time run back.
        self.trigger_event(event_class, timestamp=not_before(at, self.modified_on), by=by, **fields)

    # ---- step 1: contacts ----------------------------------------------------------------

    class ActorAdded(Event):
        actor_id: UUID
        name: str
        sector: Sector

        def apply(self, a: Alliance) -> None:
            a.actors[str(self.actor_id)] = Actor(self.actor_id, self.name, self.sector, self.timestamp)

    def add_actor(self, *, actor_id: UUID, name: str, sector: Sector, by: str,
                  at: datetime | None = None) -> None:
        self._require_open()
        self._require_new(self.actors, actor_id, "Akteur")
        if any(a.name.casefold() == name.casefold() for a in self.actors.values()):
            raise RuleViolation(f"Ein Akteur namens „{name}“ ist bereits erfasst.")
        self._emit(self.ActorAdded, by, at, actor_id=actor_id, name=name, sector=sector)

    class ContactRecorded(Event):
        contact_id: UUID
        actor_id: UUID
        on: date
        outcome: Outcome
        follow_up_on: date | None
        notes: str | None

        def apply(self, a: Alliance) -> None:
            a.contacts[str(self.contact_id)] = Contact(
                self.contact_id, self.actor_id, self.on, self.outcome, self.follow_up_on, self.notes
            )

    def record_contact(self, *, contact_id: UUID, actor_id: UUID, on: date, outcome: Outcome,
                       follow_up_on: date | None, notes: str | None, by: str,
                       at: datetime | None = None) -> None:
        self._require_open()
        self._actor(actor_id)
        self._require_new(self.contacts, contact_id, "Einzelgespräch")
        if follow_up_on is not None and follow_up_on < on:
            raise InvalidInput("Das Datum der Nachverfolgung liegt vor dem Gespräch.")
        self._emit(self.ContactRecorded, by, at, contact_id=contact_id, actor_id=actor_id, on=on,
                   outcome=outcome, follow_up_on=follow_up_on, notes=notes)

    class ContactPersonAdded(Event):
        person_id: UUID
        actor_id: UUID
        sealed: str

        def apply(self, a: Alliance) -> None:
            a.persons[str(self.person_id)] = ContactPerson(self.person_id, self.actor_id, self.sealed, False)

    def add_contact_person(self, *, person_id: UUID, actor_id: UUID, sealed: str, by: str,
                           at: datetime | None = None) -> None:
        self._require_open()
        self._actor(actor_id)
        self._require_new(self.persons, person_id, "Ansprechperson")
        self._emit(self.ContactPersonAdded, by, at, person_id=person_id, actor_id=actor_id, sealed=sealed)

    class ContactPersonErased(Event):
        """The person's key was destroyed; the sealed data can never be read again."""

        person_id: UUID
        reason: str

        def apply(self, a: Alliance) -> None:
            key = str(self.person_id)
            a.persons[key] = replace(a.persons[key], erased=True)

    def erase_contact_person(self, *, person_id: UUID, reason: str, by: str,
                             at: datetime | None = None) -> None:
        person = self.persons.get(str(person_id))
        if person is None:
            raise NotFound(f"Ansprechperson {person_id} gehört nicht zu diesem Bündnis.")
        if person.erased:
            raise RuleViolation("Die personenbezogenen Daten dieser Person sind bereits gelöscht.")
        self._emit(self.ContactPersonErased, by, at, person_id=person_id, reason=reason)

    # ---- step 2: team, goals, further actors ---------------------------------------------

    class TeamMemberAdded(Event):
        actor_id: UUID

        def apply(self, a: Alliance) -> None:
            a.team.append(str(self.actor_id))

    def add_team_member(self, *, actor_id: UUID, by: str, at: datetime | None = None) -> None:
        self._require_open()
        actor = self._actor(actor_id)
        if str(actor_id) in self.team:
            raise RuleViolation(f"{actor.name} gehört bereits zum Bündnisteam.")
        self._emit(self.TeamMemberAdded, by, at, actor_id=actor_id)

    class TeamMemberRemoved(Event):
        actor_id: UUID
        reason: str | None

        def apply(self, a: Alliance) -> None:
            a.team.remove(str(self.actor_id))

    def remove_team_member(self, *, actor_id: UUID, reason: str | None, by: str,
                           at: datetime | None = None) -> None:
        self._require_open()
        actor = self._actor(actor_id)
        if str(actor_id) not in self.team:
            raise RuleViolation(f"{actor.name} gehört nicht zum Bündnisteam.")
        self._emit(self.TeamMemberRemoved, by, at, actor_id=actor_id, reason=reason)

    class GoalRecorded(Event):
        goal_id: UUID
        text: str

        def apply(self, a: Alliance) -> None:
            a.goals[str(self.goal_id)] = Goal(self.goal_id, self.text)

    def record_goal(self, *, goal_id: UUID, text: str, by: str, at: datetime | None = None) -> None:
        self._require_open()
        self._require_new(self.goals, goal_id, "Ziel")
        self._emit(self.GoalRecorded, by, at, goal_id=goal_id, text=text)

    class CandidateListed(Event):
        candidate_id: UUID
        name: str
        sector: Sector

        def apply(self, a: Alliance) -> None:
            a.candidates[str(self.candidate_id)] = Candidate(self.candidate_id, self.name, self.sector, None)

    def list_candidate(self, *, candidate_id: UUID, name: str, sector: Sector, by: str,
                       at: datetime | None = None) -> None:
        self._require_open()
        self._require_new(self.candidates, candidate_id, "Weiterer Akteur")
        self._emit(self.CandidateListed, by, at, candidate_id=candidate_id, name=name, sector=sector)

    class CandidateInvited(Event):
        candidate_id: UUID
        on: date

        def apply(self, a: Alliance) -> None:
            key = str(self.candidate_id)
            a.candidates[key] = replace(a.candidates[key], invited_on=self.on)

    def invite_candidate(self, *, candidate_id: UUID, on: date, by: str, at: datetime | None = None) -> None:
        self._require_open()
        if str(candidate_id) not in self.candidates:
            raise NotFound(f"Weiterer Akteur {candidate_id} steht nicht auf der Liste dieses Bündnisses.")
        self._emit(self.CandidateInvited, by, at, candidate_id=candidate_id, on=on)

    # ---- meetings, minutes and action items ------------------------------------------------

    class MeetingScheduled(Event):
        meeting_id: UUID
        kind: MeetingKind
        on: date
        title: str
        organiser_id: UUID | None

        def apply(self, a: Alliance) -> None:
            a.meetings[str(self.meeting_id)] = Meeting(
                self.meeting_id, self.kind, self.on, self.title, self.organiser_id, None, (), None
            )

    def schedule_meeting(self, *, meeting_id: UUID, kind: MeetingKind, on: date, title: str,
                         organiser_id: UUID | None, by: str, at: datetime | None = None) -> None:
        self._require_open()
        self._require_new(self.meetings, meeting_id, "Treffen")
        if organiser_id is not None:
            self._actor(organiser_id)
        self._emit(self.MeetingScheduled, by, at, meeting_id=meeting_id, kind=kind, on=on,
                   title=title, organiser_id=organiser_id)

    class MeetingHeld(Event):
        meeting_id: UUID
        held_on: date
        attendee_ids: list[UUID]
        minutes: str | None

        def apply(self, a: Alliance) -> None:
            key = str(self.meeting_id)
            a.meetings[key] = replace(a.meetings[key], held_on=self.held_on,
                                      attendee_ids=tuple(self.attendee_ids), minutes=self.minutes)

    def hold_meeting(self, *, meeting_id: UUID, held_on: date | None, attendee_ids: list[UUID],
                     minutes: str | None, by: str, at: datetime | None = None) -> None:
        self._require_open()
        meeting = self._meeting(meeting_id)
        if meeting.held:
            raise RuleViolation(f"Das Treffen „{meeting.title}“ ist bereits als durchgeführt erfasst.")
        if not attendee_ids:
            raise InvalidInput("Ein durchgeführtes Treffen braucht mindestens eine teilnehmende Person.")
        for actor_id in attendee_ids:
            self._actor(actor_id)
        if len(set(attendee_ids)) != len(attendee_ids):
            raise InvalidInput("Eine teilnehmende Organisation ist doppelt genannt.")
        self._emit(self.MeetingHeld, by, at, meeting_id=meeting_id, held_on=held_on or meeting.on,
                   attendee_ids=list(attendee_ids), minutes=minutes)

    class MinutesRecorded(Event):
        meeting_id: UUID
        minutes: str

        def apply(self, a: Alliance) -> None:
            key = str(self.meeting_id)
            a.meetings[key] = replace(a.meetings[key], minutes=self.minutes)

    def record_minutes(self, *, meeting_id: UUID, minutes: str, by: str, at: datetime | None = None) -> None:
        self._require_open()
        meeting = self._meeting(meeting_id)
        if not meeting.held:
            raise RuleViolation("Ein Protokoll kann erst nach dem Treffen erfasst werden.")
        self._emit(self.MinutesRecorded, by, at, meeting_id=meeting_id, minutes=minutes)

    class ActionItemAdded(Event):
        item_id: UUID
        meeting_id: UUID
        text: str
        owner_id: UUID | None
        due_on: date | None

        def apply(self, a: Alliance) -> None:
            a.action_items[str(self.item_id)] = ActionItem(
                self.item_id, self.meeting_id, self.text, self.owner_id, self.due_on, False
            )

    def add_action_item(self, *, item_id: UUID, meeting_id: UUID, text: str, owner_id: UUID | None,
                        due_on: date | None, by: str, at: datetime | None = None) -> None:
        self._require_open()
        meeting = self._meeting(meeting_id)
        self._require_new(self.action_items, item_id, "Aufgabe")
        if owner_id is not None:
            self._actor(owner_id)
        if due_on is not None and due_on < meeting.on:
            raise InvalidInput("Die Aufgabe wäre vor dem Treffen fällig, aus dem sie stammt.")
        self._emit(self.ActionItemAdded, by, at, item_id=item_id, meeting_id=meeting_id, text=text,
                   owner_id=owner_id, due_on=due_on)

    class ActionItemDone(Event):
        item_id: UUID

        def apply(self, a: Alliance) -> None:
            key = str(self.item_id)
            a.action_items[key] = replace(a.action_items[key], done=True)

    def complete_action_item(self, *, item_id: UUID, by: str, at: datetime | None = None) -> None:
        self._require_open()
        item = self.action_items.get(str(item_id))
        if item is None:
            raise NotFound(f"Aufgabe {item_id} gehört nicht zu diesem Bündnis.")
        if item.done:
            raise RuleViolation("Die Aufgabe ist bereits erledigt.")
        self._emit(self.ActionItemDone, by, at, item_id=item_id)

    # ---- step 3: action plan ---------------------------------------------------------------

    class ProjectAdded(Event):
        project_id: UUID
        title: str
        theme: str
        owner_id: UUID | None
        due_on: date | None

        def apply(self, a: Alliance) -> None:
            a.projects[str(self.project_id)] = Project(
                self.project_id, self.title, self.theme, self.owner_id, self.due_on, ProjectStatus.PLANNED
            )

    def add_project(self, *, project_id: UUID, title: str, theme: str, owner_id: UUID | None,
                    due_on: date | None, by: str, at: datetime | None = None) -> None:
        self._require_open()
        self._require_new(self.projects, project_id, "Projekt")
        if owner_id is not None:
            self._actor(owner_id)
        self._emit(self.ProjectAdded, by, at, project_id=project_id, title=title, theme=theme,
                   owner_id=owner_id, due_on=due_on)

    class ProjectStatusChanged(Event):
        project_id: UUID
        status: ProjectStatus
        reason: str | None

        def apply(self, a: Alliance) -> None:
            key = str(self.project_id)
            a.projects[key] = replace(a.projects[key], status=self.status)

    def change_project_status(self, *, project_id: UUID, status: ProjectStatus, reason: str | None,
                              by: str, at: datetime | None = None) -> None:
        self._require_open()
        project = self.projects.get(str(project_id))
        if project is None:
            raise NotFound(f"Projekt {project_id} steht nicht im Aktionsplan dieses Bündnisses.")
        if project.status is status:
            raise RuleViolation(f"Das Projekt hat bereits den Status „{status.label}“.")
        self._emit(self.ProjectStatusChanged, by, at, project_id=project_id, status=status, reason=reason)

    # ---- step 4: founding, declaration, federal initiative -------------------------------

    class FoundingHeld(Event):
        on: date
        symbolic_act: str
        format: str | None
        declaration: bool

        def apply(self, a: Alliance) -> None:
            a.founding = Founding(self.on, self.symbolic_act, self.format, self.declaration)

    class DeclarationSigned(Event):
        actor_id: UUID
        on: date

        def apply(self, a: Alliance) -> None:
            a.signatures[str(self.actor_id)] = Signature(self.actor_id, self.on)

    def record_founding(self, *, on: date, symbolic_act: str, format: str | None,
                        signatory_ids: list[UUID], by: str, at: datetime | None = None) -> None:
        self._require_open()
        if self.founding is not None:
            raise RuleViolation(f"Die Gründung ist bereits erfasst (am {self.founding.on:%d.%m.%Y}).")
        if self.step < 3:
            raise RuleViolation("Gegründet wird in Schritt 4; vorher fehlen Team und Planungstreffen.")
        for actor_id in signatory_ids:
            self._actor(actor_id)
        if len(set(signatory_ids)) != len(signatory_ids):
            raise InvalidInput("Ein Partner ist mehrfach als Unterzeichner genannt.")
        declaration = bool(signatory_ids) or "deklaration" in symbolic_act.casefold()
        self._emit(self.FoundingHeld, by, at, on=on, symbolic_act=symbolic_act, format=format,
                   declaration=declaration)
        for actor_id in signatory_ids:
            self._emit(self.DeclarationSigned, by, at, actor_id=actor_id, on=on)

    def sign_declaration(self, *, actor_id: UUID, on: date, by: str, at: datetime | None = None) -> None:
        """A partner signs the declaration, at the founding or years after it."""
        self._require_open()
        actor = self._actor(actor_id)
        if self.founding is None:
            raise RuleViolation("Die Deklaration wird bei oder nach der Gründung unterzeichnet.")
        if on < self.founding.on:
            raise InvalidInput("Eine Unterschrift kann nicht vor der Gründung liegen.")
        if str(actor_id) in self.signatures:
            raise RuleViolation(f"{actor.name} hat die Deklaration bereits unterzeichnet.")
        self._emit(self.DeclarationSigned, by, at, actor_id=actor_id, on=on)

    class InitiativeJoined(Event):
        joined_on: date

        def apply(self, a: Alliance) -> None:
            a.joined_initiative_on = self.joined_on

    def join_federal_initiative(self, *, joined_on: date, by: str, at: datetime | None = None) -> None:
        self._require_open()
        if self.joined_initiative_on is not None:
            raise RuleViolation("Das Bündnis ist der Initiative bereits beigetreten.")
        self._emit(self.InitiativeJoined, by, at, joined_on=joined_on)

    # ---- step 5: steering the network ------------------------------------------------------

    class WorkingGroupFormed(Event):
        group_id: UUID
        name: str
        theme: str
        speaker_id: UUID | None

        def apply(self, a: Alliance) -> None:
            a.working_groups[str(self.group_id)] = WorkingGroup(
                self.group_id, self.name, self.theme, self.speaker_id, self.timestamp, ()
            )

    def form_working_group(self, *, group_id: UUID, name: str, theme: str, speaker_id: UUID | None,
                           by: str, at: datetime | None = None) -> None:
        self._require_open()
        self._require_new(self.working_groups, group_id, "Arbeitsgruppe")
        if speaker_id is not None:
            self._actor(speaker_id)
        if any(g.name.casefold() == name.casefold() for g in self.working_groups.values()):
            raise RuleViolation(f"Eine Arbeitsgruppe „{name}“ gibt es bereits.")
        self._emit(self.WorkingGroupFormed, by, at, group_id=group_id, name=name, theme=theme,
                   speaker_id=speaker_id)

    class SpeakerAppointed(Event):
        group_id: UUID
        speaker_id: UUID

        def apply(self, a: Alliance) -> None:
            key = str(self.group_id)
            a.working_groups[key] = replace(a.working_groups[key], speaker_id=self.speaker_id)

    def appoint_speaker(self, *, group_id: UUID, speaker_id: UUID, by: str, at: datetime | None = None) -> None:
        self._require_open()
        group = self._working_group(group_id)
        self._actor(speaker_id)
        if group.speaker_id == speaker_id:
            raise RuleViolation("Diese Sprecherin bzw. dieser Sprecher ist bereits benannt.")
        self._emit(self.SpeakerAppointed, by, at, group_id=group_id, speaker_id=speaker_id)

    class WorkingGroupJoined(Event):
        group_id: UUID
        actor_id: UUID

        def apply(self, a: Alliance) -> None:
            key = str(self.group_id)
            group = a.working_groups[key]
            a.working_groups[key] = replace(group, member_ids=(*group.member_ids, self.actor_id))

    def join_working_group(self, *, group_id: UUID, actor_id: UUID, by: str, at: datetime | None = None) -> None:
        self._require_open()
        group = self._working_group(group_id)
        actor = self._actor(actor_id)
        if actor_id in group.member_ids:
            raise RuleViolation(f"{actor.name} arbeitet bereits in der Arbeitsgruppe „{group.name}“ mit.")
        self._emit(self.WorkingGroupJoined, by, at, group_id=group_id, actor_id=actor_id)

    class SteeringGroupSet(Event):
        member_ids: list[UUID]
        reason: str | None

        def apply(self, a: Alliance) -> None:
            a.steering_group = [str(m) for m in self.member_ids]

    def set_steering_group(self, *, member_ids: list[UUID], reason: str | None, by: str,
                           at: datetime | None = None) -> None:
        self._require_open()
        if not member_ids:
            raise InvalidInput("Die Steuerungsgruppe braucht mindestens ein Mitglied.")
        for actor_id in member_ids:
            self._actor(actor_id)
        if len(set(member_ids)) != len(member_ids):
            raise InvalidInput("Ein Mitglied der Steuerungsgruppe ist doppelt genannt.")
        self._emit(self.SteeringGroupSet, by, at, member_ids=list(member_ids), reason=reason)

    class SelfAssessmentRecorded(Event):
        """Version 2 keys the scores by dimension code; version 1 stored a list in the guide's order."""

        class_version = 2
        on: date
        scores: dict[str, int]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["scores"] = dict(zip([d.value for d in Dimension], state["scores"], strict=True))

        def apply(self, a: Alliance) -> None:
            a.self_assessments.append(SelfAssessment(self.on, dict(self.scores)))

    def record_self_assessment(self, *, on: date, scores: dict[str, int], by: str,
                               at: datetime | None = None) -> None:
        self._require_open()
        if any(s.on == on for s in self.self_assessments):
            raise RuleViolation(f"Für den {on:%d.%m.%Y} ist bereits eine Selbsteinschätzung erfasst.")
        self._emit(self.SelfAssessmentRecorded, by, at, on=on, scores=dict(scores))

    class LegalFormSet(Event):
        legal_form: LegalForm

        def apply(self, a: Alliance) -> None:
            a.legal_form = self.legal_form

    def set_legal_form(self, *, legal_form: LegalForm, by: str, at: datetime | None = None) -> None:
        self._require_open()
        if self.legal_form is legal_form:
            raise RuleViolation(f"Die Rechtsform ist bereits „{legal_form.label}“.")
        self._emit(self.LegalFormSet, by, at, legal_form=legal_form)

    # ---- the step machine --------------------------------------------------------------------

    class StepCompleted(Event):
        """`unmet` holds the criteria that did not hold and were overridden by `justification`."""

        step: int
        justification: str | None
        unmet: list[str]

        def apply(self, a: Alliance) -> None:
            a.step = self.step + 1
            a.step_entered_at = self.timestamp

    def complete_step(self, *, step: int, justification: str | None, policy: StepPolicy, by: str,
                      at: datetime | None = None) -> None:
        self._require_open()
        if self.paused:
            raise RuleViolation("Das Bündnis ruht; zuerst wieder aufnehmen, dann Schritte abschließen.")
        if not 1 <= step <= LAST_STEP:
            raise InvalidInput(f"Schritt {step} gibt es nicht; die Schritte sind 1 bis {LAST_STEP}.")
        if step == LAST_STEP:
            raise RuleViolation("Schritt 5 (Netzwerk nachhaltig steuern) ist dauerhaft und wird nicht abgeschlossen.")
        if step != self.step:
            raise RuleViolation(
                f"Das Bündnis ist in Schritt {self.step}; Schritt {step} kann jetzt nicht abgeschlossen werden.")
        missing = unmet(self, step, policy)
        if missing and not justification:
            raise RuleViolation(
                f"Schritt {step} ist noch nicht erfüllt; ohne schriftliche Begründung kann er nicht "
                "abgeschlossen werden.", unmet=missing,
            )
        self._emit(self.StepCompleted, by, at, step=step, justification=justification or None, unmet=missing)

    class StepReopened(Event):
        step: int
        reason: str

        def apply(self, a: Alliance) -> None:
            a.step = self.step
            a.step_entered_at = self.timestamp
            if a.paused:  # reopened while dormant: the pause counts from here for the new step
                a.paused_at = self.timestamp

    def reopen_step(self, *, step: int, reason: str, by: str, at: datetime | None = None) -> None:
        self._require_open()
        if not 1 <= step <= LAST_STEP:
            raise InvalidInput(f"Schritt {step} gibt es nicht; die Schritte sind 1 bis {LAST_STEP}.")
        if step >= self.step:
            raise RuleViolation(f"Schritt {step} ist nicht abgeschlossen und kann nicht wieder geöffnet werden.")
        self._emit(self.StepReopened, by, at, step=step, reason=reason)

    # ---- status: pause, resume, dissolve ----------------------------------------------------

    class Paused(Event):
        reason: str | None

        def apply(self, a: Alliance) -> None:
            a.paused = True
            a.paused_at = self.timestamp

    class Resumed(Event):
        """Time spent dormant does not count as time in the step: its start moves by the pause."""

        reason: str | None

        def apply(self, a: Alliance) -> None:
            a.paused = False
            paused_at: datetime | None = getattr(a, "paused_at", None)  # absent in older snapshots
            if paused_at is not None and self.timestamp > paused_at:
                a.step_entered_at = a.step_entered_at + (self.timestamp - paused_at)
            a.paused_at = None

    class Dissolved(Event):
        reason: str

        def apply(self, a: Alliance) -> None:
            a.dissolved = True

    def pause(self, *, reason: str | None, by: str, at: datetime | None = None) -> None:
        self._require_open()
        if self.paused:
            raise RuleViolation("Das Bündnis ruht bereits.")
        self._emit(self.Paused, by, at, reason=reason)

    def resume(self, *, reason: str | None, by: str, at: datetime | None = None) -> None:
        self._require_open()
        if not self.paused:
            raise RuleViolation("Das Bündnis ist aktiv und muss nicht wieder aufgenommen werden.")
        self._emit(self.Resumed, by, at, reason=reason)

    def dissolve(self, *, reason: str, by: str, at: datetime | None = None) -> None:
        self._require_open()
        self._emit(self.Dissolved, by, at, reason=reason)

    # ---- follow-ups that were sent -----------------------------------------------------------

    class FollowUpRecorded(Event):
        key: str
        rule: str
        subject_id: str | None
        recipients: list[str]
        due_at: datetime
        # Fell due long before it could be sent (an outage, an imported history): summarised.
        missed: bool = False

        def apply(self, a: Alliance) -> None:
            a.follow_ups[self.key] = FollowUpRecord(
                self.key, self.rule, self.subject_id, tuple(self.recipients), self.due_at, self.timestamp,
                self.missed,
            )

    def record_follow_up(self, *, key: str, rule: str, subject_id: str | None, recipients: list[str],
                         due_at: datetime, by: str, at: datetime | None = None, missed: bool = False) -> bool:
        """Records a sent follow-up once; a repeated key changes nothing and answers False."""
        if key in self.follow_ups:
            return False
        self._emit(self.FollowUpRecorded, by, at, key=key, rule=rule, subject_id=subject_id,
                   recipients=list(recipients), due_at=due_at, missed=missed)
        return True
