"""The `buendnis` command line: store, demo data, and the processes of the stack."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from config.settings import SettingsError, load_settings
from workers import cli_api, cli_backup, cli_workflows
from workers.cli_gdpr import gdpr_app
from workers.cli_projections import audit_app, demo_generate, projections_app, projector
from workers.cli_settings import settings_or_exit

app = typer.Typer(help="buendnis – Lokale Bündnisse für Familie: Ereignisspeicher, Abläufe, Dashboards.",
                  no_args_is_help=True, add_completion=False)
store_app = typer.Typer(help="Den Ereignisspeicher verwalten.", no_args_is_help=True)
demo_app = typer.Typer(help="Demodaten laden oder erzeugen.", no_args_is_help=True)
app.add_typer(store_app, name="store")
app.add_typer(demo_app, name="demo")
app.command("token")(cli_api.token)
app.command("api")(cli_api.api)
app.add_typer(cli_workflows.app, name="workflows")
app.command("worker")(cli_workflows.worker)
app.command("relay")(cli_workflows.relay)
app.add_typer(projections_app, name="projections")
app.add_typer(audit_app, name="audit")
app.add_typer(gdpr_app, name="gdpr")
app.command("projector")(projector)
app.command("backup")(cli_backup.backup)
app.command("restore")(cli_backup.restore)
demo_app.command("generate")(demo_generate)
console = Console(stderr=True)


@app.callback()
def _configure() -> None:
    """Logs go through structlog, configured once per process from the settings."""
    from workers.logging import configure_logging

    try:
        settings = load_settings()
    except SettingsError:
        return  # each command reports the bad setting itself
    configure_logging(settings.log_format, settings.log_level)


@store_app.command("init")
def store_init() -> None:
    """Legt den Ereignisspeicher an (SQLite-Datei unter var/ oder PostgreSQL-Schema)."""
    from workers.bootstrap import build_application

    settings = settings_or_exit()
    application = build_application(settings)
    where = settings.events_path if settings.store == "sqlite" else f"PostgreSQL-Schema {settings.postgres_schema}"
    console.print(f"Ereignisspeicher bereit: {where} "
                  f"({application.recorder.max_notification_id() or 0} Ereignisse)")
    application.close()


@demo_app.command("load")
def demo_load(
    force: Annotated[bool, typer.Option(help="Auch laden, wenn der Speicher nicht leer ist.")] = False,
) -> None:
    """Lädt ein Dutzend Demo-Bündnisse über alle fünf Schritte (nur in einen leeren Speicher)."""
    from workers.bootstrap import build_application
    from workers.demo import load_demo

    settings = settings_or_exit()
    application = build_application(settings)
    if application.recorder.max_notification_id() and not force:
        console.print("Der Speicher enthält bereits Ereignisse; Demodaten nicht geladen (--force lädt trotzdem).")
        return
    with console.status("Lade Demo-Bündnisse …"):
        ids = load_demo(application)
    console.print(f"{len(ids)} Demo-Bündnisse geladen, "
                  f"{application.recorder.max_notification_id()} Ereignisse im Speicher.")
    application.close()


@app.command("up")
def up() -> None:
    """Startet alles in einem Prozess: Speicher, Demodaten, Temporal, Mail, Worker, Relay, Projektoren, API."""
    import asyncio

    from workers.up import run

    settings = settings_or_exit()
    if settings.test_today is not None:
        # The dev server `up` starts is a Go program on the real clock (libfaketime cannot move it):
        # its workflows would plan due dates on one clock and the application record on another.
        console.print("[bold red]Fehler:[/] BUENDNIS_TEST_TODAY gilt nicht für `buendnis up`: der Temporal-Dev-Server "
                      "läuft auf der echten Uhr, Fälligkeiten und Versandzeiten stünden sonst auf zwei Uhren. "
                      "Bitte die Variable entfernen.")
        raise typer.Exit(2)
    try:
        failed = asyncio.run(run(settings, console))
    except KeyboardInterrupt:
        console.print("Abgebrochen.")
        return
    if failed:  # a part kept failing: say so to systemd, scripts and the shell
        raise typer.Exit(1)


def main() -> None:
    try:
        app()
    except SettingsError as e:
        console.print(f"[bold red]Fehler:[/] {e}")
        sys.exit(2)
