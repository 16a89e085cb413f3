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
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
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


@pytest.mark.parametrize(("text", "message"), [
    ("steps = 5\n", r"\[steps\] muss eine Tabelle sein"),
    ("steps = [1, 2]\n", r"\[steps\] muss eine Tabelle sein"),
    ("[schritte]\nmin_contacts = 8\n", "Unbekannte Tabelle.*schritte"),
    ('[steps]\nmin_contacts = "8"\n', "min_contacts muss eine ganze Zahl sein, nicht ein Text"),
    ("[steps]\nmin_contacts = 1.5\n", "min_contacts muss eine ganze Zahl sein, nicht eine Kommazahl"),
    ("[steps]\nmin_contacts = true\n", "min_contacts muss eine ganze Zahl sein, nicht ein Wahrheitswert"),
    ("[steps]\nmin_contacts = [8]\n", "min_contacts muss eine ganze Zahl sein, nicht eine Liste"),
    ("[follow_ups]\nstalled_days = 1979-05-27\n", "stalled_days muss eine ganze Zahl sein, nicht ein Datum"),
    ("[follow_ups]\nstalled_days = 9223372036854775807\n", "stalled_days muss eine ganze Zahl zwischen 0 und 3660"),
    ("[follow_ups]\ncadence_escalation_months = 100000\n",
     "cadence_escalation_months muss eine ganze Zahl zwischen 0 und 120 "),
    ("[follow_ups]\nsend_hour_utc = 24\n", "send_hour_utc muss eine ganze Zahl zwischen 0 und 23"),
    ("[follow_ups]\nsend_window_minutes = 100000\n", "send_window_minutes muss eine ganze Zahl zwischen 0 und 1440"),
    ("[follow_ups]\nsend_hour = 5\n", "zwischen 6 und 20 Uhr"),
    ("[steps]\nmin_team = 99999999999999999999999\n", "min_team muss eine ganze Zahl zwischen 0 und 10000"),
    ("[follow_ups]\ncadence_reminder_months = 7\ncadence_escalation_months = 6\n", "Eskalation"),
])
def test_a_misshapen_policy_file_is_refused_in_german_naming_the_rule(tmp_path: Path, text: str, message: str) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(text)
    with pytest.raises(SettingsError, match=message) as refused:
        load_settings(policy_file=policy)
    assert str(policy) in str(refused.value)


def test_a_policy_file_that_is_not_utf8_text_is_refused_in_german(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_bytes(b"[steps]\nmin_contacts = 8 # \xfc\n")
    with pytest.raises(SettingsError, match="kein gültiges TOML"):
        load_settings(policy_file=policy)


def test_the_largest_accepted_figures_are_taken(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[follow_ups]\nstalled_days = 3660\noverdue_escalation_days = 3660\n"
                      "cadence_reminder_months = 120\ncadence_escalation_months = 120\n")
    _, follow_ups = load_settings(policy_file=policy).policies()
    assert (follow_ups.stalled_days, follow_ups.cadence_escalation_months) == (3660, 120)
