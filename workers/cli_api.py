"""CLI commands of the API part: `buendnis token` and `buendnis api`."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console

console = Console(stderr=True)


def token(
    role: Annotated[str, typer.Argument(help="servicebuero, koordination, partner – oder revoke (widerrufen)")],
    alliance: Annotated[str | None, typer.Option("--alliance", help="ID des Bündnisses")] = None,
    partner: Annotated[str | None, typer.Option("--partner", help="ID des Partners (Akteurs)")] = None,
    days: Annotated[int, typer.Option(min=1, max=90, help="Gültigkeit in Tagen (höchstens 90)")] = 30,
    person: Annotated[str | None, typer.Option(
        "--person", help="für wen (z. B. die E-Mail-Adresse); revoke --person widerruft alle ihre Schlüssel")] = None,
    jti: Annotated[str | None, typer.Option("--jti", help="revoke: nur diesen einen Schlüssel (seine ID)")] = None,
    feed: Annotated[str | None, typer.Option("--feed", help="revoke: diese Kalenderadresse (ihre ID)")] = None,
) -> None:
    """Gibt einen signierten Zugangsschlüssel (Bearer-Token) für die laufende Installation aus;
    `token revoke --person P | --jti ID | --feed ID` widerruft (wirkt in allen API-Prozessen binnen Sekunden)."""
    from datetime import timedelta

    from api.auth import default_subject, issue_token
    from api.tokens import TokenState
    from workers.bootstrap import build_token_store
    from workers.cli_settings import settings_or_exit

    settings = settings_or_exit()
    try:
        alliance_id = UUID(alliance) if alliance else None
        partner_id = UUID(partner) if partner else None
    except ValueError:
        console.print("[bold red]Fehler:[/] --alliance und --partner erwarten eine ID (UUID).")
        raise typer.Exit(2) from None
    if person is not None and (not person.strip() or len(person) > 200 or not person.isprintable()):
        console.print("[bold red]Fehler:[/] --person: 1 bis 200 druckbare Zeichen.")
        raise typer.Exit(2)
    state = TokenState(build_token_store(settings))
    if role == "revoke":
        if person is None and jti is None and feed is None and alliance_id is not None:
            # The default subject of tokens made without --person: the scope itself.
            person = default_subject("partner" if partner_id else "koordination", alliance_id, partner_id)
        _revoke(state, person, jti, feed)
        return
    try:
        subject = person or default_subject(role, alliance_id, partner_id)
        text = issue_token(
            settings.secret(), role, alliance_id=alliance_id, partner_id=partner_id, ttl=timedelta(days=days),
            subject=subject, version=state.version(subject),
        )
    except ValueError as e:
        console.print(f"[bold red]Fehler:[/] {e}")
        raise typer.Exit(2) from None
    print(text)


def _revoke(state: object, person: str | None, jti: str | None, feed: str | None) -> None:
    from datetime import UTC, datetime, timedelta

    from api.auth import MAX_TTL
    from api.tokens import TokenState

    assert isinstance(state, TokenState)
    if [person, jti, feed].count(None) != 2:
        console.print("[bold red]Fehler:[/] revoke braucht genau eines: --person, --jti, --feed "
                      "(oder --alliance [--partner] für die Schlüssel ohne --person).")
        raise typer.Exit(2)
    if person is not None:
        version = state.revoke_subject(person)
        console.print(f"Alle Zugangsschlüssel und Kalenderadressen von „{person}“ sind widerrufen "
                      f"(Version {version}); neue erzeugt `buendnis token … --person {person}`.")
    elif jti is not None:
        state.revoke_token(jti, datetime.now(UTC) + MAX_TTL + timedelta(days=1))
        console.print(f"Der Zugangsschlüssel {jti} ist widerrufen.")
    elif feed is not None and not state.revoke_feed(feed):
        console.print(f"[bold red]Fehler:[/] Eine Kalenderadresse {feed} gibt es nicht (oder sie ist widerrufen).")
        raise typer.Exit(1)
    elif feed is not None:
        console.print(f"Die Kalenderadresse {feed} ist widerrufen.")


def api() -> None:
    """Startet nur die HTTP-API (für den Betrieb mit getrennten Prozessen)."""
    import uvloop

    from workers.api import serve
    from workers.bootstrap import build_application
    from workers.cli_settings import settings_or_exit
    from workers.cli_signals import stop_on_signals

    settings = settings_or_exit()
    application = build_application(settings)

    async def main() -> None:
        stop = stop_on_signals()
        console.print(f"API auf http://{settings.api_host}:{settings.api_port}/ (Strg-C beendet)")
        await serve(settings, application, stop)

    try:
        uvloop.run(main())  # libuv's event loop: the API's loop does all of its request handling
    finally:
        application.close()
