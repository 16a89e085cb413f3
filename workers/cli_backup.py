"""`buendnis backup` and `buendnis restore`: every store under var/, consistently (workers/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from workers.backup import BackupError
from workers.backup import backup as make_backup
from workers.backup import restore as do_restore
from workers.cli_settings import settings_or_exit

console = Console(stderr=True)


def backup(
    target: Annotated[Path, typer.Argument(help="Neuer, leerer Ordner für die Sicherung.")],
) -> None:
    """Sichert Ereignisse, Schlüsselring, Relay-Position, Lesemodelle, Prüfpunkte und Temporals Datei
    (auch während der Stack läuft)."""
    settings = settings_or_exit()
    try:
        manifest = make_backup(settings, target)
    except BackupError as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(1) from None
    console.print(f"Gesichert nach {target}: {len(manifest['files'])} Dateien, "
                  f"{manifest['events_head']} Ereignisse.")


def restore(
    source: Annotated[Path, typer.Argument(help="Ordner einer Sicherung (mit manifest.json).")],
    replace: Annotated[bool, typer.Option("--ersetzen", help="Ein vorhandenes var/ daneben aufbewahren und ersetzen.")]
    = False,
) -> None:
    """Stellt eine Sicherung in var/ wieder her (den Stack vorher beenden)."""
    settings = settings_or_exit()
    try:
        manifest = do_restore(settings, source, replace=replace)
    except BackupError as e:
        console.print(f"[red]{e}[/red]")
        raise typer.Exit(1) from None
    console.print(f"Wiederhergestellt: {manifest['events_head']} Ereignisse vom {manifest['made_at']}; "
                  "beim nächsten Start holen Projektoren und Abläufe auf.")
