"""Commitments: pledged → confirmed → amended* → fulfilled, or withdrawn; overdue; recurrence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from domain.application import AllianceApplication
from domain.commitment import next_year
from domain.errors import InvalidInput, NotFound, RuleViolation
from tests.builders import BY, Given, alliance_in_step


def pledge(g: Given, **kwargs: object) -> UUID:
    args: dict[str, object] = {"partner_id": g.actors[1], "description": "Zuschuss Ferienbetreuung", "kind": "geld",
                               "amount": Decimal("2500.00"), "unit": "EUR", "due_on": date(2027, 3, 1), "by": BY}
    args.update(kwargs)
    return g.app.pledge_commitment(g.alliance_id, **args)  # type: ignore[arg-type]


@pytest.fixture
def g(memory_app: AllianceApplication) -> Given:
    return alliance_in_step(memory_app, 5)


def test_a_commitment_goes_from_pledged_to_confirmed_to_fulfilled(g: Given) -> None:
    cid = pledge(g)
    assert g.app.get_commitment(g.alliance_id, cid).status.value == "pledged"
    assert g.app.confirm_commitment(g.alliance_id, cid, by=BY).value == "confirmed"
    amended = g.app.amend_commitment(g.alliance_id, cid, amount=Decimal("3000"), reason="Haushalt erhöht", by=BY)
    assert amended.value == "confirmed"
    assert g.app.fulfil_commitment(g.alliance_id, cid, on=date(2027, 2, 20), by=BY).value == "fulfilled"
    c = g.app.get_commitment(g.alliance_id, cid)
    assert (c.amount, c.fulfilled_on) == (Decimal("3000"), date(2027, 2, 20))


def test_a_fulfilled_commitment_cannot_be_withdrawn(g: Given) -> None:
    cid = pledge(g)
    g.app.fulfil_commitment(g.alliance_id, cid, by=BY)
    with pytest.raises(RuleViolation, match="erfüllte Zusage"):
        g.app.withdraw_commitment(g.alliance_id, cid, reason="doch nicht", by=BY)


def test_a_withdrawn_commitment_takes_no_further_changes(g: Given) -> None:
    cid = pledge(g)
    assert g.app.withdraw_commitment(g.alliance_id, cid, reason="Insolvenz", by=BY).value == "withdrawn"
    with pytest.raises(RuleViolation, match="zurückgezogen"):
        g.app.confirm_commitment(g.alliance_id, cid, by=BY)


def test_withdrawing_needs_a_reason(g: Given) -> None:
    with pytest.raises(InvalidInput, match="Grund"):
        g.app.withdraw_commitment(g.alliance_id, pledge(g), reason="", by=BY)


def test_an_unfulfilled_commitment_becomes_overdue_at_its_due_date_and_not_before(g: Given) -> None:
    cid = pledge(g)
    assert not g.app.mark_commitment_overdue(g.alliance_id, cid, on=date(2027, 2, 28))
    assert g.app.mark_commitment_overdue(g.alliance_id, cid, on=date(2027, 3, 1))
    assert not g.app.mark_commitment_overdue(g.alliance_id, cid, on=date(2027, 3, 2))  # once
    assert g.app.get_commitment(g.alliance_id, cid).status.value == "overdue"


def test_a_fulfilled_commitment_is_never_marked_overdue(g: Given) -> None:
    cid = pledge(g)
    g.app.fulfil_commitment(g.alliance_id, cid, on=date(2027, 2, 1), by=BY)
    assert not g.app.mark_commitment_overdue(g.alliance_id, cid, on=date(2027, 3, 5))


def test_amending_the_due_date_into_the_future_lifts_overdue(g: Given) -> None:
    cid = pledge(g)
    g.app.mark_commitment_overdue(g.alliance_id, cid, on=date(2027, 3, 1))
    g.app.amend_commitment(g.alliance_id, cid, due_on=date(2027, 6, 1), reason="Lieferverzug", by=BY)
    assert g.app.get_commitment(g.alliance_id, cid).status.value == "pledged"


def test_an_amendment_that_changes_nothing_is_refused(g: Given) -> None:
    cid = pledge(g)
    with pytest.raises(InvalidInput):
        g.app.amend_commitment(g.alliance_id, cid, reason="nichts", by=BY)
    with pytest.raises(RuleViolation, match="ändert nichts"):
        g.app.amend_commitment(g.alliance_id, cid, amount=Decimal("2500"), reason="gleich", by=BY)


def test_progress_reports_are_kept_and_percent_is_0_to_100(g: Given) -> None:
    cid = pledge(g)
    g.app.report_progress(g.alliance_id, cid, on=date(2027, 1, 10), text="Hälfte überwiesen", percent=50, by=BY)
    with pytest.raises(InvalidInput, match="Prozent"):
        g.app.report_progress(g.alliance_id, cid, on=date(2027, 1, 10), text="x", percent=150, by=BY)
    assert [p.percent for p in g.app.get_commitment(g.alliance_id, cid).progress] == [50]


def test_a_yearly_commitment_starts_its_next_period_when_fulfilled(g: Given) -> None:
    cid = pledge(g, recurrence="yearly", due_on=date(2028, 2, 29))
    g.app.fulfil_commitment(g.alliance_id, cid, on=date(2028, 2, 20), by=BY)
    c = g.app.get_commitment(g.alliance_id, cid)
    assert (c.status.value, c.period, c.due_on) == ("pledged", 2, date(2029, 2, 28))
    assert next_year(date(2027, 3, 1)) == date(2028, 3, 1)


def test_a_commitment_needs_a_partner_of_this_alliance_and_a_known_kind(g: Given) -> None:
    with pytest.raises(NotFound):
        pledge(g, partner_id=uuid4())
    with pytest.raises(InvalidInput, match="geld, personal"):
        pledge(g, kind="spende")
    with pytest.raises(InvalidInput, match="Betrag"):
        pledge(g, amount=Decimal("-5"))
    with pytest.raises(InvalidInput, match="Beschreibung"):
        pledge(g, description=" ")
    assert g.app.commitments(g.alliance_id) == []


def test_a_commitment_is_only_found_through_its_own_alliance(memory_app: AllianceApplication, g: Given) -> None:
    other = alliance_in_step(memory_app, 1)
    cid = pledge(g)
    with pytest.raises(NotFound):
        memory_app.confirm_commitment(other.alliance_id, cid, by=BY)
