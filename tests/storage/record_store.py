"""Records the store that test_stored_topics.py loads: `python -m tests.storage.record_store`.

A SQLite events file written by the code of its day: some of the demo alliances, one alliance that goes
through every command (each with a command id, listed in a manifest so a test can repeat them),
a dissolved one, and a snapshot of every aggregate. Keep the old files when the code changes:
they prove that what was stored then still loads. Record a new one next to them when events are
added.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.application import AllianceApplication
from workers.demo import DEMO_ALLIANCES, build_alliance

FIXTURES = Path(__file__).parent / "fixtures"
BY = "koordination@archiv"
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


class Ticking:
    """A clock that moves one hour on every reading, so each event has its own moment."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(hours=1)
        return self.now


class Recorder:
    """Calls the application's commands with command ids and keeps each call for the manifest."""

    def __init__(self, app: AllianceApplication) -> None:
        self.app = app
        self.calls: list[dict[str, Any]] = []

    def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        command_id = f"archiv-{len(self.calls) + 1}"
        result = getattr(self.app, method)(*args, **kwargs, command_id=command_id)
        self.calls.append({"method": method, "args": list(args), "kwargs": kwargs, "command_id": command_id,
                           "result": result})
        return result


def every_command(app: AllianceApplication) -> list[dict[str, Any]]:
    """One alliance through every command of the application, and one that is dissolved."""
    do = Recorder(app)
    aid = do("register_alliance", name="Bündnis Archiv", municipality="Archivstadt", state="Sachsen", by=BY)
    sectors = ("kommune", "unternehmen", "kita", "kirche", "verband", "stiftung")
    actors: list[UUID] = [do("add_actor", aid, name=f"Akteur {s}", sector=s, by=BY) for s in sectors]
    for i, actor in enumerate(actors[:5]):
        do("record_contact", aid, actor_id=actor, on=date(2025, 1, 5 + i),
           outcome="active_role" if i == 0 else "interested",
           follow_up_on=date(2025, 2, 1) if i == 1 else None, notes="am Telefon" if i == 2 else None, by=BY)
    kept = do("add_contact_person", aid, actor_id=actors[0], name="Erika Archiv", email="erika@example.org",
              phone="+49 351 1", by=BY)
    erased = do("add_contact_person", aid, actor_id=actors[1], name="Max Archiv", by=BY)
    do("erase_contact_person", aid, person_id=erased, reason="auf Wunsch der Person", by=BY)
    del kept
    do("complete_step", aid, 1, by=BY)
    for actor in actors[:4]:
        do("add_team_member", aid, actor_id=actor, by=BY)
    do("remove_team_member", aid, actor_id=actors[3], reason="keine Zeit", by=BY)
    do("record_goal", aid, text="Ferienbetreuung", by=BY)
    candidate = do("list_candidate", aid, name="Volkshochschule", sector="sonstige", by=BY)
    team = do("schedule_meeting", aid, kind="team", on=date(2025, 3, 1), title="Teamtreffen", by=BY)
    do("hold_meeting", aid, team, attendee_ids=actors[:3], by=BY)
    do("record_minutes", aid, team, minutes="Aufgaben verteilt.", by=BY)
    item = do("add_action_item", aid, team, text="Räume suchen", owner_id=actors[2], due_on=date(2025, 4, 1), by=BY)
    do("complete_action_item", aid, item, by=BY)
    do("complete_step", aid, 2, justification="geprüft", by=BY, expected_version=app.get_alliance(aid).version)
    planning = do("schedule_meeting", aid, kind="planning", on=date(2025, 5, 1), title="Planungsklausur",
                  organiser_id=actors[0], by=BY)
    do("hold_meeting", aid, planning, attendee_ids=actors[:4], minutes="Aktionsplan entworfen.",
       held_on=date(2025, 5, 2), by=BY)
    project = do("add_project", aid, title="Elterncafé", theme="Vereinbarkeit", owner_id=actors[1],
                 due_on=date(2025, 9, 1), by=BY)
    do("change_project_status", aid, project, status="running", reason="Start", by=BY)
    do("invite_candidate", aid, candidate_id=candidate, on=date(2025, 5, 3), by=BY)
    do("complete_step", aid, 3, by=BY)
    do("record_founding", aid, on=date(2025, 7, 1), symbolic_act="Unterzeichnung der Deklaration",
       signatory_ids=actors[:3], format="Familienfest", by=BY)
    do("sign_declaration", aid, actor_id=actors[4], on=date(2025, 8, 1), by=BY)
    do("join_federal_initiative", aid, joined_on=date(2025, 7, 15), by=BY)
    do("complete_step", aid, 4, by=BY)
    do("reopen_step", aid, 4, reason="Beitritt nachprüfen", by=BY)
    do("complete_step", aid, 4, by=BY)
    group = do("form_working_group", aid, name="AG Betreuung", theme="Kinderbetreuung", by=BY)
    do("appoint_speaker", aid, group, speaker_id=actors[2], by=BY)
    do("join_working_group", aid, group, actor_id=actors[3], by=BY)
    do("set_steering_group", aid, member_ids=actors[:3], reason="gewählt", by=BY)
    do("record_self_assessment", aid, on=date(2025, 12, 1),
       scores={d: 3 for d in ("wirkung", "sichtbarkeit", "verankerung", "zusammenarbeit", "kultur", "kooperation")},
       by=BY)
    do("set_legal_form", aid, legal_form="ev", by=BY)
    do("pause", aid, reason="Elternzeit", by=BY)
    do("resume", aid, reason="zurück", by=BY)
    app.record_alliance_follow_up(aid, key="archiv:contact", rule="contact_follow_up", subject_id=str(actors[1]),
                                  recipients=[BY], due_at=NOW - timedelta(days=400), missed=True)
    yearly = do("pledge_commitment", aid, partner_id=actors[1], description="Zuschuss", kind="geld",
                amount=Decimal("2500.50"), unit="EUR", due_on=date(2025, 10, 1), recurrence="yearly", by=BY)
    do("confirm_commitment", aid, yearly, by=BY)
    do("amend_commitment", aid, yearly, reason="mehr Geld", amount=Decimal("3000"), by=BY)
    do("report_progress", aid, yearly, on=date(2025, 9, 1), text="halb", percent=50, by=BY)
    do("fulfil_commitment", aid, yearly, on=date(2025, 9, 30), note="überwiesen", by=BY)
    rooms = do("pledge_commitment", aid, partner_id=actors[2], description="Räume", kind="raeume", by=BY)
    do("withdraw_commitment", aid, rooms, reason="Umbau", by=BY)
    late = do("pledge_commitment", aid, partner_id=actors[0], description="Anzeige", kind="oeffentlichkeitsarbeit",
              due_on=date(2025, 6, 1), by=BY)
    app.mark_commitment_overdue(aid, late, on=date(2025, 6, 2))
    app.record_commitment_follow_up(aid, late, key="archiv:overdue", rule="commitment_overdue", recipients=[BY],
                                    due_at=NOW - timedelta(days=200))
    gone = do("register_alliance", name="Bündnis Vergangen", municipality="Altdorf", state="Bayern", by=BY)
    do("dissolve", gone, reason="keine Aktiven mehr", by=BY)
    return do.calls


