"""axe-core over every form of the catalogue, on its own page, empty and in its error state (every
field it has refused): the list comes from the forms the pages serve, so no new form escapes.
0 violations of WCAG 2.1 A and AA."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api.form_steps import REGISTER
from api.routes.forms_pages import FORMS
from domain.dates import berlin
from tests.api.conftest import Api
from tests.builders import BY, alliance_in_step
from tests.e2e.a11y import assert_accessible, checked
from tests.e2e.forms_helpers import browser_page, click_and_load

# Every field made wrong the way a person could: an impossible date, a word for a number, text one
# character too long, nothing chosen.
SPOIL = """form => {
  for (const el of form.querySelectorAll('input[type=text], textarea')) {
    if (el.hasAttribute('pattern')) el.value = '31.02.2026';
    else if (el.inputMode === 'numeric' || el.inputMode === 'decimal') el.value = 'viel';
    else el.value = 'x'.repeat((el.maxLength > 0 ? el.maxLength : 200) + 1);
  }
  for (const el of form.querySelectorAll('select')) el.value = '';
  for (const el of form.querySelectorAll('input[type=checkbox], input[type=radio]')) el.checked = false;
}"""


def _alliance_with_something_to_choose_everywhere(api: Api) -> Any:
    """Step 3 (a step to complete, steps to reopen) with every list a form offers filled."""
    app = api.application
    g = alliance_in_step(app, 3)
    aid, today = g.alliance_id, berlin(app.clock()).date()
    app.list_candidate(aid, name="Familienzentrum Jena-Nord", sector="sonstige", by=BY)
    app.add_contact_person(aid, actor_id=g.actors[0], name="Petra Lang", by=BY)
    meeting = app.schedule_meeting(aid, kind="all_partners", on=today + timedelta(days=14), title="Bündnistreffen",
                                   by=BY)
    app.add_action_item(aid, meeting, text="Saal reservieren", owner_id=g.actors[1], by=BY)
    app.form_working_group(aid, name="AG Ferien", theme="Ferienbetreuung", by=BY)
    app.pledge_commitment(aid, partner_id=g.actors[1], description="Räume", kind="raeume", by=BY)
    return aid


def test_every_form_empty_and_refused_has_no_axe_violation(browser: Any, api: Api) -> None:
    aid = _alliance_with_something_to_choose_everywhere(api)
    page = browser_page(browser, api, "servicebuero")
    before = len(checked)
    pages = [(f"/alliances/{aid}/formulare/{form.slug}", form) for form in FORMS.values()]
    for path, form in [*pages, ("/buendnisse/neu", REGISTER)]:
        page.goto(f"{api.url}{path}")
        assert page.get_by_role("heading", level=1).inner_text() == form.title, path
        assert_accessible(page, f"{form.title} (leer)")
        work = page.locator("form.work-form")
        work.evaluate(SPOIL)
        click_and_load(page, work.get_by_role("button", name=form.submit))
        assert page.title().startswith("Fehler: "), (path, page.title())
        assert page.get_by_role("alert").count() == 1
        assert page.locator("[aria-invalid=true]").count() >= 1, path
        assert_accessible(page, f"{form.title} (mit Fehlern)")
    assert len(checked) - before == 2 * (len(FORMS) + 1)
    page.goto(f"{api.url}/alliances/{aid}")
    assert page.locator("details.form").count() >= len(FORMS) - 3  # all but the other status' and step 5's
    assert_accessible(page, "Bündnisseite des Servicebüros, alle Formulare offen")
