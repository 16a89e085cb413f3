"""Scale: the issue's 1.5 M events (600 alliances × 5 years, ~2,500 events each), and PostgreSQL.

1. A template of alliances generated through the application's commands (intensity 40, the
   issue's ~2,500 events per alliance in five years), cloned under fresh ids until 600 alliances
   (`bench/history.py`): time to make the history (limit: minutes), bytes on disk per event.
2. Rebuild of the four read models in one pass over 1.5 M events: time and rate beside raw
   batched sqlite3 inserts of the timeline's rows (target ≥ 25 %).
3. Served over HTTP by `buendnis api` on that store, one client: the dashboard page, the busiest
   alliance's page, a page of its timeline (50 entries), its commitments as of a past date and
   its whole history (the API's largest page); p99 ≤ 50 ms each.
4. PostgreSQL beside SQLite: a cloned history of ~250,000 events loaded into a schema of the
   shared server and the four read models rebuilt there (PostgreSQL event store and projection
   tables), beside raw psycopg batched inserts of the same timeline rows; the bytes per event.

Run: python -m bench scale (about 10 minutes here). The history is made under var/bench-scale/
and removed at the end (about 1.5 GB).
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import psycopg

from bench.api import _free_port, _load, _serve
from bench.common import Figure, figure, load_average, percentile, size, smoke, write_results
from bench.history import Template, load_postgres, load_sqlite, make_template, raw_clone_insert_rate
from bench.projections import raw_insert_rate
from config.settings import Settings, load_settings
from projections.rebuild import rebuild_many
from projections.registry import PROJECTIONS, build_projection
from workers.bootstrap import build_application, build_queries, build_store, rebuild_partitions

TEMPLATE_ALLIANCES = size(24, 2)
YEARS, INTENSITY = size(5.0, 1.0), size(40.0, 1.0)
COPIES = size(25, 2)  # 24 × 25 = 600 alliances
PG_COPIES = size(4, 1)
READS = size(200, 10)
BUDGET_SECONDS = size(60.0, 5.0)
POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/test"
LIMIT_MS = 50.0
READ_MODELS = [n for n, cls in PROJECTIONS.items() if cls.rebuildable]


def disk_bytes(*paths: Path) -> int:
    return sum(p.stat().st_size for p in paths if p.exists())


def template_disk(settings: Settings, events: int) -> Figure:
    """The template's store as the commands left it: events and the aggregates' snapshots (taken
    every 100 events, only the latest of each kept). The clones copy both."""
    with sqlite3.connect(settings.events_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        own = db.execute("SELECT coalesce(sum(length(state)), 0) FROM stored_events").fetchone()[0]
        count, snapshots = db.execute("SELECT count(*), coalesce(sum(length(state)), 0) "
                                      "FROM stored_snapshots").fetchone()
    on_disk = disk_bytes(settings.events_path, Path(f"{settings.events_path}-wal"))
    print(f"template store: {on_disk / events:,.0f} bytes per event on disk; {count} snapshots of "
          f"{snapshots / max(1, count):,.0f} bytes on average ({snapshots / max(1, on_disk):.0%} of the file)")
    return figure("scale.template.bytes_per_event_with_snapshots", on_disk / events, "bytes",
                  f"the events' own payload per event; {count} snapshots (the latest of each aggregate) "
                  f"of {snapshots / max(1, count):,.0f} bytes on average are "
                  f"{snapshots / max(1, on_disk):.0%} of the file",
                  own / events, own / on_disk, None,
                  "comparison: the store made through the commands, snapshots included")


def rebuild_all(settings: Settings) -> tuple[int, float]:
    app = build_application(settings)
    store = build_store(settings)
    started = time.perf_counter()
    count = rebuild_many(app, store, [build_projection(n, app) for n in READ_MODELS], batch_size=2000,
                         partitions=rebuild_partitions(settings))  # as the CLI rebuilds
    seconds = time.perf_counter() - started
    store.close()
    app.close()
    print(f"rebuilt {READ_MODELS} from {count:,} events in {seconds:.1f} s ({count / seconds:,.0f} events/s)",
          flush=True)
    return count, seconds


def busiest(settings: Settings) -> tuple[str, int, int]:
    """The alliance with the longest history, its number of events and of alliances."""
    queries = build_queries(settings)
    with queries.read("overview") as db:
        rows = db.all("SELECT alliance_id, event_count FROM {alliances}")
    queries.close()
    top = max(rows, key=lambda r: int(r["event_count"]))
    return str(top["alliance_id"]), int(top["event_count"]), len(rows)


def as_of_date(settings: Settings, alliance_id: str) -> date:
    """A date in the middle of the alliance's history."""
    app = build_application(settings)
    alliance = app.get_alliance(uuid.UUID(alliance_id))
    app.close()
    return (alliance.created_on + (alliance.modified_on - alliance.created_on) / 2).date()


