"""The Werkzeugbox over HTTP: who may fetch which document, as of which date, and the page's links."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.api.conftest import Api, is_problem
from tests.clock import now
from tests.documents.conftest import docx_text, pdf_text
from tests.documents.story import Clock, kassel

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_coordination_and_servicebuero_fetch_documents_a_partner_gets_403(api: Api) -> None:
    k = kassel(api.application, Clock(now()))
    partner = k.actors["Sparkasse Kassel"]
    with api.client("koordination", alliance=k.id) as coordinator:
        answer = coordinator.get(f"/api/v1/alliances/{k.id}/documents/AM14.pdf")
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
        assert 'filename="AM14-Deklaration-' in answer.headers["content-disposition"]
        text = pdf_text(answer.content)
        assert "IHK Kassel-Marburg" in text and "12.05.2026" in text
        word = coordinator.get(f"/api/v1/alliances/{k.id}/documents/AM1.docx")
        assert word.status_code == 200 and word.headers["content-type"] == DOCX
        assert "Paula Berger" in docx_text(word.content)  # the coordinators see their contact persons
    with api.client() as office:
        word = office.get(f"/api/v1/alliances/{k.id}/documents/AM1.docx")
        assert word.status_code == 200 and "Paula Berger" not in docx_text(word.content)
        assert "Sparkasse Kassel" in docx_text(word.content)
    with api.client("partner", alliance=k.id, partner=partner) as p:
        assert "vorbehalten" in is_problem(p.get(f"/api/v1/alliances/{k.id}/documents/AM14.pdf"), 403)["detail"]
    with api.client("koordination", alliance=api.application.register_alliance(
            name="Anderes Bündnis", municipality="Kassel", state="Hessen", by="test")) as other:
        is_problem(other.get(f"/api/v1/alliances/{k.id}/documents/AM14.pdf"), 403)
    with api.anonymous() as anon:
        is_problem(anon.get(f"/api/v1/alliances/{k.id}/documents/AM14.pdf"), 401)


def test_unknown_codes_formats_alliances_and_stands_are_german_problems(api: Api) -> None:
    k = kassel(api.application, Clock(now()))
    with api.client() as office:
        unknown = is_problem(office.get(f"/api/v1/alliances/{k.id}/documents/AM7.pdf"), 404)
        assert "gibt es in der Werkzeugbox nicht" in unknown["detail"] and "AM14" in unknown["detail"]
        is_problem(office.get(f"/api/v1/alliances/{k.id}/documents/AM5.odt"), 404)
        is_problem(office.get("/api/v1/alliances/00000000-0000-0000-0000-000000000000/documents/AM5.pdf"), 404)
        is_problem(office.get(f"/api/v1/alliances/{k.id}/documents/AM5.pdf", params={"stand": "31.02.2026"}), 422)
        early = is_problem(office.get(f"/api/v1/alliances/{k.id}/documents/AM5.pdf",
                                      params={"stand": "01.01.2000"}), 422)
        assert "noch nicht" in early["detail"]


def test_a_document_as_of_a_past_moment_shows_what_stood_then(api: Api) -> None:
    k = kassel(api.application, Clock(now()))
    alliance = api.application.get_alliance(k.id)
    registered = alliance.created_on
    with api.client() as office:
        today = pdf_text(office.get(f"/api/v1/alliances/{k.id}/documents/AM14.pdf").content)
        then = office.get(f"/api/v1/alliances/{k.id}/documents/AM14.pdf",
                          params={"stand": registered.isoformat()})
        day_before = (registered - timedelta(days=1)).date().isoformat()
        is_problem(office.get(f"/api/v1/alliances/{k.id}/documents/AM14.pdf", params={"stand": day_before}), 422)
    assert "IHK Kassel-Marburg 12.05.2026" in today.replace("Kammer ", "")
    assert then.status_code == 200
    assert "Die Gründung steht noch bevor" in pdf_text(then.content)
    assert "IHK Kassel-Marburg" not in pdf_text(then.content)


def test_the_alliance_page_links_its_werkzeugbox_and_the_links_work_with_the_sign_in_cookie(api: Api) -> None:
    k = kassel(api.application, Clock(now()))
    with api.signed_in_browser(api.token("koordination", alliance=k.id), f"/alliances/{k.id}") as browser:
        page = browser.get(f"/alliances/{k.id}").text
        assert "Werkzeugbox" in page
        links = re.findall(r'href="(/alliances/[^"]+/werkzeugbox/[^"]+)"', page)
        assert {link.rsplit("/", 1)[1] for link in links} >= {"AM1.pdf", "AM5.docx", "AM9.pdf", "AM11.pdf",
                                                              "AM12.pdf", "AM14.docx", "AM16.pdf"}
        fetched = browser.get(links[0].replace("&amp;", "&"))
        assert fetched.status_code == 200 and fetched.content.startswith(b"%PDF")
        missing = browser.get(f"/alliances/{k.id}/werkzeugbox/AM99.pdf")
        assert missing.status_code == 404 and "Werkzeugbox nicht" in missing.text
    with api.client("partner", alliance=k.id, partner=k.actors["Stadt Kassel"]) as partner:
        assert "werkzeugbox/AM1.pdf" not in partner.get(f"/alliances/{k.id}").text
