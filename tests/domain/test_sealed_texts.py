"""Free text that may name people is sealed in its events and erasable; erasure reasons are codes."""

from __future__ import annotations

from datetime import date

import pytest

from domain.application import AllianceApplication
from domain.commands.actors import RecordContact
from domain.errors import InvalidInput
from domain.personal_data import ERASED
from tests.builders import BY, new_alliance

NOTE = "Frau Müller, Tel 0171-5550123"


def _stored(app: AllianceApplication) -> bytes:
    return b"".join(n.state for n in app.recorder.select_notifications(1, 10_000))


def _texts(app: AllianceApplication) -> tuple[AllianceApplication, object, object, object]:
    g = new_alliance(app)
    contact = app.record_contact(g.alliance_id, actor_id=g.actors[0], on=date(2026, 3, 2), outcome="interested",
                                 notes=NOTE, by=BY)
    meeting = app.schedule_meeting(g.alliance_id, kind="team", on=date(2026, 3, 3), title="Team",
                                   organiser_id=g.actors[0], by=BY)
    app.hold_meeting(g.alliance_id, meeting, attendee_ids=g.actors[:2], minutes=f"Protokoll: {NOTE}", by=BY)
    commitment = app.pledge_commitment(g.alliance_id, partner_id=g.actors[0], description="Räume", kind="raeume",
                                       by=BY)
    app.report_progress(g.alliance_id, commitment, on=date(2026, 3, 4), text=f"Bericht von {NOTE}", by=BY)
    return app, g.alliance_id, contact, (meeting, commitment)


def test_notes_minutes_and_progress_are_sealed_in_the_events_and_readable_while_the_key_lives(
        memory_app: AllianceApplication) -> None:
    app, alliance_id, contact, (meeting, commitment) = _texts(memory_app)
    stored = _stored(app)
    # the whole number: its first digits alone turn up in ids (hex) now and then
    assert "Müller".encode() not in stored
    assert b"0171-5550123" not in stored and b"5550123" not in stored
    alliance = app.get_alliance(alliance_id)  # type: ignore[arg-type]
    assert app.text(alliance, alliance.contacts[str(contact)].notes) == NOTE
    assert app.text(alliance, alliance.meetings[str(meeting)].minutes) == f"Protokoll: {NOTE}"
    progress = app.get_commitment(alliance_id, commitment).progress[0]  # type: ignore[arg-type]
    assert app.texts_of(alliance_id)(progress.text) == f"Bericht von {NOTE}"  # type: ignore[arg-type]


def test_erasing_the_free_texts_records_it_and_later_texts_get_a_new_key(memory_app: AllianceApplication) -> None:
    app, alliance_id, contact, (meeting, _) = _texts(memory_app)
    old_key = app.get_alliance(alliance_id).text_key_id()  # type: ignore[arg-type]
    app.erase_free_texts(alliance_id, reason_code="loeschbitte", by=BY)  # type: ignore[arg-type]
    alliance = app.get_alliance(alliance_id)  # type: ignore[arg-type]
    assert app.key_ring.get(old_key) is None
    assert app.text(alliance, alliance.contacts[str(contact)].notes) == ERASED
    assert app.text(alliance, alliance.meetings[str(meeting)].minutes) == ERASED
    last = list(app.events.get(alliance_id))[-1]  # type: ignore[arg-type]
    assert type(last).__name__ == "FreeTextsErased" and last.by == BY and last.reason_code == "loeschbitte"  # type: ignore[attr-defined]
    actor_id = next(iter(alliance.actors.values())).id
    later = app.record_contact(alliance_id, actor_id=actor_id, on=date(2026, 3, 5),  # type: ignore[arg-type]
                               outcome="interested", notes="neu", by=BY)
    alliance = app.get_alliance(alliance_id)  # type: ignore[arg-type]
    assert alliance.text_key_id() != old_key
    assert app.text(alliance, alliance.contacts[str(later)].notes) == "neu"


def test_plain_texts_stored_before_sealing_are_erased_with_the_free_texts(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    alliance = memory_app.get_alliance(g.alliance_id)
    assert memory_app.text(alliance, "alte Notiz") == "alte Notiz"
    memory_app.erase_free_texts(g.alliance_id, reason_code="widerspruch", by=BY)
    assert memory_app.text(memory_app.get_alliance(g.alliance_id), "alte Notiz") == ERASED


def test_an_erasure_reason_is_a_code_never_the_text(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    one = memory_app.add_contact_person(g.alliance_id, actor_id=g.actors[0], name="Ute Kraus", by=BY)
    two = memory_app.add_contact_person(g.alliance_id, actor_id=g.actors[0], name="Udo Kraus", by=BY)
    memory_app.erase_contact_person(g.alliance_id, person_id=one, reason="Ute Kraus hat angerufen", by=BY)
    memory_app.erase_contact_person(g.alliance_id, person_id=two, reason="widerspruch", by=BY)
    assert b"angerufen" not in _stored(memory_app)
    erasures = [e for e in memory_app.events.get(g.alliance_id) if type(e).__name__ == "ContactPersonErased"]
    assert [e.reason_code for e in erasures] == ["sonstiges", "widerspruch"]  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput, match="Grund der Löschung"):
        memory_app.erase_contact_person(g.alliance_id, person_id=one, by=BY)
    with pytest.raises(InvalidInput, match="Grund der Löschung"):
        memory_app.erase_free_texts(g.alliance_id, reason_code="weil", by=BY)


def test_free_texts_stay_out_of_fingerprints_and_reprs() -> None:
    from uuid import UUID
    one = RecordContact(alliance_id=UUID(int=1), actor_id=UUID(int=2), on=date(2026, 1, 1), outcome="interested",
                        notes=NOTE)
    two = RecordContact(alliance_id=UUID(int=1), actor_id=UUID(int=2), on=date(2026, 1, 1), outcome="interested",
                        notes="etwas anderes")
    assert one.fingerprint() == two.fingerprint() and "Müller" not in repr(one)
    assert one.earlier_fingerprints() != two.earlier_fingerprints()  # records stored before still answer


def test_reasons_and_justifications_are_sealed_and_erased_with_the_free_texts(memory_app: AllianceApplication) -> None:
    g = new_alliance(memory_app)
    memory_app.complete_step(g.alliance_id, 1, justification=f"{NOTE} hat zugesagt", by=BY)
    memory_app.pause(g.alliance_id, reason=f"{NOTE} in Elternzeit", by=BY)
    memory_app.dissolve(g.alliance_id, reason=f"Auflösung auf Wunsch von {NOTE}", by=BY)
    assert "Müller".encode() not in _stored(memory_app)
    events = list(memory_app.events.get(g.alliance_id))
    texts = memory_app.texts_of(g.alliance_id)
    assert texts(events[-1].reason) == f"Auflösung auf Wunsch von {NOTE}"  # type: ignore[attr-defined]
    assert texts(events[-3].justification) == f"{NOTE} hat zugesagt"  # type: ignore[attr-defined]
