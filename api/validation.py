"""German messages for pydantic's validation errors, one per field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.dates import FIRST_YEAR, LAST_YEAR

FIELD_NAMES = {
    "name": "Name",
    "municipality": "Kommune",
    "state": "Bundesland",
    "sector": "Akteurstyp",
    "actor_id": "Akteur",
    "on": "Datum",
    "outcome": "Ergebnis",
    "follow_up_on": "Nachfassdatum",
    "notes": "Notiz",
    "text": "Text",
    "kind": "Art",
    "title": "Titel",
    "attendee_ids": "Teilnehmende",
    "minutes": "Protokoll",
    "theme": "Thema",
    "owner_id": "Verantwortliche",
    "due_on": "Fälligkeitsdatum",
    "symbolic_act": "symbolischer Akt",
    "signatory_ids": "Unterzeichnende",
    "joined_on": "Beitrittsdatum",
    "justification": "Begründung",
    "speaker_id": "Sprecher/in",
    "partner_id": "Partner",
    "description": "Beschreibung",
    "amount": "Betrag",
    "unit": "Einheit",
    "reason": "Grund",
    "scores": "Werte",
    "as_of": "Stichtag",
    "until": "bis",
    "step": "Schritt",
    "status": "Status",
    "cursor": "Cursor",
    "alliance_id": "Bündnis",
    "commitment_id": "Zusage",
    "meeting_id": "Treffen",
    "n": "Schritt",
    "limit": "Anzahl",
    "since": "seit",
    "held_on": "durchgeführt am",
    "If-Match": "If-Match",
    "legal_form": "Rechtsform",
    "email": "E-Mail",
    "phone": "Telefon",
    "role": "Funktion",
    "reason_code": "Grund der Löschung",
    "actor_ids": "Akteure",
    "percent": "Prozent",
    "medium": "Medium",
    "declaration": "Deklaration",
    "item_id": "Aufgabe",
    "project_id": "Projekt",
    "group_id": "Arbeitsgruppe",
    "person_id": "Ansprechperson",
    "candidate_id": "weiterer Akteur",
}
MOMENT = "2026-03-01T12:00:00+01:00"
WHERE = {"body": "", "query": "Parameter ", "path": "Pfad ", "header": "Kopfzeile "}


def _field(loc: Sequence[Any]) -> tuple[str, str]:
    parts = [str(p) for p in loc]
    where = WHERE.get(parts[0], "") if parts else ""
    names = [p for p in parts[1:] if not p.isdigit()] or parts[-1:]
    raw = ".".join(parts[1:]) if len(parts) > 1 else ""
    label = FIELD_NAMES.get(names[-1], names[-1]) if names else "Anfrage"
    named = raw and names and FIELD_NAMES.get(names[-1]) not in (None, raw)
    return raw, f"{where}„{label}“" + (f" ({raw})" if named else "")


def _shown(given: Any) -> str:
    text = given if isinstance(given, str) else repr(given)
    return text if len(text) <= 40 else text[:39] + "…"


def _calendar_message(kind: str, what: str, given: Any) -> str | None:
    """The refusals of api/calendar_fields.py: `date_*` (a date) and `as_of_*` (a date or moment)."""
    reason = kind.rpartition("_")[2]
    if reason == "range":
        return f"{what} muss zwischen {FIRST_YEAR} und {LAST_YEAR} liegen, nicht {_shown(given)}."
    if kind == "date_type":
        return f"{what} muss ein Datum als Text sein (JJJJ-MM-TT, z. B. 2026-03-01); Zahlen werden nicht angenommen."
    if kind == "as_of_zone":
        return f"Der Zeitpunkt {what} braucht eine Zeitzone (z. B. {MOMENT})."
    if kind in ("as_of_type", "as_of_format"):
        plus = " Ein „+“ in der Adresse als %2B schreiben." if isinstance(given, str) and " " in given else ""
        return f"{what} ist kein gültiges Datum und kein Zeitpunkt mit Zone (erwartet 2026-03-01 oder {MOMENT}).{plus}"
    return None


def _message(kind: str, what: str, ctx: dict[str, Any], given: Any) -> str:
    if kind == "missing":
        return f"{what} fehlt."
    if kind == "text_empty":
        return f"{what} darf nicht leer sein."
    if kind == "text_hostile":
        return (f"{what} enthält an Stelle {ctx.get('position')} ein unzulässiges Steuer- oder Richtungszeichen "
                f"({ctx.get('char')}); erlaubt sind Text, Tabulator und Zeilenumbruch.")
    if kind == "email":
        return f"{what} ist keine gültige E-Mail-Adresse (mit @, ohne Leerzeichen)."
    if kind == "amount":
        return (f"{what} muss ein Betrag ≥ 0 sein: als Text mit Punkt (z. B. \"2500\" oder \"12.5\", höchstens 11 "
                "Stellen vor und 4 nach dem Punkt) oder als ganze Zahl.")
    if kind == "extra_forbidden":
        return f"Das Feld {what} ist unbekannt."
    calendar = _calendar_message(kind, what, given) if kind.startswith(("date_", "as_of_")) else None
    if calendar is not None:
        return calendar
    if kind in (
        "date_format",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
        "date_type",
    ):
        return f"{what} ist kein gültiges Datum (erwartet JJJJ-MM-TT, z. B. 2026-03-01)."
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"):
        return f"{what} ist kein gültiger Zeitpunkt (erwartet z. B. 2026-03-01T12:00:00+01:00)."
    if kind in ("uuid_parsing", "uuid_type", "uuid_version"):
        return f"{what} ist keine gültige ID (UUID erwartet)."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{what} muss eine ganze Zahl sein."
    if kind in ("string_type", "string_unicode"):
        return f"{what} muss ein Text sein."
    if kind in ("decimal_parsing", "decimal_type", "finite_number", "float_parsing", "float_type"):
        return f"{what} muss eine Zahl sein."
    if kind in ("decimal_max_digits", "decimal_max_places", "decimal_whole_digits"):
        return f"{what} hat zu viele Stellen."
    if kind in ("list_type", "tuple_type", "set_type"):
        return f"{what} muss eine Liste sein."
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{what} muss ein Objekt sein."
    if kind in ("bool_type", "bool_parsing"):
        return f"{what} muss wahr oder falsch sein."
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"Unbekannter Wert für {what}: {given!r}. Erlaubt: {expected}."
    if kind in ("string_too_long", "too_long"):
        return f"{what} ist zu lang (höchstens {ctx.get('max_length')})."
    if kind == "too_short" and isinstance(given, list):
        return f"{what} braucht mindestens {ctx.get('min_length', 1)} Eintrag."
    if kind in ("string_too_short", "too_short"):
        return f"{what} ist zu kurz."
    if kind in ("greater_than_equal", "greater_than"):
        return f"{what} muss mindestens {ctx.get('ge', ctx.get('gt'))} sein."
    if kind in ("less_than_equal", "less_than"):
        return f"{what} darf höchstens {ctx.get('le', ctx.get('lt'))} sein."
    if kind == "json_invalid":
        return f"Der Inhalt ist kein gültiges JSON ({ctx.get('error', 'Syntaxfehler')})."
    if kind == "value_error":
        return f"{what} ist ungültig: {ctx.get('error', '')}".rstrip(": ") + "."
    return f"{what} ist ungültig."


def german_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """[{"field", "code", "detail"}] for pydantic/FastAPI error dicts."""
    result = []
    for e in errors:
        loc = e.get("loc", ())
        kind = e.get("type", "")
        raw, what = _field(loc)
        given = e.get("input")
        if kind == "missing" and loc and loc[0] == "body" and len(loc) == 1:
            result.append(
                {
                    "field": "",
                    "code": "body_not_json",
                    "detail": "Der Inhalt fehlt oder ist kein JSON-Objekt.",
                }
            )
            continue
        if kind == "model_attributes_type" and loc == ("body",):
            result.append(
                {
                    "field": "",
                    "code": "body_not_json",
                    "detail": "Der Inhalt muss ein JSON-Objekt sein.",
                }
            )
            continue
        result.append({"field": raw, "code": kind, "detail": _message(kind, what, e.get("ctx") or {}, given)})
    return result
