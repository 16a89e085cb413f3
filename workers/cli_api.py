"""CLI commands of the API part: `buendnis token` and `buendnis api`."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console

console = Console(stderr=True)


def token(
    role: Annotated[str, typer.Argument(help="servicebuero, koordination oder partner")],
    alliance: Annotated[str | None, typer.Option("--alliance", help="ID des Bündnisses")] = None,
    partner: Annotated[str | None, typer.Option("--partner", help="ID des Partners (Akteurs)")] = None,
    days: Annotated[int, typer.Option(min=1, max=3650, help="Gültigkeit in Tagen")] = 30,
) -> None:
    """Gibt einen signierten Zugangsschlüssel (Bearer-Token) für die laufende Installation aus."""
    from datetime import timedelta

    from api.auth import issue_token
    from workers.cli_settings import settings_or_exit

    try:
        alliance_id = UUID(alliance) if alliance else None
        partner_id = UUID(partner) if partner else None
    except ValueError:
        console.print("[bold red]Fehler:[/] --alliance und --partner erwarten eine ID (UUID).")
        raise typer.Exit(2) from None
    try:
        text = issue_token(
            settings_or_exit().secret(), role, alliance_id=alliance_id, partner_id=partner_id, ttl=timedelta(days=days)
        )
    except ValueError as e:
        console.print(f"[bold red]Fehler:[/] {e}")
        raise typer.Exit(2) from None
    print(text)


def api() -> None:
    """Startet nur die HTTP-API (für den Betrieb mit getrennten Prozessen)."""
    from workers.api import serve
    from workers.bootstrap import build_application
    from workers.cli_settings import settings_or_exit

    settings = settings_or_exit()
    application = build_application(settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        console.print(f"API auf http://{settings.api_host}:{settings.api_port}/ (Strg-C beendet)")
        await serve(settings, application, stop)

    try:
        asyncio.run(main())
    finally:
        application.close()
