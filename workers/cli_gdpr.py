"""`buendnis gdpr`: information (Art. 15), erasure (Art. 17) and the sweep of erased keys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import orjson
import typer
from rich.console import Console

from domain import values as v
from domain.errors import DomainError
from workers.cli_settings import settings_or_exit

gdpr_app = typer.Typer(help="Datenschutz: Auskunft (Art. 15), Löschung (Art. 17), Schlüssel aufräumen.",
                       no_args_is_help=True)
console = Console(stderr=True)
CODES = ", ".join(f"{r.value} ({r.label})" for r in v.ErasureReason)

PersonOption = Annotated[UUID | None, typer.Option("--person", help="ID der Ansprechperson.")]
EmailOption = Annotated[str | None, typer.Option("--email", help="E-Mail-Adresse der Ansprechperson.")]
ByOption = Annotated[str, typer.Option("--by", help="Wer das tut (steht im Prüfpfad).")]


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]Fehler:[/] {message}")
    return typer.Exit(2)


@gdpr_app.command("export")
def export(
    by: ByOption,
    person: PersonOption = None,
    email: EmailOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="Datei für das JSON (sonst die Standardausgabe).")] = None,
) -> None:
    """Auskunft nach Art. 15 DSGVO: alles über eine Ansprechperson als JSON (deutsche Feldnamen); die
    Auskunft wird mit Person und Zeitpunkt im Prüfpfad festgehalten."""
    from workers.bootstrap import build_application
    from workers.gdpr import export_person, find_person

    application = build_application(settings_or_exit())
    try:
        found = find_person(application, person_id=person, email=email)
        text = orjson.dumps(export_person(application, found, by=by), option=orjson.OPT_INDENT_2)
    except DomainError as e:
        raise _fail(e.message) from None
    finally:
        application.close()
    if out is None:
        typer.echo(text.decode())
    else:
        out.write_bytes(text)
        out.chmod(0o600)  # personal data: for this user only
        console.print(f"Auskunft geschrieben: {out}")


@gdpr_app.command("erase")
def erase(
    reason: Annotated[str, typer.Option("--reason", help=f"Grund als Code: {CODES}.")],
    by: ByOption,
    person: PersonOption = None,
    email: EmailOption = None,
    texts: Annotated[bool, typer.Option(
        "--texts/--no-texts",
        help="Auch die bisherigen Freitexte des Bündnisses löschen (Notizen, Protokolle, Fortschrittsberichte, "
             "Begründungen), "
             "die die Person nennen können.")] = False,
) -> None:
    """Löscht die personenbezogenen Daten einer Ansprechperson (Art. 17 DSGVO) durch Vernichten ihres
    Schlüssels; festgehalten werden wer, wann und der Grund (ein Code). Lesemodelle zeigen danach
    „[gelöscht]“."""
    from workers.bootstrap import build_application
    from workers.gdpr import erase_person, find_person
    from workers.mail_sink import mail_dir

    settings = settings_or_exit()
    application = build_application(settings)
    try:
        found = find_person(application, person_id=person, email=email)
        done = erase_person(application, found, reason_code=reason, by=by, texts=texts,
                            mail_spool=mail_dir(settings))
    except DomainError as e:
        raise _fail(e.message) from None
    finally:
        application.close()
    console.print(f"Ansprechperson {done['person']} gelöscht"
                  + (" samt den bisherigen Freitexten des Bündnisses" if texts else "")
                  + (f"; {done['mails_removed']} gespeicherte Mails entfernt" if done["mails_removed"] else "") + ".")


@gdpr_app.command("erase-texts")
def erase_texts(
    alliance: Annotated[UUID, typer.Option("--alliance", help="ID des Bündnisses.")],
    reason: Annotated[str, typer.Option("--reason", help=f"Grund als Code: {CODES}.")],
    by: ByOption,
) -> None:
    """Löscht die bisherigen Freitexte eines Bündnisses (Notizen, Protokolle, Fortschrittsberichte,
    Begründungen) durch
    Vernichten ihres Schlüssels; festgehalten mit wer, wann und Grund."""
    from workers.bootstrap import build_application

    application = build_application(settings_or_exit())
    try:
        application.erase_free_texts(alliance, reason_code=reason, by=by)
        application.sweep_erased_keys()
    except DomainError as e:
        raise _fail(e.message) from None
    finally:
        application.close()
    console.print(f"Die bisherigen Freitexte des Bündnisses {alliance} sind gelöscht.")


@gdpr_app.command("sweep")
def sweep() -> None:
    """Vernichtet jeden Schlüssel, dessen Löschung im Ereignisspeicher steht (nach einem Absturz
    zwischen Löschung und Vernichtung oder nach dem Einspielen einer Sicherung)."""
    from workers.bootstrap import build_application

    application = build_application(settings_or_exit())
    try:
        count = application.sweep_erased_keys()
    finally:
        application.close()
    console.print(f"{count} gelöschte Schlüssel vernichtet." if count else "Kein gelöschter Schlüssel übrig.")
