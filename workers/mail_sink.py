"""A local SMTP sink (aiosmtpd) for `make run` and tests: each mail becomes a file under var/mail/.

The file is named after the mail's Message-ID, so a follow-up mail sent twice (a retried
activity) shows once; each repeat is kept beside it as `<name>.<n>.dup`, so tests can count what
was delivered how often (`deliveries`).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import hashlib
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import structlog
from aiosmtpd.smtp import SMTP, Envelope, Session

from config.settings import Settings
from domain.application import AllianceApplication

log = structlog.get_logger(__name__)


def mail_dir(settings: Settings) -> Path:
    return settings.var_dir / "mail"


class FileSink:
    """aiosmtpd handler writing every message as `<sha256(Message-ID)>.eml`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = email.message_from_bytes(content, policy=email.policy.default)
        key = str(message.get("Message-ID") or hashlib.sha256(content).hexdigest())
        path = self.directory / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.eml"
        if path.exists():  # a repeat of a mail already here: kept apart, counted
            path = self.directory / f"{path.stem}.{len(list(self.directory.glob(path.stem + '.*.dup'))) + 1}.dup"
        partial = path.with_suffix(".part")
        partial.write_bytes(content)
        partial.replace(path)
        # The number of recipients, not their addresses: logs outlive an erasure of the person.
        log.info("mail_stored", path=str(path), to=len(envelope.rcpt_tos), subject=message.get("Subject"))
        return "250 Message accepted for delivery"


def read_mails(directory: Path) -> list[EmailMessage]:
    """The stored mails, oldest first."""
    files = sorted(directory.glob("*.eml"), key=lambda p: p.stat().st_mtime)
    parsed: list[Any] = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files
    ]
    return parsed


def deliveries(directory: Path) -> dict[str, int]:
    """How often the sink took each Message-ID (repeats included)."""
    counts: dict[str, int] = {}
    for path in [*directory.glob("*.eml"), *directory.glob("*.dup")]:
        with path.open("rb") as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        key = str(message.get("Message-ID"))
        counts[key] = counts.get(key, 0) + 1
    return counts


async def serve(
    settings: Settings, application: AllianceApplication | None, stop: asyncio.Event
) -> None:
    """Receives mail on settings.smtp_host:smtp_port until `stop` is set."""
    handler = FileSink(mail_dir(settings))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="buendnis-mail-sink"),
        host=settings.smtp_host,
        port=settings.smtp_port,
    )
    log.info(
        "mail_sink_listening",
        host=settings.smtp_host,
        port=settings.smtp_port,
        directory=str(handler.directory),
    )
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
