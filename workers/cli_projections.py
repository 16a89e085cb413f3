"""Read-side CLI commands: projector, projections status/rebuild/export, audit, demo generate."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from domain.dates import MAX_INT64
from domain.errors import DomainError
from workers.cli_settings import settings_or_exit
from workers.cli_signals import stop_on_signals

if TYPE_CHECKING:
    from projections.queries import Queries

projections_app = typer.Typer(
    help="Lesemodelle (Projektionen): Stand, Neuaufbau, Exporte.", no_args_is_help=True
)
audit_app = typer.Typer(help="Prüfpfad: Hash-Kette und signierte Prüfpunkte.", no_args_is_help=True)
console = Console(stderr=True)
out = Console()


def _fail(message: str, code: int = 2) -> typer.Exit:
    console.print(f"[bold red]Fehler:[/] {message}")
    return typer.Exit(code)


def _queries() -> Queries:
    from workers.bootstrap import build_queries

    try:
        return build_queries(settings_or_exit())
    except DomainError as e:
        raise _fail(e.message) from None


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def projector() -> None:
    """Führt alle Projektionen fortlaufend nach (bis Strg+C)."""
    from workers.bootstrap import build_application
    from workers.logging import configure_logging
    from workers.projector import serve

    settings = settings_or_exit()
    configure_logging(settings.log_format, settings.log_level)
    application = build_application(settings)

    async def main() -> None:
        stop = stop_on_signals()
        await serve(settings, application, stop)

    try:
        asyncio.run(main())
    finally:
        application.close()


@projections_app.command("status")
def status() -> None:
    """Zeigt Position und Rückstand jeder Projektion."""
    queries = _queries()
    try:
        table = Table("Projektion", "Inhalt", "Position", "Rückstand", "Generation", "Zustand")
        states = queries.status()
        for name, s in states.items():
            state = (
                f"[red]angehalten bei Position {s['halted']['position']}[/]"
                if s["halted"]
                else "läuft"
            )
            table.add_row(
                name, s["title"], str(s["position"]), str(s["lag"]), str(s["generation"]), state
            )
        out.print(table)
        for name, s in states.items():
            if s["halted"]:
                out.print(f"[bold red]{name}:[/] {s['halted']['message']}")
    finally:
        queries.close()


@projections_app.command("rebuild")
def rebuild(
    name: Annotated[str | None, typer.Argument(help="Name der Projektion; ohne: alle.")] = None,
) -> None:
    """Baut Projektionen ab Position 0 in frische Tabellen neu auf und tauscht sie atomar aus."""
    from projections.rebuild import rebuild_many
    from projections.registry import NAMES, build_projection, projection_class
    from workers.bootstrap import build_application, build_store, rebuild_partitions

    settings = settings_or_exit()
    try:
        names = [name] if name else [n for n in NAMES if projection_class(n).rebuildable]
        if not projection_class(names[0]).rebuildable:
            raise _fail(
                "Die Prüfkette wird nie neu aufgebaut: sie aus dem heutigen Speicher neu zu "
                "berechnen, "
                "würde eine Manipulation beglaubigen. Prüfen mit: buendnis audit verify"
            )
    except DomainError as e:
        raise _fail(e.message) from None
    application = build_application(settings)
    store = build_store(settings)
    total = application.recorder.max_notification_id() or 0
    try:
        with _progress() as progress:
            task = progress.add_task(f"Neuaufbau {', '.join(names)}", total=total)
            count = rebuild_many(
                application,
                store,
                [build_projection(n, application) for n in names],
                progress=lambda k: progress.advance(task, k),
                partitions=rebuild_partitions(settings),
            )
            progress.update(task, completed=count, total=max(count, 1))
        console.print(f"Neu aufgebaut: {', '.join(names)} ({total} Ereignisse).")
    except DomainError as e:
        raise _fail(e.message, 1) from None
    finally:
        store.close()
        application.close()


class ExportKind(StrEnum):
    overview = "overview"
    commitments = "commitments"
    survey = "survey"


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@projections_app.command("export")
def export(
    kind: Annotated[
        ExportKind, typer.Argument(help="overview, commitments oder survey (Bündnisumfrage).")
    ],
    output: Annotated[Path, typer.Option("--out", "-o", help="Zieldatei.")],
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="csv oder xlsx.")
    ] = ExportFormat.csv,
    alliance: Annotated[str | None, typer.Option(help="Bündnis-ID (für survey nötig).")] = None,
) -> None:
    """Exportiert die Übersicht, die Zusagen oder die vorausgefüllte Bündnisumfrage."""
    from projections import exports

    alliance_id = None
    if alliance is not None:
        try:
            alliance_id = UUID(alliance)
        except ValueError:
            raise _fail(f"„{alliance}“ ist keine gültige Bündnis-ID.") from None
    if kind is ExportKind.survey and alliance_id is None:
        raise _fail("Die Bündnisumfrage wird je Bündnis exportiert: --alliance ID angeben.")
    queries = _queries()
    try:
        if kind is ExportKind.survey:
            assert alliance_id is not None
            sheets = exports.survey_sheets(queries, alliance_id)
        elif kind is ExportKind.overview:
            sheets = {"Übersicht": exports.overview_table(queries)}
        else:
            sheets = {"Zusagen": exports.commitments_table(queries, alliance_id)}
        if fmt is ExportFormat.xlsx:
            exports.write_xlsx(output, sheets)
        elif kind is ExportKind.survey:
            exports.write_survey_csv(output, sheets)
        else:
            exports.write_csv(output, next(iter(sheets.values())))
        console.print(f"Exportiert nach {output}.")
    except DomainError as e:
        raise _fail(e.message, 1) from None
    finally:
        queries.close()


@audit_app.command("verify")
def audit_verify() -> None:
    """Prüft jedes gespeicherte Ereignis gegen die Hash-Kette und die signierten Prüfpunkte."""
    queries = _queries()
    try:
        with console.status("Prüfe die Hash-Kette …"):
            result = queries.verify_audit()
    finally:
        queries.close()
    out.print(
        f"{result['events_checked']} Ereignisse geprüft, {result['chained']} in der Kette, "
        f"{result['unchained']} noch nicht verkettet, {result['checkpoints']} signierte Prüfpunkte."
    )
    if result["ok"]:
        out.print(
            "[bold green]In Ordnung:[/] kein Ereignis wurde verändert, gelöscht oder vertauscht."
        )
        return
    for problem in result["problems"]:
        out.print(f"[bold red]Befund:[/] {problem}")
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Verkettet neue Ereignisse und schreibt sofort einen signierten Prüfpunkt."""
    from projections.audit import Anchor
    from projections.engine import Projector
    from projections.registry import build_projection
    from workers.bootstrap import build_application, build_store, checkpoint_file

    settings = settings_or_exit()
    application = build_application(settings)
    store = build_store(settings)
    projector_ = Projector(
        application, store, build_projection("audit", application), batch_size=5000
    )
    lease = store.lease("audit")  # one runner per projection: a running projector keeps it current
    try:
        if lease is not None:
            projector_.catch_up()
        written = Anchor(checkpoint_file(settings)).maybe(projector_.view(), force=True)
        console.print(
            "Nichts Neues zu verankern."
            if written is None
            else f"Prüfpunkt Nr. {written.number} bei Position {written.position} geschrieben."
        )
    except DomainError as e:
        raise _fail(e.message, 1) from None
    finally:
        if lease is not None:
            lease.release()
        projector_.close()
        store.close()
        application.close()


