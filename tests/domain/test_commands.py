"""Commands as data: each is named as its records are stored, fingerprinted by what it asks without
personal data, and runs through `AllianceApplication.handle` like the method callers know."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.application import AllianceApplication
from domain.commands.actors import AddContactPerson
from domain.commands.base import AllianceCommand, Command, CommitmentCommand
from domain.commands.team import RecordGoal
from domain.errors import IdempotencyConflict, InvalidInput
from tests.builders import BY, new_alliance

# Stored with every command record: a command whose name changes no longer answers its repeats.
STORED_NAMES = {
    "register_alliance", "add_actor", "record_contact", "add_contact_person", "erase_contact_person",
    "add_team_member", "remove_team_member", "record_goal", "list_candidate", "invite_candidate",
    "schedule_meeting", "hold_meeting", "record_minutes", "add_action_item", "complete_action_item",
    "add_project", "change_project_status", "record_founding", "sign_declaration", "join_federal_initiative",
    "form_working_group", "appoint_speaker", "join_working_group", "set_steering_group",
    "record_self_assessment", "set_legal_form", "complete_step", "reopen_step", "pause", "resume", "dissolve",
    "record_alliance_follow_up", "pledge_commitment", "confirm_commitment", "amend_commitment",
    "fulfil_commitment", "withdraw_commitment", "report_progress", "mark_commitment_overdue",
    "record_commitment_follow_up", "pledge_for_action_item", "invite_to_meeting", "record_publicity",
    "record_anchoring", "record_alliance_delivery_failure", "record_commitment_delivery_failure",
    "erase_free_texts", "record_disclosure",
    "record_alliance_delivery", "record_commitment_delivery",
}


def commands(cls: type[Command[object]] = Command) -> set[type[Command[object]]]:
    found = set()
    for sub in cls.__subclasses__():
        found |= commands(sub)
        if sub not in (AllianceCommand, CommitmentCommand):
            found.add(sub)
    return found


def test_every_command_keeps_the_name_its_records_are_stored_under() -> None:
    assert {c.command_name() for c in commands()} == STORED_NAMES


def test_every_command_is_a_method_of_the_application_and_states_its_rule() -> None:
    for command in commands():
        assert callable(getattr(AllianceApplication, command.command_name()))
        assert command.__doc__ and not command.__doc__.startswith(command.__name__ + "(")


def test_personal_data_stays_out_of_the_fingerprint_and_the_repr() -> None:
    alliance_id, actor_id = UUID(int=1), UUID(int=2)
    erika = AddContactPerson(alliance_id=alliance_id, actor_id=actor_id, name="Erika Muster", email="e@example.org")
    max_ = AddContactPerson(alliance_id=alliance_id, actor_id=actor_id, name="Max Muster", phone="0351 1")

    assert erika.fingerprint() == max_.fingerprint()
    assert "Muster" not in repr(erika) and "example" not in repr(erika)


def test_a_command_runs_through_handle_as_through_its_method(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)

    goal_id = memory_app.handle(RecordGoal(alliance_id=g.alliance_id, text="Ferienbetreuung"), by=BY,
                                command_id="goal-1")

    assert memory_app.record_goal(g.alliance_id, text="Ferienbetreuung", by=BY, command_id="goal-1") == goal_id
    assert memory_app.get_alliance(g.alliance_id).goals[str(goal_id)].text == "Ferienbetreuung"
    with pytest.raises(IdempotencyConflict):
        memory_app.record_goal(g.alliance_id, text="Kinderbetreuung", by=BY, command_id="goal-1")


def test_the_input_is_checked_before_the_alliance_is_loaded(memory_app: AllianceApplication) -> None:
    with pytest.raises(InvalidInput):
        memory_app.handle(RecordGoal(alliance_id=UUID(int=404), text="  "), by=BY)


def test_a_repeated_contact_person_is_answered_by_its_ids_alone(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    first = memory_app.add_contact_person(g.alliance_id, actor_id=g.actors[0], name="Erika Muster", by=BY,
                                          command_id="person-1")

    again = memory_app.add_contact_person(g.alliance_id, actor_id=g.actors[0], name="Erika Muster", by=BY,
                                          command_id="person-1")

    assert again == first and len(memory_app.get_alliance(g.alliance_id).persons) == 1
    with pytest.raises(IdempotencyConflict):
        memory_app.add_contact_person(g.alliance_id, actor_id=g.actors[1], name="Erika Muster", by=BY,
                                      command_id="person-1")


def test_a_field_added_later_stays_out_of_the_fingerprint_while_it_holds_its_default() -> None:
    from datetime import date

    from domain.commands.base import fingerprint_of
    from domain.commands.founding import RecordFounding

    asked = {"alliance_id": UUID(int=1), "expected_version": None, "on": date(2026, 6, 1),
             "symbolic_act": "Charta", "signatory_ids": [], "format": None}
    before = fingerprint_of(asked)  # as records stored before `declaration` existed

    assert RecordFounding(**asked).fingerprint() == before
    assert RecordFounding(**asked, declaration=True).fingerprint() != before
