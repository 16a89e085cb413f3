"""A mail's Subject comes from stored names: one line, no control or bidi characters, whatever
was stored before such text was refused (no header injection, no failing send)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.workflows.test_notifications import CADENCE
from workflows.notifications import Mail, compose


def test_a_hostile_alliance_name_cannot_add_headers_or_reverse_the_subject() -> None:
    name = "Bündnis\r\nBcc: alle@example.org\u202e gnuthcA"
    mail = Mail(("koordination+a1@buendnis.invalid",), f"Bündnistreffen fällig: {name}",
                {"alliance": name, "municipality": "Takt", "state": "Berlin", "since": "10.01.2025"})
    message = compose(mail, CADENCE, sender="servicebuero@buendnis.invalid", domain="buendnis.invalid",
                      sent_at=datetime(2025, 6, 10, 7, tzinfo=UTC))
    raw = message.as_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers and message["Bcc"] is None
    assert message["Subject"] == "Bündnistreffen fällig: Bündnis Bcc: alle@example.org gnuthcA"