def some_demo_alliances(app: AllianceApplication) -> None:
    """Every third demo alliance (steps 1 to 5), built as `workers.demo.load_demo` builds them."""
    rng = random.Random(1992)
    for town, state, step, years, dormant in DEMO_ALLIANCES[2::3]:
        end = NOW - timedelta(days=rng.randint(2, 20))
        in_step = None if step == 5 else rng.randint(10, 70)
        build_alliance(app, town, state, step, NOW - timedelta(days=365 * years), rng, end, dormant, in_step)


def main(name: str) -> None:
    FIXTURES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.sqlite"
        app = AllianceApplication(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
                                       "IS_SNAPSHOTTING_ENABLED": "y"}, clock=Ticking(NOW - timedelta(days=500)))
        some_demo_alliances(app)
        calls = every_command(app)
        ids = {n.originator_id for n in app.recorder.select_notifications(1, 1_000_000)}
        for aggregate_id in ids:
            app.take_snapshot(aggregate_id)
        app.close()
        with sqlite3.connect(path) as db:
            db.execute("VACUUM")
        (FIXTURES / f"{name}.sqlite").write_bytes(path.read_bytes())
        manifest = AllianceApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper.transcoder
        (FIXTURES / f"{name}.commands.json").write_bytes(manifest.encode(calls))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"{name}: {len(ids)} Aggregate, {len(calls)} Befehle, geschrieben von {commit}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "store_v1")
