"""Exports: overview and commitments as tables, and the yearly survey pre-filled from the events."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import load_workbook

from domain.application import AllianceApplication
from domain.values import Sector
from projections import exports
from projections.queries import Queries
from projections.store import ProjectionStore
from tests.projections.conftest import catch_up
from workers.demo import SimClock, load_demo


def test_the_survey_is_prefilled_with_what_the_events_know(
    app: AllianceApplication,
    clock: SimClock,
    store: ProjectionStore,
    queries: Queries,
    tmp_path: Path,
) -> None:
    ids = load_demo(app, now=clock.now)
    catch_up(app, store)
    founded = max((app.get_alliance(i) for i in ids), key=lambda a: len(a.meetings))
    sheets = exports.survey_sheets(queries, founded.id)

    labels = {s.value: s.label for s in Sector}
    by_sector = Counter(labels[a.sector.value] for a in founded.actors.values())
    assert {row[0]: row[1] for row in sheets["Partner nach Akteurstyp"][1]} == dict(by_sector)
    held = Counter(str(m.held_on.year) for m in founded.meetings.values() if m.held_on)
    per_year: Counter[str] = Counter()
    for year, _kind, count in sheets["Treffen je Jahr"][1]:
        per_year[str(year)] += count
    assert per_year == held
    assert len(sheets["Projekte"][1]) == len(founded.projects)
    kept = sum(
        n for year, n in sheets["Zusagen eingehalten"][1] if not str(year).startswith("heute")
    )
    fulfilled = sum(
        1
        for c in app.commitments(founded.id)
        for e in app.events.get(c.id)
        if type(e).__name__ == "Fulfilled"
    )
    assert kept == fulfilled

    exports.write_xlsx(tmp_path / "umfrage.xlsx", sheets)
    assert load_workbook(tmp_path / "umfrage.xlsx").sheetnames == [name[:31] for name in sheets]


def test_overview_and_commitment_tables_cover_every_alliance_and_commitment(
    app: AllianceApplication,
    clock: SimClock,
    store: ProjectionStore,
    queries: Queries,
    tmp_path: Path,
) -> None:
    ids = load_demo(app, now=clock.now)
    catch_up(app, store)
    headers, rows = exports.overview_table(queries)
    assert sorted(r[-1] for r in rows) == sorted(str(i) for i in ids)
    headers, rows = exports.commitments_table(queries)
    assert sorted(r[-1] for r in rows) == sorted(str(c.id) for i in ids for c in app.commitments(i))
    exports.write_csv(tmp_path / "zusagen.csv", (headers, rows))
    lines = (tmp_path / "zusagen.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(";") == headers and len(lines) == len(rows) + 1


def test_exports_give_people_s_dates_pledged_just_before_midnight_utc_counts_on_the_berlin_day(
    app: AllianceApplication,
    clock: SimClock,
    store: ProjectionStore,
    queries: Queries,
    tmp_path: Path,
) -> None:
    clock.now = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # 1 July, 00:30 in Berlin
    aid = app.register_alliance(name="Bündnis Mitternacht", municipality="Lindau", state="Bayern", by="test")
    partner = app.add_actor(aid, name="Stadtwerke", sector="unternehmen", by="test")
    app.pledge_commitment(aid, partner_id=partner, description="Räume", kind="raeume", due_on=date(2026, 9, 1),
                          by="test")
    catch_up(app, store)

    headers, rows = exports.overview_table(queries)
    assert dict(zip(headers, rows[0], strict=True))["Letzte Aktivität"] == date(2026, 7, 1)
    headers, rows = exports.commitments_table(queries, aid)
    row = dict(zip(headers, rows[0], strict=True))
    assert (row["Zugesagt am"], row["Fällig am"]) == (date(2026, 7, 1), date(2026, 9, 1))

    exports.write_csv(tmp_path / "zusagen.csv", (headers, rows))
    line = (tmp_path / "zusagen.csv").read_text(encoding="utf-8-sig").splitlines()[1].split(";")
    assert (line[headers.index("Zugesagt am")], line[headers.index("Fällig am")]) == ("01.07.2026", "01.09.2026")
    exports.write_xlsx(tmp_path / "zusagen.xlsx", {"Zusagen": (headers, rows)})
    cell = load_workbook(tmp_path / "zusagen.xlsx")["Zusagen"].cell(row=2, column=headers.index("Zugesagt am") + 1)
    assert cell.value == datetime(2026, 7, 1) and cell.number_format == "DD.MM.YYYY"