def served(settings: Settings, alliance_id: str, as_of: date) -> dict[str, list[float]]:
    from api.auth import issue_token

    pages = {
        "dashboard_page": "/",
        "alliance_page": f"/alliances/{alliance_id}",
        "timeline_page": f"/api/v1/alliances/{alliance_id}/history?limit=50",
        "as_of": f"/api/v1/alliances/{alliance_id}/commitments?as_of={as_of.isoformat()}",
        "history": f"/api/v1/alliances/{alliance_id}/history",
    }
    token = issue_token(settings.secret(), "servicebuero")
    # The clones carry their template's snapshots (at most 99 events old), as a running store does.
    port = _free_port()
    server = _serve(settings.var_dir, port)
    timings: dict[str, list[float]] = {}
    try:
        for name, path in pages.items():
            asyncio.run(_load("127.0.0.1", port, token, [("GET", path, None)] * 3, 1))  # warm up
            latencies: list[float] = []
            until = time.perf_counter() + BUDGET_SECONDS  # a slow page gets fewer samples, at least 10
            while len(latencies) < READS and (len(latencies) < 10 or time.perf_counter() < until):
                _, some, failures = asyncio.run(_load("127.0.0.1", port, token, [("GET", path, None)] * 10, 1))
                if failures:
                    raise RuntimeError(f"{name}: {failures[0]}")
                latencies += some
            timings[name] = latencies
            print(f"{name}: p50 {statistics.median(latencies) * 1000:.1f} ms, "
                  f"p99 {percentile(latencies, 99) * 1000:.1f} ms", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return timings


def raw_postgres_insert_rate(sqlite_settings: Settings, schema: str, rows_wanted: int) -> float:
    """Raw psycopg: the timeline's rows (from the SQLite read model), 1,000 per transaction, into a
    fresh PostgreSQL table of the same shape and index: the pure cost of writing that data there."""
    store = build_store(sqlite_settings)
    source = sqlite3.connect(sqlite_settings.var_dir / "projections" / f"timeline-{store.current('timeline')}.db")
    store.close()
    rows = source.execute("SELECT * FROM events ORDER BY position LIMIT ?", (rows_wanted,)).fetchall()
    source.close()
    with psycopg.connect(POSTGRES_DSN) as conn:
        conn.execute(f'CREATE TABLE "{schema}".raw_timeline (position BIGINT PRIMARY KEY, alliance_id TEXT, '
                     "commitment_id TEXT, at TEXT, type TEXT, by_whom TEXT, data TEXT, text TEXT)")
        conn.execute(f'CREATE INDEX raw_timeline_alliance ON "{schema}".raw_timeline (alliance_id, position)')
        conn.commit()
        started = time.perf_counter()
        for start in range(0, len(rows), 1000):
            with conn.cursor() as cur:
                cur.executemany(f'INSERT INTO "{schema}".raw_timeline VALUES (%s, %s, %s, %s, %s, %s, %s, %s)',
                                rows[start:start + 1000])
            conn.commit()
        return len(rows) / (time.perf_counter() - started)


def postgres_figures(template_path: Path, template: Template, sqlite_settings: Settings,
                     sqlite_rate: float) -> list[Figure]:
    schema = f"bench_scale_{uuid.uuid4().hex[:8]}"
    settings = load_settings(store="postgres", postgres_dsn=POSTGRES_DSN, postgres_schema=schema,
                             var_dir=template_path / "pg-var")
    try:
        started = time.perf_counter()
        events = load_postgres(settings, template, PG_COPIES)
        print(f"PostgreSQL: {events:,} events loaded in {time.perf_counter() - started:.1f} s", flush=True)
        count, seconds = rebuild_all(settings)
        with psycopg.connect(POSTGRES_DSN) as conn:
            row = conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r' "
                "AND c.relname LIKE %s", (schema, "%events")).fetchone()
        events_bytes = int(row[0]) if row else 0
        raw = raw_postgres_insert_rate(sqlite_settings, schema, count)
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_keys" CASCADE')
    rate = count / seconds
    return [
        figure("scale.postgres.rebuild_rate", rate, "events/s",
               f"raw psycopg inserts of the timeline's rows, 1,000 per transaction ({count:,} events, "
               f"{len(READ_MODELS)} read models in one pass)", raw, rate / raw, 0.25, "≥ 25 % of the anchor"),
        figure("scale.postgres.rebuild_rate_vs_sqlite", rate, "events/s",
               "the same rebuild on SQLite (1.5 M events)", sqlite_rate, rate / sqlite_rate, None,
               "comparison: PostgreSQL beside SQLite"),
        figure("scale.postgres.bytes_per_event", events_bytes / max(1, count), "bytes",
               "the same on SQLite (file size per event)", 0.0, 0.0, None, "comparison (filled in below)"),
    ]


