"""A command's copy of an aggregate shares only immutable parts with the cached one
(domain/copies.py): whatever the command's events do to its copy, the cached aggregate stays as
stored."""

from __future__ import annotations

import dataclasses
import random
from collections import defaultdict
from copy import deepcopy
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from domain.alliance import Alliance
from domain.application import AllianceApplication
from domain.commitment import Commitment
from domain.copies import SharesImmutableParts
from domain.errors import RuleViolation
from domain.idempotency import CommitmentIndex
from tests.builders import BY, alliance_in_step
from workers.demo import build_alliance

SCALARS = (str, int, float, bool, bytes, type(None), UUID, date, datetime, Decimal, Enum)
# Built once from its event and never changed: the one mutable value below a container.
MUTABLE_BUT_NEVER_CHANGED = {("SelfAssessment", "scores")}


def _with_histories(app: AllianceApplication) -> None:
    rng, now = random.Random(3), datetime(2026, 6, 1, tzinfo=UTC)
    for i in range(4):  # the demo's histories: contacts, team, meetings, founding, commitments …
        try:
            build_alliance(app, f"Stadt {i}", "Hessen", 5, now - timedelta(days=3 * 365), rng, now)
        except RuleViolation:
            continue  # the generator's random contacts missed step 1's criterion
    g = alliance_in_step(app, 5)  # and what the demo leaves out
    app.remove_team_member(g.alliance_id, actor_id=g.actors[2], by=BY)
    project = app.add_project(g.alliance_id, title="Sommerferien", theme="Betreuung", by=BY)
    app.change_project_status(g.alliance_id, project, status="running", by=BY)
    app.record_publicity(g.alliance_id, on=date(2026, 7, 1), title="Bericht im Stadtanzeiger", by=BY)
    app.pause(g.alliance_id, reason="Sommerpause", by=BY)
    app.resume(g.alliance_id, by=BY)
    pledged = [app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description=f"Plätze {n}",
                                     kind="betreuungsplaetze", amount=Decimal(5), unit="Plätze",
                                     due_on=date(2026, 9, 1), by=BY) for n in range(2)]
    app.report_progress(g.alliance_id, pledged[0], on=date(2026, 8, 1), text="Die Hälfte", percent=50, by=BY)
    app.amend_commitment(g.alliance_id, pledged[0], reason="mehr Bedarf", amount=Decimal(8), by=BY)
    app.withdraw_commitment(g.alliance_id, pledged[1], reason="kein Personal", by=BY)


def _immutable(value: Any, path: str) -> list[str]:
    """Where below `value` something could be changed in place (empty when nothing can)."""
    if isinstance(value, SCALARS):
        return []
    if isinstance(value, tuple | frozenset):
        return [p for item in value for p in _immutable(item, path)]
    if dataclasses.is_dataclass(value) and type(value).__dataclass_params__.frozen:  # type: ignore[attr-defined]
        found = []
        for f in dataclasses.fields(value):
            if (type(value).__name__, f.name) in MUTABLE_BUT_NEVER_CHANGED:
                continue
            found += _immutable(getattr(value, f.name), f"{path}.{f.name}")
        return found
    return [f"{path}: {type(value).__name__}"]


def _state(aggregate: Any) -> str:
    return repr(sorted(vars(aggregate).items()))


def test_every_value_an_aggregate_holds_below_its_containers_is_immutable(memory_app: AllianceApplication) -> None:
    _with_histories(memory_app)
    ids = {n.originator_id for n in memory_app.recorder.select_notifications(start=1, limit=100_000)}
    mutable: list[str] = []
    for aggregate_id in ids:
        aggregate = memory_app.repository.get(aggregate_id)
        if not isinstance(aggregate, SharesImmutableParts):
            continue
        for name, value in vars(aggregate).items():
            items = (value.values() if isinstance(value, dict)
                     else value if isinstance(value, list | set) else [value])
            for item in items:
                mutable += _immutable(item, f"{type(aggregate).__name__}.{name}")
    assert not mutable, sorted(set(mutable))


def test_events_applied_to_a_copy_leave_the_original_as_it_was(memory_app: AllianceApplication) -> None:
    _with_histories(memory_app)
    histories: dict[UUID, list[Any]] = defaultdict(list)
    for n in memory_app.recorder.select_notifications(start=1, limit=100_000):
        histories[n.originator_id].append(memory_app.mapper.to_domain_event(n))
    applied: set[type] = set()
    copied: set[type] = set()
    for events in histories.values():
        original = events[0].mutate(None)
        if not isinstance(original, SharesImmutableParts):
            continue
        for event in events[1:]:
            before = _state(original)
            copy = deepcopy(original)
            assert copy is not original and _state(copy) == before
            event.mutate(copy)
            assert _state(original) == before, f"{type(event).__qualname__} changed the original"
            event.mutate(original)
            assert _state(copy) == _state(original)
            applied.add(type(event))
            copied.add(type(original))
    # The histories reach every kind of aggregate that shares its parts, with most of their events.
    assert copied == {Alliance, Commitment, CommitmentIndex}
    assert len(applied) >= 30, sorted(e.__qualname__ for e in applied)
