"""The alliance application: commands run idempotently, with optimistic concurrency, and queries.

A command (domain/commands/) checks its input, then the application loads what it decides on, lets
it decide, and saves once. A command may carry a `command_id`: applied once, its answer is kept
with its events in the same transaction, and a repeat answers the same without changing anything.
`expected_version` makes a write refuse when someone else wrote first; without it, a conflicting
write is decided again on fresh state.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from copy import deepcopy
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, LRUCache, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording, Transcoder
from eventsourcing.utils import EnvType, get_topic

from domain import values as v
from domain.alliance import Alliance
from domain.commands.action_plan import ActionPlanCommands
from domain.commands.actors import ActorCommands
from domain.commands.base import Command, Context
from domain.commands.commitments import CommitmentCommands
from domain.commands.follow_ups import FollowUpCommands
from domain.commands.founding import FoundingCommands
from domain.commands.meetings import MeetingCommands
from domain.commands.outreach import OutreachCommands
from domain.commands.steering import SteeringCommands
from domain.commands.steps import StepCommands
from domain.commands.team import TeamCommands
from domain.commitment import Commitment, Period, ProgressReport
from domain.dates import german_moment
from domain.errors import (
    ConcurrencyConflict,
    IdempotencyConflict,
    InconsistentInput,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from domain.idempotency import CommandRecord, CommitmentIndex, index_id, record_id
from domain.personal_data import FreeText, InMemoryKeyRing, KeyRing, PersonalData, SealedText, reveal, unseal
from domain.records import RECORD_TYPES
from domain.steps import StepPolicy
from domain.transcoder import OrjsonTranscoder

R = TypeVar("R")
A = TypeVar("A", bound=Aggregate)
Clock = Callable[[], datetime]
ENUM_TYPES: tuple[type, ...] = (
    v.Sector, v.Outcome, v.MeetingKind, v.CommitmentKind, v.CommitmentStatus, v.Recurrence,
    v.AllianceStatus, v.LegalForm, v.ProjectStatus, v.Dimension, v.Bundesland, v.ErasureReason, v.AnchoringKind,
)
MAX_RETRIES = 5
READ_COPIES = 2000  # aggregates shared read-only between requests (an alliance and its commitments)


def utc_now() -> datetime:
    return datetime.now(UTC)


class AllianceApplication(StepCommands, ActorCommands, TeamCommands, MeetingCommands, ActionPlanCommands,
                          FoundingCommands, SteeringCommands, OutreachCommands, CommitmentCommands,
                          FollowUpCommands, Application[UUID]):
    """Commands and direct event-store queries for alliances and their commitments."""

    name = "Alliances"
    snapshotting_intervals = {Alliance: 100, Commitment: 100}
    # A command decides on a copy of the cached aggregate, so a command that fails leaves the cache as
    # stored; the copy makes new containers and shares the immutable records (domain/copies.py).
    env = {"AGGREGATE_CACHE_MAXSIZE": "1000", "DEEPCOPY_FROM_AGGREGATE_CACHE": "y"}

    def __init__(self, env: EnvType | None = None, *, policy: StepPolicy | None = None,
                 key_ring: KeyRing | None = None, clock: Clock = utc_now) -> None:
        super().__init__(env)
        self.policy = policy or StepPolicy()
        self.key_ring: KeyRing = key_ring or InMemoryKeyRing()
        self.clock = clock
        self._saved_listeners: list[Callable[[int], None]] = []
        self._held: Callable[[int], None] | None = None
        self._read_copies: OrderedDict[UUID, Aggregate] = OrderedDict()
        self._read_copies_lock = threading.Lock()
        self._snapshots_due: dict[UUID, int] | None = None

    def on_saved(self, listener: Callable[[int], None]) -> Callable[[], None]:
        """Calls `listener(position)` (the highest notification id stored) after each save, in the
        saving thread; answers the function that removes it. The followers of the log (relay,
        projectors) wake on it instead of waiting for their next poll."""
        self._saved_listeners.append(listener)
        return lambda: self._saved_listeners.remove(listener)

    def hold_saved(self, collect: Callable[[int], None] | None) -> None:
        """While `collect` is set, the positions of saves go to it instead of the listeners: a
        transaction spanning several saves (storage/group_commit.py) tells them after its commit."""
        self._held = collect

    @contextlib.contextmanager
    def snapshots_at_the_end(self) -> Iterator[None]:
        """While inside, the snapshots that saves make due (`snapshotting_intervals`) are noted, not
        taken; at the end each aggregate gets the latest of them, taken as a save would have: the
        store holds what it would hold anyway, since only the latest is kept (storage/snapshots.py).
        For one writer of many commands (the generator): a snapshot loads the aggregate again at
        its version and encodes all of it, and an alliance of years took one every 100 events (a
        third of the generator's time on such alliances, 2026-11-30)."""
        due: dict[UUID, int] = {}
        self._snapshots_due = due
        try:
            yield
        finally:
            self._snapshots_due = None
        for aggregate_id, version in due.items():
            self.take_snapshot(aggregate_id, version=version)

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        due = self._snapshots_due
        if due is None:
            super()._take_snapshots(processing_event)
            return
        for event in processing_event.events:
            aggregate = processing_event.aggregates.get(event.originator_id)
            interval = self.snapshotting_intervals.get(type(aggregate)) if aggregate is not None else None
            if interval and event.originator_version % interval == 0:
                due[event.originator_id] = event.originator_version

    def forget_cached(self) -> None:
        """Drops every cached aggregate and every shared read copy: after a failed commit they may
        hold what was never stored (storage/group_commit.py), and a read copy kept by version would
        otherwise be served for a later, different change that got the same version number."""
        cache = self.repository.cache
        if isinstance(cache, LRUCache):
            # eventsourcing 9.5's LRUCache.clear() resets only its recency list and keeps every
            # entry in its dict: empty both.
            with cache.lock:
                cache.cache.clear()
                cache.clear()
                cache.full = False
        elif cache is not None:
            cache.cache.clear()
        with self._read_copies_lock:
            self._read_copies.clear()

    def tell_saved(self, position: int) -> None:
        """Tells the listeners of saves that the log reached `position` (committed)."""
        for listener in list(self._saved_listeners):
            # The events are committed: a failing wake only leaves the follower to its poll.
            with contextlib.suppress(Exception):
                listener(position)

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        positions = [r.notification.id for r in recordings]
        if not positions:
            return
        held = self._held
        if held is not None:
            held(max(positions))
            return
        self.tell_saved(max(positions))

    def construct_transcoder(self) -> Transcoder:
        return OrjsonTranscoder((*ENUM_TYPES, *RECORD_TYPES, ProgressReport, Period, SealedText))

    # ---- the command runner ------------------------------------------------------------------

    def handle(self, command: Command[R], *, by: str, command_id: str | None = None) -> R:
        """Runs a command: checks its input, decides on fresh state and saves once (deciding again
        when someone else wrote first); with a command id, at most once."""
        decide = command.plan()
        ctx = Context(by=by, clock=self.clock, policy=self.policy, key_ring=self.key_ring,
                      alliance=self._alliance, commitment=self.get_commitment,
                      commitment_index=self._commitment_index)
        name, fingerprint = command.command_name(), command.fingerprint()
        for _attempt in range(MAX_RETRIES):
            if command_id is not None:
                previous = self._applied(command_id, name, fingerprint, command)
                if previous is not None:
                    command.settle(ctx)
                    result: R = previous.result
                    return result
            work = decide(ctx)
            records: list[Aggregate] = []
            if command_id is not None:
                # The id is derived from the command id, so concurrent repeats collide in the store.
                records.append(CommandRecord._create(
                    CommandRecord.Applied, id=record_id(command_id), command_id=command_id,
                    command=name, fingerprint=fingerprint, result=work.result))
            try:
                self.save(*work.aggregates, *records)
            except IntegrityError:
                if command.refuses_stale_writes:
                    raise ConcurrencyConflict(
                        "Jemand anderes hat das Bündnis inzwischen geändert; bitte neu laden."
                    ) from None
                continue  # someone wrote first: decide again on fresh state
            command.settle(ctx)
            return work.result
        raise ConcurrencyConflict("Zu viele gleichzeitige Änderungen; bitte später erneut versuchen.")

    def _applied(self, command_id: str, name: str, fingerprint: str, command: Command[R]) -> CommandRecord | None:
        try:
            record: CommandRecord = self.repository.get(record_id(command_id))
        except AggregateNotFoundError:
            return None
        if record.command != name or (record.fingerprint != fingerprint
                                      and record.fingerprint not in command.earlier_fingerprints()):
            raise IdempotencyConflict(
                "Dieser Idempotenzschlüssel wurde bereits für eine andere Anfrage verwendet."
            )
        return record

    def _get(self, cls: type[A], aggregate_id: UUID, what: str, *, copy: bool = True) -> A:
        """The aggregate, a copy of its own for a command to change; `copy=False`: the repository's
        cached object itself, only to look at."""
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id, deepcopy_from_cache=copy)
        except AggregateNotFoundError:
            raise NotFound(f"{what} {aggregate_id} gibt es nicht.") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"{what} {aggregate_id} gibt es nicht.")
        return aggregate

    def _read(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        """The aggregate as it stands now, for reading only: a copy shared by every reader until
        the aggregate changes (never to be changed by its callers; commands load through `_get`).

        The repository's cached aggregate is brought up to date from the store on every call (the
        caller's own writes show at once); it is copied only when its version moved, under the
        repository's fast-forward lock for it, so no other thread changes it mid-copy. A page that
        reads an alliance of years and its hundreds of commitments no longer deep-copies them all
        on every request."""
        repository = self.repository
        cached = self._get(cls, aggregate_id, what, copy=False)
        if repository.cache is None or not repository.deepcopy_from_cache:
            return cached  # rebuilt for this call alone, or the application shares its cache anyway
        with self._read_copies_lock:
            copy = self._read_copies.get(aggregate_id)
            if copy is not None:
                self._read_copies.move_to_end(aggregate_id)
        if copy is not None and copy.version == cached.version:
            return copy  # type: ignore[return-value]
        lock = repository._use_fastforward_lock(aggregate_id)
        try:
            with lock:
                copy = deepcopy(cached)
        finally:
            repository._disuse_fastforward_lock(aggregate_id)
        with self._read_copies_lock:
            kept = self._read_copies.get(aggregate_id)
            if kept is None or kept.version <= copy.version:
                self._read_copies[aggregate_id] = copy
                self._read_copies.move_to_end(aggregate_id)
            while len(self._read_copies) > READ_COPIES:
                self._read_copies.popitem(last=False)
        return copy

    def require_existing_alliance(self, alliance_id: UUID) -> None:
        """Only that the alliance exists: the cached aggregate is looked at, not copied (a copy of a
        long history costs more than the answer it guards)."""
        self._get(Alliance, alliance_id, "Das Bündnis", copy=False)

    def _alliance(self, alliance_id: UUID, expected_version: int | None = None) -> Alliance:
        alliance = self._get(Alliance, alliance_id, "Das Bündnis")
        if expected_version is not None and alliance.version != expected_version:
            raise ConcurrencyConflict(
                f"Das Bündnis hat inzwischen Version {alliance.version}, nicht {expected_version}; bitte neu laden."
            )
        return alliance

    def _commitment_index(self, alliance_id: UUID, at: datetime) -> CommitmentIndex:
        try:
            index: CommitmentIndex = self.repository.get(index_id(alliance_id))
        except AggregateNotFoundError:
            index = CommitmentIndex._create(CommitmentIndex.Opened, id=index_id(alliance_id), timestamp=at,
                                            alliance_id=alliance_id)
        return index

    # ---- reading one alliance or commitment ------------------------------------------------------

    def get_alliance(self, alliance_id: UUID) -> Alliance:
        """The alliance as it stands now, to read (shared between readers: never change it)."""
        return self._read(Alliance, alliance_id, "Das Bündnis")

    def get_commitment(self, alliance_id: UUID, commitment_id: UUID) -> Commitment:
        """The commitment as it stands now, to read (shared between readers: never change it)."""
        commitment = self._read(Commitment, commitment_id, "Die Zusage")
        if commitment.alliance_id != alliance_id:
            raise NotFound(f"Die Zusage {commitment_id} gehört nicht zu diesem Bündnis.")
        return commitment

    def contact_person(self, alliance_id: UUID, person_id: UUID) -> PersonalData | None:
        """The person's data, or None when it was erased."""
        return self.person_data(self.get_alliance(alliance_id), person_id)

    def person_data(self, alliance: Alliance, person_id: UUID) -> PersonalData | None:
        """The person's data from an alliance already loaded (a page showing many persons loads the
        alliance once, not once per person: each load copies the aggregate's containers)."""
        person = alliance.persons.get(str(person_id))
        if person is None:
            raise NotFound(f"Ansprechperson {person_id} gehört nicht zu diesem Bündnis.")
        return None if person.erased else unseal(person.sealed, self.key_ring.get(person_id))

    def text(self, alliance: Alliance, value: FreeText | None) -> str | None:
        """A free text of the alliance to show: "[gelöscht]" once its key is erased."""
        return reveal(value, self.key_ring, alliance.erased_keys())

    def texts_of(self, alliance_id: UUID) -> Callable[[FreeText | None], str | None]:
        """Shows free texts of the alliance as it stands now (erased texts stay erased in views of
        the past)."""
        return self.texts_for(self.get_alliance(alliance_id))

    def texts_for(self, alliance: Alliance) -> Callable[[FreeText | None], str | None]:
        """`texts_of` for an alliance already loaded, as it stands now."""
        erased, ring = alliance.erased_keys(), self.key_ring
        return lambda value: reveal(value, ring, erased)

    def sweep_erased_keys(self, batch: int = 1000) -> int:
        """Destroys every key whose erasure is recorded (a person's, a generation of an alliance's
        free texts): the key goes after its erasure event is stored, so a crash in between, or a
        key ring restored from before, leaves one behind. Answers how many were destroyed."""
        topics = [get_topic(Alliance.ContactPersonErased), get_topic(Alliance.FreeTextsErased)]
        destroyed, start = 0, 1
        while True:
            notifications = self.recorder.select_notifications(start=start, limit=batch, topics=topics)
            for n in notifications:
                event = self.mapper.to_domain_event(n)
                key_id = event.key_id if isinstance(event, Alliance.FreeTextsErased) else event.person_id  # type: ignore[attr-defined]
                destroyed += self.key_ring.destroy(key_id)
            if len(notifications) < batch:
                return destroyed
            start = notifications[-1].id + 1

    # ---- queries straight from the stored events -----------------------------------------------------

    def commitment_ids(self, alliance_id: UUID, as_of: datetime | None = None) -> list[UUID]:
        events = self.events.get(index_id(alliance_id))
        return [e.commitment_id for e in events
                if isinstance(e, CommitmentIndex.CommitmentAdded) and (as_of is None or e.timestamp <= as_of)]

    def commitments(self, alliance_id: UUID, as_of: datetime | None = None) -> list[Commitment]:
        """The alliance's commitments as they stood at `as_of` (now when None)."""
        if as_of is None:  # to read, shared between readers (see `_read`): never change them
            self.require_existing_alliance(alliance_id)
            try:
                index = self._read(CommitmentIndex, index_id(alliance_id), "Das Verzeichnis der Zusagen")
            except NotFound:
                return []  # no commitment yet
            return [self._read(Commitment, cid, "Die Zusage") for cid in list(index.commitment_ids)]
        if as_of.tzinfo is None:
            raise InvalidInput("Ein Zeitpunkt braucht eine Zeitzone (z. B. 2026-03-01T12:00:00+01:00).")
        registered = self.registered_at(alliance_id)
        if as_of < registered:
            raise InconsistentInput(
                f"Zu diesem Zeitpunkt gab es das Bündnis noch nicht (erfasst am {german_moment(registered)})."
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
