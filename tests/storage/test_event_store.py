"""The application on real stores: one test class, run on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.utils import get_topic

from domain.alliance import Alliance
from domain.application import AllianceApplication
from domain.commitment import Commitment
from domain.errors import ConcurrencyConflict, IdempotencyConflict, InvalidInput
from tests.builders import BY, alliance_in_step, new_alliance

MakeApp = Callable[..., AllianceApplication]


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class TestEventStore:
    def test_an_alliance_saved_by_one_process_loads_the_same_in_another(self, make_app: MakeApp) -> None:
        writer, reader = make_app(), make_app()
        g = alliance_in_step(writer, 4)
        written, read = writer.get_alliance(g.alliance_id), reader.get_alliance(g.alliance_id)
        assert read.version == written.version and read.__dict__ == written.__dict__

    def test_commitments_as_they_stood_at_any_past_timestamp(self, make_app: MakeApp) -> None:
        clock = Clock(datetime(2026, 1, 1, 9, tzinfo=UTC))
        app = make_app(clock=clock)
        g = alliance_in_step(app, 5)
        t_pledged = clock.tick(days=10)
        cid = app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Belegplätze",
                                    kind="betreuungsplaetze", amount=Decimal(5), unit="Plätze",
                                    due_on=date(2026, 9, 1), by="partner@test")
        t_confirmed = clock.tick(days=10)
        app.confirm_commitment(g.alliance_id, cid, by=BY)
        t_amended = clock.tick(days=30)
        app.amend_commitment(g.alliance_id, cid, amount=Decimal(8), reason="zweite Gruppe", by=BY)
        clock.tick(days=200)
        app.fulfil_commitment(g.alliance_id, cid, on=date(2026, 8, 30), by=BY)

        def as_of(at: datetime) -> list[tuple[str, Decimal | None]]:
            return [(c.status.value, c.amount) for c in make_app().commitments(g.alliance_id, at)]

        assert as_of(t_pledged - timedelta(seconds=1)) == []
        assert as_of(t_pledged) == [("pledged", Decimal(5))]
        assert as_of(t_confirmed + timedelta(days=1)) == [("confirmed", Decimal(5))]
        assert as_of(t_amended) == [("confirmed", Decimal(8))]
        assert as_of(clock.now) == [("fulfilled", Decimal(8))]

    def test_as_of_answers_equal_a_manual_replay(self, make_app: MakeApp) -> None:
        clock = Clock(datetime(2026, 1, 1, 9, tzinfo=UTC))
        app = make_app(clock=clock)
        g = alliance_in_step(app, 5)
        ids = []
        for i in range(4):
            clock.tick(days=7)
            ids.append(app.pledge_commitment(g.alliance_id, partner_id=g.actors[i], description=f"Beitrag {i}",
                                             kind="sachleistung", due_on=date(2026, 6, 1 + i), by=BY))
            clock.tick(days=1)
            if i % 2:
                app.confirm_commitment(g.alliance_id, ids[0], by=BY) if i == 1 else app.withdraw_commitment(
                    g.alliance_id, ids[i], reason="abgesagt", by=BY)
        for probe in (datetime(2026, 1, 9, tzinfo=UTC), datetime(2026, 1, 18, tzinfo=UTC), clock.now):
            answered = {c.id: c.status for c in app.commitments(g.alliance_id, probe)}
            replayed = {}
            for cid in ids:
                events = [e for e in app.events.get(cid) if e.timestamp <= probe]
                if events:
                    c = None
                    for e in events:
                        c = e.mutate(c)  # type: ignore[attr-defined]
                    assert isinstance(c, Commitment)
                    replayed[cid] = c.status
            assert answered == replayed

    def test_as_of_before_the_alliance_existed_is_refused(self, make_app: MakeApp) -> None:
        app = make_app()
        g = new_alliance(app)
        with pytest.raises(InvalidInput, match="noch nicht"):
            app.commitments(g.alliance_id, datetime(2000, 1, 1, tzinfo=UTC))

    def test_a_repeated_command_id_changes_nothing_and_answers_the_same(self, make_app: MakeApp) -> None:
        first, second = make_app(), make_app()
        aid = first.register_alliance(name="Bündnis Erfurt", municipality="Erfurt", state="Thüringen", by=BY,
                                      command_id="req-1")
        again = second.register_alliance(name="Bündnis Erfurt", municipality="Erfurt", state="Thüringen", by=BY,
                                         command_id="req-1")
        actor = first.add_actor(aid, name="Stadt Erfurt", sector="kommune", by=BY, command_id="req-2")
        actor_again = second.add_actor(aid, name="Stadt Erfurt", sector="kommune", by=BY, command_id="req-2")
        assert (again, actor_again) == (aid, actor)
        assert second.get_alliance(aid).version == 2

    def test_a_command_id_reused_for_another_command_is_refused(self, make_app: MakeApp) -> None:
        app = make_app()
        aid = app.register_alliance(name="Bündnis Erfurt", municipality="Erfurt", state="Thüringen", by=BY,
                                    command_id="req-1")
        with pytest.raises(IdempotencyConflict):
            app.register_alliance(name="Bündnis Gotha", municipality="Gotha", state="Thüringen", by=BY,
                                  command_id="req-1")
        assert app.get_alliance(aid).name == "Bündnis Erfurt"

    def test_concurrent_repeats_of_one_command_apply_it_once(self, make_app: MakeApp) -> None:
        apps = [make_app() for _ in range(4)]
        g = new_alliance(apps[0])
        results: list[object] = []
        barrier = threading.Barrier(len(apps))

        def send(app: AllianceApplication) -> None:
            barrier.wait()
            results.append(app.record_goal(g.alliance_id, text="Kinderbetreuung", by=BY, command_id="goal-1"))

        threads = [threading.Thread(target=send, args=(app,)) for app in apps]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(set(results)) == 1 and len(results) == 4
        assert len(apps[0].get_alliance(g.alliance_id).goals) == 1

    def test_of_two_writers_on_the_same_version_one_is_refused(self, make_app: MakeApp) -> None:
        one, two = make_app(), make_app()
        g = alliance_in_step(one, 2)
        stale = two.get_alliance(g.alliance_id).version
        one.record_goal(g.alliance_id, text="Pflege", by=BY)
        with pytest.raises(ConcurrencyConflict):
            two.complete_step(g.alliance_id, 2, justification="x", by=BY, expected_version=stale)
        # At the store itself: both load the same version, both append; the second append is refused.
        a, b = one.get_alliance(g.alliance_id), two.get_alliance(g.alliance_id)
        a.record_goal(goal_id=uuid4(), text="A", by=BY)
        b.record_goal(goal_id=uuid4(), text="B", by=BY)
        one.save(a)
        with pytest.raises(IntegrityError):
            two.save(b)
        versions = [e.originator_version for e in one.events.get(g.alliance_id)]
        assert versions == list(range(1, len(versions) + 1))

    def test_stored_version_1_self_assessments_are_read_by_the_version_2_event(self, make_app: MakeApp) -> None:
        app = make_app()
        g = alliance_in_step(app, 5)
        version = app.get_alliance(g.alliance_id).version
        v1_state = {"timestamp": datetime(2024, 6, 1, tzinfo=UTC), "by": "altbestand",
                    "on": date(2024, 6, 1), "scores": [4, 3, 5, 2, 3, 1]}
        app.recorder.insert_events([StoredEvent(
            originator_id=g.alliance_id, originator_version=version + 1,
            topic=get_topic(Alliance.SelfAssessmentRecorded), state=app.mapper.transcoder.encode(v1_state))])
        app.record_self_assessment(g.alliance_id, on=date(2025, 6, 1), scores={
            "wirkung": 5, "sichtbarkeit": 5, "verankerung": 5, "zusammenarbeit": 5, "kultur": 5, "kooperation": 5},
            by=BY)
        assessments = make_app().get_alliance(g.alliance_id).self_assessments
        assert assessments[0].scores == {"wirkung": 4, "sichtbarkeit": 3, "verankerung": 5, "zusammenarbeit": 2,
                                         "kultur": 3, "kooperation": 1}
        assert assessments[1].scores["wirkung"] == 5

    def test_snapshots_of_long_histories_load_the_same_state(self, make_app: MakeApp) -> None:
        app = make_app()
        g = alliance_in_step(app, 5)
        for i in range(110):
            app.record_goal(g.alliance_id, text=f"Ziel {i}", by=BY)
        assert app.snapshots is not None and list(app.snapshots.get(g.alliance_id))
        from_snapshot = make_app().get_alliance(g.alliance_id)
        replayed = app.replay(g.alliance_id, app.clock() + timedelta(days=1))
        assert replayed is not None and from_snapshot.__dict__ == replayed.__dict__

    def test_only_the_latest_snapshot_is_kept_and_loads_equal_a_full_replay(self, make_app: MakeApp) -> None:
        clock = Clock(datetime(2026, 1, 1, 9, tzinfo=UTC))
        app = make_app(clock=clock)
        g = alliance_in_step(app, 5)
        for i in range(230):
            clock.tick(minutes=1)
            app.record_goal(g.alliance_id, text=f"Ziel {i}", by=BY)
        fresh = make_app(clock=clock)
        loaded = fresh.get_alliance(g.alliance_id)
        assert loaded.version > 200
        assert app.snapshots is not None
        assert [s.originator_version for s in app.snapshots.get(g.alliance_id)] == [loaded.version // 100 * 100]
        replayed = app.replay(g.alliance_id, clock() + timedelta(days=1))
        assert replayed is not None and loaded.__dict__ == replayed.__dict__
        # Views of the past replay the events: the same with one snapshot as with all of them.
        halfway = clock.now - timedelta(minutes=115)
        then = fresh.alliance_as_of(g.alliance_id, halfway)
        assert len(then.goals) == len(loaded.goals) - 115
        at_150 = fresh.repository.get(g.alliance_id, version=150)  # below the kept snapshot: replayed
        first_150 = None
        for event in app.events.get(g.alliance_id, lte=150):
            first_150 = event.mutate(first_150)  # type: ignore[attr-defined]
        assert first_150 is not None and at_150.__dict__ == first_150.__dict__

    def test_snapshots_taken_at_the_end_are_the_ones_the_saves_would_have_taken(self, make_app: MakeApp) -> None:
        # Given two alliances, one changed command by command, the other by a bulk writer
        clock = Clock(datetime(2026, 1, 1, 9, tzinfo=UTC))
        app = make_app(clock=clock)
        live, bulk = alliance_in_step(app, 5), alliance_in_step(app, 5)
        assert app.snapshots is not None
        for i in range(230):
            clock.tick(minutes=1)
            app.record_goal(live.alliance_id, text=f"Ziel {i}", by=BY)
        # When the bulk writer notes the snapshots due and takes them at the end
        with app.snapshots_at_the_end():
            for i in range(230):
                clock.tick(minutes=1)
                app.record_goal(bulk.alliance_id, text=f"Ziel {i}", by=BY)
            assert list(app.snapshots.get(bulk.alliance_id)) == []
        # Then it holds the snapshot the saves would have left, which loads as a full replay does
        fresh = make_app(clock=clock)
        loaded = fresh.get_alliance(bulk.alliance_id)
        versions = [[s.originator_version for s in app.snapshots.get(g.alliance_id)] for g in (live, bulk)]
        assert versions == [[fresh.get_alliance(live.alliance_id).version // 100 * 100],
                            [loaded.version // 100 * 100]]
        replayed = app.replay(bulk.alliance_id, clock() + timedelta(days=1))
        assert replayed is not None and loaded.__dict__ == replayed.__dict__
        # And a bulk write that fails takes no snapshot
        with pytest.raises(RuntimeError), app.snapshots_at_the_end():
            for i in range(100):
                app.record_goal(live.alliance_id, text=f"Noch ein Ziel {i}", by=BY)
            raise RuntimeError("generator stopped")
        assert [s.originator_version for s in app.snapshots.get(live.alliance_id)] == versions[0]

    def test_erasing_a_person_destroys_the_key_in_the_real_key_ring(self, make_app: MakeApp) -> None:
        app = make_app()
        g = new_alliance(app)
        person = app.add_contact_person(g.alliance_id, actor_id=g.actors[0], name="Jana Beck", email="j@b.de", by=BY)
        assert make_app().contact_person(g.alliance_id, person).name == "Jana Beck"  # type: ignore[union-attr]
        app.erase_contact_person(g.alliance_id, person_id=person, reason="Widerruf der Einwilligung", by=BY)
        assert make_app().contact_person(g.alliance_id, person) is None
