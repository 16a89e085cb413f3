"""The scale benchmark's cloned history (bench/history.py) is valid: it loads through the
application like the template it was cloned from, takes new commands, and the read models rebuilt
from it equal the ones the live projectors make."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from bench.history import Template, load_sqlite, make_template
from config.settings import load_settings
from domain.alliance import Alliance
from domain.application import AllianceApplication
from projections.engine import Projector
from projections.rebuild import rebuild_many
from projections.registry import build_projection
from projections.store import ProjectionStore
from tests.projections.conftest import snapshot
from workers.bootstrap import build_application, build_store

READ_MODELS = ["overview", "detail", "timeline", "inbox"]
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)  # the generator's "now": the history never depends on the day it runs


def essence(app: AllianceApplication, alliance: Alliance) -> tuple[object, ...]:
    """What an alliance is, without its ids: step, names, commitments as of now, contact data."""
    aid = alliance.id
    commitments = sorted((c.description, str(c.amount), c.confirmed, str(c.fulfilled_on), str(c.due_on))
                         for c in app.commitments(aid))
    persons = sorted(str(app.contact_person(aid, UUID(p))) for p in alliance.persons)
    return (alliance.step, alliance.name, alliance.version, sorted(a.name for a in alliance.actors.values()),
            commitments, persons)


ID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")


def numbered(text: str) -> str:
    """`text` with each id replaced by the number of its first appearance: two states that differ
    only in their ids read the same."""
    numbers: dict[str, int] = {}
    return ID.sub(lambda m: f"<id {numbers.setdefault(m.group().replace('-', ''), len(numbers))}>", text)


def state(app: AllianceApplication, alliance: Alliance) -> str:
    """Everything an alliance and its commitments hold (ids, versions, times, sealed texts), ids numbered."""
    return numbered(repr((alliance.__dict__, [c.__dict__ for c in app.commitments(alliance.id)])))


def unordered(value: object) -> object:
    """A JSON value with every list sorted: the read models order what happened on the same day by
    id, and the clones' ids are others."""
    if isinstance(value, dict):
        return {k: unordered(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((unordered(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def masked(text: str) -> str:
    text = ID.sub("<id>", text)
    return json.dumps(unordered(json.loads(text))) if text[:1] in ("{", "[") else text


def read_models(store: ProjectionStore, events: int) -> dict[str, list[tuple[str, ...]]]:
    """Every read model's rows, ids masked, lists inside documents sorted, and positions (the first
    column of the timeline's and the inbox's rows) counted from the start of the copy they belong to."""
    rows: dict[str, list[tuple[str, ...]]] = {}
    for name in READ_MODELS:
        for table, table_rows in snapshot(store, name).items():
            rows[f"{name}.{table}"] = sorted(
                tuple(str((int(v) - 1) % events + 1) if i == 0 and table in ("events", "messages") else masked(v)
                      for i, v in enumerate(r))
                for r in table_rows
            )
    return rows


def alliances(app: AllianceApplication, path: Path) -> list[Alliance]:
    db = sqlite3.connect(path)
    ids = [UUID(r[0]) for r in db.execute("SELECT originator_id FROM stored_events WHERE topic LIKE "
                                          "'%:Alliance.Registered' ORDER BY rowid")]
    db.close()
    return [app.get_alliance(i) for i in ids]


def test_a_cloned_history_loads_through_the_application_and_rebuilds(tmp_path: Path) -> None:
    # Given a template of alliances made through the commands, cloned twice into a fresh store
    template_settings = load_settings(store="sqlite", var_dir=tmp_path / "template")
    template = make_template(template_settings, alliances=4, years=2.0, intensity=2.0, seed=3, now=NOW)
    assert isinstance(template, Template) and template.alliances == 4
    settings = load_settings(store="sqlite", var_dir=tmp_path / "clones")
    written = load_sqlite(settings, template, 2)
    assert written == 2 * len(template.rows)
    # with the template's snapshots (the latest of each aggregate of 100 events or more), cloned too
    assert template.snapshots, "the template should have aggregates of 100 events or more"
    with sqlite3.connect(settings.events_path) as db:
        versions = db.execute("SELECT originator_id, originator_version FROM stored_snapshots").fetchall()
    assert sorted(v for _, v in versions) == sorted([v for _, v, _, _ in template.snapshots] * 2)
    assert len({o for o, _ in versions}) == len(versions)  # one per aggregate

    # Then every cloned alliance loads through the application as its template does (its
    # commitments found through the index, its contact persons readable), under ids of its own
    source = build_application(template_settings)
    app = build_application(settings)
    originals = alliances(source, template_settings.events_path)
    cloned = alliances(app, settings.events_path)
    assert len(cloned) == 8
    assert any(app.commitments(a.id) for a in cloned), "the template should have commitments"
    assert [essence(app, a) for a in cloned] == [essence(source, a) for a in originals] * 2
    # every alliance and commitment holds what its template does, ids aside, and under ids of its own
    assert [state(app, a) for a in cloned] == [state(source, a) for a in originals] * 2
    ids = {a.id for a in cloned} | {a.id for a in originals}
    assert len(ids) == 12
    # ids inside strings (follow-up keys name their commitment) are the clone's own, in their own form
    keys = [(c.id, k) for a in cloned for c in app.commitments(a.id) for k in c.follow_ups]
    assert keys and all(str(cid) in key for cid, key in keys)

    # And the read models rebuilt from it equal the ones projected incrementally
    store = build_store(settings)
    for name in READ_MODELS:
        projector = Projector(app, store, build_projection(name, app), batch_size=97)
        projector.catch_up()
        projector.close()
    incremental = {n: snapshot(store, n) for n in READ_MODELS}
    assert len(incremental["overview"]["alliances"]) == 8
    rebuild_many(app, store, [build_projection(n, app) for n in READ_MODELS], batch_size=500)
    for name in READ_MODELS:
        assert snapshot(store, name) == incremental[name], name
    # And they hold what the template's do, twice, ids aside
    template_store = build_store(template_settings)
    for name in READ_MODELS:
        projector = Projector(source, template_store, build_projection(name, source), batch_size=97)
        projector.catch_up()
        projector.close()
    events = len(template.rows)
    assert {t: sorted(rows * 2) for t, rows in read_models(template_store, events).items()} == \
        read_models(store, events)
    template_store.close()
    store.close()
    # And takes new commands
    target = next(a for a in reversed(cloned) if not a.dissolved)
    goal = app.record_goal(target.id, text="Neues Ziel nach dem Klonen", by="test")
    assert str(goal) in app.get_alliance(target.id).goals
    app.close()
    source.close()
