"""orjson transcoder for stored events: dates, timestamps, UUIDs, decimals, enums, value records.

orjson writes UUIDs, enums and datetimes natively but cannot read them back as such, so values
are tagged on the way out (`{"_type_": name, "_data_": ...}`, eventsourcing's JSON convention)
and untagged on the way in. Enums and dataclass records are registered by name: renaming a class
is a breaking change unless the old name stays registered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID, SafeUUID

import orjson
from eventsourcing.persistence import Transcoder

_TYPE = "_type_"
_DATA = "_data_"


class OrjsonTranscoder(Transcoder):
    """Tagged JSON via orjson; registered enums and frozen dataclasses round-trip as themselves."""

    def __init__(self, types: Iterable[type] = ()) -> None:
        self._by_name: dict[str, type] = {}
        self._names: dict[type, str] = {}
        for cls in types:
            self.register_type(cls)

    def register_type(self, cls: type) -> None:
        if not (issubclass(cls, Enum) or dataclasses.is_dataclass(cls)):
            raise TypeError(f"only enums and dataclasses can be registered, not {cls!r}")
        name = cls.__qualname__
        self._by_name[name] = cls
        self._names[cls] = name

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(self._tag(obj))

    def decode(self, data: bytes) -> Any:
        return self._untag(orjson.loads(data))

    def _tag(self, o: Any) -> Any:
        # Order matters: bool before int is irrelevant (both native), datetime before date.
        if o is None or isinstance(o, (bool, int, float)):
            return o
        if isinstance(o, Enum):
            name = self._names.get(type(o))
            if name is None:
                raise TypeError(f"enum {type(o).__qualname__} is not registered")
            return {_TYPE: name, _DATA: o.value}
        if isinstance(o, str):
            return o
        if isinstance(o, dict):
            return {k if isinstance(k, str) else str(k): self._tag(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [self._tag(v) for v in o]
        if isinstance(o, datetime):
            return {_TYPE: "datetime_iso", _DATA: o.isoformat()}
        if isinstance(o, date):
            return {_TYPE: "date_iso", _DATA: o.isoformat()}
        if isinstance(o, UUID):
            return {_TYPE: "uuid_hex", _DATA: o.hex}
        if isinstance(o, Decimal):
            return {_TYPE: "decimal_str", _DATA: str(o)}
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            name = self._names.get(type(o))
            if name is None:
                raise TypeError(f"dataclass {type(o).__qualname__} is not registered")
            fields = {f.name: self._tag(getattr(o, f.name)) for f in dataclasses.fields(o)}
            return {_TYPE: name, _DATA: fields}
        raise TypeError(f"cannot transcode {type(o).__qualname__}")

    def _untag(self, o: Any) -> Any:
        # The hot path of every read and rebuild. orjson's output is ours alone, so containers are
        # untagged in place (no copy of each event's dict); plain leaves cost one type check, and a
        # tag finds its reader with one dict lookup.
        if type(o) is dict:
            if len(o) == 2:
                tag = o.get(_TYPE)
                if tag is not None and _DATA in o:
                    return self._value(tag, o[_DATA])
            for k, v in o.items():  # assigning existing keys while iterating is allowed
                if type(v) in _CONTAINERS:
                    o[k] = self._untag(v)
        elif type(o) is list:
            for i, v in enumerate(o):
                if type(v) in _CONTAINERS:
                    o[i] = self._untag(v)
        return o

    def _value(self, tag: Any, data: Any) -> Any:
        reader = _READERS.get(tag)
        if reader is not None:
            return reader(data)
        cls = self._by_name.get(tag)
        if cls is None:
            raise TypeError(f"stored value of unknown type {tag!r}")
        if issubclass(cls, Enum):
            member = cls._value2member_map_.get(data) if type(data) in _PLAIN else None
            return member if member is not None else cls(data)
        # JSON has no tuples: a record's sequences come back as lists and are frozen again.
        fields = self._untag(data)
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})


_PLAIN = frozenset({str, int, float, bool, type(None)})
_CONTAINERS = frozenset({dict, list})
_UNKNOWN = SafeUUID.unknown  # an enum member looked up on its class costs a descriptor call each time


def _uuid(data: str) -> UUID:
    """UUID(data), the same object for the same hex digits while remembered: a log names the same
    alliances, actors and commitments again and again (five in six ids of a generated history), and
    a UUID is immutable. Built without UUID()'s parsing for the 32 lowercase hex digits the encoder
    writes; anything else goes through UUID() and its checks."""
    u = _UUIDS.get(data)
    if u is not None:
        return u
    if len(data) != 32 or not data.isalnum():  # int() refuses the other letters
        return UUID(data)
    u = object.__new__(UUID)
    object.__setattr__(u, "int", int(data, 16))
    object.__setattr__(u, "is_safe", _UNKNOWN)
    if len(_UUIDS) >= _UUIDS_KEPT:
        _UUIDS.clear()  # bounded; the next ids are remembered anew
    _UUIDS[data] = u
    return u


_UUIDS: dict[str, UUID] = {}
_UUIDS_KEPT = 100_000
# The tags every transcoder reads the same way (registered enums and records are looked up by name).
_READERS: dict[str, Callable[[Any], Any]] = {
    "uuid_hex": _uuid,
    "datetime_iso": datetime.fromisoformat,
    "date_iso": date.fromisoformat,
    "decimal_str": Decimal,
}
