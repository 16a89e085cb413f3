"""The forms added last to the alliance page, filled in the browser as a person would: invitations to a
meeting, press work and local anchoring (step 5), a member leaving the team, a contact person's data
erased, and an action item of a meeting that its owner turns into a commitment (linked both ways)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from domain.dates import berlin, german_date
from tests.api.conftest import Api
from tests.builders import BY, alliance_in_step
from tests.e2e.a11y import assert_accessible
from tests.e2e.forms_helpers import browser_page, click_and_load, done, open_form
from tests.e2e.test_forms_coordination import Browser

ITEM = "Flyer für den Familientag drucken"


def test_invitations_press_anchoring_team_and_erasure_in_the_browser(browser: Any, api: Api) -> None:
    app = api.application
    g = alliance_in_step(app, 5)
    aid = g.alliance_id
    now = berlin(app.clock())
    today, later = german_date(now), german_date(now + timedelta(days=60))
    meeting = app.schedule_meeting(aid, kind="all_partners", on=(now + timedelta(days=60)).date(),
                                   title="Bündnistreffen Herbst", by=BY)
    person = app.add_contact_person(aid, actor_id=g.actors[0], name="Petra Lang", email="petra.lang@example.org",
                                    by=BY)
    page = browser_page(browser, api, alliance=aid)
    page.goto(f"{api.url}/alliances/{aid}")
    b = Browser(page, api.url)

    b.send("Zu einem Treffen einladen", {"Treffen": f"Bündnistreffen Herbst ({later})",
                                         "Akteur 4 (verband) (Verband)": True, "Akteur 5 (stiftung) (Stiftung)": True},
           "Einladungen erfassen")
    assert done(page) == "Die Einladungen sind erfasst."
    assert f"Bündnistreffen Herbst ({later}): Akteur 4 (verband), Akteur 5 (stiftung)" in b.group("treffen")
    b.send("Zu einem Treffen einladen", {"Treffen": f"Bündnistreffen Herbst ({later})",
                                         "Akteur 4 (verband) (Verband)": True}, "Einladungen erfassen")
    assert "bereits eingeladen" in page.get_by_role("alert").inner_text()  # 409, beside the field
    assert_accessible(page, "Einladung zu einem Treffen, schon eingeladen (409)")
    assert [str(i) for i in app.get_alliance(aid).meetings[str(meeting)].invitee_ids] == [
        str(g.actors[4]), str(g.actors[5])]

    page.goto(f"{api.url}/alliances/{aid}")
    press = "Presse- und Öffentlichkeitsarbeit in den letzten"
    assert "offen:" in page.locator("li", has_text=press).inner_text()
    b.send("Presse- und Öffentlichkeitsarbeit erfassen", {"Datum": today, "Was (z. B. Pressemitteilung, Artikel, "
                                                          "Stand)": "Pressemitteilung zum Familientag",
                                                          "Medium": "Ostthüringer Zeitung"},
           "Öffentlichkeitsarbeit erfassen")
    assert done(page) == "Die Presse- und Öffentlichkeitsarbeit ist erfasst."
    assert f"{today}: Pressemitteilung zum Familientag (Ostthüringer Zeitung)" in b.group("steuerung")
    assert "erfüllt:" in page.locator("li", has_text=press).inner_text()  # the Netzwerk-Check counts it
    b.send("Lokale Verankerung erfassen", {"Art der Verankerung": "Sitz in einem örtlichen Gremium",
                                           "Kooperationspartner oder Gremium": "Jugendhilfeausschuss", "Seit": today},
           "Verankerung erfassen")
    assert f"Sitz in einem örtlichen Gremium: Jugendhilfeausschuss (seit {today})" in b.group("steuerung")

    b.send("Akteur aus dem Bündnisteam nehmen", {"Akteur": "Akteur 2 (kita) (Kita)", "Grund": "Träger zieht sich "
                                                 "zurück"}, "Aus dem Bündnisteam nehmen")
    assert done(page) == "Der Akteur gehört nicht mehr zum Bündnisteam."
    assert "Bündnisteam: Akteur 0 (kommune), Akteur 1 (unternehmen)\n" in b.group("team") + "\n"

    form = open_form(page, "Daten einer Ansprechperson löschen")
    click_and_load(page, form.get_by_role("button", name="Daten endgültig löschen"))
    assert "Bitte „Grund der Löschung“ wählen." in page.get_by_role("alert").inner_text()
    assert_accessible(page, "Ansprechperson löschen ohne Grund")
    page.get_by_label("Ansprechperson").select_option(label="Petra Lang (Akteur 0 (kommune))")
    page.get_by_label("Grund der Löschung").select_option(label="Löschbitte der Person (Art. 17 DSGVO)")
    click_and_load(page, page.get_by_role("button", name="Daten endgültig löschen"))
    assert done(page) == "Die Daten der Ansprechperson sind gelöscht."
    assert "(gelöscht) (Akteur 0 (kommune))" in b.group("akteure")
    assert "Petra Lang" not in page.content()
    assert page.locator("summary", has_text="Daten einer Ansprechperson löschen").count() == 0  # no one left
    assert app.contact_person(aid, person) is None
    assert_accessible(page, "Bündnisseite nach den neuen Formularen")


def test_the_owner_of_an_action_item_pledges_for_it_and_both_show_the_link(browser: Any, api: Api) -> None:
    app = api.application
    g = alliance_in_step(app, 4)
    aid, owner = g.alliance_id, g.actors[1]
    now = berlin(app.clock())
    due = (now + timedelta(days=30)).date()
    meeting = app.schedule_meeting(aid, kind="all_partners", on=now.date(), title="Bündnistreffen Frühjahr", by=BY)
    app.add_action_item(aid, meeting, text=ITEM, owner_id=owner, due_on=due, by=BY)
    app.add_action_item(aid, meeting, text="Saal reservieren", owner_id=g.actors[2], by=BY)

    page = browser_page(browser, api, "partner", alliance=aid, partner=owner)
    page.goto(f"{api.url}/alliances/{aid}")
    form = open_form(page, "Zusage zu einer Aufgabe erfassen")
    offered = form.get_by_label("Aufgabe").locator("option").all_inner_texts()
    assert offered == ["– bitte wählen –", f"{ITEM} (Akteur 1 (unternehmen), fällig {german_date(due)})"]
    form.get_by_label("Art des Beitrags").select_option(label="Geld")
    form.get_by_label("Umfang (Zahl)").fill("500")
    form.get_by_label("Einheit").fill("EUR")
    click_and_load(page, form.get_by_role("button", name="Zusage erfassen"))
    assert done(page) == "Die Zusage zur Aufgabe ist erfasst."
    row = page.get_by_role("row", name=ITEM).inner_text()
    assert f"aus der Aufgabe „{ITEM}“ des Treffens „Bündnistreffen Frühjahr“" in row
    assert "500 EUR" in row and german_date(due) in row and "zugesagt" in row
    assert page.locator("summary", has_text="Zusage zu einer Aufgabe erfassen").count() == 0  # pledged once
    assert_accessible(page, "Partner: Zusage zu einer Aufgabe erfasst")
    item = next(i for i in app.get_alliance(aid).action_items.values() if i.text == ITEM)
    commitment = app.get_commitment(aid, UUID(str(item.commitment_id)))
    assert commitment.partner_id == owner and commitment.action_item_id == item.id

    page = browser_page(browser, api, alliance=aid)
    page.goto(f"{api.url}/alliances/{aid}")
    assert (f"{ITEM} (Treffen „Bündnistreffen Frühjahr“) – Akteur 1 (unternehmen), fällig {german_date(due)}: offen; "
            f"Zusage: {ITEM} (zugesagt)") in page.locator("#bearbeiten-treffen").inner_text()
    page.locator("#bearbeiten-treffen").get_by_role("link", name=f"Zusage: {ITEM} (zugesagt)").click()
    assert page.url.endswith(f"#zusage-{commitment.id}")