def make_history(root: Path, template_settings: Settings,
                 settings: Settings) -> tuple[Template, int, float, list[Figure]]:
    """The template through the commands, then its clones: the history, its events, the commands'
    rate (events/s) and the figures."""
    started = time.perf_counter()
    template = make_template(template_settings, alliances=TEMPLATE_ALLIANCES, years=YEARS, intensity=INTENSITY)
    template_seconds = time.perf_counter() - started
    load_template = load_average()
    print(f"template: {template.alliances} alliances, {len(template.rows):,} events through the commands "
          f"in {template_seconds:.1f} s (load {load_template})", flush=True)
    figures = [template_disk(template_settings, len(template.rows))]
    started = time.perf_counter()
    events = load_sqlite(settings, template, COPIES)
    load_seconds = time.perf_counter() - started
    anchor = raw_clone_insert_rate(template, root / "raw-anchor.db")
    made = template_seconds + load_seconds
    commands_rate = len(template.rows) / template_seconds
    print(f"history: {events:,} events ({COPIES} clones) in {load_seconds:.1f} s ({events / load_seconds:,.0f} "
          f"events/s; raw sqlite3 inserts of one clone's rows {anchor:,.0f}/s); {made:.0f} s in all "
          f"(load {load_average()})", flush=True)
    figures.append(figure("scale.history_events", events, "events", "the issue's 600 alliances × 5 years",
                          1_500_000, events / 1_500_000, None,
                          f"comparison: {TEMPLATE_ALLIANCES * COPIES} alliances"))
    figures.append(figure("scale.generate_seconds", made, "s",
                          f"limit 10 minutes; {template_seconds:.0f} s for the template through the commands "
                          f"({commands_rate:,.0f} events/s, load {load_template}), {load_seconds:.0f} s for the "
                          f"clones; through the commands alone at their rate it would take "
                          f"{events / commands_rate:,.0f} s", 600.0, 600.0 / made, 1.0, "≤ 10 minutes"))
    figures.append(figure("scale.clone_rate", events / load_seconds, "events/s",
                          "raw sqlite3 inserts of one clone's rows, made beforehand, into a fresh file of the "
                          "same table (one transaction, synchronous=OFF)", anchor, events / load_seconds / anchor,
                          None, "comparison: making and storing the clones against storing one"))
    return template, events, commands_rate, figures


