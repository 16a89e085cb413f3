"""The alliance application: one method per command, idempotent, with optimistic concurrency.

Each command loads its aggregate, lets it decide, and saves once. A command may carry a
`command_id`: applied once, its answer is kept with its events in the same transaction, and a
repeat answers the same without changing anything. `expected_version` makes a write refuse when
someone else wrote first; without it, a conflicting write is retried on fresh state.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID, uuid4

import orjson
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Transcoder
from eventsourcing.utils import EnvType

from domain import values as v
from domain.alliance import Alliance
from domain.commitment import Commitment, Period, ProgressReport
from domain.dates import berlin, check_optional_date
from domain.errors import ConcurrencyConflict, IdempotencyConflict, InvalidInput, NotFound, RuleViolation
from domain.idempotency import CommandRecord, CommitmentIndex, index_id, record_id
from domain.personal_data import InMemoryKeyRing, KeyRing, PersonalData, seal, unseal
from domain.records import RECORD_TYPES
from domain.steps import StepPolicy
from domain.transcoder import OrjsonTranscoder

T = TypeVar("T")
A = TypeVar("A", bound=Aggregate)
Clock = Callable[[], datetime]
ENUM_TYPES: tuple[type, ...] = (
    v.Sector, v.Outcome, v.MeetingKind, v.CommitmentKind, v.CommitmentStatus, v.Recurrence,
    v.AllianceStatus, v.LegalForm, v.ProjectStatus, v.Dimension, v.Bundesland,
)
MAX_RETRIES = 5


def utc_now() -> datetime:
    return datetime.now(UTC)


class Work:
    """What a command decided: the aggregates to save and the answer to give."""

    def __init__(self, result: Any, *aggregates: Aggregate) -> None:
        self.result = result
        self.aggregates = aggregates


class AllianceApplication(Application[UUID]):
    """Commands and direct event-store queries for alliances and their commitments."""

    name = "Alliances"
    snapshotting_intervals = {Alliance: 100, Commitment: 100}
    env = {"AGGREGATE_CACHE_MAXSIZE": "1000", "DEEPCOPY_FROM_AGGREGATE_CACHE": "y"}

    def __init__(self, env: EnvType | None = None, *, policy: StepPolicy | None = None,
                 key_ring: KeyRing | None = None, clock: Clock = utc_now) -> None:
        super().__init__(env)
        self.policy = policy or StepPolicy()
        self.key_ring: KeyRing = key_ring or InMemoryKeyRing()
        self.clock = clock

    def construct_transcoder(self) -> Transcoder:
        return OrjsonTranscoder((*ENUM_TYPES, *RECORD_TYPES, ProgressReport, Period))

    # ---- the command runner ------------------------------------------------------------------

    def _run(self, command: str, args: dict[str, Any], decide: Callable[[], Work],
             command_id: str | None) -> Any:
        fingerprint = hashlib.sha256(orjson.dumps(args, default=str, option=orjson.OPT_SORT_KEYS)).hexdigest()
        for _attempt in range(MAX_RETRIES):
            if command_id is not None:
                previous = self._applied(command_id, command, fingerprint)
                if previous is not None:
                    return previous.result
            work = decide()
            records: list[Aggregate] = []
            if command_id is not None:
                # The id is derived from the command id, so concurrent repeats collide in the store.
                records.append(CommandRecord._create(
                    CommandRecord.Applied, id=record_id(command_id), command_id=command_id,
                    command=command, fingerprint=fingerprint, result=work.result))
            try:
                self.save(*work.aggregates, *records)
            except IntegrityError:
                if args.get("expected_version") is not None:
                    raise ConcurrencyConflict(
                        "Jemand anderes hat das Bündnis inzwischen geändert; bitte neu laden."
                    ) from None
                continue  # someone wrote first: decide again on fresh state
            return work.result
        raise ConcurrencyConflict("Zu viele gleichzeitige Änderungen; bitte später erneut versuchen.")

    def _applied(self, command_id: str, command: str, fingerprint: str) -> CommandRecord | None:
        try:
            record: CommandRecord = self.repository.get(record_id(command_id))
        except AggregateNotFoundError:
            return None
        if record.command != command or record.fingerprint != fingerprint:
            raise IdempotencyConflict(
                "Dieser Idempotenzschlüssel wurde bereits für eine andere Anfrage verwendet."
            )
        return record

    def _get(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"{what} {aggregate_id} gibt es nicht.") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"{what} {aggregate_id} gibt es nicht.")
        return aggregate

    def _alliance(self, alliance_id: UUID, expected_version: int | None = None) -> Alliance:
        alliance = self._get(Alliance, alliance_id, "Das Bündnis")
        if expected_version is not None and alliance.version != expected_version:
            raise ConcurrencyConflict(
                f"Das Bündnis hat inzwischen Version {alliance.version}, nicht {expected_version}; bitte neu laden."
            )
        return alliance

    def _on_alliance(self, command: str, alliance_id: UUID, act: Callable[[Alliance], T], *,
                     command_id: str | None, expected_version: int | None = None,
                     **args: Any) -> T:
        """Loads the alliance, lets `act` call one of its commands, and saves it once."""

        def decide() -> Work:
            alliance = self._alliance(alliance_id, expected_version)
            return Work(act(alliance), alliance)

        result: T = self._run(command, {"alliance_id": alliance_id, "expected_version": expected_version,
                                        **args}, decide, command_id)
        return result

    # ---- alliances ------------------------------------------------------------------------------

    def register_alliance(self, *, name: str, municipality: str, state: str, by: str,
                          command_id: str | None = None) -> UUID:
        checked = (v.require_text(name, "Der Name des Bündnisses", 200),
                   v.require_text(municipality, "Die Kommune", 200), v.parse_code(v.Bundesland, state, "Bundesland"))

        def decide() -> Work:
            alliance = Alliance._create(Alliance.Registered, id=uuid4(), timestamp=self.clock(), by=by,
                                        name=checked[0], municipality=checked[1], state=checked[2])
            return Work(alliance.id, alliance)

        result: UUID = self._run("register_alliance", {"name": name, "municipality": municipality,
                                                       "state": state}, decide, command_id)
        return result

    def get_alliance(self, alliance_id: UUID) -> Alliance:
        return self._alliance(alliance_id)

    def add_actor(self, alliance_id: UUID, *, name: str, sector: str, by: str,
                  command_id: str | None = None) -> UUID:
        actor_id, text = uuid4(), v.require_text(name, "Der Name des Akteurs", 200)
        code = v.parse_code(v.Sector, sector, "Akteurstyp")

        def act(a: Alliance) -> UUID:
            a.add_actor(actor_id=actor_id, name=text, sector=code, by=by, at=self.clock())
            return actor_id

        return self._on_alliance("add_actor", alliance_id, act, command_id=command_id, name=name, sector=sector)

    def record_contact(self, alliance_id: UUID, *, actor_id: UUID, on: date, outcome: str,
                       follow_up_on: date | None = None, notes: str | None = None, by: str,
                       command_id: str | None = None) -> UUID:
        contact_id, result = uuid4(), v.parse_code(v.Outcome, outcome, "Ergebnis des Gesprächs")
        text = v.optional_text(notes, "Die Notiz")

        def act(a: Alliance) -> UUID:
            a.record_contact(contact_id=contact_id, actor_id=actor_id, on=on, outcome=result,
                             follow_up_on=follow_up_on, notes=text, by=by, at=self.clock())
            return contact_id

        return self._on_alliance("record_contact", alliance_id, act, command_id=command_id, actor_id=actor_id,
                                 on=on, outcome=outcome, follow_up_on=follow_up_on, notes=notes)

    def add_contact_person(self, alliance_id: UUID, *, actor_id: UUID, name: str, email: str | None = None,
                           phone: str | None = None, by: str, command_id: str | None = None) -> UUID:
        data = PersonalData.checked(name, email, phone)
        person_id = uuid4()

        def act(a: Alliance) -> UUID:
            a.actor(actor_id)
            sealed = seal(data, self.key_ring.create(person_id))
            a.add_contact_person(person_id=person_id, actor_id=actor_id, sealed=sealed, by=by, at=self.clock())
            return person_id

        # Personal data stays out of the fingerprint (it is stored with the command record).
        digest = hashlib.sha256(orjson.dumps([name, email, phone])).hexdigest()
        return self._on_alliance("add_contact_person", alliance_id, act, command_id=command_id,
                                 actor_id=actor_id, person=digest)

    def contact_person(self, alliance_id: UUID, person_id: UUID) -> PersonalData | None:
        """The person's data, or None when it was erased."""
        person = self._alliance(alliance_id).persons.get(str(person_id))
        if person is None:
            raise NotFound(f"Ansprechperson {person_id} gehört nicht zu diesem Bündnis.")
        return None if person.erased else unseal(person.sealed, self.key_ring.get(person_id))

    def erase_contact_person(self, alliance_id: UUID, *, person_id: UUID, reason: str, by: str,
                             command_id: str | None = None) -> None:
        why = v.require_text(reason, "Der Grund der Löschung")
        person = self._alliance(alliance_id).persons.get(str(person_id))
        if person is None or not person.erased:
            self._on_alliance("erase_contact_person", alliance_id,
                              lambda a: a.erase_contact_person(person_id=person_id, reason=why, by=by, at=self.clock()),
                              command_id=command_id, person_id=person_id, reason=reason)
        # The key goes after the event is stored: after a crash in between, the data is erased on
        # record and repeating the erasure destroys the key without recording it twice.
        self.key_ring.destroy(person_id)

    def add_team_member(self, alliance_id: UUID, *, actor_id: UUID, by: str, command_id: str | None = None) -> None:
        self._on_alliance("add_team_member", alliance_id,
                          lambda a: a.add_team_member(actor_id=actor_id, by=by, at=self.clock()),
                          command_id=command_id, actor_id=actor_id)

    def remove_team_member(self, alliance_id: UUID, *, actor_id: UUID, reason: str | None = None, by: str,
                           command_id: str | None = None) -> None:
        why = v.optional_text(reason, "Der Grund")
        self._on_alliance("remove_team_member", alliance_id,
                          lambda a: a.remove_team_member(actor_id=actor_id, reason=why, by=by, at=self.clock()),
                          command_id=command_id, actor_id=actor_id, reason=reason)

    def record_goal(self, alliance_id: UUID, *, text: str, by: str, command_id: str | None = None) -> UUID:
        goal_id, checked = uuid4(), v.require_text(text, "Das Ziel")

        def act(a: Alliance) -> UUID:
            a.record_goal(goal_id=goal_id, text=checked, by=by, at=self.clock())
            return goal_id

        return self._on_alliance("record_goal", alliance_id, act, command_id=command_id, text=text)

    def list_candidate(self, alliance_id: UUID, *, name: str, sector: str, by: str,
                       command_id: str | None = None) -> UUID:
        candidate_id = uuid4()
        text, code = v.require_text(name, "Der Name", 200), v.parse_code(v.Sector, sector, "Akteurstyp")

        def act(a: Alliance) -> UUID:
            a.list_candidate(candidate_id=candidate_id, name=text, sector=code, by=by, at=self.clock())
            return candidate_id

        return self._on_alliance("list_candidate", alliance_id, act, command_id=command_id, name=name, sector=sector)

    def invite_candidate(self, alliance_id: UUID, *, candidate_id: UUID, on: date, by: str,
                         command_id: str | None = None) -> None:
        self._on_alliance("invite_candidate", alliance_id,
                          lambda a: a.invite_candidate(candidate_id=candidate_id, on=on, by=by, at=self.clock()),
                          command_id=command_id, candidate_id=candidate_id, on=on)

    # ---- meetings -----------------------------------------------------------------------------

    def schedule_meeting(self, alliance_id: UUID, *, kind: str, on: date, title: str,
                         organiser_id: UUID | None = None, by: str, command_id: str | None = None) -> UUID:
        meeting_id, code = uuid4(), v.parse_code(v.MeetingKind, kind, "Art des Treffens")
        checked = v.require_text(title, "Der Titel des Treffens", 200)

        def act(a: Alliance) -> UUID:
            a.schedule_meeting(meeting_id=meeting_id, kind=code, on=on, title=checked,
                               organiser_id=organiser_id, by=by, at=self.clock())
            return meeting_id

        return self._on_alliance("schedule_meeting", alliance_id, act, command_id=command_id, kind=kind, on=on,
                                 title=title, organiser_id=organiser_id)

    def hold_meeting(self, alliance_id: UUID, meeting_id: UUID, *, attendee_ids: list[UUID],
                     minutes: str | None = None, held_on: date | None = None, by: str,
                     command_id: str | None = None) -> None:
        text = v.optional_text(minutes, "Das Protokoll", 100_000)
        self._on_alliance("hold_meeting", alliance_id,
                          lambda a: a.hold_meeting(meeting_id=meeting_id, held_on=held_on,
                                                   attendee_ids=list(attendee_ids), minutes=text, by=by,
                                                   at=self.clock()),
                          command_id=command_id, meeting_id=meeting_id, attendee_ids=attendee_ids,
                          minutes=minutes, held_on=held_on)

    def record_minutes(self, alliance_id: UUID, meeting_id: UUID, *, minutes: str, by: str,
                       command_id: str | None = None) -> None:
        text = v.require_text(minutes, "Das Protokoll", 100_000)
        self._on_alliance("record_minutes", alliance_id,
                          lambda a: a.record_minutes(meeting_id=meeting_id, minutes=text, by=by, at=self.clock()),
                          command_id=command_id, meeting_id=meeting_id, minutes=minutes)

    def add_action_item(self, alliance_id: UUID, meeting_id: UUID, *, text: str, owner_id: UUID | None = None,
                        due_on: date | None = None, by: str, command_id: str | None = None) -> UUID:
        item_id, checked = uuid4(), v.require_text(text, "Die Aufgabe")

        def act(a: Alliance) -> UUID:
            a.add_action_item(item_id=item_id, meeting_id=meeting_id, text=checked, owner_id=owner_id,
                              due_on=due_on, by=by, at=self.clock())
            return item_id

        return self._on_alliance("add_action_item", alliance_id, act, command_id=command_id,
                                 meeting_id=meeting_id, text=text, owner_id=owner_id, due_on=due_on)

    def complete_action_item(self, alliance_id: UUID, item_id: UUID, *, by: str,
                             command_id: str | None = None) -> None:
        self._on_alliance("complete_action_item", alliance_id,
                          lambda a: a.complete_action_item(item_id=item_id, by=by, at=self.clock()),
                          command_id=command_id, item_id=item_id)

    # ---- action plan, founding, steering ----------------------------------------------------------

    def add_project(self, alliance_id: UUID, *, title: str, theme: str, owner_id: UUID | None = None,
                    due_on: date | None = None, by: str, command_id: str | None = None) -> UUID:
        project_id = uuid4()
        checked = (v.require_text(title, "Der Titel des Projekts", 200), v.require_text(theme, "Das Thema", 200))

        def act(a: Alliance) -> UUID:
            a.add_project(project_id=project_id, title=checked[0], theme=checked[1], owner_id=owner_id,
                          due_on=due_on, by=by, at=self.clock())
            return project_id

        return self._on_alliance("add_project", alliance_id, act, command_id=command_id, title=title,
                                 theme=theme, owner_id=owner_id, due_on=due_on)

    def change_project_status(self, alliance_id: UUID, project_id: UUID, *, status: str,
                              reason: str | None = None, by: str, command_id: str | None = None) -> None:
        code, why = v.parse_code(v.ProjectStatus, status, "Projektstatus"), v.optional_text(reason, "Der Grund")
        self._on_alliance("change_project_status", alliance_id,
                          lambda a: a.change_project_status(project_id=project_id, status=code, reason=why,
                                                            by=by, at=self.clock()),
                          command_id=command_id, project_id=project_id, status=status, reason=reason)

    def record_founding(self, alliance_id: UUID, *, on: date, symbolic_act: str, signatory_ids: list[UUID],
                        format: str | None = None, by: str, command_id: str | None = None) -> None:
        act_text = v.require_text(symbolic_act, "Der symbolische Akt", 500)
        fmt = v.optional_text(format, "Das Format", 200)
        self._on_alliance("record_founding", alliance_id,
                          lambda a: a.record_founding(on=on, symbolic_act=act_text, format=fmt,
                                                      signatory_ids=list(signatory_ids), by=by, at=self.clock()),
                          command_id=command_id, on=on, symbolic_act=symbolic_act,
                          signatory_ids=signatory_ids, format=format)

    def sign_declaration(self, alliance_id: UUID, *, actor_id: UUID, on: date, by: str,
                         command_id: str | None = None) -> None:
        self._on_alliance("sign_declaration", alliance_id,
                          lambda a: a.sign_declaration(actor_id=actor_id, on=on, by=by, at=self.clock()),
                          command_id=command_id, actor_id=actor_id, on=on)

    def join_federal_initiative(self, alliance_id: UUID, *, joined_on: date, by: str,
                                command_id: str | None = None) -> None:
        self._on_alliance("join_federal_initiative", alliance_id,
                          lambda a: a.join_federal_initiative(joined_on=joined_on, by=by, at=self.clock()),
                          command_id=command_id, joined_on=joined_on)

    def form_working_group(self, alliance_id: UUID, *, name: str, theme: str, speaker_id: UUID | None = None,
                           by: str, command_id: str | None = None) -> UUID:
        group_id = uuid4()
        checked = (v.require_text(name, "Der Name der Arbeitsgruppe", 200), v.require_text(theme, "Das Thema", 200))

        def act(a: Alliance) -> UUID:
            a.form_working_group(group_id=group_id, name=checked[0], theme=checked[1], speaker_id=speaker_id,
                                 by=by, at=self.clock())
            return group_id

        return self._on_alliance("form_working_group", alliance_id, act, command_id=command_id, name=name,
                                 theme=theme, speaker_id=speaker_id)

    def appoint_speaker(self, alliance_id: UUID, group_id: UUID, *, speaker_id: UUID, by: str,
                        command_id: str | None = None) -> None:
        self._on_alliance("appoint_speaker", alliance_id,
                          lambda a: a.appoint_speaker(group_id=group_id, speaker_id=speaker_id, by=by, at=self.clock()),
                          command_id=command_id, group_id=group_id, speaker_id=speaker_id)

    def join_working_group(self, alliance_id: UUID, group_id: UUID, *, actor_id: UUID, by: str,
                           command_id: str | None = None) -> None:
        self._on_alliance("join_working_group", alliance_id,
                          lambda a: a.join_working_group(group_id=group_id, actor_id=actor_id, by=by, at=self.clock()),
                          command_id=command_id, group_id=group_id, actor_id=actor_id)

    def set_steering_group(self, alliance_id: UUID, *, member_ids: list[UUID], reason: str | None = None,
                           by: str, command_id: str | None = None) -> None:
        why = v.optional_text(reason, "Der Grund")
        self._on_alliance("set_steering_group", alliance_id,
                          lambda a: a.set_steering_group(member_ids=list(member_ids), reason=why, by=by,
                                                         at=self.clock()),
                          command_id=command_id, member_ids=member_ids, reason=reason)

    def record_self_assessment(self, alliance_id: UUID, *, on: date, scores: dict[str, int], by: str,
                               command_id: str | None = None) -> None:
        checked = v.require_scores(scores)
        self._on_alliance("record_self_assessment", alliance_id,
                          lambda a: a.record_self_assessment(on=on, scores=checked, by=by, at=self.clock()),
                          command_id=command_id, on=on, scores=scores)

    def set_legal_form(self, alliance_id: UUID, *, legal_form: str, by: str, command_id: str | None = None) -> None:
        code = v.parse_code(v.LegalForm, legal_form, "Rechtsform")
        self._on_alliance("set_legal_form", alliance_id,
                          lambda a: a.set_legal_form(legal_form=code, by=by, at=self.clock()),
                          command_id=command_id, legal_form=legal_form)

    # ---- steps and status ---------------------------------------------------------------------------

    def complete_step(self, alliance_id: UUID, step: int, *, justification: str | None = None, by: str,
                      expected_version: int | None = None, command_id: str | None = None) -> int:
        why = v.optional_text(justification, "Die Begründung")

        def act(a: Alliance) -> int:
            a.complete_step(step=step, justification=why, policy=self.policy, by=by, at=self.clock())
            return a.step

        return self._on_alliance("complete_step", alliance_id, act, command_id=command_id,
                                 expected_version=expected_version, step=step, justification=justification)

    def reopen_step(self, alliance_id: UUID, step: int, *, reason: str, by: str,
                    expected_version: int | None = None, command_id: str | None = None) -> int:
        why = v.require_text(reason, "Der Grund für das Wiederöffnen")

        def act(a: Alliance) -> int:
            a.reopen_step(step=step, reason=why, by=by, at=self.clock())
            return a.step

        return self._on_alliance("reopen_step", alliance_id, act, command_id=command_id,
                                 expected_version=expected_version, step=step, reason=reason)

    def pause(self, alliance_id: UUID, *, reason: str | None = None, by: str, command_id: str | None = None) -> None:
        why = v.optional_text(reason, "Der Grund")
        self._on_alliance("pause", alliance_id, lambda a: a.pause(reason=why, by=by, at=self.clock()),
                          command_id=command_id, reason=reason)

    def resume(self, alliance_id: UUID, *, reason: str | None = None, by: str, command_id: str | None = None) -> None:
        why = v.optional_text(reason, "Der Grund")
        self._on_alliance("resume", alliance_id, lambda a: a.resume(reason=why, by=by, at=self.clock()),
                          command_id=command_id, reason=reason)

    def dissolve(self, alliance_id: UUID, *, reason: str, by: str, command_id: str | None = None) -> None:
        why = v.require_text(reason, "Der Grund der Auflösung")
        self._on_alliance("dissolve", alliance_id, lambda a: a.dissolve(reason=why, by=by, at=self.clock()),
                          command_id=command_id, reason=reason)

    def record_alliance_follow_up(self, alliance_id: UUID, *, key: str, rule: str, subject_id: str | None,
                                  recipients: list[str], due_at: datetime, missed: bool = False,
                                  by: str = "system") -> bool:
        """Records a sent follow-up once per key (the key makes retried activities harmless);
        `missed`: it fell due long before it could be sent and goes out in a summary."""
        return self._on_alliance(
            "record_alliance_follow_up", alliance_id,
            lambda a: a.record_follow_up(key=key, rule=rule, subject_id=subject_id, recipients=recipients,
                                         due_at=due_at, missed=missed, by=by, at=self.clock()),
            command_id=None, key=key)

    # ---- commitments --------------------------------------------------------------------------------

    def pledge_commitment(self, alliance_id: UUID, *, partner_id: UUID, description: str, kind: str,
                          amount: Decimal | None = None, unit: str | None = None, due_on: date | None = None,
                          recurrence: str | None = None, by: str, command_id: str | None = None) -> UUID:
        text = v.require_text(description, "Die Beschreibung der Zusage", 1000)
        code = v.parse_code(v.CommitmentKind, kind, "Art der Zusage")
        checked_amount, checked_unit = v.require_amount(amount), v.optional_text(unit, "Die Einheit", 50)
        repeat = None if recurrence is None else v.parse_code(v.Recurrence, recurrence, "Wiederholung")
        if repeat is not None and due_on is None:
            raise InvalidInput("Eine jährliche Zusage braucht ein Fälligkeitsdatum.")

        def decide() -> Work:
            alliance = self._alliance(alliance_id)
            alliance.require_open()
            alliance.actor(partner_id)
            check_optional_date(due_on, "Das Fälligkeitsdatum")
            at = self.clock()
            commitment = Commitment._create(
                Commitment.Pledged, id=uuid4(), timestamp=at, by=by, alliance_id=alliance_id,
                partner_id=partner_id, description=text, kind=code, amount=checked_amount, unit=checked_unit,
                due_on=due_on, recurrence=repeat)
            index = self._commitment_index(alliance_id, at)
            index.add(commitment.id, partner_id, at)
            return Work(commitment.id, commitment, index)

        result: UUID = self._run("pledge_commitment", {
            "alliance_id": alliance_id, "partner_id": partner_id, "description": description, "kind": kind,
            "amount": amount, "unit": unit, "due_on": due_on, "recurrence": recurrence}, decide, command_id)
        return result

    def _commitment_index(self, alliance_id: UUID, at: datetime) -> CommitmentIndex:
        try:
            index: CommitmentIndex = self.repository.get(index_id(alliance_id))
        except AggregateNotFoundError:
            index = CommitmentIndex._create(CommitmentIndex.Opened, id=index_id(alliance_id), timestamp=at,
                                            alliance_id=alliance_id)
        return index

    def get_commitment(self, alliance_id: UUID, commitment_id: UUID) -> Commitment:
        commitment = self._get(Commitment, commitment_id, "Die Zusage")
        if commitment.alliance_id != alliance_id:
            raise NotFound(f"Die Zusage {commitment_id} gehört nicht zu diesem Bündnis.")
        return commitment

    def _on_commitment(self, command: str, alliance_id: UUID, commitment_id: UUID,
                       act: Callable[[Commitment], T], *, command_id: str | None, **args: Any) -> T:
        def decide() -> Work:
            commitment = self.get_commitment(alliance_id, commitment_id)
            return Work(act(commitment), commitment)

        result: T = self._run(command, {"alliance_id": alliance_id, "commitment_id": commitment_id, **args},
                              decide, command_id)
        return result

    def confirm_commitment(self, alliance_id: UUID, commitment_id: UUID, *, by: str,
                           command_id: str | None = None) -> v.CommitmentStatus:
        def act(c: Commitment) -> v.CommitmentStatus:
            c.confirm(by=by, at=self.clock())
            return c.status

        return self._on_commitment("confirm_commitment", alliance_id, commitment_id, act, command_id=command_id)

    def amend_commitment(self, alliance_id: UUID, commitment_id: UUID, *, reason: str,
                         description: str | None = None, amount: Decimal | None = None,
                         due_on: date | None = None, by: str, command_id: str | None = None) -> v.CommitmentStatus:
        why = v.require_text(reason, "Der Grund der Änderung")
        text = None if description is None else v.require_text(description, "Die Beschreibung der Zusage", 1000)
        checked_amount = v.require_amount(amount)

        def act(c: Commitment) -> v.CommitmentStatus:
            c.amend(description=text, amount=checked_amount, due_on=due_on, reason=why, by=by, at=self.clock())
            return c.status

        return self._on_commitment("amend_commitment", alliance_id, commitment_id, act, command_id=command_id,
                                   reason=reason, description=description, amount=amount, due_on=due_on)

    def fulfil_commitment(self, alliance_id: UUID, commitment_id: UUID, *, on: date | None = None,
                          note: str | None = None, by: str, command_id: str | None = None) -> v.CommitmentStatus:
        text = v.optional_text(note, "Die Notiz")

        def act(c: Commitment) -> v.CommitmentStatus:
            at = self.clock()
            c.fulfil(on=on or berlin(at).date(), note=text, by=by, at=at)
            # A yearly commitment stands in its next period now: answer that, not "fulfilled".
            return c.status

        return self._on_commitment("fulfil_commitment", alliance_id, commitment_id, act, command_id=command_id,
                                   on=on, note=note)

    def withdraw_commitment(self, alliance_id: UUID, commitment_id: UUID, *, reason: str, by: str,
                            command_id: str | None = None) -> v.CommitmentStatus:
        why = v.require_text(reason, "Der Grund des Rückzugs")

        def act(c: Commitment) -> v.CommitmentStatus:
            c.withdraw(reason=why, by=by, at=self.clock())
            return c.status

        return self._on_commitment("withdraw_commitment", alliance_id, commitment_id, act,
                                   command_id=command_id, reason=reason)

    def report_progress(self, alliance_id: UUID, commitment_id: UUID, *, on: date, text: str,
                        percent: int | None = None, by: str, command_id: str | None = None) -> None:
        checked = v.require_text(text, "Der Fortschrittsbericht")
        self._on_commitment("report_progress", alliance_id, commitment_id,
                            lambda c: c.report_progress(on=on, text=checked, percent=percent, by=by, at=self.clock()),
                            command_id=command_id, on=on, text=text, percent=percent)

    def mark_commitment_overdue(self, alliance_id: UUID, commitment_id: UUID, *, on: date,
                                by: str = "system") -> bool:
        """Marks an unfulfilled commitment overdue; already marked or no longer open: no change."""
        return self._on_commitment("mark_commitment_overdue", alliance_id, commitment_id,
                                   lambda c: c.mark_overdue(on=on, by=by, at=self.clock()), command_id=None, on=on)

    def record_commitment_follow_up(self, alliance_id: UUID, commitment_id: UUID, *, key: str, rule: str,
                                    recipients: list[str], due_at: datetime, missed: bool = False,
                                    by: str = "system") -> bool:
        return self._on_commitment(
            "record_commitment_follow_up", alliance_id, commitment_id,
            lambda c: c.record_follow_up(key=key, rule=rule, recipients=recipients, due_at=due_at, missed=missed,
                                         by=by, at=self.clock()), command_id=None, key=key)

    # ---- queries straight from the stored events -----------------------------------------------------

    def commitment_ids(self, alliance_id: UUID, as_of: datetime | None = None) -> list[UUID]:
        events = self.events.get(index_id(alliance_id))
        return [e.commitment_id for e in events
                if isinstance(e, CommitmentIndex.CommitmentAdded) and (as_of is None or e.timestamp <= as_of)]

    def commitments(self, alliance_id: UUID, as_of: datetime | None = None) -> list[Commitment]:
        """The alliance's commitments as they stood at `as_of` (now when None)."""
        if as_of is None:
            self._alliance(alliance_id)
            return [self._get(Commitment, cid, "Die Zusage") for cid in self.commitment_ids(alliance_id)]
        if as_of.tzinfo is None:
            raise InvalidInput("Ein Zeitpunkt braucht eine Zeitzone (z. B. 2026-03-01T12:00:00+01:00).")
        registered = self.registered_at(alliance_id)
        if as_of < registered:
            raise InvalidInput(
                f"Zu diesem Zeitpunkt gab es das Bündnis noch nicht (erfasst am {registered:%d.%m.%Y %H:%M} UTC)."
            )
        result = []
        for cid in self.commitment_ids(alliance_id, as_of):
            commitment = self.replay(cid, as_of)
            if isinstance(commitment, Commitment):
                result.append(commitment)
        return result

    def replay(self, aggregate_id: UUID, as_of: datetime) -> Aggregate | None:
        """The aggregate rebuilt from its events recorded up to `as_of`."""
        aggregate: Aggregate | None = None
        for event in self.events.get(aggregate_id):
            if event.timestamp > as_of:  # type: ignore[attr-defined]
                break
            aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
        return aggregate

    def registered_at(self, alliance_id: UUID) -> datetime:
        first = list(self.events.get(alliance_id, lte=1))
        if not first or not isinstance(first[0], Alliance.Registered):
            raise NotFound(f"Das Bündnis {alliance_id} gibt es nicht.")
        return first[0].timestamp

    def alliance_as_of(self, alliance_id: UUID, as_of: datetime) -> Alliance:
        alliance = self.replay(alliance_id, as_of)
        if not isinstance(alliance, Alliance):
            raise NotFound(f"Das Bündnis {alliance_id} gab es zu diesem Zeitpunkt noch nicht.")
        return alliance


__all__ = ["AllianceApplication", "ConcurrencyConflict", "IdempotencyConflict", "RuleViolation"]
