"""The timeline tells every event in German and filters; the inbox shows each role its messages."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain.application import AllianceApplication
from domain.errors import InvalidInput, NotFound
from domain.personal_data import ERASED, PersonalData, seal, seal_text
from domain.values import ErasureReason
from projections.engine import Projector
from projections.errors import ProjectionHalted
from projections.overview import OverviewProjection
from projections.queries import Queries
from projections.store import ProjectionStore
from tests.projections.conftest import catch_up
from workers.demo import SimClock


def _alliance(app: AllianceApplication, clock: SimClock) -> tuple:
    aid = app.register_alliance(
        name="Bündnis Jena", municipality="Jena", state="Thüringen", by="k@test"
    )
    kita = app.add_actor(aid, name="Kita Sonnenschein", sector="kita", by="k@test")
    clock.advance(5)
    app.record_contact(aid, actor_id=kita, on=clock.now.date(), outcome="active_role", by="k@test")
    clock.advance(5)
    cid = app.pledge_commitment(
        aid,
        partner_id=kita,
        description="Belegplätze",
        kind="betreuungsplaetze",
        due_on=clock.now.date() + timedelta(days=20),
        by="partner@test",
    )
    clock.advance(10)
    app.complete_step(aid, 1, justification="Gespräche laufen noch, Team steht schon", by="k@test")
    app.record_alliance_follow_up(
        aid,
        key="step_stalled_escalation:x",
        rule="step_stalled_escalation",
        subject_id=str(aid),
        recipients=["servicebuero"],
        due_at=clock.now,
    )
    app.record_commitment_follow_up(
        aid,
        cid,
        key="due_soon:x",
        rule="commitment_due_soon",
        recipients=[f"partner:{kita}", "koordination"],
        due_at=clock.now,
    )
    return aid, kita, cid


def test_the_timeline_tells_every_event_with_when_who_what_and_why(
    app: AllianceApplication, clock: SimClock, store: ProjectionStore, queries: Queries
) -> None:
    aid, _, _ = _alliance(app, clock)
    catch_up(app, store, ["timeline"])
    events = queries.timeline(aid)
    assert [e["type"] for e in events] == [
        "Alliance.Registered",
        "Alliance.ActorAdded",
        "Alliance.ContactRecorded",
        "Commitment.Pledged",
        "Alliance.StepCompleted",
        "Alliance.FollowUpRecorded",
        "Commitment.FollowUpRecorded",
    ]
    assert [e["position"] for e in events] == sorted(e["position"] for e in events)
    step = events[4]
    assert (
        step["by"] == "k@test"
        and step["data"]["justification"] == "(verschlüsselt)"  # sealed in the event, told in the sentence
    )
    assert "Schritt 1 „Bündnisidee initiieren“ wurde abgeschlossen" in step["text"]
    assert "Begründung: „Gespräche laufen noch, Team steht schon“" in step["text"]
    assert "Kita Sonnenschein sagt zu: „Belegplätze“" in events[3]["text"]


def test_a_text_sealed_with_a_key_erased_earlier_in_the_same_batch_is_told_erased(
    app: AllianceApplication, clock: SimClock, store: ProjectionStore, queries: Queries
) -> None:
    # Given a reason sealed with a person's key, the person erased on record (its key not yet
    # destroyed: a crash before the key ring was told), and the same sealed reason again after it,
    # all in one batch: the timeline remembers an alliance's erased keys within a batch.
    aid = app.register_alliance(name="Bündnis Jena", municipality="Jena", state="Thüringen", by="k@test")
    kita = app.add_actor(aid, name="Kita Sonnenschein", sector="kita", by="k@test")
    person = uuid4()
    key = app.key_ring.create(person)
    reason = seal_text("Frau Muster ist krank", person, key)
    alliance = app.repository.get(aid)
    alliance.add_contact_person(person_id=person, actor_id=kita, sealed=seal(PersonalData("Frau Muster"), key),
                                by="k@test")
    alliance.pause(reason=reason, by="k@test")
    alliance.erase_contact_person(person_id=person, reason="loeschbitte", reason_code=ErasureReason.LOESCHBITTE,
                                  by="k@test")
    alliance.resume(reason=reason, by="k@test")
    app.save(alliance)
    # When the timeline is projected
    catch_up(app, store, ["timeline"])
    # Then the reason is told before the erasure and erased after it
    texts = {e["type"]: e["text"] for e in queries.timeline(aid)}
    assert "„Frau Muster ist krank“" in texts["Alliance.Paused"]
    assert f"„{ERASED}“" in texts["Alliance.Resumed"] and "Frau Muster" not in texts["Alliance.Resumed"]


def test_the_timeline_filters_by_type_and_date(
    app: AllianceApplication, clock: SimClock, store: ProjectionStore, queries: Queries
) -> None:
    aid, _, _ = _alliance(app, clock)
    catch_up(app, store, ["timeline"])
    everything = queries.timeline(aid)
    assert [
        e["type"] for e in queries.timeline(aid, types=["StepCompleted", "Commitment.Pledged"])
    ] == ["Commitment.Pledged", "Alliance.StepCompleted"]
    middle = everything[2]["at"]
    from datetime import datetime

    cut = datetime.fromisoformat(middle)
    assert queries.timeline(aid, until=cut) == [e for e in everything if e["at"] <= middle]
    assert queries.timeline(aid, since=cut) == [e for e in everything if e["at"] >= middle]
    first = queries.timeline(aid, limit=3)
    assert first == everything[:3]
    assert queries.timeline(aid, after=first[-1]["position"], limit=100) == everything[3:]
    assert queries.timeline(aid, newest=3) == everything[-3:]  # the page's newest entries, oldest first
    assert queries.timeline(aid, until=cut, newest=2) == [e for e in everything if e["at"] <= middle][-2:]
    with pytest.raises(InvalidInput, match="Unbekannte Ereignisart"):
        queries.timeline(aid, types=["Erfunden"])
    with pytest.raises(NotFound):
        queries.timeline(uuid4())


def test_the_inbox_shows_each_role_what_was_sent_to_it(
    app: AllianceApplication, clock: SimClock, store: ProjectionStore, queries: Queries
) -> None:
    aid, kita, cid = _alliance(app, clock)
    catch_up(app, store, ["inbox"])
    [escalation] = queries.inbox(role="servicebuero")
    assert (
        escalation["rule"] == "step_stalled_escalation" and "das Servicebüro" in escalation["text"]
    )
    [due] = queries.inbox(role="partner", partner_id=kita)
    assert due["commitment_id"] == str(cid) and due["label"] == "Zusage bald fällig"
    assert [m["rule"] for m in queries.inbox(role="koordination", alliance_id=aid)] == [
        "commitment_due_soon"
    ]
    assert queries.inbox(role="koordination", alliance_id=uuid4()) == []
    with pytest.raises(InvalidInput, match="Partner-ID"):
        queries.inbox(role="partner")
    with pytest.raises(InvalidInput, match="Unbekannte Rolle"):
        queries.inbox(role="chef")


class Stranger(Aggregate):
    """An aggregate no read model knows."""


def test_a_projector_stops_at_an_event_it_cannot_handle_and_names_it(
    app: AllianceApplication, clock: SimClock, store: ProjectionStore
) -> None:
    aid, _, _ = _alliance(app, clock)
    app.save(Stranger())
    stranger_at = app.recorder.max_notification_id()
    app.record_goal(aid, text="danach", by="k@test")
    projector = Projector(app, store, OverviewProjection(app), batch_size=3)
    with pytest.raises(ProjectionHalted, match=f"Position {stranger_at}.*Stranger") as halted:
        projector.catch_up()
    assert halted.value.position == stranger_at
    assert projector.position() < stranger_at  # nothing of the failing batch, nothing skipped
    with pytest.raises(ProjectionHalted):
        projector.step()  # and it stays stopped there
    projector.close()


def test_status_reports_position_and_lag(
    app: AllianceApplication, clock: SimClock, store: ProjectionStore, queries: Queries
) -> None:
    _alliance(app, clock)
    catch_up(app, store, ["overview"])
    head = app.recorder.max_notification_id()
    status = queries.status()
    assert status["overview"] == {
        "title": "Übersicht für das Servicebüro",
        "position": head,
        "lag": 0,
        "lag_seconds": 0.0,
        "generation": 1,
        "halted": None,
    }
    assert status["timeline"]["position"] == 0 and status["timeline"]["lag"] == head
    assert status["timeline"]["lag_seconds"] >= 0
