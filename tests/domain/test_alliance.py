"""Actors, contacts, team, meetings, founding, declaration, working groups, self-assessments."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from domain.application import AllianceApplication
from domain.errors import InvalidInput, NotFound, RuleViolation
from tests.builders import BY, alliance_in_step, new_alliance


@pytest.mark.parametrize(("name", "municipality", "state", "message"), [
    ("", "Jena", "Thüringen", "Name"),
    ("   ", "Jena", "Thüringen", "Name"),
    ("Bündnis", "", "Thüringen", "Kommune"),
    ("Bündnis", "Jena", "Thuringia", "Bundesland"),
])
def test_registering_refuses_empty_names_and_unknown_laender(memory_app: AllianceApplication, name: str,
                                                             municipality: str, state: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        memory_app.register_alliance(name=name, municipality=municipality, state=state, by=BY)
    assert memory_app.recorder.max_notification_id() in (None, 0)


def test_an_unknown_sector_is_refused_naming_the_allowed_codes(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    with pytest.raises(InvalidInput, match="kommune, unternehmen"):
        memory_app.add_actor(g.alliance_id, name="Neu", sector="bank", by=BY)


def test_an_actor_name_is_unique_within_an_alliance(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    memory_app.add_actor(g.alliance_id, name="Stadtwerke Jena", sector="unternehmen", by=BY)
    with pytest.raises(RuleViolation):
        memory_app.add_actor(g.alliance_id, name="stadtwerke jena", sector="unternehmen", by=BY)


def test_unknown_ids_are_refused_as_not_found(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    with pytest.raises(NotFound):
        memory_app.get_alliance(uuid4())
    with pytest.raises(NotFound, match="Akteur"):
        memory_app.record_contact(g.alliance_id, actor_id=uuid4(), on=date(2026, 1, 1), outcome="interested", by=BY)
    with pytest.raises(NotFound, match="Treffen"):
        memory_app.hold_meeting(g.alliance_id, uuid4(), attendee_ids=g.actors[:1], by=BY)


def test_actors_of_another_alliance_are_unknown_here(memory_app: AllianceApplication) -> None:
    a, b = new_alliance(memory_app), new_alliance(memory_app, "Bündnis Gera")
    with pytest.raises(NotFound):
        memory_app.add_team_member(a.alliance_id, actor_id=b.actors[0], by=BY)


def test_a_follow_up_date_before_the_conversation_is_refused(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    with pytest.raises(InvalidInput, match="vor dem Gespräch"):
        memory_app.record_contact(g.alliance_id, actor_id=g.actors[0], on=date(2026, 3, 1), outcome="interested",
                                  follow_up_on=date(2026, 2, 1), by=BY)


def test_an_unknown_outcome_is_refused(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    with pytest.raises(InvalidInput, match="interested, active_role"):
        memory_app.record_contact(g.alliance_id, actor_id=g.actors[0], on=date(2026, 3, 1), outcome="maybe", by=BY)


def test_a_meeting_is_a_record_with_attendance_minutes_and_action_items(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    meeting = memory_app.schedule_meeting(g.alliance_id, kind="all_partners", on=date(2026, 5, 1),
                                          title="Bündnistreffen Frühjahr", organiser_id=g.actors[0], by=BY)
    with pytest.raises(RuleViolation, match="nach dem Treffen"):
        memory_app.record_minutes(g.alliance_id, meeting, minutes="zu früh", by=BY)
    memory_app.hold_meeting(g.alliance_id, meeting, attendee_ids=g.actors[:3], by=BY)
    memory_app.record_minutes(g.alliance_id, meeting, minutes="Ferienbetreuung beschlossen", by=BY)
    item = memory_app.add_action_item(g.alliance_id, meeting, text="Angebot einholen", owner_id=g.actors[1],
                                      due_on=date(2026, 6, 1), by=BY)
    memory_app.complete_action_item(g.alliance_id, item, by=BY)
    alliance = memory_app.get_alliance(g.alliance_id)
    held = alliance.meetings[str(meeting)]
    assert held.held and held.attendee_ids == tuple(g.actors[:3])
    assert memory_app.text(alliance, held.minutes) == "Ferienbetreuung beschlossen"
    assert alliance.action_items[str(item)].done


def test_a_meeting_is_held_once_and_needs_attendees(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    meeting = memory_app.schedule_meeting(g.alliance_id, kind="team", on=date(2026, 5, 1), title="Team", by=BY)
    with pytest.raises(InvalidInput, match="teilnehmende"):
        memory_app.hold_meeting(g.alliance_id, meeting, attendee_ids=[], by=BY)
    memory_app.hold_meeting(g.alliance_id, meeting, attendee_ids=g.actors[:1], by=BY)
    with pytest.raises(RuleViolation, match="bereits"):
        memory_app.hold_meeting(g.alliance_id, meeting, attendee_ids=g.actors[:1], by=BY)


def test_an_unknown_meeting_kind_is_refused(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    with pytest.raises(InvalidInput, match="Art des Treffens"):
        memory_app.schedule_meeting(g.alliance_id, kind="party", on=date(2026, 5, 1), title="Fest", by=BY)


def test_action_item_due_before_its_meeting_is_refused(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    meeting = memory_app.schedule_meeting(g.alliance_id, kind="team", on=date(2026, 5, 1), title="Team", by=BY)
    with pytest.raises(InvalidInput):
        memory_app.add_action_item(g.alliance_id, meeting, text="x", due_on=date(2026, 4, 1), by=BY)


def test_partners_who_join_years_later_sign_the_declaration_dated(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 4)
    memory_app.record_founding(g.alliance_id, on=date(2026, 6, 1), symbolic_act="Deklaration unterzeichnet",
                               signatory_ids=g.actors[:3], by=BY)
    memory_app.sign_declaration(g.alliance_id, actor_id=g.actors[5], on=date(2029, 3, 1), by=BY)
    signatures = memory_app.get_alliance(g.alliance_id).signatures
    assert signatures[str(g.actors[5])].on == date(2029, 3, 1)
    assert signatures[str(g.actors[0])].on == date(2026, 6, 1)
    with pytest.raises(RuleViolation, match="bereits"):
        memory_app.sign_declaration(g.alliance_id, actor_id=g.actors[5], on=date(2029, 4, 1), by=BY)
    with pytest.raises(InvalidInput, match="vor der Gründung"):
        memory_app.sign_declaration(g.alliance_id, actor_id=g.actors[4], on=date(2025, 1, 1), by=BY)


@pytest.mark.parametrize("act", ["Charta für Familienfreundlichkeit vorgestellt", "Gemeinsame Erklärung verlesen",
                                 "Deklaration vorgestellt"])
def test_a_declaration_said_to_be_adopted_without_signatories_leaves_step_4_unmet(
    memory_app: AllianceApplication, act: str
) -> None:
    g = alliance_in_step(memory_app, 4)
    memory_app.record_founding(g.alliance_id, on=date(2026, 6, 1), symbolic_act=act, signatory_ids=[],
                               declaration=True, by=BY)
    memory_app.join_federal_initiative(g.alliance_id, joined_on=date(2026, 6, 2), by=BY)
    alliance = memory_app.get_alliance(g.alliance_id)
    assert alliance.founding is not None and alliance.founding.declaration
    assert alliance.unmet_criteria(memory_app.policy) == ["Deklaration von Partnern unterzeichnet"]


def test_the_word_deklaration_alone_no_longer_makes_a_declaration(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 4)
    memory_app.record_founding(g.alliance_id, on=date(2026, 6, 1), symbolic_act="Keine Deklaration, ein Baum",
                               signatory_ids=[], by=BY)
    alliance = memory_app.get_alliance(g.alliance_id)
    assert alliance.founding is not None and not alliance.founding.declaration and not alliance.has_declaration


def test_signatories_without_a_declaration_are_refused(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 4)
    with pytest.raises(InvalidInput, match="Ohne Deklaration"):
        memory_app.record_founding(g.alliance_id, on=date(2026, 6, 1), symbolic_act="Charta",
                                   signatory_ids=g.actors[:2], declaration=False, by=BY)


def test_a_signature_after_a_founding_without_declaration_means_one_was_adopted_since(
    memory_app: AllianceApplication,
) -> None:
    g = alliance_in_step(memory_app, 4)
    memory_app.record_founding(g.alliance_id, on=date(2026, 6, 1), symbolic_act="Baum gepflanzt",
                               signatory_ids=[], by=BY)
    memory_app.sign_declaration(g.alliance_id, actor_id=g.actors[0], on=date(2027, 6, 1), by=BY)
    assert memory_app.get_alliance(g.alliance_id).has_declaration


def test_a_tree_planted_needs_no_declaration(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 4)
    memory_app.record_founding(g.alliance_id, on=date(2026, 6, 1), symbolic_act="Baum gepflanzt",
                               signatory_ids=[], format="bunte Familienmesse", by=BY)
    memory_app.join_federal_initiative(g.alliance_id, joined_on=date(2026, 6, 2), by=BY)
    assert memory_app.complete_step(g.alliance_id, 4, by=BY) == 5


def test_working_groups_get_speakers_and_members(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 5)
    group = memory_app.form_working_group(g.alliance_id, name="AG Kinderbetreuung", theme="Betreuung", by=BY)
    memory_app.appoint_speaker(g.alliance_id, group, speaker_id=g.actors[2], by=BY)
    memory_app.join_working_group(g.alliance_id, group, actor_id=g.actors[3], by=BY)
    wg = memory_app.get_alliance(g.alliance_id).working_groups[str(group)]
    assert (wg.speaker_id, wg.member_ids) == (g.actors[2], (g.actors[3],))
    with pytest.raises(RuleViolation):
        memory_app.form_working_group(g.alliance_id, name="ag kinderbetreuung", theme="x", by=BY)


def test_steering_group_and_legal_form(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 5)
    memory_app.set_steering_group(g.alliance_id, member_ids=g.actors[:3], reason="gewählt", by=BY)
    memory_app.set_legal_form(g.alliance_id, legal_form="ev", by=BY)
    alliance = memory_app.get_alliance(g.alliance_id)
    assert alliance.steering_group == [str(a) for a in g.actors[:3]] and alliance.legal_form.value == "ev"  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        memory_app.set_legal_form(g.alliance_id, legal_form="gmbh", by=BY)


@pytest.mark.parametrize("scores", [
    {"wirkung": 0, "sichtbarkeit": 3, "verankerung": 3, "zusammenarbeit": 3, "kultur": 3, "kooperation": 3},
    {"wirkung": 6, "sichtbarkeit": 3, "verankerung": 3, "zusammenarbeit": 3, "kultur": 3, "kooperation": 3},
    {"wirkung": 3, "sichtbarkeit": 3, "verankerung": 3, "zusammenarbeit": 3, "kultur": 3},
    {"wirkung": 3, "sichtbarkeit": 3, "verankerung": 3, "zusammenarbeit": 3, "kultur": 3, "kooperation": 3, "x": 1},
    {"wirkung": 2.5, "sichtbarkeit": 3, "verankerung": 3, "zusammenarbeit": 3, "kultur": 3, "kooperation": 3},
])
def test_self_assessment_scores_are_whole_numbers_1_to_5_for_all_six_dimensions(
        memory_app: AllianceApplication, scores: dict[str, int]) -> None:
    g = alliance_in_step(memory_app, 5)
    with pytest.raises(InvalidInput):
        memory_app.record_self_assessment(g.alliance_id, on=date(2027, 6, 1), scores=scores, by=BY)
    assert memory_app.get_alliance(g.alliance_id).self_assessments == []


def test_contact_persons_are_sealed_and_erasure_keeps_the_history(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    person = memory_app.add_contact_person(g.alliance_id, actor_id=g.actors[0], name="Anna Schulz",
                                           email="anna.schulz@example.org", phone="03641 123", by=BY)
    stored = b"".join(n.state for n in memory_app.recorder.select_notifications(1, 1000))
    assert b"Anna" not in stored and b"anna.schulz" not in stored
    assert memory_app.contact_person(g.alliance_id, person).name == "Anna Schulz"  # type: ignore[union-attr]
    version = memory_app.get_alliance(g.alliance_id).version
    memory_app.erase_contact_person(g.alliance_id, person_id=person, reason="Antrag nach Art. 17 DSGVO", by=BY)
    assert memory_app.contact_person(g.alliance_id, person) is None
    assert memory_app.key_ring.get(person) is None
    assert memory_app.get_alliance(g.alliance_id).version == version + 1  # erasure recorded, nothing rewritten


def test_an_invalid_email_address_is_refused(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    with pytest.raises(InvalidInput, match="E-Mail"):
        memory_app.add_contact_person(g.alliance_id, actor_id=g.actors[0], name="A", email="kein-at", by=BY)


def test_every_event_carries_who_did_it(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 3)
    assert all(e.by == BY for e in memory_app.events.get(g.alliance_id))  # type: ignore[attr-defined]


def test_repeating_an_erasure_destroys_a_key_left_behind_without_a_second_event(
        memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    person = memory_app.add_contact_person(g.alliance_id, actor_id=g.actors[0], name="Ute Kraus", by=BY)
    key = memory_app.key_ring.get(person)
    memory_app.erase_contact_person(g.alliance_id, person_id=person, reason="Antrag", by=BY)
    version = memory_app.get_alliance(g.alliance_id).version
    # As if the process had died after storing the event and before destroying the key:
    memory_app.key_ring._keys[person] = key  # type: ignore[attr-defined]
    memory_app.erase_contact_person(g.alliance_id, person_id=person, reason="Antrag", by=BY)
    assert memory_app.key_ring.get(person) is None
    assert memory_app.get_alliance(g.alliance_id).version == version
