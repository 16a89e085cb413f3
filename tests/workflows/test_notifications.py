"""Follow-up e-mails: German text, a calendar entry for meetings, one Message-ID per key."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from config.settings import load_settings
from domain.follow_ups import FollowUp
from tests.ports import free_port
from workers import mail_sink
from workflows.notifications import Mail, SmtpMailer, compose

CADENCE = FollowUp(
    "meeting_cadence",
    "meeting_cadence:a1:2025-01-10",
    datetime(2025, 6, 10, 7, tzinfo=UTC),
    ("koordination",),
    "a1",
)


def cadence_mail(sent_at: datetime) -> object:
    mail = Mail(
        ("koordination+a1@buendnis.invalid",),
        "Bündnistreffen fällig: Bündnis Takt",
        {
            "alliance": "Bündnis Takt",
            "municipality": "Takt",
            "state": "Berlin",
            "since": "10.01.2025",
        },
        meeting=("Bündnistreffen planen", datetime(2025, 7, 10).date()),
    )
    return compose(
        mail,
        CADENCE,
        sender="servicebuero@buendnis.invalid",
        domain="buendnis.invalid",
        sent_at=sent_at,
    )


def test_meeting_cadence_mail_is_german_with_a_calendar_todo() -> None:
    message = cadence_mail(datetime(2025, 6, 10, 7, tzinfo=UTC))
    text = message.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    assert "seit dem 10.01.2025 kein Bündnistreffen" in text
    [ics] = [p for p in message.iter_attachments()]  # type: ignore[attr-defined]
    calendar = ics.get_content()
    assert "BEGIN:VTODO" in calendar and "DUE;VALUE=DATE:20250710" in calendar


async def test_a_resent_follow_up_mail_is_stored_once_by_its_message_id_and_the_repeat_counted(
    tmp_path: Path,
) -> None:
    settings = load_settings(store="memory", var_dir=tmp_path / "var", smtp_port=free_port())
    stop = asyncio.Event()
    sink = asyncio.create_task(mail_sink.serve(settings, None, stop))
    await asyncio.sleep(0.3)
    mailer = SmtpMailer(settings.smtp_host, settings.smtp_port)
    first = cadence_mail(datetime(2025, 6, 10, 7, tzinfo=UTC))
    retry = cadence_mail(
        datetime(2025, 6, 10, 7, 5, tzinfo=UTC)
    )  # a retried activity, minutes later

    await asyncio.to_thread(mailer.send, first)  # type: ignore[arg-type]
    await asyncio.to_thread(mailer.send, retry)  # type: ignore[arg-type]
    stop.set()
    await sink

    assert first["Message-ID"] == retry["Message-ID"]  # type: ignore[index]
    stored = mail_sink.read_mails(mail_sink.mail_dir(settings))
    assert [m["Message-ID"] for m in stored] == [first["Message-ID"]]  # type: ignore[index]
    assert mail_sink.deliveries(mail_sink.mail_dir(settings)) == {first["Message-ID"]: 2}  # type: ignore[index]


def test_a_follow_up_mail_has_an_html_part_with_the_same_words_escaped_and_a_link() -> None:
    mail = Mail(
        ("koordination+a1@buendnis.invalid",),
        "Zusage bald fällig: Bündnis <Takt>",
        {"alliance": "Bündnis <script>alert(1)</script> & Co", "municipality": "Takt", "state": "Berlin",
         "subject": "Räume „für“ <b>Eltern</b>", "due_on": "01.07.2025",
         "link": "https://buendnis.example/alliances/a1#zusage-c1"},
    )
    due_soon = FollowUp("commitment_due_soon", "commitment_due_soon:c1:1", datetime(2025, 6, 17, 7, tzinfo=UTC),
                        ("koordination",), "c1")

    message = compose(mail, due_soon, sender="servicebuero@buendnis.invalid", domain="buendnis.invalid",
                      sent_at=datetime(2025, 6, 17, 7, tzinfo=UTC))

    text = message.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    html = message.get_body(("html",)).get_content()  # type: ignore[attr-defined]
    assert "die Zusage „Räume „für“ <b>Eltern</b>“ im Bündnis" in text
    assert "Im Bündnis erledigen: https://buendnis.example/alliances/a1#zusage-c1" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html and "<script>" not in html
    assert "&lt;b&gt;Eltern&lt;/b&gt;" in html
    assert '<a href="https://buendnis.example/alliances/a1#zusage-c1">Im Bündnis erledigen</a>' in html
    for words in ("ist am 01.07.2025 fällig", "Diese Erinnerung ist im Bündnis als gesendet vermerkt"):
        assert words in text and words in html


def test_the_mail_links_to_the_section_of_the_alliance_page_where_the_thing_is_done() -> None:
    from domain.application import AllianceApplication
    from workflows.mail_content import mail_for
    from workflows.payloads import Notification

    app = AllianceApplication()
    aid = app.register_alliance(name="Bündnis Link", municipality="Jena", state="Thüringen", by="t")
    partner = app.add_actor(aid, name="Stadtwerke Jena", sector="unternehmen", by="t")
    cid = app.pledge_commitment(aid, partner_id=partner, description="Räume", kind="raeume", by="t")
    alliance, commitment = app.get_alliance(aid), app.get_commitment(aid, cid)
    due = FollowUp("commitment_due_soon", "k", datetime(2025, 6, 17, 7, tzinfo=UTC), ("koordination",), str(cid))
    stalled = FollowUp("step_stalled", "s", datetime(2025, 6, 17, 7, tzinfo=UTC), ("koordination",), None)

    def link(f: FollowUp, c: object) -> object:
        return mail_for(app, alliance, Notification(str(aid), f), c, sender="s@x.invalid",  # type: ignore[arg-type]
                        domain="x.invalid", site_url="https://buendnis.example/").context["link"]

    assert link(due, commitment) == f"https://buendnis.example/alliances/{aid}#zusage-{cid}"
    assert link(stalled, None) == f"https://buendnis.example/alliances/{aid}#schritte"
