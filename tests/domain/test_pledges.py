"""Who may pledge, and an action item of a meeting that becomes a tracked commitment of its owner."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from domain.application import AllianceApplication
from domain.errors import NotFound, RuleViolation
from tests.builders import BY, Given, alliance_in_step, new_alliance


def declined(g: Given, actor: UUID, on: date = date(2026, 2, 1)) -> None:
    g.app.record_contact(g.alliance_id, actor_id=actor, on=on, outcome="not_interested", by=BY)


def pledge(g: Given, actor: UUID) -> UUID:
    return g.app.pledge_commitment(g.alliance_id, partner_id=actor, description="Räume", kind="raeume", by=BY)


def test_an_actor_that_declined_cannot_pledge_and_is_told_why(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    declined(g, g.actors[4])

    with pytest.raises(RuleViolation, match=r"am 01\.02\.2026 abgesagt"):
        pledge(g, g.actors[4])
    assert memory_app.commitments(g.alliance_id) == []


def test_the_latest_conversation_counts_a_new_yes_lifts_the_no(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    declined(g, g.actors[4])
    memory_app.record_contact(g.alliance_id, actor_id=g.actors[4], on=date(2026, 5, 1), outcome="interested", by=BY)

    assert memory_app.get_commitment(g.alliance_id, pledge(g, g.actors[4])).partner_id == g.actors[4]


def test_team_members_and_later_signatories_may_pledge_whatever_they_once_said(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 4)
    declined(g, g.actors[1], date(2026, 6, 20))  # in the team since step 2
    declined(g, g.actors[5], date(2026, 6, 20))
    memory_app.record_founding(g.alliance_id, on=date(2026, 6, 1), symbolic_act="Charta", signatory_ids=[],
                               declaration=True, by=BY)
    memory_app.sign_declaration(g.alliance_id, actor_id=g.actors[5], on=date(2026, 9, 1), by=BY)

    assert {memory_app.get_commitment(g.alliance_id, pledge(g, a)).partner_id for a in g.actors[1::4]} == {
        g.actors[1], g.actors[5]}


def test_actors_never_asked_and_undecided_ones_may_pledge(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    memory_app.record_contact(g.alliance_id, actor_id=g.actors[3], on=date(2026, 2, 1), outcome="undecided", by=BY)
    pledge(g, g.actors[3])
    pledge(g, g.actors[5])
    assert len(memory_app.commitments(g.alliance_id)) == 2


def meeting_with_item(g: Given, owner: UUID | None, due_on: date | None = date(2026, 9, 1)) -> UUID:
    meeting = g.app.schedule_meeting(g.alliance_id, kind="team", on=date(2026, 5, 1), title="Teamtreffen", by=BY)
    return g.app.add_action_item(g.alliance_id, meeting, text="Räume für die Ferienbetreuung stellen",
                                 owner_id=owner, due_on=due_on, by=BY)


def test_an_action_item_becomes_a_commitment_of_its_owner_due_on_its_due_date(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    item = meeting_with_item(g, g.actors[2])

    cid = memory_app.pledge_for_action_item(g.alliance_id, item, kind="raeume", amount=Decimal("3"), unit="Räume",
                                            by=BY)

    commitment = memory_app.get_commitment(g.alliance_id, cid)
    assert (commitment.partner_id, commitment.due_on, commitment.description, commitment.action_item_id) == (
        g.actors[2], date(2026, 9, 1), "Räume für die Ferienbetreuung stellen", item)
    assert commitment.status.value == "pledged" and commitment.amount == Decimal("3")
    assert memory_app.get_alliance(g.alliance_id).action_items[str(item)].commitment_id == cid
    assert [c.id for c in memory_app.commitments(g.alliance_id)] == [cid]


def test_an_action_item_becomes_a_commitment_once(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    item = meeting_with_item(g, g.actors[2])
    memory_app.pledge_for_action_item(g.alliance_id, item, kind="raeume", by=BY)

    with pytest.raises(RuleViolation, match="bereits eine Zusage"):
        memory_app.pledge_for_action_item(g.alliance_id, item, kind="raeume", by=BY)
    assert len(memory_app.commitments(g.alliance_id)) == 1


@pytest.mark.parametrize(("owner", "done", "refusal"), [
    (None, False, "keine verantwortliche Organisation"),
    (4, False, "abgesagt"),
    (2, True, "bereits erledigt"),
])
def test_an_action_item_without_an_owner_who_may_pledge_or_done_is_no_commitment(
    memory_app: AllianceApplication, owner: int | None, done: bool, refusal: str
) -> None:
    g = new_alliance(memory_app)
    declined(g, g.actors[4])
    item = meeting_with_item(g, None if owner is None else g.actors[owner])
    if done:
        memory_app.complete_action_item(g.alliance_id, item, by=BY)

    with pytest.raises(RuleViolation, match=refusal):
        memory_app.pledge_for_action_item(g.alliance_id, item, kind="raeume", by=BY)
    assert memory_app.commitments(g.alliance_id) == []


def test_an_unknown_action_item_is_not_found(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    with pytest.raises(NotFound):
        memory_app.pledge_for_action_item(g.alliance_id, uuid4(), kind="raeume", by=BY)
