"""Settings: one typed object from the environment; a bad value stops start-up with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import SettingsError, load_settings
from workers.bootstrap import store_env


def test_defaults_are_the_embedded_sqlite_store_under_var() -> None:
    settings = load_settings()
    assert settings.store == "sqlite" and settings.events_path == Path("var/events.db")


def test_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUENDNIS_STORE", "postgres")
    monkeypatch.setenv("BUENDNIS_POSTGRES_DSN", "postgresql://bund:geheim@db.internal:6543/buendnis")
    env = store_env(load_settings())
    assert env["PERSISTENCE_MODULE"] == "storage.postgres_events:GaplessPostgresFactory"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_USER"], env["POSTGRES_PASSWORD"],
            env["POSTGRES_DBNAME"]) == ("db.internal", "6543", "bund", "geheim", "buendnis")


@pytest.mark.parametrize(("variable", "value"), [
    ("BUENDNIS_STORE", "mongodb"),
    ("BUENDNIS_POSTGRES_DSN", "mysql://x@y/z"),
    ("BUENDNIS_SMTP_PORT", "99999"),
    ("BUENDNIS_TEMPORAL_ADDRESS", "no port"),
    ("BUENDNIS_TOKEN_SECRET", "kurz"),
    ("BUENDNIS_POSTGRES_SCHEMA", "Robert'); DROP TABLE"),
    ("BUENDNIS_POLICY_FILE", "/nicht/da.toml"),
])
def test_a_bad_value_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


def test_the_policy_file_overrides_the_default_thresholds(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[steps]\nmin_contacts = 8\n[follow_ups]\nstalled_days = 60\n")
    steps, follow_ups = load_settings(policy_file=policy).policies()
    assert (steps.min_contacts, steps.min_team, follow_ups.stalled_days) == (8, 3, 60)


@pytest.mark.parametrize(("text", "message"), [
    ("[steps]\nmin_kontakte = 8\n", "min_kontakte"),
    ("[follow_ups]\nstalled_days = -1\n", "stalled_days"),
    ("[steps\n", "TOML"),
])
def test_a_bad_policy_file_stops_start_up(tmp_path: Path, text: str, message: str) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(text)
    with pytest.raises(SettingsError, match=message):
        load_settings(policy_file=policy)
