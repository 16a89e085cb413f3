"""Step 5's facts: invitations to meetings, press work, local anchoring; erasure reasons as codes."""

from __future__ import annotations

from datetime import date

import pytest

from domain.application import AllianceApplication
from domain.errors import InvalidInput, RuleViolation
from domain.values import AnchoringKind, ErasureReason
from tests.builders import BY, alliance_in_step, new_alliance


def test_actors_are_invited_to_a_meeting_once(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 5)
    meeting = memory_app.schedule_meeting(g.alliance_id, kind="all_partners", on=date(2027, 3, 1),
                                          title="Bündnistreffen", by=BY)
    assert memory_app.invite_to_meeting(g.alliance_id, meeting, actor_ids=g.actors[:2], by=BY) == g.actors[:2]
    assert memory_app.invite_to_meeting(g.alliance_id, meeting, actor_ids=g.actors[1:4], by=BY) == g.actors[2:4]

    assert memory_app.get_alliance(g.alliance_id).meetings[str(meeting)].invitee_ids == tuple(g.actors[:4])
    with pytest.raises(RuleViolation, match="bereits eingeladen"):
        memory_app.invite_to_meeting(g.alliance_id, meeting, actor_ids=g.actors[:1], by=BY)
    with pytest.raises(InvalidInput):
        memory_app.invite_to_meeting(g.alliance_id, meeting, actor_ids=[], by=BY)


def test_press_work_and_local_anchoring_are_recorded_once_each(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 5)
    memory_app.record_publicity(g.alliance_id, on=date(2027, 2, 1), title="Pressemitteilung Ferienbetreuung",
                                medium="Jenaer Allgemeine", by=BY)
    memory_app.record_anchoring(g.alliance_id, kind="gremium", name="Jugendhilfeausschuss",
                                since=date(2027, 1, 1), by=BY)
    alliance = memory_app.get_alliance(g.alliance_id)
    assert [p.title for p in alliance.publicity.values()] == ["Pressemitteilung Ferienbetreuung"]
    assert [(x.kind, x.name) for x in alliance.anchorings.values()] == [(AnchoringKind.BODY, "Jugendhilfeausschuss")]

    with pytest.raises(RuleViolation):
        memory_app.record_publicity(g.alliance_id, on=date(2027, 2, 1), title="pressemitteilung ferienbetreuung",
                                    by=BY)
    with pytest.raises(RuleViolation):
        memory_app.record_anchoring(g.alliance_id, kind="gremium", name="jugendhilfeausschuss",
                                    since=date(2027, 3, 1), by=BY)
    with pytest.raises(InvalidInput, match="kooperation, gremium"):
        memory_app.record_anchoring(g.alliance_id, kind="verein", name="x", since=date(2027, 3, 1), by=BY)


def test_an_erasure_keeps_its_reason_as_a_code_and_the_persons_role_is_sealed(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    person = memory_app.add_contact_person(g.alliance_id, actor_id=g.actors[0], name="Anna Schulz",
                                           role="Personalleiterin", by=BY)
    stored = b"".join(n.state for n in memory_app.recorder.select_notifications(1, 1000))
    assert b"Personalleiterin" not in stored
    assert memory_app.contact_person(g.alliance_id, person).role == "Personalleiterin"  # type: ignore[union-attr]

    memory_app.erase_contact_person(g.alliance_id, person_id=person, reason_code="loeschbitte", by=BY)

    erased = [e for e in memory_app.events.get(g.alliance_id) if type(e).__name__ == "ContactPersonErased"]
    assert [(e.reason_code, e.reason) for e in erased] == [  # type: ignore[attr-defined]
        (ErasureReason.LOESCHBITTE, ErasureReason.LOESCHBITTE.label)]
    assert memory_app.contact_person(g.alliance_id, person) is None


def test_an_erasure_needs_a_reason_code_or_text(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    person = memory_app.add_contact_person(g.alliance_id, actor_id=g.actors[0], name="Anna Schulz", by=BY)
    with pytest.raises(InvalidInput):
        memory_app.erase_contact_person(g.alliance_id, person_id=person, by=BY)
    with pytest.raises(InvalidInput, match="widerspruch, loeschbitte"):
        memory_app.erase_contact_person(g.alliance_id, person_id=person, reason_code="keine_lust", by=BY)
    assert memory_app.contact_person(g.alliance_id, person) is not None