def demo_generate(
    alliances: Annotated[int, typer.Option(min=1, max=100_000, help="Anzahl der Bündnisse.")] = 60,
    years: Annotated[float, typer.Option(min=0.5, max=30, help="Jahre Geschichte.")] = 5.0,
    intensity: Annotated[
        float, typer.Option(min=0.1, max=20, help="Wie oft sich Gruppen treffen (1 = üblich).")
    ] = 1.0,
    seed: Annotated[
        int,
        typer.Option(
            min=-MAX_INT64 - 1, max=MAX_INT64, help="Startwert des Zufalls (gleich = gleiche Geschichte)."
        ),
    ] = 7,
) -> None:
    """Erzeugt eine realistische Geschichte vieler Bündnisse über die Anwendung."""
    from workers.bootstrap import build_application
    from workers.demo_generate import generate

    settings = settings_or_exit()
    # One writer, no concurrent commands: no need to copy aggregates out of the cache.
    application = build_application(settings, DEEPCOPY_FROM_AGGREGATE_CACHE="n")
    before = application.recorder.max_notification_id() or 0
    started = datetime.now(UTC)
    try:
        with _progress() as progress:
            task = progress.add_task("Erzeuge Bündnisse", total=alliances)
            generate(
                application,
                alliances=alliances,
                years=years,
                seed=seed,
                intensity=intensity,
                progress=lambda k: progress.advance(task, k),
            )
        events = (application.recorder.max_notification_id() or 0) - before
        seconds = (datetime.now(UTC) - started).total_seconds()
        console.print(
            f"{alliances} Bündnisse mit {events} Ereignissen erzeugt "
            f"({seconds:.0f} s, {events / max(seconds, 0.001):.0f} Ereignisse/s)."
        )
    finally:
        application.close()