def history_only() -> None:
    """`python -m bench.scale --history-only`: makes the history, prints its times, removes it,
    writes no results (the generation alone, without the rest of the run)."""
    root = Path("var/bench-scale")
    shutil.rmtree(root, ignore_errors=True)
    try:
        make_history(root, load_settings(store="sqlite", var_dir=root / "template"),
                     load_settings(store="sqlite", var_dir=root / "history"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    if "--history-only" in sys.argv:
        history_only()
        return
    root = Path(tempfile.mkdtemp(prefix="bench-smoke-scale-")) if smoke() else Path("var/bench-scale")
    shutil.rmtree(root, ignore_errors=True)
    template_settings = load_settings(store="sqlite", var_dir=root / "template")
    settings = load_settings(store="sqlite", var_dir=root / "history")
    figures: list[Figure] = []
    try:
        template, events, commands_rate, figures = make_history(root, template_settings, settings)
        db_files = [settings.events_path, Path(f"{settings.events_path}-wal")]
        with sqlite3.connect(settings.events_path) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            payload = db.execute("SELECT sum(length(state) + length(originator_id) + length(topic) + 8) "
                                 "FROM stored_events").fetchone()[0]
        on_disk = disk_bytes(*db_files)
        sqlite_bytes = on_disk / events
        figures.append(figure("scale.sqlite.bytes_per_event", sqlite_bytes, "bytes",
                              "the stored event's own bytes (payload, id, version, topic)", payload / events,
                              payload / on_disk, None, "comparison: bytes on disk per event"))

        count, seconds = rebuild_all(settings)
        anchor, rows = raw_insert_rate(settings)
        rate = count / seconds
        figures.append(figure("scale.rebuild_seconds", seconds, "s",
                              f"the {len(READ_MODELS)} read models from {count:,} events in one pass; "
                              "the command path's time to write them", events / commands_rate,
                              events / commands_rate / seconds, None, "comparison"))
        figures.append(figure("scale.rebuild_rate", rate, "events/s",
                              f"raw batched sqlite3 inserts of the timeline's {rows:,} rows, 1,000 per transaction",
                              anchor, rate / anchor, 0.25, "≥ 25 % of the anchor"))
        projections_bytes = disk_bytes(*(settings.var_dir / "projections").glob("*.db"))
        figures.append(figure("scale.sqlite.read_model_bytes_per_event", projections_bytes / events, "bytes",
                              "the event store's bytes per event", sqlite_bytes, sqlite_bytes * events /
                              max(1, projections_bytes), None, "comparison: the read models' files per event"))

        alliance_id, alliance_events, alliances = busiest(settings)
        print(f"{alliances} alliances; the busiest has {alliance_events:,} events", flush=True)
        timings = served(settings, alliance_id, as_of_date(settings, alliance_id))
        for name, latencies in timings.items():
            value = percentile(latencies, 99) * 1000
            figures.append(figure(f"scale.{name}_p99", value, "ms",
                                  f"limit; {events:,} events, the busiest of {alliances} alliances "
                                  f"({alliance_events:,} events); p50 {statistics.median(latencies) * 1000:.1f} ms "
                                  f"over {len(latencies)} requests",
                                  LIMIT_MS, LIMIT_MS / value, 1.0, "p99 ≤ 50 ms over HTTP"))

        pg = postgres_figures(root, template, settings, rate)
        pg[-1] = figure(pg[-1].name, pg[-1].value, "bytes", "the same on SQLite (file size per event)",
                        sqlite_bytes, sqlite_bytes / max(1.0, pg[-1].value), None,
                        "comparison: the events table with its indexes, per event")
        figures += pg
    finally:
        shutil.rmtree(root, ignore_errors=True)
    write_results("scale", figures)


if __name__ == "__main__":
    main()
