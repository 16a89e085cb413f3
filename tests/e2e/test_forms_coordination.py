"""The Koordination builds its alliance from step 2 to 5 in the browser, every form filled by its
labels and its result read on the page; each page state, errors included, checked by axe."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from playwright.sync_api import expect

from domain.dates import berlin, german_date
from tests.api.conftest import Api
from tests.api.walk import ok, register
from tests.e2e.a11y import assert_accessible
from tests.e2e.forms_helpers import browser_page, click_and_load, done, open_form
from tests.e2e.forms_helpers import label as field_label

ACTORS = (("Stadt Bayreuth", "kommune"), ("Kita Sonnenschein", "kita"), ("Brauerei Maisel", "unternehmen"),
          ("Diakonie Bayreuth", "verband"), ("Universität Bayreuth", "hochschule"))


def _step_one(api: Api) -> tuple[str, dict[str, str]]:
    today = berlin(api.application.clock()).date().isoformat()
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Bayreuth")
        ids = {}
        for name, sector in ACTORS:
            ids[name] = ok(c.post(f"/api/v1/alliances/{aid}/actors", json={"name": name, "sector": sector}), 201)["id"]
        for (name, _), outcome in zip(ACTORS, ("active_role", "interested", "interested", "interested", "undecided"),
                                      strict=True):
            ok(c.post(f"/api/v1/alliances/{aid}/contacts",
                      json={"actor_id": ids[name], "on": today, "outcome": outcome}), 201)
        ok(c.post(f"/api/v1/alliances/{aid}/steps/1/complete"))
    return aid, ids


class Browser:
    """The alliance page in one tab: fill a form, send it, come back to the page."""

    def __init__(self, page: Any, url: str) -> None:
        self.page, self.url = page, url

    def send(self, title: str, fields: dict[str, Any], button: str | None = None) -> Any:
        form = open_form(self.page, title)
        for name, value in fields.items():
            field = form.get_by_label(field_label(name))
            if isinstance(value, bool):
                field.check()
            elif field.evaluate("el => el.tagName") == "SELECT":
                field.select_option(label=value)
            else:
                field.fill(value)
        click_and_load(self.page, form.get_by_role("button", name=button or title))
        return form

    def group(self, key: str) -> str:
        text: str = self.page.locator(f"#bearbeiten-{key}").inner_text()
        return text


def test_the_koordination_fills_every_form_of_steps_two_to_five(browser: Any, api: Api, shots: Path) -> None:
    aid, _ = _step_one(api)
    now = berlin(api.application.clock())
    today, later = german_date(now), german_date(now + timedelta(days=60))
    page = browser_page(browser, api, alliance=aid)
    page.goto(f"{api.url}/alliances/{aid}")
    b = Browser(page, api.url)
    assert_accessible(page, "Bündnisseite Schritt 2, alle Formulare offen")

    # Akteure: Ansprechperson
    b.send("Ansprechperson erfassen", {"Akteur": "Stadt Bayreuth (Kommune)", "Name der Ansprechperson": "Petra Lang",
                                       "E-Mail": "petra.lang@example.org"})
    assert done(page) == "Die Ansprechperson ist erfasst."
    assert "Petra Lang (Stadt Bayreuth)" in b.group("akteure")

    # An error: an impossible date is answered beside the field, and the summary says it.
    b.send("Einzelgespräch erfassen", {"Akteur": "Diakonie Bayreuth (Verband)", "Datum des Gesprächs": "31.02.2026",
                                       "Ergebnis": "möchte aktiv mitwirken"}, "Gespräch erfassen")
    field = page.get_by_label("Datum des Gesprächs")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("31.02.2026")
    expect(field).to_have_accessible_description("TT.MM.JJJJ, z. B. 01.03.2026 „Datum des Gesprächs“ ist kein "
                                                 "gültiges Datum (TT.MM.JJJJ, z. B. 01.03.2026).")
    assert "kein gültiges Datum" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Ergebnis").evaluate("el => el.selectedOptions[0].text") == "möchte aktiv mitwirken"
    assert_accessible(page, "Einzelgespräch mit falschem Datum")
    page.get_by_label("Datum des Gesprächs").fill(today)
    page.get_by_label("Nachfassen am").fill(later)
    click_and_load(page, page.get_by_role("button", name="Gespräch erfassen"))
    assert done(page) == "Das Einzelgespräch ist erfasst."
    page.locator("summary", has_text="Einzelgespräche (6)").click()
    assert f"Diakonie Bayreuth – möchte aktiv mitwirken, nachfassen am {later}" in b.group("akteure")

    # Schritt 2: Bündnisteam, Ziele, weitere Akteure
    for name, label in (("Stadt Bayreuth", "Kommune"), ("Kita Sonnenschein", "Kita"), ("Brauerei Maisel",
                                                                                         "Unternehmen")):
        b.send("Akteur ins Bündnisteam aufnehmen", {"Akteur": f"{name} ({label})"}, "Ins Bündnisteam aufnehmen")
        assert done(page) == "Der Akteur gehört jetzt zum Bündnisteam."
    assert "Bündnisteam: Stadt Bayreuth, Kita Sonnenschein, Brauerei Maisel" in b.group("team")
    b.send("Ziel oder Thema festhalten", {"Ziel oder Thema": "Ferienbetreuung für Kinder von Beschäftigten"},
           "Ziel festhalten")
    b.send("Weiteren Akteur auf die Liste setzen", {"Name der Organisation": "IHK für Oberfranken",
                                                    "Akteurstyp": "Kammer"}, "Auf die Liste setzen")
    assert "IHK für Oberfranken (Kammer) – noch nicht eingeladen" in b.group("team")
    b.send("Einladung eines weiteren Akteurs erfassen", {"Weiterer Akteur": "IHK für Oberfranken (Kammer)",
                                                         "Eingeladen am": today}, "Einladung erfassen")
    assert f"IHK für Oberfranken (Kammer) – eingeladen am {today}" in b.group("team")
    assert "Ferienbetreuung für Kinder von Beschäftigten" in b.group("team")
    b.send("Schritt abschließen", {})
    assert "Schritt 3 von 5" in page.locator("#schritte").inner_text()

    # Schritt 3: Planungstreffen, Protokoll, Aufgaben, Aktionsplan
    b.send("Treffen planen", {"Art des Treffens": "Planungstreffen", "Datum": today, "Titel": "Planungsklausur",
                              "Organisiert von": "Stadt Bayreuth (Kommune)"})
    assert page.get_by_role("row", name="Planungsklausur").is_visible()
    b.send("Treffen als durchgeführt erfassen", {"Treffen": f"Planungsklausur ({today})",
                                                 "Stadt Bayreuth (Kommune)": True, "Kita Sonnenschein (Kita)": True,
                                                 "Brauerei Maisel (Unternehmen)": True}, "Als durchgeführt erfassen")
    assert "ja, 3 Teilnehmende" in page.get_by_role("row", name="Planungsklausur").inner_text()
    b.send("Protokoll erfassen", {"Treffen": f"Planungsklausur ({today})",
                                  "Protokoll": "Themen und Startprojekte vereinbart."}, "Protokoll speichern")
    assert done(page) == "Das Protokoll ist gespeichert."
    b.send("Aufgabe aus einem Treffen erfassen", {"Treffen": f"Planungsklausur ({today})",
                                                  "Aufgabe": "Einladungen zur Gründung verschicken",
                                                  "Verantwortlich": "Stadt Bayreuth (Kommune)", "Fällig am": later},
           "Aufgabe erfassen")
    assert (f"Einladungen zur Gründung verschicken (Treffen „Planungsklausur“) – Stadt Bayreuth, fällig {later}: "
            "offen") in b.group("treffen")
    b.send("Aufgabe als erledigt markieren", {"Aufgabe": f"Einladungen zur Gründung verschicken (fällig {later})"},
           "Als erledigt markieren")
    assert "Einladungen zur Gründung verschicken (Treffen „Planungsklausur“) – Stadt Bayreuth, fällig " in b.group(
        "treffen")
    assert ": erledigt" in b.group("treffen")
    b.send("Projekt in den Aktionsplan aufnehmen", {"Projekt": "Familienwegweiser", "Thema": "Infrastruktur",
                                                    "Verantwortlich": "Diakonie Bayreuth (Verband)",
                                                    "Fertig bis": later}, "In den Aktionsplan aufnehmen")
    b.send("Status eines Projekts ändern", {"Projekt": "Familienwegweiser (geplant)", "Neuer Status": "läuft",
                                            "Grund": "Start im Frühjahr"}, "Status ändern")
    row = page.get_by_role("row", name="Familienwegweiser")
    assert "Diakonie Bayreuth" in row.inner_text() and "läuft" in row.inner_text() and later in row.inner_text()
    b.send("Schritt abschließen", {})
    assert "Schritt 4 von 5" in page.locator("#schritte").inner_text()
    assert_accessible(page, "Bündnisseite Schritt 4")

    # Schritt 4: Gründung, Deklaration, Bundesinitiative
    b.send("Gründung erfassen", {"Datum der Gründungsveranstaltung": today,
                                 "Format (z. B. feierliche Veranstaltung, bunter Markt)": "bunter Markt",
                                 "Symbolischer Akt": "Unterzeichnung der Deklaration",
                                 "Stadt Bayreuth (Kommune)": True, "Kita Sonnenschein (Kita)": True})
    assert f"Gründung: am {today} (bunter Markt) – Unterzeichnung der Deklaration" in b.group("gruendung")
    b.send("Unterschrift unter die Deklaration erfassen", {"Partner": "Brauerei Maisel", "Unterzeichnet am": today},
           "Unterschrift erfassen")
    assert "Brauerei Maisel" in b.group("gruendung").split("unterzeichnet von:")[1]
    b.send("Beitritt zur Bundesinitiative erfassen", {"Beigetreten am": today}, "Beitritt erfassen")
    assert f"Bundesinitiative: beigetreten am {today}" in b.group("gruendung")
    b.send("Schritt abschließen", {})
    assert "Schritt 5 von 5" in page.locator("#schritte").inner_text()

    # Schritt 5: Arbeitsgruppen, Steuerungsgruppe, Selbsteinschätzung, Rechtsform
    b.send("Arbeitsgruppe bilden", {"Name der Arbeitsgruppe": "AG Familie und Beruf",
                                    "Thema": "Vereinbarkeit von Familie und Beruf"})
    assert "Sprecher/in: noch niemand" in page.locator("#ags + ul").inner_text()
    b.send("Sprecher/in einer Arbeitsgruppe benennen", {"Arbeitsgruppe": "AG Familie und Beruf",
                                                        "Sprecher/in": "Brauerei Maisel (Unternehmen)"}, "Benennen")
    assert "Sprecher/in: Brauerei Maisel" in page.locator("#ags + ul").inner_text()
    b.send("Akteur einer Arbeitsgruppe zuordnen", {"Arbeitsgruppe": "AG Familie und Beruf",
                                                   "Akteur": "Universität Bayreuth (Hochschule)"}, "Zuordnen")
    assert "AG Familie und Beruf: Universität Bayreuth" in b.group("steuerung")
    b.send("Lenkungs-/Steuerungsgruppe festlegen", {"Stadt Bayreuth (Kommune)": True,
                                                    "Diakonie Bayreuth (Verband)": True}, "Steuerungsgruppe festlegen")
    assert "Steuerungsgruppe: Diakonie Bayreuth, Stadt Bayreuth" in b.group("steuerung")
    b.send("Rechtsform festlegen", {"Rechtsform": "Arbeitskreis"})
    assert "Rechtsform: Arbeitskreis" in b.group("steuerung")

    form = open_form(page, "Selbsteinschätzung")
    form.get_by_label(field_label("Datum der Selbsteinschätzung")).fill(today)
    scores = {"Wirkung": "4", "Sichtbarkeit": "3", "lokale/regionale Verankerung": "5",
              "Akteure und Zusammenarbeit": "4", "Kultur": "2", "bundesweite Kooperation": "1"}
    for dimension, score in list(scores.items())[:5]:
        form.get_by_role("group", name=dimension, exact=True).get_by_label(score, exact=True).check()
    click_and_load(page, form.get_by_role("button", name="Selbsteinschätzung speichern"))
    assert "Bitte „bundesweite Kooperation“ wählen." in page.get_by_role("alert").inner_text()
    assert_accessible(page, "Selbsteinschätzung mit fehlender Dimension")
    page.get_by_role("group", name="bundesweite Kooperation", exact=True).get_by_label("1", exact=True).check()
    click_and_load(page, page.get_by_role("button", name="Selbsteinschätzung speichern"))
    assert done(page) == "Die Selbsteinschätzung ist gespeichert."
    table = page.get_by_role("table", name="Werte (1 = schwach, 5 = stark)").inner_text()
    assert "lokale/regionale Verankerung\t5" in table and "bundesweite Kooperation\t1" in table

    # Zusagen: erfassen, bestätigen, ändern, Fortschritt, erfüllt, zurückziehen
    b.send("Zusage erfassen", {"Partner": "Brauerei Maisel (Unternehmen)", "Beschreibung": "Zuschuss Ferienbetreuung",
                               "Art des Beitrags": "Geld", "Umfang (Zahl)": "2.500", "Einheit": "EUR",
                               "Fällig am": later})
    row = page.get_by_role("row", name="Zuschuss Ferienbetreuung")
    assert "2500 EUR" in row.inner_text() and "zugesagt" in row.inner_text()
    b.send("Zusage bestätigen", {"Zusage": f"Zuschuss Ferienbetreuung (Brauerei Maisel, zugesagt, fällig {later})"})
    assert "bestätigt" in page.get_by_role("row", name="Zuschuss Ferienbetreuung").inner_text()
    chosen = f"Zuschuss Ferienbetreuung (Brauerei Maisel, bestätigt, fällig {later})"
    b.send("Zusage ändern", {"Zusage": chosen, "Neuer Umfang (Zahl)": "3000,50", "Grund der Änderung": "Zweite Gruppe"})
    assert "3000.50 EUR" in page.get_by_role("row", name="Zuschuss Ferienbetreuung").inner_text()
    b.send("Fortschritt berichten", {"Zusage": chosen, "Stand vom": today, "Was ist geschehen?": "Erste Rate gezahlt",
                                     "Erledigt (Prozent, 0–100)": "50"})
    assert f"Zuschuss Ferienbetreuung, {today}: Erste Rate gezahlt (50 %)" in b.group("zusagen-bearbeiten")
    b.send("Zusage als erfüllt erfassen", {"Zusage": chosen, "Erfüllt am": today}, "Als erfüllt erfassen")
    assert "erfüllt" in page.get_by_role("row", name="Zuschuss Ferienbetreuung").inner_text()
    b.send("Zusage erfassen", {"Partner": "Kita Sonnenschein (Kita)", "Beschreibung": "Belegplätze",
                               "Art des Beitrags": "Betreuungsplätze"})
    b.send("Zusage zurückziehen", {"Zusage": "Belegplätze (Kita Sonnenschein, zugesagt)",
                                   "Grund des Rückzugs": "Keine freien Plätze"})
    assert "zurückgezogen" in page.get_by_role("row", name="Belegplätze").inner_text()
    assert_accessible(page, "Bündnisseite Schritt 5 mit Zusagen")

    # Schritt wieder öffnen, ruhen, wieder aufnehmen, auflösen
    b.send("Schritt wieder öffnen", {"Schritt": "4. Bündnis gründen", "Grund": "Beitritt war nur vorgemerkt"})
    assert "Schritt 4 von 5" in page.locator("#schritte").inner_text()
    b.send("Bündnis ruhen lassen", {"Grund": "Koordinatorin in Elternzeit"}, "Ruhen lassen")
    assert "Status: ruhend" in b.group("status")
    assert page.locator("summary", has_text="Bündnis ruhen lassen").count() == 0
    b.send("Bündnis wieder aufnehmen", {}, "Wieder aufnehmen")
    assert "Status: aktiv" in b.group("status")
    b.send("Bündnis auflösen", {"Grund der Auflösung": "Aufgegangen im Landkreisbündnis"},
           "Bündnis endgültig auflösen")
    assert "aufgelöst" in page.locator(".meta").inner_text()
    assert page.locator("details.form").count() == 0
    assert "nimmt keine Änderungen mehr an" in page.locator("#bearbeiten ~ p").first.inner_text()
    page.screenshot(path=str(shots / "formulare-koordination.png"), full_page=True)
    assert api.application.get_alliance(UUID(aid)).dissolved


def test_completing_a_step_with_open_criteria_asks_for_a_justification(browser: Any, api: Api) -> None:
    with api.client() as c:
        aid = register(c, "Bündnis für Familie Hof")
    page = browser_page(browser, api, alliance=aid)
    page.goto(f"{api.url}/alliances/{aid}")
    b = Browser(page, api.url)
    b.send("Schritt abschließen", {})
    alert = page.get_by_role("alert").inner_text()
    assert "ohne schriftliche Begründung" in alert
    assert "mindestens 5 Einzelgespräche geführt (0 bisher)" in alert
    field = page.get_by_label("Begründung (nur wenn Kriterien offen sind)")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "Schritt abschließen ohne Begründung (409)")
    field.fill("Die Gespräche führte der Landkreis; das Team steht schon.")
    click_and_load(page, page.get_by_role("button", name="Schritt abschließen"))
    assert done(page) == "Der Schritt ist abgeschlossen."
    assert "Schritt 2 von 5" in page.locator("#schritte").inner_text()
