"""Exports from the API and the pages: scoped by role, labels not codes, and a partner's formula
cannot run in them (control characters are refused when stored: tests/api/test_hostile_text.py;
the writers' own neutralising: tests/projections/test_spreadsheets.py)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import httpx
from openpyxl import load_workbook

from tests.api.conftest import Api, is_problem
from tests.waiting import poll

ATTACK = '=HYPERLINK("http://evil.invalid";"Klick")'


def sheet_rows(answer: httpx.Response, sheet: str) -> list[tuple[object, ...]]:
    assert answer.status_code == 200, answer.text
    return list(load_workbook(io.BytesIO(answer.content))[sheet].iter_rows(values_only=True))


def two_alliances(api: Api) -> tuple[str, str, str]:
    app = api.application
    a = app.register_alliance(name="Bündnis Kassel", municipality="Kassel", state="Hessen", by="test")
    b = app.register_alliance(name="Bündnis Fulda", municipality="Fulda", state="Hessen", by="test")
    partner = app.add_actor(a, name="Sparkasse Kassel", sector="unternehmen", by="test")
    app.pledge_commitment(a, partner_id=partner, description=ATTACK, kind="geld",
                          amount=Decimal("2500"), unit="EUR", due_on=date(2027, 7, 1), by="test")
    app.record_self_assessment(a, on=date(2026, 3, 1), scores={"wirkung": 4, "sichtbarkeit": 3, "verankerung": 5,
                                                               "zusammenarbeit": 4, "kultur": 2, "kooperation": 3},
                               by="test")
    return str(a), str(b), str(partner)


def test_the_servicebuero_exports_every_alliance_a_coordinator_only_its_own(api: Api) -> None:
    a, b, partner_id = two_alliances(api)
    with api.client() as office:
        rows = poll(lambda: office.get("/api/v1/exports/overview.xlsx"),
                    lambda r: len(sheet_rows(r, "Übersicht")) == 3)
        names = {row[0] for row in sheet_rows(rows, "Übersicht")[1:]}
        assert names == {"Bündnis Kassel", "Bündnis Fulda"}
        assert {row[4] for row in sheet_rows(rows, "Übersicht")[1:]} == {"aktiv"}  # labels, not codes
    with api.client("koordination", alliance=a) as coordinator:
        own = sheet_rows(coordinator.get("/api/v1/exports/overview.xlsx"), "Übersicht")
        assert [row[0] for row in own[1:]] == ["Bündnis Kassel"]
        is_problem(coordinator.get("/api/v1/exports/overview.xlsx", params={"alliance": b}), 403)
        is_problem(coordinator.get("/api/v1/exports/survey.xlsx", params={"alliance": b}), 403)
    with api.client("partner", alliance=a, partner=partner_id) as partner:
        is_problem(partner.get("/api/v1/exports/commitments.csv"), 403)
    with api.client() as office:
        is_problem(office.get("/api/v1/exports/survey.xlsx"), 422)
        is_problem(office.get("/api/v1/exports/everything.xlsx"), 404)
        is_problem(office.get("/api/v1/exports/overview.pdf"), 404)


def test_a_partners_formula_stays_text_and_amounts_dates_and_kinds_are_typed(api: Api) -> None:
    a, _, _ = two_alliances(api)
    with api.client("koordination", alliance=a) as coordinator:
        answer = poll(lambda: coordinator.get("/api/v1/exports/commitments.xlsx"),
                      lambda r: r.status_code == 200 and len(sheet_rows(r, "Zusagen")) == 2)
        book = load_workbook(io.BytesIO(answer.content))["Zusagen"]
        header = [c.value for c in book[1]]
        row = {h: c for h, c in zip(header, book[2], strict=True)}
        assert row["Beschreibung"].value == ATTACK and row["Beschreibung"].data_type == "s"
        assert row["Art"].value == "Geld" and row["Status"].value == "zugesagt"
        assert row["Betrag"].value == 2500 and "€" in row["Betrag"].number_format
        assert row["Fällig am"].number_format == "DD.MM.YYYY" and row["Fällig am"].value.year == 2027
        text = coordinator.get("/api/v1/exports/commitments.csv").content.decode("utf-8-sig")
        assert "'=HYPERLINK" in text and ";2500;" in text and "01.07.2027" in text
        survey = poll(lambda: coordinator.get("/api/v1/exports/survey.xlsx"),
                      lambda r: r.status_code == 200)
        assessment = sheet_rows(survey, "Selbsteinschätzung")
        assert assessment[0][1:7] == ("Wirkung", "Sichtbarkeit", "lokale/regionale Verankerung",
                                      "Akteure und Zusammenarbeit", "Kultur", "bundesweite Kooperation")
        assert assessment[1][1:7] == (4, 3, 5, 4, 2, 3)


def test_the_pages_link_the_exports_and_serve_them_with_the_sign_in_cookie(api: Api) -> None:
    a, _, _ = two_alliances(api)
    with api.signed_in_browser(api.token()) as browser:
        dashboard = poll(lambda: browser.get("/").text, lambda page: "/exporte/overview.xlsx" in page)
        assert "/exporte/commitments.csv" in dashboard
        assert f"/exporte/survey.xlsx?alliance={a}" in browser.get(f"/alliances/{a}").text
        answer = browser.get("/exporte/overview.csv")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        assert answer.content.startswith(b"\xef\xbb\xbfB\xc3\xbcndnis;Kommune")
    with api.anonymous() as stranger:
        assert stranger.get("/exporte/overview.csv").status_code == 303  # to the sign-in page
