"""No chart label is clipped and no page scrolls sideways, from a 320 px phone to a 1920 px screen;
every chart has a table of the same figures."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from domain.dates import berlin
from tests.api.conftest import Api
from tests.api.walk import ok, register
from tests.builders import alliance_in_step
from tests.e2e.a11y import assert_accessible
from tests.e2e.forms_helpers import browser_page
from tests.waiting import poll

WIDTHS = (320, 768, 1280, 1920)
WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
  .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
CLIPPED = """() => [...document.querySelectorAll('svg.chart, svg.steps')].flatMap(svg => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1;
  }).map(t => t.textContent);
})"""


def _alliance(api: Api) -> str:
    today = berlin(api.application.clock()).date()
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Aschaffenburg")
        ok(c.post(f"/api/v1/alliances/{aid}/actors", json={"name": "Jugendhilfe Aschaffenburg e. V.",
                                                           "sector": "freier_traeger"}), 201)
        for on, base in ((today - timedelta(days=365), 2), (today, 4)):
            scores = {d: base for d in ("wirkung", "sichtbarkeit", "verankerung", "zusammenarbeit", "kultur",
                                        "kooperation")}
            ok(c.post(f"/api/v1/alliances/{aid}/self-assessments", json={"on": on.isoformat(), "scores": scores}),
               201)
    alliance_in_step(api.application, 5)  # a founding and completed steps: every chart of the dashboard
    return aid


def test_no_chart_label_is_clipped_from_320_to_1920_px(browser: Any, api: Api, shots: Path) -> None:
    aid = _alliance(api)
    for width in WIDTHS:
        page = browser_page(browser, api, "servicebuero", width=width)
        page.goto(f"{api.url}/alliances/{aid}")
        assert page.locator("svg.radar").count() == 1
        assert page.evaluate(CLIPPED) == [], f"abgeschnitten bei {width} px"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.evaluate(WIDE)
        labels = page.locator("svg.radar text").all_text_contents()
        assert "lokale/regionaleVerankerung" in labels and "bundesweiteKooperation" in labels
        # Every chart of the dashboard: per step, partner mix, six dimensions, days per step, foundings.
        poll(lambda p=page: p.goto(f"{api.url}/") and p.locator("svg.chart").count(), lambda n: n == 5)
        assert page.evaluate(CLIPPED) == [], f"Übersicht: abgeschnitten bei {width} px"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.evaluate(WIDE)
        assert page.locator("table.chart-table").count() == page.locator("svg.chart").count()
        if width == 320:
            page.screenshot(path=str(shots / "uebersicht-320.png"), full_page=True)
            assert_accessible(page, "Übersicht bei 320 px")
            page.goto(f"{api.url}/alliances/{aid}")
            assert_accessible(page, "Bündnisseite mit Formularen bei 320 px")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.locator("svg.radar").screenshot(path=str(shots / "radar-320.png"))
        page.context.close()
