"""The five steps: exit criteria, completion with a justification, reopening, status."""

from __future__ import annotations

from datetime import date

import pytest

from domain.application import AllianceApplication
from domain.errors import InvalidInput, RuleViolation
from domain.steps import StepPolicy
from tests.builders import BY, MEET, alliance_in_step, meet_step_1, new_alliance


def test_a_new_alliance_starts_in_step_1_and_is_active(memory_app: AllianceApplication) -> None:
    alliance = memory_app.get_alliance(new_alliance(memory_app).alliance_id)
    assert (alliance.step, alliance.status.value, alliance.version) == (1, "active", 7)


def test_step_1_needs_five_contacts_three_interested_and_one_active_role(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    with pytest.raises(RuleViolation) as refused:
        memory_app.complete_step(g.alliance_id, 1, by=BY)
    assert len(refused.value.unmet) == 3
    for i, actor in enumerate(g.actors[:5]):
        memory_app.record_contact(g.alliance_id, actor_id=actor, on=date(2026, 1, 5), outcome="interested", by=BY)
        del i
    unmet = memory_app.get_alliance(g.alliance_id).unmet_criteria(memory_app.policy)
    assert unmet == ["mindestens 1 Akteur mit aktiver Rolle (0 bisher)"]


def test_the_latest_conversation_with_an_actor_counts(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    actor = g.actors[0]
    memory_app.record_contact(g.alliance_id, actor_id=actor, on=date(2026, 1, 5), outcome="interested", by=BY)
    memory_app.record_contact(g.alliance_id, actor_id=actor, on=date(2026, 2, 5), outcome="not_interested", by=BY)
    assert memory_app.get_alliance(g.alliance_id).latest_outcomes() == {str(actor): _outcome("not_interested")}


def _outcome(code: str) -> object:
    from domain.values import Outcome
    return Outcome(code)


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_each_step_completes_when_its_exit_criterion_holds(memory_app: AllianceApplication, step: int) -> None:
    g = alliance_in_step(memory_app, step)
    MEET[step - 1](g)
    assert memory_app.complete_step(g.alliance_id, step, by=BY) == step + 1


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_a_step_without_its_criterion_is_refused_with_the_unmet_criteria(memory_app: AllianceApplication,
                                                                          step: int) -> None:
    g = alliance_in_step(memory_app, step)
    version = memory_app.get_alliance(g.alliance_id).version
    with pytest.raises(RuleViolation) as refused:
        memory_app.complete_step(g.alliance_id, step, by=BY)
    assert refused.value.unmet and all(isinstance(t, str) for t in refused.value.unmet)
    assert memory_app.get_alliance(g.alliance_id).version == version  # nothing stored


def test_completing_a_step_without_its_criterion_needs_a_written_justification_kept_in_history(
        memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    assert memory_app.complete_step(g.alliance_id, 1, justification="Team steht seit Jahren", by=BY) == 2
    completed = list(memory_app.events.get(g.alliance_id))[-1]
    justification = completed.justification  # type: ignore[attr-defined]
    assert memory_app.texts_of(g.alliance_id)(justification) == "Team steht seit Jahren"  # sealed in the event
    assert len(completed.unmet) == 3  # type: ignore[attr-defined]
    assert completed.by == BY  # type: ignore[attr-defined]


def test_only_the_current_step_can_be_completed(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 2)
    with pytest.raises(RuleViolation, match="Schritt 2"):
        memory_app.complete_step(g.alliance_id, 3, justification="x", by=BY)


def test_step_5_is_ongoing_and_has_no_exit(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 5)
    with pytest.raises(RuleViolation, match="dauerhaft"):
        memory_app.complete_step(g.alliance_id, 5, justification="x", by=BY)


@pytest.mark.parametrize("step", [0, 6, -1])
def test_a_step_out_of_range_is_refused(memory_app: AllianceApplication, step: int) -> None:
    g = new_alliance(memory_app)
    with pytest.raises(InvalidInput, match="gibt es nicht"):
        memory_app.complete_step(g.alliance_id, step, justification="x", by=BY)
    with pytest.raises(InvalidInput):
        memory_app.reopen_step(g.alliance_id, step, reason="x", by=BY)


def test_a_completed_step_can_be_reopened_with_a_reason(memory_app: AllianceApplication) -> None:
    g = alliance_in_step(memory_app, 3)
    assert memory_app.reopen_step(g.alliance_id, 2, reason="Team zerfallen", by=BY) == 2
    with pytest.raises(RuleViolation):
        memory_app.reopen_step(g.alliance_id, 2, reason="noch einmal", by=BY)
    with pytest.raises(InvalidInput, match="Grund"):
        memory_app.reopen_step(g.alliance_id, 1, reason="  ", by=BY)


def test_a_dormant_alliance_cannot_move_between_steps_until_resumed(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    meet_step_1(g)
    memory_app.pause(g.alliance_id, reason="Koordinatorin in Elternzeit", by=BY)
    assert memory_app.get_alliance(g.alliance_id).status.value == "dormant"
    with pytest.raises(RuleViolation, match="ruht"):
        memory_app.complete_step(g.alliance_id, 1, by=BY)
    memory_app.resume(g.alliance_id, by=BY)
    assert memory_app.complete_step(g.alliance_id, 1, by=BY) == 2


def test_a_dissolved_alliance_takes_no_further_changes(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    memory_app.dissolve(g.alliance_id, reason="Aufgabe an den Familienbeirat übergeben", by=BY)
    assert memory_app.get_alliance(g.alliance_id).status.value == "dissolved"
    with pytest.raises(RuleViolation, match="aufgelöst"):
        memory_app.add_actor(g.alliance_id, name="Neu", sector="kita", by=BY)


def test_thresholds_come_from_the_policy_object() -> None:
    lenient = AllianceApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                                  policy=StepPolicy(min_contacts=1, min_interested=0, min_active_role=0))
    g = new_alliance(lenient)
    lenient.record_contact(g.alliance_id, actor_id=g.actors[0], on=date(2026, 1, 1), outcome="undecided", by=BY)
    assert lenient.complete_step(g.alliance_id, 1, by=BY) == 2


def test_a_negative_threshold_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="min_team"):
        StepPolicy(min_team=-1)
