"""`buendnis token`, run as a user would: a signed token for the deployment, German errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

from api.auth import decode_token
from config.settings import load_settings

BUENDNIS = Path(sys.executable).with_name("buendnis")


def token(*args: str, var: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BUENDNIS), "token", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "BUENDNIS_VAR_DIR": str(var), "BUENDNIS_STORE": "sqlite", "COLUMNS": "200"},
    )


def test_token_for_a_coordinator_is_bound_to_its_alliance(tmp_path: Path) -> None:
    alliance = uuid4()
    result = token("koordination", "--alliance", str(alliance), var=tmp_path)
    assert result.returncode == 0, result.stderr
    principal = decode_token(load_settings(var_dir=tmp_path).secret(), result.stdout.strip())
    assert principal.role == "koordination" and principal.alliance_id == alliance


def test_token_for_a_partner_needs_alliance_and_partner(tmp_path: Path) -> None:
    result = token("partner", "--alliance", str(uuid4()), var=tmp_path)
    assert result.returncode == 2 and "--partner" in result.stderr
    partner = uuid4()
    ok = token("partner", "--alliance", str(uuid4()), "--partner", str(partner), var=tmp_path)
    assert decode_token(load_settings(var_dir=tmp_path).secret(), ok.stdout.strip()).partner_id == partner


def test_unknown_role_and_bad_ids_are_refused_in_german(tmp_path: Path) -> None:
    unknown = token("admin", var=tmp_path)
    assert unknown.returncode == 2 and "Unbekannte Rolle" in unknown.stderr
    bad = token("koordination", "--alliance", "kein-uuid", var=tmp_path)
    assert bad.returncode == 2 and "UUID" in bad.stderr
