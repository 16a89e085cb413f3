"""Plain JSON values from events: ids, dates and amounts as text, enums as their codes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import orjson

from domain.personal_data import SealedText

# Fields every event has, or that must never leave the store in clear (sealed personal data).
_HIDDEN = frozenset({"originator_id", "originator_version", "timestamp", "by", "sealed"})
# Shown instead of a sealed free text in an event's data (its ciphertext says nothing to a reader).
SEALED_TEXT = "(verschlüsselt)"
# Fields hidden from one kind of event, with those of every event: an erasure's reason was free
# text naming the person until reasons became codes (the code stays).
_HIDDEN_OF = {"ContactPersonErased": _HIDDEN | {"reason"}}


def _fields(event: Any) -> dict[str, Any]:
    hidden = _HIDDEN_OF.get(type(event).__name__, _HIDDEN)
    return {k: SEALED_TEXT if isinstance(v, SealedText) else v for k, v in vars(event).items() if k not in hidden}


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return str(value)


def iso(moment: datetime) -> str:
    """UTC with microseconds, so stored timestamps sort as text on every backend."""
    if moment.tzinfo is not UTC:  # stored timestamps come back in UTC already: no conversion
        moment = moment.astimezone(UTC)
    if moment.microsecond:  # isoformat() writes them then; its keyword costs a third of the call
        return moment.isoformat()
    return moment.isoformat(timespec="microseconds")


def text_id(value: UUID) -> str:
    """str(value), remembered: a rebuild writes the same alliances' and commitments' ids as text for
    every event (UUID.__str__ is Python code)."""
    text = _TEXT_IDS.get(value.int)
    if text is None:
        if len(_TEXT_IDS) >= 100_000:
            _TEXT_IDS.clear()  # bounded; the next ids are remembered anew
        text = _TEXT_IDS[value.int] = str(value)
    return text


_TEXT_IDS: dict[int, str] = {}


def event_type(event: Any) -> str:
    """`Alliance.StepCompleted`, `Commitment.Fulfilled`: aggregate and event class name."""
    return str(type(event).__qualname__)


def event_data(event: Any) -> dict[str, Any]:
    return {k: jsonable(v) for k, v in _fields(event).items()}


def event_data_json(event: Any) -> str:
    """`event_data` as JSON text, written by orjson directly (ids, dates, enums natively)."""
    return orjson.dumps(_fields(event), default=str).decode()


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)
