"""Copies of aggregates that share their immutable parts (the application copies the cached
aggregate for every command, so that a command that fails leaves the cache as stored).

An alliance or a commitment holds immutable values (frozen records, text, dates, tuples) either
directly or in flat containers (dicts, lists, sets) that its events change by putting, appending
or removing values, never by changing a value in place (`replace` makes a new record). So a copy
needs new containers and nothing deeper: `copy.deepcopy` walked every record of an alliance's
history, a third of the API's event loop per command (bench/notes/api.md). Anything an event
changes in place below a container would be shared by the copy and the cache: the guard is
tests/domain/test_copies.py, which applies every kind of event to copies.
"""

from __future__ import annotations

from typing import Any

_CONTAINERS = (dict, list, set)


class SharesImmutableParts:
    """Mixed into an aggregate whose state is immutable values and flat containers of them:
    `copy.deepcopy` copies the containers and shares the values."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        copy = object.__new__(type(self))
        memo[id(self)] = copy
        state = copy.__dict__
        for name, value in self.__dict__.items():
            state[name] = value.copy() if type(value) in _CONTAINERS else value
        return copy
