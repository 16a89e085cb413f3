"""`buendnis token`: a signed token for the running deployment, with German errors."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest
from typer.testing import CliRunner

from api.auth import decode_token
from workers.cli import app
from workers.settings import load_settings


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BUENDNIS_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("BUENDNIS_STORE", "sqlite")
    return tmp_path / "var"


def test_token_for_a_coordinator_is_bound_to_its_alliance(env: Path) -> None:
    alliance = uuid4()
    result = CliRunner().invoke(app, ["token", "koordination", "--alliance", str(alliance)])
    assert result.exit_code == 0, result.output
    principal = decode_token(load_settings(var_dir=env).secret(), result.stdout.strip())
    assert principal.role == "koordination" and principal.alliance_id == alliance


def test_token_for_a_partner_needs_alliance_and_partner(env: Path) -> None:
    result = CliRunner().invoke(app, ["token", "partner", "--alliance", str(uuid4())])
    assert result.exit_code == 2 and "--partner" in result.output
    partner = uuid4()
    ok = CliRunner().invoke(app, ["token", "partner", "--alliance", str(uuid4()), "--partner", str(partner)])
    assert decode_token(load_settings(var_dir=env).secret(), ok.stdout.strip()).partner_id == partner


def test_unknown_role_and_bad_ids_are_refused_in_german(env: Path) -> None:
    unknown = CliRunner().invoke(app, ["token", "admin"])
    assert unknown.exit_code == 2 and "Unbekannte Rolle" in unknown.output
    bad = CliRunner().invoke(app, ["token", "koordination", "--alliance", "kein-uuid"])
    assert bad.exit_code == 2 and "UUID" in bad.output
