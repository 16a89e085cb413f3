"""Every daily action of the guide as a German form, in the order of the five steps.

Labels follow the guide (Leitfaden) and the glossary of DOMAIN.md; each form calls one command.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.form_fields import DATE_HINT, Field, Form, uuid_or_none
from domain.values import Dimension

V = dict[str, Any]


def _ids(values: list[UUID] | None) -> list[UUID]:
    return list(values or [])


def _date(name: str, label: str, required: bool = True, words: tuple[str, ...] = ()) -> Field:
    return Field(name, label, "date", required, DATE_HINT, words=words, maxlength=10)


ACTOR = Field("actor_id", "Akteur", "select", True, options="actors")
SCORES = tuple(Field(d.value, d.label, "score", True, options="scores", words=(f"„{d.label}“",)) for d in Dimension)

ALLIANCE_FORMS: tuple[Form, ...] = (
    # ---- Schritt 1: Bündnisidee initiieren ----------------------------------------------------------
    Form("akteur", "Akteur erfassen", "akteure",
         (Field("name", "Name der Organisation", required=True, words=("Name des Akteurs", "namens")),
          Field("sector", "Akteurstyp", "select", True, options="sectors")),
         "Akteur erfassen", "Der Akteur ist erfasst.",
         lambda app, aid, v, by: app.add_actor(aid, name=v["name"], sector=v["sector"], by=by)),
    Form("gespraech", "Einzelgespräch erfassen", "akteure",
         (ACTOR, _date("on", "Datum des Gesprächs", words=("Das Datum ",)),
          Field("outcome", "Ergebnis", "select", True, options="outcomes"),
          _date("follow_up_on", "Nachfassen am", False, ("Nachfassdatum", "Nachverfolgung")),
          Field("notes", "Notiz", "textarea", maxlength=2000, words=("Die Notiz",))),
         "Gespräch erfassen", "Das Einzelgespräch ist erfasst.",
         lambda app, aid, v, by: app.record_contact(
             aid, actor_id=UUID(v["actor_id"]), on=v["on"], outcome=v["outcome"],
             follow_up_on=v["follow_up_on"], notes=v["notes"], by=by),
         intro="Mit dem Nachfassdatum erinnert das System die Koordination an das nächste Gespräch.",
         needs="actors"),
    Form("ansprechperson", "Ansprechperson erfassen", "akteure",
         (ACTOR, Field("name", "Name der Ansprechperson", required=True, autocomplete="name"),
          Field("email", "E-Mail", autocomplete="email", words=("E-Mail",)),
          Field("phone", "Telefon", autocomplete="tel", words=("Telefon",))),
         "Ansprechperson erfassen", "Die Ansprechperson ist erfasst.",
         lambda app, aid, v, by: app.add_contact_person(
             aid, actor_id=UUID(v["actor_id"]), name=v["name"], email=v["email"], phone=v["phone"], by=by),
         intro="Personenbezogene Daten: sie werden verschlüsselt gespeichert und können gelöscht werden.",
         needs="actors"),
    Form("ansprechperson-loeschen", "Daten einer Ansprechperson löschen", "akteure",
         (Field("person_id", "Ansprechperson", "select", True, options="persons"),
          # A code only, no free text: a sentence kept in the audit trail could name the erased person.
          Field("reason_code", "Grund der Löschung", "select", True, options="erasure_reasons",
                words=("Grund der Löschung",))),
         "Daten endgültig löschen", "Die Daten der Ansprechperson sind gelöscht.",
         lambda app, aid, v, by: app.erase_contact_person(
             aid, person_id=UUID(v["person_id"]), reason_code=v["reason_code"], by=by),
         intro="Art. 17 DSGVO: Name, E-Mail und Telefon sind danach nirgends mehr lesbar; dass gelöscht wurde, "
               "von wem und warum, bleibt im Prüfpfad. Nicht rückgängig zu machen.",
         needs="persons", danger=True),
    # ---- Schritt 2: Bündnisteam aufbauen ------------------------------------------------------------
    Form("team", "Akteur ins Bündnisteam aufnehmen", "team",
         (Field("actor_id", "Akteur", "select", True, options="actors_outside_team"),),
         "Ins Bündnisteam aufnehmen", "Der Akteur gehört jetzt zum Bündnisteam.",
         lambda app, aid, v, by: app.add_team_member(aid, actor_id=UUID(v["actor_id"]), by=by),
         needs="actors_outside_team"),
    Form("team-verlassen", "Akteur aus dem Bündnisteam nehmen", "team",
         (Field("actor_id", "Akteur", "select", True, options="team_members"),
          Field("reason", "Grund", "textarea", maxlength=2000, words=("Der Grund",))),
         "Aus dem Bündnisteam nehmen", "Der Akteur gehört nicht mehr zum Bündnisteam.",
         lambda app, aid, v, by: app.remove_team_member(aid, actor_id=UUID(v["actor_id"]), reason=v["reason"], by=by),
         needs="team_members"),
    Form("ziel", "Ziel oder Thema festhalten", "team",
         (Field("text", "Ziel oder Thema", "textarea", True, maxlength=2000, words=("Das Ziel",)),),
         "Ziel festhalten", "Das Ziel ist festgehalten.",
         lambda app, aid, v, by: app.record_goal(aid, text=v["text"], by=by)),
    Form("weiterer-akteur", "Weiteren Akteur auf die Liste setzen", "team",
         (Field("name", "Name der Organisation", required=True, words=("Der Name",)),
          Field("sector", "Akteurstyp", "select", True, options="sectors")),
         "Auf die Liste setzen", "Der weitere Akteur steht auf der Liste.",
         lambda app, aid, v, by: app.list_candidate(aid, name=v["name"], sector=v["sector"], by=by),
         intro="Weitere Akteure, die für das Bündnis gewonnen werden sollen."),
    Form("einladung", "Einladung eines weiteren Akteurs erfassen", "team",
         (Field("candidate_id", "Weiterer Akteur", "select", True, options="candidates_open"),
          _date("on", "Eingeladen am", words=("Das Datum",))),
         "Einladung erfassen", "Die Einladung ist erfasst.",
         lambda app, aid, v, by: app.invite_candidate(aid, candidate_id=UUID(v["candidate_id"]), on=v["on"], by=by),
         needs="candidates_open"),
    # ---- Treffen (Schritte 2–5) ---------------------------------------------------------------------
    Form("treffen", "Treffen planen", "treffen",
         (Field("kind", "Art des Treffens", "select", True, options="meeting_kinds"),
          _date("on", "Datum", words=("Das Datum",)),
          Field("title", "Titel", required=True, words=("Der Titel",)),
          Field("organiser_id", "Organisiert von", "select", options="actors")),
         "Treffen planen", "Das Treffen ist geplant.",
         lambda app, aid, v, by: app.schedule_meeting(
             aid, kind=v["kind"], on=v["on"], title=v["title"], organiser_id=uuid_or_none(v["organiser_id"]), by=by)),
    Form("treffen-einladung", "Zu einem Treffen einladen", "treffen",
         (Field("meeting_id", "Treffen", "select", True, options="meetings_open"),
          Field("actor_ids", "Eingeladene Organisationen", "multi", True, options="actors",
                words=("eingeladen", "Einladung", "Organisation"))),
         "Einladungen erfassen", "Die Einladungen sind erfasst.",
         lambda app, aid, v, by: app.invite_to_meeting(aid, UUID(v["meeting_id"]), actor_ids=_ids(v["actor_ids"]),
                                                       by=by),
         intro="Der Leitfaden rät, zu Bündnistreffen auch eher passive Partner einzuladen. Wer schon eingeladen "
               "ist, wird übergangen.",
         needs="meetings_open"),
    Form("durchgefuehrt", "Treffen als durchgeführt erfassen", "treffen",
         (Field("meeting_id", "Treffen", "select", True, options="meetings_open"),
          _date("held_on", "Durchgeführt am", False, ("Datum des Treffens",)),
          Field("attendee_ids", "Teilnehmende Organisationen", "multi", True, options="actors",
                words=("teilnehmende",)),
          Field("minutes", "Protokoll", "textarea", maxlength=100_000, words=("Protokoll",))),
         "Als durchgeführt erfassen", "Das Treffen ist als durchgeführt erfasst.",
         lambda app, aid, v, by: app.hold_meeting(
             aid, UUID(v["meeting_id"]), attendee_ids=_ids(v["attendee_ids"]), minutes=v["minutes"],
             held_on=v["held_on"], by=by),
         needs="meetings_open"),
    Form("protokoll", "Protokoll erfassen", "treffen",
         (Field("meeting_id", "Treffen", "select", True, options="meetings_held"),
          Field("minutes", "Protokoll", "textarea", True, maxlength=100_000, words=("Protokoll",))),
         "Protokoll speichern", "Das Protokoll ist gespeichert.",
         lambda app, aid, v, by: app.record_minutes(aid, UUID(v["meeting_id"]), minutes=v["minutes"], by=by),
         needs="meetings_held"),
    Form("aufgabe", "Aufgabe aus einem Treffen erfassen", "treffen",
         (Field("meeting_id", "Treffen", "select", True, options="meetings"),
          Field("text", "Aufgabe", "textarea", True, maxlength=2000, words=("Die Aufgabe",)),
          Field("owner_id", "Verantwortlich", "select", options="actors"),
          _date("due_on", "Fällig am", False, ("fällig", "Fälligkeitsdatum"))),
         "Aufgabe erfassen", "Die Aufgabe ist erfasst.",
         lambda app, aid, v, by: app.add_action_item(
             aid, UUID(v["meeting_id"]), text=v["text"], owner_id=uuid_or_none(v["owner_id"]), due_on=v["due_on"],
             by=by),
         needs="meetings"),
    Form("aufgabe-erledigt", "Aufgabe als erledigt markieren", "treffen",
         (Field("item_id", "Aufgabe", "select", True, options="action_items_open"),),
         "Als erledigt markieren", "Die Aufgabe ist erledigt.",
         lambda app, aid, v, by: app.complete_action_item(aid, UUID(v["item_id"]), by=by),
         needs="action_items_open"),
    # ---- Schritt 3: Planungstreffen durchführen: Aktionsplan ----------------------------------------
    Form("projekt", "Projekt in den Aktionsplan aufnehmen", "aktionsplan",
         (Field("title", "Projekt", required=True, words=("Titel des Projekts",)),
          Field("theme", "Thema", required=True, words=("Das Thema",)),
          Field("owner_id", "Verantwortlich", "select", options="actors"),
          _date("due_on", "Fertig bis", False, ("Fälligkeitsdatum",))),
         "In den Aktionsplan aufnehmen", "Das Projekt steht im Aktionsplan.",
         lambda app, aid, v, by: app.add_project(
             aid, title=v["title"], theme=v["theme"], owner_id=uuid_or_none(v["owner_id"]), due_on=v["due_on"],
             by=by)),
    Form("projektstatus", "Status eines Projekts ändern", "aktionsplan",
         (Field("project_id", "Projekt", "select", True, options="projects"),
          Field("status", "Neuer Status", "select", True, options="project_statuses", words=("Status",)),
          Field("reason", "Grund", "textarea", maxlength=2000)),
         "Status ändern", "Der Status des Projekts ist geändert.",
         lambda app, aid, v, by: app.change_project_status(
             aid, UUID(v["project_id"]), status=v["status"], reason=v["reason"], by=by),
         needs="projects"),
    # ---- Schritt 4: Bündnis gründen ----------------------------------------------------------------
    Form("gruendung", "Gründung erfassen", "gruendung",
         (_date("on", "Datum der Gründungsveranstaltung", words=("Das Datum",)),
          Field("format", "Format (z. B. feierliche Veranstaltung, bunter Markt)", words=("Das Format",)),
          Field("symbolic_act", "Symbolischer Akt", required=True, hint="z. B. Unterzeichnung der Deklaration, "
                "Pflanzen eines Baumes", words=("symbolische Akt",)),
          Field("signatory_ids", "Unterzeichnende der Deklaration", "multi", options="actors",
                words=("Unterzeichner",))),
         "Gründung erfassen", "Die Gründung ist erfasst.",
         lambda app, aid, v, by: app.record_founding(
             aid, on=v["on"], symbolic_act=v["symbolic_act"], signatory_ids=_ids(v["signatory_ids"]),
             format=v["format"], by=by)),
    Form("unterschrift", "Unterschrift unter die Deklaration erfassen", "gruendung",
         (Field("actor_id", "Partner", "select", True, options="actors_unsigned"),
          _date("on", "Unterzeichnet am", words=("Unterschrift", "Das Datum"))),
         "Unterschrift erfassen", "Die Unterschrift ist erfasst.",
         lambda app, aid, v, by: app.sign_declaration(aid, actor_id=UUID(v["actor_id"]), on=v["on"], by=by),
         intro="Auch Partner, die Jahre nach der Gründung beitreten, unterzeichnen die Deklaration.",
         needs="actors_unsigned"),
    Form("initiative", "Beitritt zur Bundesinitiative erfassen", "gruendung",
         (_date("joined_on", "Beigetreten am", words=("Beitrittsdatum",)),),
         "Beitritt erfassen", "Der Beitritt zur Bundesinitiative ist erfasst.",
         lambda app, aid, v, by: app.join_federal_initiative(aid, joined_on=v["joined_on"], by=by)),
    # ---- Schritt 5: Netzwerk nachhaltig steuern ----------------------------------------------------
    Form("arbeitsgruppe", "Arbeitsgruppe bilden", "steuerung",
         (Field("name", "Name der Arbeitsgruppe", required=True, words=("Name der Arbeitsgruppe", "Arbeitsgruppe „")),
          Field("theme", "Thema", required=True, words=("Das Thema",)),
          Field("speaker_id", "Sprecher/in", "select", options="actors")),
         "Arbeitsgruppe bilden", "Die Arbeitsgruppe ist gebildet.",
         lambda app, aid, v, by: app.form_working_group(
             aid, name=v["name"], theme=v["theme"], speaker_id=uuid_or_none(v["speaker_id"]), by=by)),
    Form("sprecherin", "Sprecher/in einer Arbeitsgruppe benennen", "steuerung",
         (Field("group_id", "Arbeitsgruppe", "select", True, options="working_groups"),
          Field("speaker_id", "Sprecher/in", "select", True, options="actors", words=("Sprecher",))),
         "Benennen", "Die Sprecherin bzw. der Sprecher ist benannt.",
         lambda app, aid, v, by: app.appoint_speaker(aid, UUID(v["group_id"]), speaker_id=UUID(v["speaker_id"]),
                                                     by=by),
         needs="working_groups"),
    Form("ag-mitglied", "Akteur einer Arbeitsgruppe zuordnen", "steuerung",
         (Field("group_id", "Arbeitsgruppe", "select", True, options="working_groups"), ACTOR),
         "Zuordnen", "Der Akteur arbeitet jetzt in der Arbeitsgruppe mit.",
         lambda app, aid, v, by: app.join_working_group(aid, UUID(v["group_id"]), actor_id=UUID(v["actor_id"]),
                                                        by=by),
         needs="working_groups"),
    Form("steuerungsgruppe", "Lenkungs-/Steuerungsgruppe festlegen", "steuerung",
         (Field("member_ids", "Mitglieder", "multi", True, options="actors", words=("Steuerungsgruppe",)),
          Field("reason", "Anlass", "textarea", maxlength=2000)),
         "Steuerungsgruppe festlegen", "Die Steuerungsgruppe ist festgelegt.",
         lambda app, aid, v, by: app.set_steering_group(
             aid, member_ids=_ids(v["member_ids"]), reason=v["reason"], by=by),
         needs="actors"),
    Form("selbsteinschaetzung", "Selbsteinschätzung: Sechs Dimensionen erfolgreicher Lokaler Bündnisse",
         "dimensionen-erfassen",
         (_date("on", "Datum der Selbsteinschätzung", words=("Selbsteinschätzung erfasst", "Das Datum")), *SCORES),
         "Selbsteinschätzung speichern", "Die Selbsteinschätzung ist gespeichert.",
         lambda app, aid, v, by: app.record_self_assessment(
             aid, on=v["on"], scores={d.value: v[d.value] for d in Dimension}, by=by),
         intro="Je Dimension 1 (schwach) bis 5 (stark), wie im Arbeitsmaterial 15 des Leitfadens."),
    Form("presse", "Presse- und Öffentlichkeitsarbeit erfassen", "steuerung",
         (_date("on", "Datum", words=("Das Datum",)),
          Field("title", "Was (z. B. Pressemitteilung, Artikel, Stand)", required=True, words=("Der Titel",)),
          Field("medium", "Medium", hint="z. B. Name der Zeitung oder des Senders", words=("Das Medium",))),
         "Öffentlichkeitsarbeit erfassen", "Die Presse- und Öffentlichkeitsarbeit ist erfasst.",
         lambda app, aid, v, by: app.record_publicity(aid, on=v["on"], title=v["title"], medium=v["medium"], by=by),
         intro="Regelmäßige Presse- und Öffentlichkeitsarbeit hält das Netzwerk sichtbar (Netzwerk-Check)."),
    Form("verankerung", "Lokale Verankerung erfassen", "steuerung",
         (Field("kind", "Art der Verankerung", "select", True, options="anchoring_kinds",
                words=("Art der Verankerung",)),
          Field("name", "Kooperationspartner oder Gremium", required=True, words=("Der Name",)),
          _date("since", "Seit", words=("Das Datum",))),
         "Verankerung erfassen", "Die lokale Verankerung ist erfasst.",
         lambda app, aid, v, by: app.record_anchoring(aid, kind=v["kind"], name=v["name"], since=v["since"], by=by),
         intro="Strategische Kooperationen und Sitze in örtlichen Gremien, z. B. im Jugendhilfeausschuss."),
    Form("rechtsform", "Rechtsform festlegen", "steuerung",
         (Field("legal_form", "Rechtsform", "select", True, options="legal_forms", words=("Rechtsform",)),),
         "Rechtsform festlegen", "Die Rechtsform ist festgelegt.",
         lambda app, aid, v, by: app.set_legal_form(aid, legal_form=v["legal_form"], by=by)),
)
