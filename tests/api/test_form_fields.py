"""Reading what a person typed into a page form: German dates and numbers, choices, required fields."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from api.form_catalogue import ALLIANCE_FORMS
from api.form_commitments import COMMITMENT_FORMS
from api.form_fields import Field, Form, place, read
from api.form_steps import REGISTER, STEP_FORMS

FORM = Form("probe", "Probe", "probe", (
    Field("name", "Name", required=True, words=("Der Name",)),
    Field("on", "Datum", "date", True),
    Field("amount", "Umfang", "number"),
    Field("percent", "Prozent", "percent"),
    Field("sector", "Akteurstyp", "select", True, options="sectors"),
    Field("ids", "Teilnehmende", "multi", options="ids"),
), "Senden", "Gesendet.", lambda app, aid, v, by: None)
OPTIONS = {"sectors": [("kita", "Kita")], "ids": [("6f1c2f3e-4d5a-4b6c-8d7e-9f0a1b2c3d4e", "Kita")]}


def _read(**typed: str | list[str]) -> object:
    raw = {k: v if isinstance(v, list) else [v] for k, v in typed.items()}
    return read(FORM, raw, lambda name: OPTIONS[name])


@pytest.mark.parametrize(("typed", "value"), [("2500", Decimal("2500")), ("2.500", Decimal("2500")),
                                              ("12,5", Decimal("12.5")), ("2.500,50", Decimal("2500.50")),
                                              ("1.5", Decimal("1.5"))])
def test_numbers_are_read_the_german_way(typed: str, value: Decimal) -> None:
    filled = _read(name="A", on="01.03.2026", amount=typed, sector="kita")
    assert filled.ok and filled.values["amount"] == value  # type: ignore[attr-defined]


def test_what_cannot_be_read_is_said_beside_its_field_in_german() -> None:
    filled = _read(name=" ", on="2026/03/01", amount="zwölf", percent="101", sector="kitas", ids=["x"])
    assert filled.errors == {  # type: ignore[attr-defined]
        "name": "Bitte „Name“ ausfüllen.",
        "on": "„Datum“ ist kein gültiges Datum (TT.MM.JJJJ, z. B. 01.03.2026).",
        "amount": "„Umfang“ muss eine Zahl sein, z. B. 2500 oder 12,5.",
        "percent": "„Prozent“ muss eine ganze Zahl von 0 bis 100 sein.",
        "sector": "Bitte bei „Akteurstyp“ einen Eintrag aus der Liste wählen.",
        "ids": "Bitte nur Einträge aus der Liste „Teilnehmende“ wählen.",
    }


def test_dates_take_tt_mm_jjjj_and_iso() -> None:
    assert _read(name="A", on="1.3.2026", sector="kita").values["on"] == date(2026, 3, 1)  # type: ignore[attr-defined]
    assert _read(name="A", on="2026-03-01", sector="kita").values["on"] == date(2026, 3, 1)  # type: ignore[attr-defined]


def test_a_refusal_of_the_domain_goes_beside_the_field_it_names_else_into_the_summary() -> None:
    filled = _read(name="A", on="01.03.2026", sector="kita")
    place(FORM, filled, "Der Name ist zu lang.")  # type: ignore[arg-type]
    place(FORM, filled, "Das Bündnis ist aufgelöst.", ["offen"])  # type: ignore[arg-type]
    assert filled.errors == {"name": "Der Name ist zu lang."}  # type: ignore[attr-defined]
    assert filled.summary == ["Das Bündnis ist aufgelöst."] and filled.unmet == ["offen"]  # type: ignore[attr-defined]


def test_every_command_of_the_brief_has_a_form_and_slugs_are_unique() -> None:
    forms = [*ALLIANCE_FORMS, *COMMITMENT_FORMS, *STEP_FORMS, REGISTER]
    assert len({f.slug for f in forms}) == len(forms)
    source = "".join(f.run.__code__.co_names.__repr__() for f in forms)
    for command in ("add_actor", "record_contact", "add_contact_person", "add_team_member", "record_goal",
                    "list_candidate", "invite_candidate", "schedule_meeting", "hold_meeting", "record_minutes",
                    "add_action_item", "complete_action_item", "add_project", "change_project_status",
                    "record_founding", "sign_declaration", "join_federal_initiative", "form_working_group",
                    "appoint_speaker", "join_working_group", "set_steering_group", "record_self_assessment",
                    "set_legal_form", "complete_step", "reopen_step", "pause", "resume", "dissolve",
                    "pledge_commitment", "confirm_commitment", "amend_commitment", "fulfil_commitment",
                    "withdraw_commitment", "report_progress", "register_alliance"):
        assert f"'{command}'" in source, command
