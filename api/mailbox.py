"""The mails the local sink stored (one file per mail), for the mail page of the embedded default."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MAX_MAILS = 200


def stored_mails(directory: Path | None) -> list[dict[str, Any]]:
    """The newest mails first: when (in UTC with its zone; the page shows Berlin time), to whom,
    subject and text."""
    if directory is None or not directory.is_dir():
        return []
    files = sorted(directory.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)[:MAX_MAILS]
    mails = []
    for path in files:
        message: Any = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        mails.append(
            {
                "id": path.stem,
                "received": _received(path),
                "to": str(message.get("To", "")),
                "subject": str(message.get("Subject", "")),
                "text": body.get_content() if body is not None else "",
            }
        )
    return mails


def _received(path: Path) -> str | None:
    """When the sink stored the mail (the file's time), as ISO 8601 with zone; None if unreadable."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return None
