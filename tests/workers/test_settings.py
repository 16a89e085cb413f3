"""Settings: one typed object from the environment; a bad value stops start-up with a clear message."""

from __future__ import annotations

import gc
import secrets
import stat
from pathlib import Path

import pytest
from temporalio.worker import UnsandboxedWorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from config.settings import SettingsError, load_settings, read_secret_file, weak_secret, write_secret_file
from workers.bootstrap import freeze_startup_heap, store_env
from workers.temporal_server import dev_server_args
from workflows.runtime import WorkerPolling, workflow_runner


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
    ("BUENDNIS_WORKER_STICKY_TIMEOUT", "0"),
    ("BUENDNIS_WORKER_WORKFLOW_POLLERS", "1"),
    ("BUENDNIS_WORKER_NONSTICKY_RATIO", "1.5"),
    ("BUENDNIS_TEMPORAL_TASK_QUEUE_PARTITIONS", "0"),
])
def test_a_bad_value_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


def test_the_worker_and_the_dev_server_take_their_polling_from_the_settings() -> None:
    settings = load_settings(worker_sticky_timeout=2.5, worker_workflow_pollers=12,
                             worker_nonsticky_ratio=0.25, temporal_task_queue_partitions=1)
    assert WorkerPolling.of(settings) == WorkerPolling(2.5, 12, 0.25)
    args = dev_server_args(settings)
    assert "matching.numTaskqueueReadPartitions=1" in args
    assert "matching.numTaskqueueWritePartitions=1" in args


def test_the_worker_runs_workflows_in_the_sandbox_unless_the_setting_turns_it_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BUENDNIS_WORKER_SANDBOX", "false")
    assert isinstance(workflow_runner(load_settings().worker_sandbox), UnsandboxedWorkflowRunner)
    assert isinstance(workflow_runner(sandboxed=True), SandboxedWorkflowRunner)


def test_the_worker_keeps_its_start_up_heap_out_of_the_collectors_sight() -> None:
    gc.unfreeze()
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


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


@pytest.mark.parametrize("value", [
    "CHANGE-ME-to-at-least-32-random-characters",  # the value of infra/buendnis.env.example
    "CHANGE-ME-to-another-48-random-characters-please",
    "a" * 32,
    "a" * 64,
    "ab" * 32,
    "my-very-secret-token-signing-key-for-production",
])
@pytest.mark.parametrize("variable", ["BUENDNIS_TOKEN_SECRET", "BUENDNIS_AUDIT_KEY"])
def test_placeholders_and_low_entropy_secrets_are_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


def test_the_example_settings_are_refused_until_their_secrets_are_replaced() -> None:
    example = (Path(__file__).resolve().parents[2] / "infra" / "buendnis.env.example").read_text()
    secrets_in_it = dict(line.split("=", 1) for line in example.splitlines()
                         if line.startswith(("BUENDNIS_TOKEN_SECRET=", "BUENDNIS_AUDIT_KEY=")))
    assert len(secrets_in_it) == 2
    for value in secrets_in_it.values():
        assert weak_secret(value) is not None


def test_random_secrets_are_taken_and_kept_apart(tmp_path: Path) -> None:
    settings = load_settings(var_dir=tmp_path / "var")
    token_secret, audit_key = settings.secret(), settings.audit_secret()
    assert token_secret != audit_key and weak_secret(token_secret) is None and weak_secret(audit_key) is None
    for name in ("token-secret", "audit-key"):
        assert stat.S_IMODE((tmp_path / "var" / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "var").stat().st_mode) == 0o700
    assert load_settings(var_dir=tmp_path / "var").secret() == token_secret  # made once, then kept
    assert weak_secret(secrets.token_hex(32)) is None and weak_secret(secrets.token_urlsafe(32)) is None


def test_a_secret_file_is_created_atomically_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "var" / "geheim"
    assert write_secret_file(path, "eins") and not write_secret_file(path, "zwei")
    assert path.read_text() == "eins" and stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    with pytest.raises(SettingsError, match="chmod 600"):
        read_secret_file(path, lambda: "x")


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
