"""`buendnis token`, run as a user would: a signed token for the deployment, German errors."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest

from api.auth import decode_token, issue_token
from api.problems import Problem
from api.tokens import TokenState
from config.settings import load_settings
from workers.bootstrap import build_token_store

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


def _state(var: Path) -> TokenState:
    return TokenState(build_token_store(load_settings(var_dir=var, store="sqlite")), ttl=0)


def test_a_token_has_an_id_a_subject_and_lives_at_most_90_days(tmp_path: Path) -> None:
    made = token("servicebuero", "--person", "anna@servicebuero.example", var=tmp_path)
    principal = decode_token(load_settings(var_dir=tmp_path).secret(), made.stdout.strip())
    assert principal.jti and principal.subject == "anna@servicebuero.example"
    assert principal.expires_at and principal.issued_at
    assert (principal.expires_at - principal.issued_at).days == 30
    too_long = token("servicebuero", "--days", "91", var=tmp_path)
    assert too_long.returncode == 2
    with pytest.raises(ValueError, match="höchstens 90"):
        issue_token(load_settings(var_dir=tmp_path).secret(), "servicebuero", ttl=timedelta(days=91))


def test_revoke_a_person_ends_all_its_tokens_and_new_ones_work(tmp_path: Path) -> None:
    secret = load_settings(var_dir=tmp_path).secret()
    first = token("servicebuero", "--person", "anna", var=tmp_path).stdout.strip()
    other = token("servicebuero", "--person", "bert", var=tmp_path).stdout.strip()
    assert decode_token(secret, first, state=_state(tmp_path)).subject == "anna"
    revoked = token("revoke", "--person", "anna", var=tmp_path)
    assert revoked.returncode == 0, revoked.stderr
    with pytest.raises(Problem, match="widerrufen"):
        decode_token(secret, first, state=_state(tmp_path))
    assert decode_token(secret, other, state=_state(tmp_path)).subject == "bert"
    again = token("servicebuero", "--person", "anna", var=tmp_path).stdout.strip()
    assert decode_token(secret, again, state=_state(tmp_path)).version == 1


def test_revoke_one_token_by_its_id_and_a_scope_without_a_person(tmp_path: Path) -> None:
    secret, alliance = load_settings(var_dir=tmp_path).secret(), uuid4()
    one = token("koordination", "--alliance", str(alliance), var=tmp_path).stdout.strip()
    two = token("koordination", "--alliance", str(alliance), var=tmp_path).stdout.strip()
    jti = decode_token(secret, one).jti
    assert token("revoke", "--jti", jti, var=tmp_path).returncode == 0
    with pytest.raises(Problem):
        decode_token(secret, one, state=_state(tmp_path))
    decode_token(secret, two, state=_state(tmp_path))
    assert token("revoke", "--alliance", str(alliance), var=tmp_path).returncode == 0
    with pytest.raises(Problem):
        decode_token(secret, two, state=_state(tmp_path))
    assert token("revoke", var=tmp_path).returncode == 2


def test_var_is_private_and_the_secret_files_are_0600(tmp_path: Path) -> None:
    var = tmp_path / "var"
    assert token("servicebuero", var=var).returncode == 0
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for name in ("token-secret", "tokens.db"):
        assert stat.S_IMODE((var / name).stat().st_mode) == 0o600, name
