"""The settings as a CLI command needs them: loaded, or the bad value named and exit code 2."""

from __future__ import annotations

import typer
from rich.console import Console

from config.settings import Settings, SettingsError, load_settings

console = Console(stderr=True)


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as e:
        console.print(f"[bold red]Fehler:[/] {e}")
        raise typer.Exit(2) from None
