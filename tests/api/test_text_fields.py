"""The text fields' schema says exactly what the server checks: an independent JSON Schema validator
(jsonschema_rs, the ECMA reading of `pattern`) and the request models agree on every text, and whatever
they accept the domain accepts too (so no schema-valid text is refused later)."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from api.schemas import AddContactPerson, PledgeCommitment, RecordContact, RecordGoal
from domain.errors import InvalidInput
from domain.personal_data import PersonalData
from domain.values import optional_text, require_text

# Letters, the white space str.strip() knows, the hostile characters, an @: where the rules differ.
ALPHABET = st.sampled_from([*"ab @.", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2028",
                            "\u3000", "\x00", "\x07", "\x7f", "\u202a", "\u2066", "é", "😀"])
TEXTS = st.text(ALPHABET, max_size=12)


def _agree(model: type[BaseModel], field: str, value: Any, base: dict[str, Any]) -> bool:
    schema = model.model_json_schema()
    body = {**base, field: value}
    try:
        model.model_validate(body)
        accepted = True
    except ValidationError:
        accepted = False
    assert jsonschema_rs.is_valid(schema, body) == accepted, (field, value, schema["properties"][field])
    return accepted


@settings(max_examples=400)
@given(TEXTS)
@example("\x1c")
@example("a\n")
@example(" \x00a")
def test_a_required_text_is_valid_to_the_schema_exactly_when_the_server_takes_it(text: str) -> None:
    if _agree(RecordGoal, "text", text, {}):
        require_text(text, "Das Ziel")  # and the domain takes it too


@settings(max_examples=400)
@given(TEXTS)
@example("\x1c")
def test_an_optional_text_likewise(text: str) -> None:
    base = {"actor_id": "00000000-0000-4000-8000-000000000000", "on": "2026-03-01", "outcome": "interested"}
    if _agree(RecordContact, "notes", text, base):
        optional_text(text, "Die Notiz")


@settings(max_examples=400)
@given(TEXTS)
@example("a b@c")
@example(" a@b\t")
def test_an_email_likewise(text: str) -> None:
    if _agree(AddContactPerson, "email", text, {"name": "Erika"}):
        PersonalData.checked("Erika", email=text)


@given(st.one_of(st.text(st.sampled_from("0123456789.-e+ "), max_size=18), st.integers(), st.floats()))
@example("12\n")
@example(301.0)
@example("123456789012.5")
@example("1.12345")
@example("99999999999.9999")
def test_an_amount_likewise(amount: Any) -> None:
    base = {"partner_id": "00000000-0000-4000-8000-000000000000", "description": "Zuschuss", "kind": "geld"}
    try:
        _agree(PledgeCommitment, "amount", amount, base)
    except InvalidInput:
        raise AssertionError(amount) from None
