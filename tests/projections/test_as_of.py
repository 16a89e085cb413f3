"""As of a date: commitments as they stood equal what was seen then; diffs name the changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings

from domain.application import AllianceApplication
from domain.errors import InvalidInput
from projections.queries import Queries
from tests.projections.conftest import catch_up
from tests.projections.history import History, histories
from workers.demo import SimClock


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=histories)
def test_commitments_as_of_any_moment_equal_what_was_seen_at_that_moment(
    app: AllianceApplication,
    clock: SimClock,
    queries: Queries,
    history: list[tuple[str, int, int, int]],
) -> None:
    # Given a random valid history, and after every command the commitments as they stood right then
    h = History(app, clock)
    seen: dict[tuple[UUID, datetime], list[dict[str, Any]]] = {}
    for cmd in history:
        h.apply(cmd)
        for aid in h.alliances:
            seen[(aid, clock.now)] = queries.commitments(aid)
    # When asked later "as of" each of those moments, and halfway to the next one
    for (aid, moment), expected in seen.items():
        # Then the replayed answer is what was seen then (and nothing changed in between)
        assert queries.commitments(aid, moment) == expected
        following = min((m for a, m in seen if a == aid and m > moment), default=None)
        if following is not None:
            assert queries.commitments(aid, moment + (following - moment) / 2) == expected


def _alliance_with_commitment(app: AllianceApplication, clock: SimClock) -> tuple[UUID, UUID]:
    aid = app.register_alliance(
        name="Bündnis Ulm", municipality="Ulm", state="Baden-Württemberg", by="k@test"
    )
    partner = app.add_actor(aid, name="Sparkasse Ulm", sector="unternehmen", by="k@test")
    clock.advance(1)
    cid = app.pledge_commitment(
        aid,
        partner_id=partner,
        description="Zuschuss Ferienbetreuung",
        kind="geld",
        amount=Decimal("2500"),
        unit="EUR",
        due_on=clock.now.date() + timedelta(days=90),
        by="partner@test",
    )
    return aid, cid


def test_the_diff_between_two_dates_names_what_changed_and_who_changed_it(
    app: AllianceApplication, clock: SimClock, queries: Queries, store: Any
) -> None:
    aid, cid = _alliance_with_commitment(app, clock)
    since = clock.now
    clock.advance(10)
    app.confirm_commitment(aid, cid, by="partner@test")
    clock.advance(10)
    app.amend_commitment(
        aid, cid, amount=Decimal("3000"), reason="Stadtrat hat aufgestockt", by="k@test"
    )
    partner = app.get_commitment(aid, cid).partner_id
    added = app.pledge_commitment(
        aid, partner_id=partner, description="Räume", kind="raeume", by="partner@test"
    )
    until = clock.now
    catch_up(app, store, ["timeline"])

    diff = queries.commitments_diff(aid, since, until)

    assert [c["id"] for c in diff["added"]] == [str(added)]
    [changed] = diff["changed"]
    assert changed["changes"]["status"] == {"before": "pledged", "after": "confirmed"}
    assert changed["changes"]["amount"] == {"before": "2500", "after": "3000"}
    texts = [e["text"] for e in diff["events"]]
    assert any("Stadtrat hat aufgestockt" in t and "k@test" in t for t in texts)


def test_asking_before_the_alliance_existed_gets_a_german_error(
    app: AllianceApplication, clock: SimClock, queries: Queries
) -> None:
    aid, _ = _alliance_with_commitment(app, clock)
    with pytest.raises(InvalidInput, match="gab es das Bündnis noch nicht"):
        queries.commitments(aid, clock.now - timedelta(days=30))
    with pytest.raises(InvalidInput, match="Zeitzone"):
        queries.commitments(aid, datetime(2021, 3, 1, 12, 0))
    with pytest.raises(InvalidInput, match="vor seinem Beginn"):
        queries.commitments_diff(aid, clock.now, clock.now - timedelta(days=1))
