"""The forms of commitments (Zusagen): pledge, confirm, amend, fulfil, withdraw, report progress.

Partners use confirm and progress on their own organisation's commitments; the Koordination
and the Servicebüro use all of them.
"""

from __future__ import annotations

from uuid import UUID

from api.form_fields import DATE_HINT, Field, Form

COMMITMENT = Field("commitment_id", "Zusage", "select", True, options="commitments_open")


def _date(name: str, label: str, required: bool = True, words: tuple[str, ...] = ()) -> Field:
    return Field(name, label, "date", required, DATE_HINT, words=words, maxlength=10)


COMMITMENT_FORMS: tuple[Form, ...] = (
    Form("zusage", "Zusage erfassen", "zusagen-bearbeiten",
         (Field("partner_id", "Partner", "select", True, options="actors"),
          Field("description", "Beschreibung", "textarea", True, maxlength=1000, words=("Beschreibung",)),
          Field("kind", "Art des Beitrags", "select", True, options="commitment_kinds"),
          Field("amount", "Umfang (Zahl)", "number", hint="z. B. 2500 oder 12,5", words=("Betrag",)),
          Field("unit", "Einheit", hint="z. B. EUR, Stunden, Plätze", maxlength=50, words=("Einheit",)),
          _date("due_on", "Fällig am", False, ("Fälligkeitsdatum",)),
          Field("recurrence", "Wiederholung", "select", options="recurrences", words=("jährliche",))),
         "Zusage erfassen", "Die Zusage ist erfasst.",
         lambda app, aid, v, by: app.pledge_commitment(
             aid, partner_id=UUID(v["partner_id"]), description=v["description"], kind=v["kind"],
             amount=v["amount"], unit=v["unit"], due_on=v["due_on"], recurrence=v["recurrence"], by=by),
         needs="actors"),
    Form("aufgabe-zusage", "Zusage zu einer Aufgabe erfassen", "zusagen-bearbeiten",
         (Field("item_id", "Aufgabe", "select", True, options="action_items_pledgeable", words=("Aufgabe",)),
          Field("kind", "Art des Beitrags", "select", True, options="commitment_kinds", words=("Art der Zusage",)),
          Field("amount", "Umfang (Zahl)", "number", hint="z. B. 2500 oder 12,5", words=("Betrag",)),
          Field("unit", "Einheit", hint="z. B. EUR, Stunden, Plätze", maxlength=50, words=("Einheit",)),
          Field("description", "Beschreibung", "textarea", maxlength=1000, hint="leer: der Text der Aufgabe",
                words=("Beschreibung",))),
         "Zusage erfassen", "Die Zusage zur Aufgabe ist erfasst.",
         lambda app, aid, v, by: app.pledge_for_action_item(
             aid, UUID(v["item_id"]), kind=v["kind"], amount=v["amount"], unit=v["unit"],
             description=v["description"], by=by),
         intro="Die verantwortliche Organisation der Aufgabe sagt zu, fällig zum Fälligkeitsdatum der Aufgabe; "
               "Aufgabe und Zusage verweisen aufeinander.",
         role="partner", needs="action_items_pledgeable"),
    Form("bestaetigen", "Zusage bestätigen", "zusagen-bearbeiten",
         (Field("commitment_id", "Zusage", "select", True, options="commitments_pledged"),),
         "Zusage bestätigen", "Die Zusage ist bestätigt.",
         lambda app, aid, v, by: app.confirm_commitment(aid, UUID(v["commitment_id"]), by=by),
         role="partner", needs="commitments_pledged"),
    Form("fortschritt", "Fortschritt berichten", "zusagen-bearbeiten",
         (COMMITMENT, _date("on", "Stand vom", words=("Das Datum",)),
          Field("text", "Was ist geschehen?", "textarea", True, maxlength=2000, words=("Fortschrittsbericht",)),
          Field("percent", "Erledigt (Prozent, 0–100)", "percent", hint="ganze Zahl, z. B. 50",
                words=("Prozent",), maxlength=3)),
         "Fortschritt berichten", "Der Fortschritt ist berichtet.",
         lambda app, aid, v, by: app.report_progress(
             aid, UUID(v["commitment_id"]), on=v["on"], text=v["text"], percent=v["percent"], by=by),
         role="partner", needs="commitments_open"),
    Form("aendern", "Zusage ändern", "zusagen-bearbeiten",
         (COMMITMENT,
          Field("description", "Neue Beschreibung", "textarea", maxlength=1000, words=("Beschreibung",)),
          Field("amount", "Neuer Umfang (Zahl)", "number", hint="z. B. 2500 oder 12,5", words=("Betrag",)),
          _date("due_on", "Neu fällig am", False, ("Fälligkeitsdatum",)),
          Field("reason", "Grund der Änderung", "textarea", True, maxlength=2000, words=("Grund der Änderung",))),
         "Zusage ändern", "Die Zusage ist geändert.",
         lambda app, aid, v, by: app.amend_commitment(
             aid, UUID(v["commitment_id"]), reason=v["reason"], description=v["description"], amount=v["amount"],
             due_on=v["due_on"], by=by),
         intro="Nur was sich ändert ausfüllen; der Grund bleibt im Prüfpfad.", needs="commitments_open"),
    Form("erfuellt", "Zusage als erfüllt erfassen", "zusagen-bearbeiten",
         (COMMITMENT, _date("on", "Erfüllt am", False, ("Das Datum",)),
          Field("note", "Notiz", "textarea", maxlength=2000, words=("Notiz",))),
         "Als erfüllt erfassen", "Die Zusage ist als erfüllt erfasst.",
         lambda app, aid, v, by: app.fulfil_commitment(aid, UUID(v["commitment_id"]), on=v["on"], note=v["note"],
                                                       by=by),
         needs="commitments_open"),
    Form("zurueckziehen", "Zusage zurückziehen", "zusagen-bearbeiten",
         (COMMITMENT,
          Field("reason", "Grund des Rückzugs", "textarea", True, maxlength=2000, words=("Grund des Rückzugs",))),
         "Zusage zurückziehen", "Die Zusage ist zurückgezogen.",
         lambda app, aid, v, by: app.withdraw_commitment(aid, UUID(v["commitment_id"]), reason=v["reason"], by=by),
         needs="commitments_open"),
)
