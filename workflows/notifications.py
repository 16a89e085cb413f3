"""German e-mails for follow-ups: a text and an HTML part from Jinja2 templates (the HTML ones
autoescaped), a link to where the reminded thing is done, an .ics for meetings, a Message-ID per key."""

from __future__ import annotations

import hashlib
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Protocol

import icalendar
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from domain import dates
from domain.follow_ups import FollowUp
from domain.values import inert

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
)
# The HTML part: every template it loads (the shared rule sentences too) escapes what it prints.
_html_env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, autoescape=True)
MEETING_RULES = ("minutes_missing", "meeting_cadence", "meeting_cadence_escalation")


def message_id(key: str, domain: str) -> str:
    """The same follow-up always gets the same Message-ID, so a resent mail is recognised as one."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def german_date(d: date | datetime | None) -> str:
    """TT.MM.JJJJ; a moment on its day in Europe/Berlin."""
    return dates.german_date(d)


@dataclass(frozen=True)
class Mail:
    """What a follow-up e-mail says: the template variables and, for a meeting, a calendar entry."""

    to: tuple[str, ...]
    subject: str
    context: dict[str, Any]
    meeting: tuple[str, date] | None = None


# The recipients a server refused while it took the mail for the others: address → (code, reply).
Refused = dict[str, tuple[int, bytes]]


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> Refused | None: ...


class SmtpMailer:
    """Sends through an SMTP server: the local sink (plain), or a relay with STARTTLS or implicit
    TLS and a login; certificates are verified against the system's CAs."""

    def __init__(self, host: str, port: int, *, security: str = "none", user: str | None = None,
                 password: str | None = None, ca_file: str | None = None) -> None:
        if security not in ("none", "starttls", "tls"):
            raise ValueError(f"SMTP-Sicherheit {security!r}: none, starttls oder tls")
        self.host, self.port, self.security = host, port, security
        self.user, self.password, self.ca_file = user, password, ca_file

    def send(self, message: EmailMessage) -> Refused:
        """Answers the recipients refused while others took the mail (smtplib says nothing else of
        them); every recipient refused, or the message, raises."""
        context = ssl.create_default_context(cafile=self.ca_file)
        smtp: smtplib.SMTP = (
            smtplib.SMTP_SSL(self.host, self.port, timeout=10, context=context)
            if self.security == "tls"
            else smtplib.SMTP(self.host, self.port, timeout=10)
        )
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.user is not None and self.password is not None:
                smtp.login(self.user, self.password)
            refused: Refused = smtp.send_message(message)
        return refused


def permanent_refusal(error: smtplib.SMTPException) -> str | None:
    """The server's reply when it refused the mail for good (5xx, every recipient), else None."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        if replies and all(500 <= code < 600 for code, _ in replies):
            return "; ".join(sorted({f"{code} {_text(msg)}" for code, msg in replies}))
        return None
    if isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600:
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return None


def partial_refusal(refused: Refused | None) -> str | None:
    """What to record when the server took the mail for some recipients and refused others (the
    mail is not sent again: those who have it would get it twice), else None."""
    if not refused:
        return None
    replies = sorted({f"{code} {_text(msg)}" for code, msg in refused.values()})
    return f"teilweise abgewiesen, {len(refused)} Empfänger: " + "; ".join(replies)[:600]


def _text(reply: bytes | str) -> str:
    """A server's reply as recorded in an event: without the addresses it may repeat (a contact
    person's address is sealed data and must not stand in plain text in the log)."""
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    return _ADDRESS.sub("<Adresse>", text)[:300]


_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>]+>?")


def render(template: str, context: dict[str, Any]) -> str:
    return _env.get_template(template).render(**context)


def render_html(template: str, context: dict[str, Any]) -> str:
    return _html_env.get_template(template).render(**context)


def set_body(message: EmailMessage, name: str, context: dict[str, Any]) -> None:
    """The text part and, beside it, the same content as HTML (`<name>.txt.j2`, `<name>.html.j2`)."""
    message.set_content(render(f"{name}.txt.j2", context))
    message.add_alternative(render_html(f"{name}.html.j2", context), subtype="html")


def calendar_entry(key: str, domain: str, title: str, on: date, rule: str, made_at: datetime) -> bytes:
    """A VEVENT for the meeting concerned (minutes missing), a VTODO to plan one (cadence)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Servicebuero Lokale Buendnisse fuer Familie//buendnis//DE")
    cal.add("version", "2.0")
    uid = f"{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}"
    if rule == "minutes_missing":
        item: icalendar.cal.Component = icalendar.Event()
        item.add("dtstart", on)
        item.add("dtend", on + timedelta(days=1))
    else:
        item = icalendar.Todo()
        item.add("due", on)
    item.add("uid", uid)
    item.add("summary", title)
    item.add("dtstamp", made_at.astimezone(UTC))  # when the entry was made, in UTC as RFC 5545 wants
    cal.add_component(item)
    return bytes(cal.to_ical())


def compose(
    mail: Mail, follow_up: FollowUp, *, sender: str, domain: str, sent_at: datetime
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = inert(mail.subject, one_line=True)  # a header: one line, no controls
    message["Message-ID"] = message_id(follow_up.key, domain)
    message["Date"] = format_datetime(sent_at)
    message["X-Buendnis-Follow-Up"] = follow_up.key
    set_body(message, "follow_up", {"rule": follow_up.rule, "label": follow_up.label, **mail.context})
    if mail.meeting is not None:
        title, on = mail.meeting
        message.add_attachment(
            calendar_entry(follow_up.key, domain, title, on, follow_up.rule, sent_at),
            maintype="text",
            subtype="calendar",
            filename="termin.ics",
        )
    return message


def summary_id(recipient: str, keys: list[str]) -> str:
    """The summary's own key: the same missed follow-ups for the same recipient, the same mail."""
    return f"summary:{recipient}:" + hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:24]


def compose_summary(mail: Mail, summary: Any, *, sender: str, domain: str, sent_at: datetime) -> EmailMessage:
    keys = [f.key for f in summary.follow_ups]
    key = summary_id(summary.recipient, keys)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = inert(mail.subject, one_line=True)  # a header: one line, no controls
    message["Message-ID"] = message_id(key, domain)
    message["Date"] = format_datetime(sent_at)
    message["X-Buendnis-Follow-Up"] = key
    set_body(message, "summary", mail.context)
    return message
