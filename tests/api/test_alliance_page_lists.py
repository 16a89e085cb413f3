"""A long-lived alliance's page: its long lists show their newest entries and link to all of them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from api import page_models
from api.routes import forms_pages
from config.settings import Settings, load_settings
from tests.api.conftest import Api
from tests.builders import BY, alliance_in_step
from tests.waiting import poll


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The pages do not depend on the backend: the SQLite file only."""
    return load_settings(store="sqlite", var_dir=tmp_path / "var", development=True)


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start:html.index("</section>", start)]


def _select(html: str, slug: str) -> list[str]:
    """The options of the form's meeting field (its titles)."""
    form = html[html.index(f'id="formular-{slug}"'):]
    form = form[:form.index("</details>")]
    return re.findall(r"<option[^>]*>(Treffen \d+) \(", form)


def test_the_page_shows_the_newest_meetings_entries_and_choices_and_all_behind_a_link(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(page_models, "PAGE_MEETINGS", 3)
    monkeypatch.setattr(page_models, "PAGE_TIMELINE", 4)
    monkeypatch.setattr(forms_pages, "PAGE_OPTIONS", 2)
    g = alliance_in_step(api.application, 5)
    aid = g.alliance_id
    first = date(2027, 1, 10)
    for n in range(1, 7):  # recorded out of date order: the page orders them by date
        on = first + timedelta(days=30 * (n if n != 2 else 9))
        api.application.schedule_meeting(aid, kind="working_group", on=on, title=f"Treffen {n}", by=BY)
    with api.client("koordination", alliance=aid) as client:  # the read model has caught up
        entries = len(poll(lambda: client.get(f"/api/v1/alliances/{aid}/history").json()["items"],
                           lambda items: any(e["type"].endswith("MeetingScheduled") and "Treffen 6" in str(e)
                                             for e in items[-6:])))
    with api.signed_in_browser(api.token("koordination", alliance=aid), f"/alliances/{aid}") as browser:
        page = browser.get(f"/alliances/{aid}")
        assert page.status_code == 200
        meetings = _section(page.text, "treffen")
        assert "Treffen (7)" in meetings and f'href="/alliances/{aid}?alle=1#treffen"' in meetings
        assert re.findall(r"<td>(Treffen \d+)</td>", meetings) == ["Treffen 5", "Treffen 6", "Treffen 2"]
        assert _select(page.text, "durchgefuehrt") == ["Treffen 6", "Treffen 2"]
        timeline = _section(page.text, "pruefpfad")
        assert timeline.count("<li>") == 4 and f'href="/alliances/{aid}?alle=1#pruefpfad"' in timeline

        whole = browser.get(f"/alliances/{aid}?alle=1")
        meetings = _section(whole.text, "treffen")
        assert re.findall(r"<td>(Treffen \d+)</td>", meetings) == [f"Treffen {n}" for n in (1, 3, 4, 5, 6, 2)]
        assert "alle 7 Treffen zeigen" not in meetings
        assert len(_select(whole.text, "durchgefuehrt")) == 6
        assert entries > 4 and _section(whole.text, "pruefpfad").count("<li>") == entries

        # The form's own page offers every meeting.
        form = browser.get(f"/alliances/{aid}/formulare/durchgefuehrt")
        assert len(re.findall(r"<option[^>]*>Treffen \d+ \(", form.text)) == 6


def test_the_forms_are_rendered_once_per_change_and_each_answer_has_its_own_keys(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = alliance_in_step(api.application, 5)
    aid = g.alliance_id
    states = []
    state = forms_pages._state
    monkeypatch.setattr(forms_pages, "_state", lambda *args, **kw: states.append(1) or state(*args, **kw))

    def forms(html: str) -> str:
        return html[html.index('id="bearbeiten"'):html.index('id="werkzeugbox"')]

    with api.signed_in_browser(api.token("koordination", alliance=aid), f"/alliances/{aid}") as browser:
        one, two = browser.get(f"/alliances/{aid}").text, browser.get(f"/alliances/{aid}").text
        assert len(states) == 1  # the second answer reused the forms of the first
        keys = [re.findall(r'name="_einmal" value="([0-9a-f]{32})"', html) for html in (one, two)]
        assert len(keys[0]) > 10 and len(set(keys[0] + keys[1])) == 2 * len(keys[0])  # never the same twice
        csrf = re.findall(r'name="_csrf" value="([^"]+)"', two)
        assert len(csrf) == len(keys[1]) and len(set(csrf)) == 1 and "csrf" not in csrf[0]
        # a change shows at once (the caller's own write): the forms are made again
        api.application.record_goal(aid, text="Ein Ziel nach dem ersten Laden", by=BY)
        assert "Ein Ziel nach dem ersten Laden" in forms(browser.get(f"/alliances/{aid}").text)
        assert len(states) == 2
