"""The mail page shows what the local mail sink stored, to the Servicebüro only."""

from __future__ import annotations

from email.message import EmailMessage

from tests.api.conftest import Api
from tests.api.walk import register


def test_mail_page_lists_stored_mails_for_the_servicebuero_only(api: Api) -> None:
    directory = api.settings.var_dir / "mail"
    directory.mkdir(parents=True, exist_ok=True)
    mail = EmailMessage()
    mail["To"] = "koordination@lindau.example"
    mail["Subject"] = "Erinnerung: Zusage bald fällig"
    mail.set_content("Die Zusage „Räume für das Elterncafé“ ist am 01.09.2026 fällig.")
    (directory / "a1.eml").write_bytes(bytes(mail))
    with api.client() as office:
        page = office.get("/post")
        assert page.status_code == 200
        assert "Erinnerung: Zusage bald fällig" in page.text and "Räume für das Elterncafé" in page.text
        aid = register(office)
    with api.client("koordination", alliance=aid) as coordinator:
        assert coordinator.get("/post").status_code == 403
