"""The forms of the step machine and the alliance's status: complete, reopen, pause, resume, dissolve;
and registering an alliance (the Servicebüro's)."""

from __future__ import annotations

from api.form_fields import Field, Form

STEP_FORMS: tuple[Form, ...] = (
    Form("schritt-abschliessen", "Schritt abschließen", "schritt",
         (Field("step", "Schritt", "hidden", True, options="current_step"),
          Field("justification", "Begründung (nur wenn Kriterien offen sind)", "textarea", maxlength=2000,
                hint="Ohne erfüllte Kriterien wird der Schritt nur mit schriftlicher Begründung abgeschlossen; "
                "sie bleibt im Prüfpfad.", words=("Begründung",))),
         "Schritt abschließen", "Der Schritt ist abgeschlossen.",
         lambda app, aid, v, by: app.complete_step(aid, int(v["step"]), justification=v["justification"], by=by),
         needs="current_step"),
    Form("schritt-oeffnen", "Schritt wieder öffnen", "schritt",
         (Field("step", "Schritt", "select", True, options="steps_done"),
          Field("reason", "Grund", "textarea", True, maxlength=2000, words=("Grund",))),
         "Schritt wieder öffnen", "Der Schritt ist wieder geöffnet.",
         lambda app, aid, v, by: app.reopen_step(aid, int(v["step"]), reason=v["reason"], by=by),
         needs="steps_done"),
    Form("ruhen", "Bündnis ruhen lassen", "status",
         (Field("reason", "Grund", "textarea", maxlength=2000, words=("Grund",)),),
         "Ruhen lassen", "Das Bündnis ruht.",
         lambda app, aid, v, by: app.pause(aid, reason=v["reason"], by=by), needs="when_active"),
    Form("wieder-aufnehmen", "Bündnis wieder aufnehmen", "status",
         (Field("reason", "Grund", "textarea", maxlength=2000, words=("Grund",)),),
         "Wieder aufnehmen", "Das Bündnis ist wieder aktiv.",
         lambda app, aid, v, by: app.resume(aid, reason=v["reason"], by=by), needs="when_dormant"),
    Form("aufloesen", "Bündnis auflösen", "status",
         (Field("reason", "Grund der Auflösung", "textarea", True, maxlength=2000, words=("Grund",)),),
         "Bündnis endgültig auflösen", "Das Bündnis ist aufgelöst.",
         lambda app, aid, v, by: app.dissolve(aid, reason=v["reason"], by=by),
         intro="Eine Auflösung kann nicht rückgängig gemacht werden.", needs="when_open", danger=True),
)

REGISTER = Form(
    "buendnis", "Bündnis erfassen", "neu",
    (Field("name", "Name des Bündnisses", required=True, words=("Name des Bündnisses",)),
     Field("municipality", "Kommune", required=True, words=("Kommune",)),
     Field("state", "Bundesland", "select", True, options="states", words=("Bundesland",))),
    "Bündnis erfassen", "Das Bündnis ist erfasst.",
    lambda app, aid, v, by: app.register_alliance(name=v["name"], municipality=v["municipality"],
                                                  state=v["state"], by=by),
    role="servicebuero",
)
