"""Hostile text stays out: every free-text field of every command in the OpenAPI document refuses
control characters (C0 but newline and tab, DEL) and bidi overrides/isolates, and nothing is stored.
Generated from the schema: a new free-text field is covered without anyone listing it."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from api.app import create_app
from api.text_fields import EMAIL, OPTIONAL, REQUIRED
from config.settings import Settings
from domain.errors import InvalidInput
from domain.values import inert, require_text
from tests.api.conftest import SECRET, Api
from tests.api.walk import ok, register, step_one
from workers.bootstrap import build_application

# C0 but tab, newline and carriage return (a line end: it becomes a newline), DEL, bidi controls.
HOSTILE = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x202A, 0x202F),
                            *range(0x2066, 0x206A))]


def _openapi() -> dict[str, Any]:
    settings = Settings(store="memory", token_secret=SecretStr(SECRET))
    doc: dict[str, Any] = create_app(build_application(settings), None, settings).openapi()
    return doc


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        resolved: dict[str, Any] = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return _resolve(doc, resolved)
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(doc, option)
    return schema


def _free_text(schema: dict[str, Any]) -> bool:
    """A string field without a format or codes: free text (its pattern, if any, is api/text_fields.py's)."""
    return schema.get("type") == "string" and not {"format", "enum"} & set(schema) and (
        schema.get("pattern") in (None, REQUIRED, OPTIONAL, EMAIL))


def commands() -> list[tuple[str, str, str]]:
    """(method, path, field) for every free-text field of every command body."""
    doc, found = _openapi(), []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            if not content:
                continue
            body = _resolve(doc, content["schema"])
            for name, prop in body.get("properties", {}).items():
                if _free_text(_resolve(doc, prop)):
                    found.append((method.upper(), path, name))
    return found


def _value(doc: dict[str, Any], name: str, schema: dict[str, Any], ids: dict[str, str]) -> Any:
    s = _resolve(doc, schema)
    if "enum" in s:
        return s["enum"][0]
    if s.get("type") == "array":
        return [ids["actor"]]
    if s.get("format") == "uuid":
        return ids["actor"]
    if s.get("format") == "date":
        return "2026-03-01"
    if s.get("type") == "object":
        return {k: _value(doc, k, v, ids) for k, v in s.get("properties", {}).items()}
    if s.get("type") == "integer":
        return 3
    if s.get("type") == "number" or name == "amount":
        return "1"
    return "Text"


def _body(doc: dict[str, Any], method: str, path: str, field: str, ids: dict[str, str], text: str) -> dict[str, Any]:
    content = doc["paths"][path][method.lower()]["requestBody"]["content"]["application/json"]
    body = _resolve(doc, content["schema"])
    wanted = set(body.get("required", [])) | {field}
    values = {k: _value(doc, k, v, ids) for k, v in body["properties"].items() if k in wanted}
    values[field] = text
    return values


def test_the_schema_has_free_text_fields_to_check() -> None:
    fields = {f for _, _, f in commands()}
    assert {"name", "notes", "text", "title", "minutes", "description", "reason"} <= fields


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_every_free_text_field_refuses_hostile_characters_and_stores_nothing(api: Api) -> None:
    doc = _openapi()
    with api.client() as office:
        aid = register(office)
        actors = step_one(office, aid)
        commitment = ok(office.post(f"/api/v1/alliances/{aid}/commitments", json={
            "partner_id": actors[0], "description": "Räume", "kind": "raeume"}), 201)["id"]
        meeting = ok(office.post(f"/api/v1/alliances/{aid}/meetings", json={
            "kind": "team", "on": "2026-03-01", "title": "Team"}), 201)["id"]
        ids = {"actor": actors[0], "alliance_id": aid, "commitment_id": commitment, "meeting_id": meeting, "n": "1"}
        before = api.application.recorder.max_notification_id()
        wrong = []
        for method, path, field in commands():
            url = path
            for name in ("alliance_id", "commitment_id", "meeting_id", "n"):
                url = url.replace("{" + name + "}", ids[name])
            # Other ids (actors, persons, items, groups): any id; the text is checked before the lookup.
            url = re.sub(r"\{[a-z_]+_id\}", str(uuid.uuid4()), url)
            for char in HOSTILE:
                text = f"Gut{char}gemeint"
                response = office.request(method, url, json=_body(doc, method, path, field, ids, text))
                # Refused for this reason, not another one of the made-up body.
                if response.status_code != 422 or "Steuer- oder Richtungszeichen" not in response.text:
                    wrong.append(f"{method} {path} {field} U+{ord(char):04X}: {response.status_code} {response.text}")
    assert wrong == [], "\n".join(wrong[:20])
    assert api.application.recorder.max_notification_id() == before, "hostile text was stored"


@given(st.text(max_size=30), st.sampled_from(HOSTILE), st.text(max_size=30))
def test_require_text_refuses_a_hostile_character_anywhere(before: str, char: str, after: str) -> None:
    text = f"x{before}{char}{after}x"
    with pytest.raises(InvalidInput, match="Steuer- oder Richtungszeichen"):
        require_text(text, "Der Text")
    assert not any(c in inert(text) for c in HOSTILE)


def test_newline_tab_and_every_language_stay_welcome() -> None:
    text = "Zeile 1\r\nZeile 2\tmit Tab – Ärger, ğüşıöç, 家庭, עברית, العربية 👪"
    assert require_text(text, "Der Text") == text.replace("\r\n", "\n")
