"""What every command shares: its fingerprint, the context it is decided in, and how it is run."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from types import MappingProxyType
from typing import Any, Generic, TypeVar
from uuid import UUID

import orjson
from eventsourcing.domain import Aggregate

from domain.alliance import Alliance
from domain.commitment import Commitment
from domain.idempotency import CommitmentIndex
from domain.personal_data import KeyRing, SealedText, seal_text
from domain.steps import StepPolicy

R = TypeVar("R")
A = TypeVar("A")
# Metadata of a field with personal data, `field(repr=False, metadata=PERSONAL)`: it is never part
# of a fingerprint (which is stored with the command's record), nor of the command's repr.
PERSONAL: Mapping[str, bool] = MappingProxyType({"personal": True})
# Metadata of a field added after command records were stored, `field(default=..., metadata=LATER)`:
# while it holds its default it stays out of the fingerprint, so an old request repeated with its
# command id still matches its record.
LATER: Mapping[str, bool] = MappingProxyType({"later": True})
# Metadata of a free-text field that is sealed in its event since free texts are: personal, so no
# longer part of the fingerprint; a record stored before (whose fingerprint held it) still answers
# a repeat of its request.
SEALED: Mapping[str, bool] = MappingProxyType({"personal": True, "sealed_later": True})


def fingerprint_of(asked: dict[str, Any]) -> str:
    """The hash a command record keeps of what was asked (records are stored: keep the format)."""
    return hashlib.sha256(orjson.dumps(asked, default=str, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True)
class Context:
    """Who asks, and what a decision may use: the clock, the step policy, the key ring, the store."""

    by: str
    clock: Callable[[], datetime]
    policy: StepPolicy
    key_ring: KeyRing
    alliance: Callable[[UUID, int | None], Alliance]  # refuses another version than the one given
    commitment: Callable[[UUID, UUID], Commitment]  # of this alliance
    commitment_index: Callable[[UUID, datetime], CommitmentIndex]  # opened when it has none yet

    def now(self) -> datetime:
        return self.clock()


class Work(Generic[R]):
    """What a command decided: the answer to give and the aggregates to save."""

    def __init__(self, result: R, *aggregates: Aggregate) -> None:
        self.result = result
        self.aggregates = aggregates


Decide = Callable[[Context], Work[R]]
Change = Callable[[A, Context], R]


@dataclass(frozen=True, kw_only=True)
class Command(Generic[R]):
    """A request to change what is stored; `R` is its answer."""

    @classmethod
    def command_name(cls) -> str:
        """The name kept with the command's record (stored: renaming the class must keep it)."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()

    def fingerprint(self) -> str:
        """What the command asks, hashed: its fields without personal data (and without fields added
        later while they hold their default)."""
        return fingerprint_of({
            f.name: getattr(self, f.name) for f in fields(self)
            if not f.metadata.get("personal") and not (f.metadata.get("later") and getattr(self, f.name) == f.default)
        })

    def earlier_fingerprints(self) -> tuple[str, ...]:
        """Fingerprints that earlier code stored for this same request, when they differ: with the
        free texts that are sealed now."""
        if not any(f.metadata.get("sealed_later") for f in fields(self)):
            return ()
        return (fingerprint_of({
            f.name: getattr(self, f.name) for f in fields(self)
            if (not f.metadata.get("personal") or f.metadata.get("sealed_later"))
            and not (f.metadata.get("later") and getattr(self, f.name) == f.default)
        }),)

    @property
    def refuses_stale_writes(self) -> bool:
        """True: when someone else wrote first, refuse instead of deciding again on fresh state."""
        return False

    def plan(self) -> Decide[R]:
        """Checks the input, before anything is loaded, and answers how to decide on fresh state
        (decided again when someone else wrote first)."""
        raise NotImplementedError

    def settle(self, ctx: Context) -> None:
        """Runs after the command was applied, or answered from its record."""


def sealed_text(a: Alliance, ctx: Context, text: str) -> SealedText:
    """`text` sealed with the key of the alliance's free texts (made when it has none yet)."""
    key_id = a.text_key_id()
    return seal_text(text, key_id, ctx.key_ring.create(key_id))


def sealed_optional(a: Alliance, ctx: Context, text: str | None) -> SealedText | None:
    return None if text is None else sealed_text(a, ctx, text)


@dataclass(frozen=True, kw_only=True)
class AllianceCommand(Command[R]):
    """A command on one alliance: loaded (at `expected_version`, when given), changed, saved once."""

    alliance_id: UUID
    expected_version: int | None = None

    @property
    def refuses_stale_writes(self) -> bool:
        return self.expected_version is not None

    def plan(self) -> Decide[R]:
        change = self.check()

        def decide(ctx: Context) -> Work[R]:
            alliance = ctx.alliance(self.alliance_id, self.expected_version)
            return Work(change(alliance, ctx), alliance)

        return decide

    def check(self) -> Change[Alliance, R]:
        """Checks the input, before anything is loaded, and answers the change to make."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class CommitmentCommand(Command[R]):
    """A command on one commitment of an alliance: loaded, changed, saved once."""

    alliance_id: UUID
    commitment_id: UUID

    def plan(self) -> Decide[R]:
        change = self.check()

        def decide(ctx: Context) -> Work[R]:
            commitment = ctx.commitment(self.alliance_id, self.commitment_id)
            return Work(change(commitment, ctx), commitment)

        return decide

    def check(self) -> Change[Commitment, R]:
        """Checks the input, before anything is loaded, and answers the change to make."""
        raise NotImplementedError


class Handles:
    """The application's commands as methods: each builds its command and hands it to `handle`."""

    def handle(self, command: Command[R], *, by: str, command_id: str | None = None) -> R:
        raise NotImplementedError
