"""The dataclasses crossing the Temporal boundary: signal, workflow and activity payloads.

Each one validates itself in `__post_init__`: the data converter builds it on decoding, so a
malformed signal is dropped with a log line by the SDK instead of failing a workflow task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.dates import MAX_INT64
from domain.follow_ups import AllianceFacts, CommitmentFacts, FollowUp, FollowUpPolicy

EVENT_SIGNAL = "event"
MAX_TYPES = 20


def _require_id(value: object, what: str) -> None:
    if not isinstance(value, str) or not 1 <= len(value) <= 64:
        raise ValueError(f"{what} muss eine Kennung (Text, 1–64 Zeichen) sein, nicht {value!r}")


@dataclass(frozen=True)
class EventNotice:
    """What the relay tells a workflow: the newest position of its events and their types.

    A burst of one aggregate's events becomes one notice (`count` events up to `position`).
    """

    position: int
    aggregate_id: str
    event_types: tuple[str, ...]
    count: int = 1

    def __post_init__(self) -> None:
        if (
            not isinstance(self.position, int)
            or isinstance(self.position, bool)
            or not 0 <= self.position <= MAX_INT64
        ):
            raise ValueError(f"position muss eine ganze Zahl von 0 bis 2^63-1 sein, nicht {self.position!r}")
        _require_id(self.aggregate_id, "aggregate_id")
        if not isinstance(self.count, int) or not 1 <= self.count <= MAX_INT64:
            raise ValueError("count muss ≥ 1 sein")
        if len(self.event_types) > MAX_TYPES or not all(
            isinstance(t, str) and 0 < len(t) <= 80 for t in self.event_types
        ):
            raise ValueError("event_types: höchstens 20 Ereignistypen als kurze Texte")


@dataclass(frozen=True)
class AllianceView:
    """What an alliance workflow keeps: the facts the rules need, the policy, and the labels."""

    facts: AllianceFacts
    policy: FollowUpPolicy
    name: str
    state: str
    # Recorded follow-ups whose mail the store does not know delivered (or refused): to be sent,
    # each on its own, or (missed ones) in a summary. Empty in views from before this existed.
    undelivered: tuple[Notification, ...] = ()
    unsummarised: tuple[Notification, ...] = ()


@dataclass(frozen=True)
class AllianceCarry:
    """The state handed over on continue-as-new."""

    view: AllianceView | None
    seen: int
    search_attributes: tuple[str, ...] = ()
    generation: int = 1
    undelivered: tuple[Notification, ...] = ()  # mails still on their way (workflows/deliveries.py)
    unsent_summaries: tuple[Summary, ...] = ()


@dataclass(frozen=True)
class AllianceInput:
    alliance_id: str
    carry: AllianceCarry | None = None
    # Continue as new after this many history events even if the server does not suggest it yet.
    max_history: int = 3000
    # The time-skipping test server knows no custom search attributes.
    search_attributes: bool = True

    def __post_init__(self) -> None:
        _require_id(self.alliance_id, "alliance_id")
        if self.max_history < 50:
            raise ValueError("max_history muss ≥ 50 sein")


@dataclass(frozen=True)
class CommitmentView:
    facts: CommitmentFacts
    policy: FollowUpPolicy
    description: str
    undelivered: tuple[Notification, ...] = ()  # as in AllianceView
    unsummarised: tuple[Notification, ...] = ()


@dataclass(frozen=True)
class CommitmentCarry:
    view: CommitmentView | None
    seen: int
    generation: int = 1
    undelivered: tuple[Notification, ...] = ()
    unsent_summaries: tuple[Summary, ...] = ()


@dataclass(frozen=True)
class CommitmentInput:
    commitment_id: str
    carry: CommitmentCarry | None = None
    max_history: int = 3000

    def __post_init__(self) -> None:
        _require_id(self.commitment_id, "commitment_id")
        if self.max_history < 50:
            raise ValueError("max_history muss ≥ 50 sein")


@dataclass(frozen=True)
class RefreshRequest:
    """Asks a running workflow to reload its view now (e.g. after the policy file changed)."""

    reason: str

    def __post_init__(self) -> None:
        if not isinstance(self.reason, str) or not 1 <= len(self.reason.strip()) <= 200:
            raise ValueError("reason: ein Grund mit 1 bis 200 Zeichen")


@dataclass(frozen=True)
class LoadRequest:
    aggregate_id: str
    now: datetime


@dataclass(frozen=True)
class FollowUpOrder:
    """A follow-up the workflow found due at `now`; the activity re-checks it first, with the
    workflow's `timing` of the policy. `missed`: record it for a summary, not a mail of its own."""

    aggregate_id: str
    key: str
    now: datetime
    timing: int = 2
    missed: bool = False
    # Record it as awaiting its mail (runs since the delivered fact, workflows/process.py).
    awaits_delivery: bool = False


@dataclass(frozen=True)
class EndOrder:
    """The commitment's alliance was dissolved at `now`: end the commitment, saying why."""

    commitment_id: str
    now: datetime


@dataclass(frozen=True)
class Notification:
    """A recorded follow-up to be sent by e-mail (the recorded event is the inbox entry)."""

    alliance_id: str
    follow_up: FollowUp
    commitment_id: str | None = None


@dataclass(frozen=True)
class Summary:
    """Missed follow-ups of one workflow for one recipient role, sent as one mail."""

    alliance_id: str
    recipient: str
    follow_ups: tuple[FollowUp, ...]
    commitment_id: str | None = None


@dataclass(frozen=True)
class FollowUpOutcome:
    """`recorded`: send it now; `cancelled`: its reason went away; `already`: sent before."""

    status: str
    notification: Notification | None = None


@dataclass(frozen=True)
class Upcoming:
    rule: str
    label: str
    key: str
    due_at: datetime
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class SweepResult:
    checked: int
    started: list[str] = field(default_factory=list)
