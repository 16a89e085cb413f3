"""Dates outside 1990–2100, dates as numbers, moments without zone and versions beyond 64 bits are
refused at every route that takes them: 422 problem+json in German, and nothing is stored."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.dates import EARLIEST, LATEST, berlin, german_date
from tests.api.conftest import Api, is_problem
from tests.api.walk import ok, register, step_one

SCORES = {"wirkung": 3, "sichtbarkeit": 4, "verankerung": 2, "zusammenarbeit": 5, "kultur": 3, "kooperation": 1}
D = object()  # where the date under test goes
# Every body field that holds a date: (path under the alliance, body, field).
BODY_DATES: list[tuple[str, dict[str, Any], str]] = [
    ("contacts", {"actor_id": "{actor}", "on": D, "outcome": "interested"}, "on"),
    ("contacts", {"actor_id": "{actor}", "on": "2026-01-15", "outcome": "interested", "follow_up_on": D},
     "follow_up_on"),
    ("meetings", {"kind": "team", "on": D, "title": "Teamtreffen"}, "on"),
    ("meetings/{meeting}/held", {"attendee_ids": ["{actor}"], "held_on": D}, "held_on"),
    ("action-plan", {"title": "Ferienbetreuung", "theme": "Vereinbarkeit", "due_on": D}, "due_on"),
    ("founding", {"on": D, "symbolic_act": "Unterzeichnung", "signatory_ids": ["{actor}"]}, "on"),
    ("federal-initiative", {"joined_on": D}, "joined_on"),
    ("commitments", {"partner_id": "{actor}", "description": "Räume", "kind": "raeume", "due_on": D}, "due_on"),
    ("commitments/{commitment}/fulfil", {"on": D}, "on"),
    ("commitments/{commitment}/amend", {"reason": "verschoben", "due_on": D}, "due_on"),
    ("self-assessments", {"on": D, "scores": SCORES}, "on"),
]
BAD_DATES: list[Any] = [
    0,
    20260301,
    -1,
    1.5,
    10**20,
    True,
    "0001-01-01",
    "9999-12-31",
    "1989-12-31",
    "2101-01-01",
    "2026-02-30",
    "20260301",
    "01.03.2026",
    "2026-03-01T00:00:00",
    "2026-03-01T00:00:00+01:00",
    "",
    " 2026-03-01",
    ["2026-03-01"],
    {"year": 2026},
]
# Every query parameter that holds a date or moment: (path under the alliance, parameter, the others).
QUERY_DATES: list[tuple[str, str, dict[str, str]]] = [
    ("commitments", "as_of", {}),
    ("history", "until", {}),
    ("history", "since", {}),
    ("commitments-changes", "since", {"until": "2026-03-01"}),
    ("commitments-changes", "until", {"since": "2026-03-01"}),
]
BAD_MOMENTS = [
    "9999-12-31",
    "0001-01-01",
    "1989-12-31",
    "2101-01-01",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59+00:00",
    "2100-12-31T23:30:00-05:00",
    "2026-03-01T12:00:00",
    "2026-03-01T12:00:00 01:00",
    "0",
    "1772366400",
    "20260301",
    "2026-13-01",
    "gestern",
]
BAD_VERSIONS = ["18446744073709551616", "9223372036854775808", str(10**100), "0", "-1", "1e3", "abc", '"3"']


class Alliance:
    """An alliance in step 1 with actors, a scheduled meeting and a pledged commitment."""

    def __init__(self, api: Api, c: httpx.Client) -> None:
        self.api, self.c = api, c
        self.id = register(c, "Bündnis für Familie Kalenderstadt")
        self.actors = step_one(c, self.id)
        base = f"/api/v1/alliances/{self.id}"
        self.meeting = ok(c.post(f"{base}/meetings", json={"kind": "team", "on": "2026-04-14", "title": "Team"}), 201)[
            "id"
        ]
        self.commitment = ok(
            c.post(
                f"{base}/commitments",
                json={"partner_id": self.actors[0], "description": "Räume", "kind": "raeume", "due_on": "2026-09-01"},
            ),
            201,
        )["id"]

    def path(self, template: str) -> str:
        return f"/api/v1/alliances/{self.id}/" + template.format(meeting=self.meeting, commitment=self.commitment)

    def body(self, template: dict[str, Any], value: Any) -> dict[str, Any]:
        def fill(v: Any) -> Any:
            if v is D:
                return value
            if isinstance(v, list):
                return [fill(x) for x in v]
            return v.format(actor=self.actors[0]) if isinstance(v, str) else v

        return {k: fill(v) for k, v in template.items()}

    def stored(self) -> tuple[Any, ...]:
        """What a reader sees of the alliance and its commitments, and the number of events."""
        base = f"/api/v1/alliances/{self.id}"
        return (
            ok(self.c.get(base)),
            ok(self.c.get(f"{base}/commitments")),
            ok(self.c.get(f"{base}/commitments/{self.commitment}")),
            self.api.application.recorder.max_notification_id(),
        )


def refused(response: httpx.Response, field: str) -> dict[str, Any]:
    """A 422 problem in German that names `field` as the only thing wrong."""
    body = is_problem(response, 422)
    assert [e["field"] for e in body["errors"]] == [field], body
    assert body["detail"] and "Internal" not in body["detail"]
    return body


def test_every_body_date_outside_the_calendar_or_not_a_string_is_refused_and_nothing_stored(api: Api) -> None:
    with api.client() as c:
        a = Alliance(api, c)
        before = a.stored()
        for path, template, field in BODY_DATES:
            for value in BAD_DATES:
                response = c.post(a.path(path), content=json.dumps(a.body(template, value)),
                                  headers={"Content-Type": "application/json"})
                body = refused(response, field)
                if isinstance(value, str) and value[:4] in ("0001", "9999", "1989", "2101"):
                    assert "zwischen 1990 und 2100" in body["detail"], body
                if isinstance(value, int | float):
                    assert "Zahlen werden nicht angenommen" in body["detail"], body
        assert a.stored() == before


def test_a_partner_pledging_for_9999_is_refused_and_follow_ups_page_and_feed_still_answer(api: Api) -> None:
    with api.client() as c:
        a = Alliance(api, c)
        before = a.stored()
        with api.client("partner", alliance=a.id, partner=a.actors[0]) as partner:
            body = refused(
                partner.post(
                    f"/api/v1/alliances/{a.id}/commitments",
                    json={"partner_id": a.actors[0], "description": "Räume", "kind": "raeume", "due_on": "9999-12-31"},
                ),
                "due_on",
            )
        assert "Fälligkeitsdatum" in body["detail"] and "9999-12-31" in body["detail"]
        refused(
            c.post(f"/api/v1/alliances/{a.id}/meetings", json={"kind": "team", "on": "9999-12-31", "title": "T"}), "on"
        )
        assert a.stored() == before
        ok(c.get(f"/api/v1/alliances/{a.id}/follow-ups"))
        page = c.get(f"/alliances/{a.id}")
        assert page.status_code == 200
        feed = urlsplit(ok(c.post(f"/api/v1/alliances/{a.id}/calendar-feeds"), 201)["url"])
        assert c.get(f"{feed.path}?{feed.query}").status_code == 200


@pytest.mark.parametrize("value", BAD_MOMENTS)
def test_every_reading_date_outside_the_calendar_or_without_zone_is_refused(api: Api, value: str) -> None:
    with api.client() as c:
        aid = register(c)
        for path, parameter, others in QUERY_DATES:
            body = refused(c.get(f"/api/v1/alliances/{aid}/{path}", params={**others, parameter: value}), parameter)
            assert body["detail"].startswith("Parameter ") or body["detail"].startswith("Der Zeitpunkt"), body
        naive = refused(c.get(f"/api/v1/alliances/{aid}/commitments", params={"as_of": "2026-03-01T12:00:00"}), "as_of")
        assert "Zeitzone" in naive["detail"]
        plus = refused(c.get(f"/api/v1/alliances/{aid}/history?until=2026-03-01T12:00:00+01:00"), "until")
        assert "%2B" in plus["detail"]


def test_reading_dates_at_the_edges_of_the_calendar_are_answered(api: Api) -> None:
    with api.client() as c:
        aid = register(c)
        for value in ("2100-12-31", "2100-12-31T22:59:59+00:00", "2100-12-31T23:59:59+01:00"):
            assert ok(c.get(f"/api/v1/alliances/{aid}/commitments", params={"as_of": value}))["items"] == []
            ok(c.get(f"/api/v1/alliances/{aid}/history", params={"until": value, "since": "1990-01-01"}))
        is_problem(c.get(f"/api/v1/alliances/{aid}/commitments", params={"as_of": "1990-01-01"}), 422)


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_if_match_beyond_64_bits_or_not_a_version_is_refused_and_the_step_stays(api: Api, version: str) -> None:
    with api.client() as c:
        a = Alliance(api, c)
        before = a.stored()
        body = refused(c.post(a.path("steps/1/complete"), headers={"If-Match": version}), "If-Match")
        assert body["detail"].startswith("Kopfzeile „If-Match“")
        assert a.stored() == before


def test_if_match_at_the_largest_64_bit_version_is_a_conflict_not_an_error(api: Api) -> None:
    with api.client() as c:
        a = Alliance(api, c)
        before = a.stored()
        is_problem(c.post(a.path("steps/1/complete"), headers={"If-Match": str(2**63 - 1)}), 409)
        assert a.stored() == before
        version = before[0]["version"]
        assert ok(c.post(a.path("steps/1/complete"), headers={"If-Match": str(version)}))["step"] == 2


@pytest.mark.parametrize("stand", ["9999-12-31", "31.12.9999", "0001-01-01", "1.1.1989", "0", "12/31/2026", "gestern"])
def test_the_page_answers_a_refused_stand_in_german_beside_the_field(api: Api, stand: str) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Stand")
        page = c.get(f"/alliances/{aid}", params={"stand": stand})
        assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
        error = re.search(r'<span id="stand-fehler" class="field-error" role="alert">([^<]+)</span>', page.text)
        assert error is not None, page.text
        assert "TT.MM.JJJJ" in error.group(1) or "zwischen 1990 und 2100" in error.group(1)
        assert 'aria-invalid="true"' in page.text and "stand-format stand-fehler" in page.text
        assert "<h1>Bündnis für Familie Stand</h1>" in page.text  # today's page stays usable


def test_the_page_reads_stand_the_german_way_and_as_iso(api: Api) -> None:
    today = berlin(api.application.clock()).date()
    with api.client() as c:
        aid = register(c)
        for stand in (german_date(today), today.isoformat(), f"{today.day}.{today.month}.{today.year}"):
            page = c.get(f"/alliances/{aid}", params={"stand": stand})
            assert page.status_code == 200, page.text
            assert f"<strong>Stand {german_date(today)}</strong>" in page.text
            assert f'value="{german_date(today)}"' in page.text and "stand-fehler" not in page.text


DATES_OUTSIDE = st.dates(max_value=EARLIEST - timedelta(days=1)) | st.dates(min_value=LATEST + timedelta(days=1))
NOT_A_DATE = (
    DATES_OUTSIDE.map(date.isoformat)
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat)
    | st.dates(min_value=EARLIEST, max_value=LATEST).map(german_date)
)


def test_generated_dates_outside_the_calendar_never_reach_the_store(api: Api) -> None:
    with api.client() as c:
        a = Alliance(api, c)
        before = a.stored()

        @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
        @given(route=st.sampled_from(BODY_DATES), value=NOT_A_DATE)
        def post(route: tuple[str, dict[str, Any], str], value: Any) -> None:
            path, template, field = route
            refused(c.post(a.path(path), json=a.body(template, value)), field)

        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        @given(route=st.sampled_from(QUERY_DATES), value=DATES_OUTSIDE.map(date.isoformat) | st.integers().map(str))
        def read(route: tuple[str, str, dict[str, str]], value: str) -> None:
            path, parameter, others = route
            refused(c.get(a.path(path), params={**others, parameter: value}), parameter)

        post()
        read()
        assert a.stored() == before
