"""Who may open each form, generated from the catalogue the pages serve (a new form cannot escape):
the Servicebüro every one, the alliance's Koordination its alliance's, a partner of the alliance the
partner forms only (their choices are its own commitments and action items), nobody another alliance's;
signed out, the way to sign in. Posting goes through the same check (test_forms_roles.py)."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import httpx
import pytest

from api.routes.forms_pages import FORMS
from config.settings import Settings, load_settings
from tests.api.conftest import Api
from tests.api.walk import ok, register, step_one

CALLERS = ("office", "coord_own", "coord_foreign", "partner_own", "partner_foreign_alliance", "anonymous")
ROLES = {
    "koordination": (200, 200, 403, 403, 403, 303),
    "partner": (200, 200, 403, 200, 403, 303),
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(store="sqlite", var_dir=tmp_path / "var", development=True)


def test_every_form_opens_for_the_roles_its_catalogue_entry_names(api: Api) -> None:
    with api.client() as office:
        a, b = register(office, "Bündnis A"), register(office, "Bündnis B")
        actors = step_one(office, a)
        foreign = ok(office.post(f"/api/v1/alliances/{b}/actors", json={"name": "Q", "sector": "kita"}), 201)["id"]
    tokens = {
        "office": api.token(),
        "coord_own": api.token("koordination", alliance=a),
        "coord_foreign": api.token("koordination", alliance=b),
        "partner_own": api.token("partner", alliance=a, partner=actors[0]),
        "partner_foreign_alliance": api.token("partner", alliance=b, partner=foreign),
    }
    assert {f.role for f in FORMS.values()} == set(ROLES)
    assert [s for s, f in FORMS.items() if f.role == "partner"] == ["aufgabe-zusage", "bestaetigen", "fortschritt"]
    wrong = []
    with httpx.Client(base_url=api.url, timeout=30, follow_redirects=False) as http:
        for slug, form in FORMS.items():
            for caller, expected in zip(CALLERS, ROLES[form.role], strict=True):
                headers = {"Authorization": f"Bearer {tokens[caller]}"} if caller in tokens else {}
                answer = http.get(f"/alliances/{a}/formulare/{slug}", headers=headers)
                if answer.status_code != expected:
                    wrong.append(f"{slug} as {caller}: {answer.status_code}, expected {expected}")
        unknown = http.get(f"/alliances/{uuid4()}/formulare/akteur",
                           headers={"Authorization": f"Bearer {tokens['office']}"})
    assert wrong == [], "\n".join(wrong)
    assert unknown.status_code == 404 and '<html lang="de">' in unknown.text
