"""CLI of the workflow side: `buendnis worker`, `buendnis relay`, `buendnis workflows …`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated

import typer
from rich.console import Console

from config.settings import Settings, SettingsError
from domain.application import AllianceApplication
from workers.cli_settings import settings_or_exit
from workers.cli_signals import stop_on_signals

app = typer.Typer(
    help="Abläufe (Temporal): Relay-Stand, Entwicklungsserver, Mail-Sammler, Sweep.",
    no_args_is_help=True,
)
console = Console(stderr=True)
Serve = Callable[[Settings, AllianceApplication, asyncio.Event], Awaitable[None]]


def _run(*serves: Serve) -> None:
    """Runs the `serve` functions side by side until SIGINT/SIGTERM."""
    from workers.bootstrap import build_application
    from workers.logging import configure_logging

    settings = settings_or_exit()
    configure_logging(settings.log_format, settings.log_level)
    application = build_application(settings)

    async def main() -> None:
        stop = stop_on_signals()
        await asyncio.gather(*(serve(settings, application, stop) for serve in serves))

    try:
        asyncio.run(main())
    except SettingsError as e:
        console.print(f"[bold red]Fehler:[/] {e}")
        raise typer.Exit(2) from None
    finally:
        application.close()


def worker() -> None:
    """Startet den Temporal-Worker (Bündnis-, Zusagen- und Sweep-Abläufe)."""
    from workers.worker import serve

    _run(serve)


def relay() -> None:
    """Startet das Relay: neue Ereignisse → Signale an die Abläufe der Bündnisse und Zusagen."""
    from workers.relay import serve

    _run(serve)


@app.command("status")
def status() -> None:
    """Zeigt Position und Rückstand (Lag) des Relays im Ereignisprotokoll."""
    from workers.bootstrap import build_application
    from workers.relay import status as relay_status

    settings = settings_or_exit()
    application = build_application(settings)
    state = relay_status(settings, application)
    console.print(f"Relay-Position {state['position']:.0f} von {state['head']:.0f} Ereignissen; "
                  f"Rückstand {state['lag']:.0f} Ereignisse, das älteste seit {state['lag_seconds']:.0f} s.")
    application.close()


@app.command("temporal")
def temporal(ui: Annotated[bool, typer.Option(help="Mit Web-Oberfläche.")] = True) -> None:
    """Startet den Temporal-Entwicklungsserver (var/temporal.db) bis Strg+C."""
    from workers.temporal_server import start_dev_server

    settings = settings_or_exit()

    async def main() -> None:
        stop = stop_on_signals()
        async with start_dev_server(settings, ui=ui):
            console.print(
                f"Temporal läuft auf {settings.temporal_address}"
                + (f", Web-Oberfläche http://127.0.0.1:{settings.temporal_ui_port}" if ui else "")
            )
            await stop.wait()

    asyncio.run(main())


@app.command("mail-sink")
def mail_sink() -> None:
    """Startet den lokalen Mail-Sammler: jede E-Mail wird eine Datei unter var/mail/."""
    from workers.mail_sink import serve

    _run(serve)


@app.command("sweep")
def sweep(
    digest: Annotated[bool, typer.Option(help="Wochenübersicht statt Sweep.")] = False,
) -> None:
    """Startet den Flotten-Sweep (fehlende Abläufe starten) oder die Wochenübersicht sofort."""
    from workers.temporal_client import connect_client
    from workflows.fleet import FleetSweepWorkflow, SweepInput

    settings = settings_or_exit()

    async def main() -> dict[str, int]:
        client = await connect_client(settings)
        result: dict[str, int] = await client.execute_workflow(
            FleetSweepWorkflow.run,
            SweepInput(digest=digest),
            id=f"fleet-sweep-manual-{'digest' if digest else 'sweep'}",
            task_queue=settings.task_queue,
        )
        return result

    console.print(asyncio.run(main()))
