"""The German forms of the pages as data: fields, what a form runs, and reading what a person typed.

A form is a `Form`: its fields, who may use it, and `run`, which calls one command of the
application with the values read. Reading a value gives either the value or a German message
for the field; the domain's refusals are put beside the field they name (`Field.words`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from domain.dates import parse_german_date
from domain.errors import InvalidInput

Options = Sequence[tuple[str, str]]
DATE_HINT = "TT.MM.JJJJ, z. B. 01.03.2026"
DATE_PATTERN = r"\d{1,2}[.,]\d{1,2}[.,]\d{4}|\d{4}-\d{2}-\d{2}"
NUMBER = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+([.,]\d+)?", re.ASCII)


@dataclass(frozen=True)
class Field:
    """One input. `kind`: text, textarea, date, number, percent, select, multi (checkboxes),
    score (1–5 as radio buttons), hidden. `options` names a list of the page's choices."""

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    hint: str | None = None
    options: str | None = None
    words: tuple[str, ...] = ()  # how the domain's German messages name this field
    autocomplete: str = "off"
    maxlength: int | None = 200


@dataclass(frozen=True)
class Form:
    """One command as a form: `run(app, alliance_id, values, by)` calls the application."""

    slug: str
    title: str
    section: str  # the group on the alliance page (an anchor)
    fields: tuple[Field, ...]
    submit: str
    done: str  # the German sentence shown after it worked
    run: Callable[[Any, Any, dict[str, Any], str], Any]  # (application, alliance id or None, values, by)
    role: str = "koordination"  # koordination (also the Servicebüro), partner (own commitments too), servicebuero
    intro: str | None = None
    needs: str | None = None  # an option list that must not be empty for the form to make sense
    danger: bool = False  # irreversible: the button says so


@dataclass
class Filled:
    """What was typed (to show again), the values read, and German messages per field."""

    raw: dict[str, list[str]]
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)  # refusals that name no field
    unmet: list[str] = field(default_factory=list)  # the exit criteria still open, when a step was refused

    def first(self, name: str) -> str:
        return (self.raw.get(name) or [""])[0]

    def chosen(self, name: str) -> list[str]:
        return self.raw.get(name) or []

    @property
    def ok(self) -> bool:
        return not self.errors and not self.summary


def read(form: Form, raw: dict[str, list[str]], options: Callable[[str], Options]) -> Filled:
    """Each field's value, checked as the page can (required, date, number, choice)."""
    filled = Filled(raw)
    for f in form.fields:
        try:
            filled.values[f.name] = _value(f, raw.get(f.name) or [], options)
        except InvalidInput as e:
            filled.errors[f.name] = e.message
    return filled


def _value(f: Field, given: list[str], options: Callable[[str], Options]) -> Any:
    if f.kind == "multi":
        allowed = {value for value, _ in options(f.options or "")}
        if any(g not in allowed for g in given):
            raise InvalidInput(f"Bitte nur Einträge aus der Liste „{f.label}“ wählen.")
        if f.required and not given:
            raise InvalidInput(f"Bitte mindestens einen Eintrag bei „{f.label}“ ankreuzen.")
        return [UUID(g) for g in given]
    text = (given[0] if given else "").strip()
    if not text:
        if f.required:
            verb = "wählen" if f.kind in ("select", "score") else "ausfüllen"
            raise InvalidInput(f"Bitte „{f.label}“ {verb}.")
        return None
    if f.maxlength and f.kind in ("text", "textarea") and len(text) > f.maxlength:
        raise InvalidInput(f"„{f.label}“ ist zu lang (höchstens {f.maxlength} Zeichen).")
    if f.kind == "date":
        return _date(text, f.label)
    if f.kind == "number":
        return _number(text, f.label)
    if f.kind in ("percent", "score"):
        low, high = (0, 100) if f.kind == "percent" else (1, 5)
        if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
            raise InvalidInput(f"„{f.label}“ muss eine ganze Zahl von {low} bis {high} sein.")
        return int(text)
    if f.kind in ("select", "hidden") and f.options:
        if text not in {value for value, _ in options(f.options)}:
            raise InvalidInput(f"Bitte bei „{f.label}“ einen Eintrag aus der Liste wählen.")
        return text
    return text


def _date(text: str, label: str) -> date:
    return parse_german_date(text, f"„{label}“")


def _number(text: str, label: str) -> Decimal:
    """German numbers: 2500, 2.500, 12,5 or 2.500,50 (a dot alone before three digits groups)."""
    if not NUMBER.fullmatch(text):
        raise InvalidInput(f"„{label}“ muss eine Zahl sein, z. B. 2500 oder 12,5.")
    if "," in text or re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InvalidInput(f"„{label}“ muss eine Zahl sein, z. B. 2500 oder 12,5.") from None


def place(form: Form, filled: Filled, message: str, unmet: Sequence[str] = ()) -> None:
    """A refusal of the domain beside the field it names, else in the summary; what is unmet in the summary."""
    filled.unmet.extend(unmet)
    for f in form.fields:
        if any(word in message for word in f.words) and f.name not in filled.errors:
            filled.errors[f.name] = message
            return
    filled.summary.append(message)


def uuid_or_none(value: str | None) -> UUID | None:
    return UUID(value) if value else None
