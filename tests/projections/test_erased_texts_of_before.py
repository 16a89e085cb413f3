"""Free text stored in clear before texts were sealed leaves the read models once the alliance's free
texts are erased: the timeline's event data and sentences, as they come and after a rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

from domain.application import AllianceApplication
from projections.sqlite_store import SQLiteProjectionStore
from tests.projections.conftest import catch_up, snapshot
from tests.storage.test_stored_topics import FIXTURES

OLD_TEXTS = ("am Telefon", "Aufgaben verteilt.")


def _rows_with_old_texts(store: SQLiteProjectionStore) -> list[str]:
    rows = [" ".join(r) for table in snapshot(store, "timeline").values() for r in table]
    return [r for r in rows if any(t in r for t in OLD_TEXTS)]


def test_plain_texts_of_before_leave_the_timeline_when_the_free_texts_are_erased(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    shutil.copy(FIXTURES / "store_v1.sqlite", path)
    app = AllianceApplication(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)})
    store = SQLiteProjectionStore(tmp_path / "projections")
    try:
        catch_up(app, store, ["timeline"])
        before = _rows_with_old_texts(store)
        assert before  # the recorded store has them in clear
        alliances = {n.originator_id for n in app.recorder.select_notifications(1, 100_000)
                     if n.topic.endswith("Alliance.ContactRecorded") or n.topic.endswith("Alliance.MinutesRecorded")}
        for alliance_id in alliances:
            app.erase_free_texts(alliance_id, reason_code="loeschbitte", by="datenschutz@test")
        catch_up(app, store, ["timeline"])
        assert _rows_with_old_texts(store) == []
        store.close()
        rebuilt = SQLiteProjectionStore(tmp_path / "rebuilt")
        catch_up(app, rebuilt, ["timeline"])
        try:
            assert _rows_with_old_texts(rebuilt) == []  # a rebuild after the erasure shows none either
        finally:
            rebuilt.close()
    finally:
        app.close()
