"""Reads share one copy of an aggregate per version; commands still work on their own copy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.application import AllianceApplication
from tests.builders import BY, alliance_in_step


def test_unchanged_aggregates_are_read_without_copying_them_again(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 5)
    memory_app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Belegplätze",
                                  kind="betreuungsplaetze", amount=Decimal(5), unit="Plätze",
                                  due_on=date(2026, 9, 1), by="partner@test")
    first = memory_app.get_alliance(g.alliance_id)
    assert memory_app.get_alliance(g.alliance_id) is first  # the same version: the same copy
    [commitment] = memory_app.commitments(g.alliance_id)
    assert memory_app.commitments(g.alliance_id)[0] is commitment
    # Not the repository's cached aggregate, which the next load brings forward in place.
    assert first is not memory_app.repository.get(g.alliance_id, deepcopy_from_cache=False)


def test_a_read_shows_the_writes_before_it_and_keeps_what_it_was_given(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 5)
    before = memory_app.get_alliance(g.alliance_id)
    goals = len(before.goals)
    memory_app.record_goal(g.alliance_id, text="Mehr Betreuungsplätze", by=BY)
    after = memory_app.get_alliance(g.alliance_id)
    assert after.version == before.version + 1 and len(after.goals) == goals + 1
    assert len(before.goals) == goals  # a reader holding the older copy sees it unchanged


def test_a_command_does_not_change_the_shared_copy(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 5)
    shared = memory_app.get_alliance(g.alliance_id)
    own = memory_app._alliance(g.alliance_id)  # what a command decides on
    assert own is not shared
    own.goals.clear()
    assert shared.goals and memory_app.get_alliance(g.alliance_id).goals
