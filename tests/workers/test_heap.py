"""The API process keeps what lives long out of the garbage collector's sight."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from workers.bootstrap import SurvivorFreeze, long_lived_heap


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def collector() -> Iterator[list[float]]:
    """A fake clock for SurvivorFreeze; the collector's state as it was afterwards."""
    now = [0.0]
    before = list(gc.callbacks)
    gc.unfreeze()
    yield now
    gc.callbacks[:] = before
    gc.unfreeze()


def test_what_survives_a_full_collection_is_frozen(collector: list[float]) -> None:
    gc.callbacks.append(SurvivorFreeze(thaw_every=60.0, clock=lambda: collector[0]))
    kept = [Node() for _ in range(100)]
    gc.collect()
    frozen = gc.get_freeze_count()
    assert frozen >= 100
    assert not any(k is kept[0] for k in gc.get_objects(2))  # no full collection walks it again
    gc.collect(0)
    assert gc.get_freeze_count() == frozen  # only full collections freeze


def test_a_cycle_kept_by_the_freeze_is_freed_after_the_thaw(collector: list[float]) -> None:
    gc.callbacks.append(SurvivorFreeze(thaw_every=60.0, clock=lambda: collector[0]))
    a, b = Node(), Node()
    a.other, b.other = b, a
    gc.collect()  # alive: frozen
    watched = weakref.ref(a)
    del a, b  # garbage now, but frozen: a full collection does not see it
    gc.collect()
    assert watched() is not None
    collector[0] = 61.0
    gc.collect()  # the interval has passed: this one lifts the freeze
    assert gc.get_freeze_count() == 0
    gc.collect()  # the cycle is found and freed
    assert watched() is None


def test_one_survivor_freeze_however_many_components_serve_and_none_after(collector: list[float]) -> None:
    with long_lived_heap():  # the API
        with long_lived_heap():  # a second server in the same process
            assert sum(isinstance(c, SurvivorFreeze) for c in gc.callbacks) == 1
            assert gc.get_freeze_count() > 0
        assert sum(isinstance(c, SurvivorFreeze) for c in gc.callbacks) == 1
    assert not any(isinstance(c, SurvivorFreeze) for c in gc.callbacks)
    assert gc.get_freeze_count() == 0
