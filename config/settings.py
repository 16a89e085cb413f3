"""One typed settings object read from the environment (prefix BUENDNIS_); the only reader of it."""

from __future__ import annotations

import math
import os
import secrets
import tomllib
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.dates import StartedClock, parse_start
from domain.errors import InvalidInput
from domain.follow_ups import FollowUpPolicy
from domain.policies import policies_from
from domain.steps import StepPolicy

_STARTED: dict[datetime, StartedClock] = {}


def utc_now() -> datetime:
    return datetime.now(UTC)


class SettingsError(Exception):
    """A setting has a bad value; the message names it and says what is allowed."""


# A secret needs at least 32 random bytes: 43 characters of `secrets.token_urlsafe(32)`, 64 hex
# digits, ... Placeholders and repeated characters are refused however long they are.
MIN_SECRET_CHARS = 43
MIN_SECRET_BITS = 160  # estimated from the characters' spread; a random 43-character secret has ~200
PLACEHOLDERS = ("change", "example", "secret", "passw", "placeholder", "geheim")
MAKE_ONE = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


def weak_secret(value: str) -> str | None:
    """Why `value` is no secret to sign tokens or checkpoints with; None when it is one."""
    if len(value) < MIN_SECRET_CHARS:
        return f"zu kurz: mindestens {MIN_SECRET_CHARS} zufällige Zeichen (32 Bytes), z. B. von {MAKE_ONE}"
    lowered = value.lower()
    if any(word in lowered for word in PLACEHOLDERS):
        return f"ein Platzhalter, kein Geheimnis; ein zufälliges erzeugt {MAKE_ONE}"
    counts = Counter(value)
    bits = sum(n * math.log2(len(value) / n) for n in counts.values())
    if len(counts) < 10 or bits < MIN_SECRET_BITS:
        return f"nicht zufällig genug (etwa {bits:.0f} Bit); ein zufälliges erzeugt {MAKE_ONE}"
    return None


def private_dir(path: Path) -> Path:
    """A directory only this user may enter (var/ holds the secrets and the data): 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def write_secret_file(path: Path, text: str) -> bool:
    """Creates `path` with mode 0600 and `text`, atomically: never readable by others, not even for
    a moment, and never overwriting (False when it exists already)."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    return True


def read_secret_file(path: Path, make: Callable[[], str]) -> str:
    """The secret kept in `path`, made by `make` the first time; a weak one is refused."""
    if not path.exists():
        write_secret_file(path, make())
    if path.stat().st_mode & 0o077:
        raise SettingsError(f"Die Geheimnisdatei {path} ist für andere lesbar; bitte `chmod 600 {path}`.")
    text = path.read_text().strip()
    reason = weak_secret(text)
    if reason:
        raise SettingsError(f"Die Geheimnisdatei {path} taugt nicht: {reason}.")
    return text


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BUENDNIS_", extra="ignore", frozen=True)

    store: Literal["sqlite", "postgres", "memory"] = "sqlite"
    var_dir: Path = Path("var")
    sqlite_path: Path | None = None
    postgres_dsn: str = "postgresql://postgres@127.0.0.1:5432/test"
    postgres_schema: str = Field(default="buendnis", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    # Connections each process's event store opens at once (its pool's minimum; up to 10 more on
    # demand). The test suite sets 2: two test processes with several stores each otherwise reached
    # PostgreSQL's 100 connections ("too many clients already").
    postgres_pool_size: int = Field(default=10, ge=1, le=50)
    # Processes a rebuild of the read models is split over, by alliance (SQLite only; 1: this one).
    rebuild_processes: int = Field(default=2, ge=1, le=16)
    # The erasable keys apart from the events (own schema, optionally own database; own backup
    # rule, docs/SECURITY.md). Default: `<postgres_schema>_keys` in the events' database.
    keyring_schema: str | None = Field(default=None, pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    keyring_dsn: str | None = None
    temporal_address: str = Field(default="127.0.0.1:7233", pattern=r"^[\w.-]+:\d{1,5}$")
    temporal_namespace: str = "default"
    task_queue: str = "buendnis"
    temporal_ui_port: int = Field(default=8233, ge=1, le=65535)
    # How the worker polls workflow tasks (workflows/runtime.py WorkerPolling; bench/notes/workflows.md
    # has the measurements). A task waits `worker_sticky_timeout` s for the worker that has its
    # workflow cached, then any worker may take it with the whole history: a SIGKILLed worker's
    # workflows answer again after about that long.
    worker_sticky_timeout: float = Field(default=1.0, ge=0.1, le=60.0)
    worker_workflow_pollers: int = Field(default=8, ge=2, le=256)
    # pollers × ratio poll the shared queue (Temporal's default ratio: 0.2); the rest, at least one,
    # poll the worker's own (sticky) queue, which carries every task of a workflow it has cached.
    worker_nonsticky_ratio: float = Field(default=0.25, gt=0.0, le=1.0)
    # Whether the worker runs workflows in the SDK's sandbox (workflows/runtime.py workflow_runner):
    # off, a history replays 1.6–3 times faster (574 and 41 events). The tests' workers and the
    # replay tests always run sandboxed, so workflow code that reads the clock or does I/O fails there.
    worker_sandbox: bool = False
    temporal_task_queue_partitions: int = Field(default=4, ge=1, le=64)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    mail_from: str = "servicebuero@buendnis.invalid"
    token_secret: SecretStr | None = None
    # Signs the audit chain's checkpoints; kept apart from the token secret (made under var/ if unset).
    audit_key: SecretStr | None = None
    # Plain-HTTP development (`make run`): the sign-in cookie is sent without `Secure`. Never in production.
    development: bool = False
    # Requests per token (or, signed out, per address) and window, e.g. `600/minute`; 0 turns it off.
    rate_limit: str = Field(default="600/minute", pattern=r"^(0|\d{1,6}/(second|minute|hour))$")
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    # Where people reach the pages (links in mails); default: the API's own address.
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
    log_format: Literal["json", "console", "auto"] = "auto"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    policy_file: Path | None = None
    # Runs the whole stack as if it were this moment (tests, demos): YYYY-MM-DD (noon UTC) or
    # YYYY-MM-DDTHH:MM (UTC); the clock starts there and runs on. Unset: the real time.
    test_today: str | None = None
    # Temporal beyond the embedded dev server: TLS (a cluster), mTLS (client certificate), or an
    # API key (Temporal Cloud; implies TLS).
    temporal_tls: bool = False
    temporal_tls_ca_file: Path | None = None
    temporal_tls_cert_file: Path | None = None
    temporal_tls_key_file: Path | None = None
    temporal_tls_server_name: str | None = None
    temporal_api_key: SecretStr | None = None
    # Outgoing mail through a real relay: STARTTLS on 587 or implicit TLS on 465, with a login.
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_ca_file: Path | None = None  # a private CA of the relay; else the system's CAs

    @field_validator("temporal_tls_ca_file", "temporal_tls_cert_file", "temporal_tls_key_file", "smtp_ca_file")
    @classmethod
    def _tls_file_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"die Datei {value} gibt es nicht")
        return value

    @model_validator(mode="after")
    def _connections(self) -> Settings:
        if (self.temporal_tls_cert_file is None) != (self.temporal_tls_key_file is None):
            raise ValueError("BUENDNIS_TEMPORAL_TLS_CERT_FILE und _KEY_FILE gehören zusammen (mTLS)")
        if (self.smtp_user is None) != (self.smtp_password is None):
            raise ValueError("BUENDNIS_SMTP_USER und BUENDNIS_SMTP_PASSWORD gehören zusammen")
        if self.smtp_user is not None and self.smtp_security == "none":
            raise ValueError("ein SMTP-Login ohne Verschlüsselung wird nicht gesendet: "
                             "BUENDNIS_SMTP_SECURITY=starttls oder tls")
        return self

    @property
    def temporal_uses_tls(self) -> bool:
        return bool(self.temporal_tls or self.temporal_api_key or self.temporal_tls_ca_file
                    or self.temporal_tls_cert_file)

    @field_validator("test_today")
    @classmethod
    def _test_today(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            try:
                parse_start(value)
            except InvalidInput as e:
                raise ValueError(e.message) from None
        return value or None

    def clock(self) -> Callable[[], datetime]:
        """The one clock of this process: real time, or started at `test_today` (one per process)."""
        if self.test_today is None:
            return utc_now
        start = parse_start(self.test_today)
        if start not in _STARTED:
            _STARTED[start] = StartedClock(start)
        return _STARTED[start]

    @field_validator("postgres_dsn", "keyring_dsn")
    @classmethod
    def _dsn(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("postgresql", "postgres") or not parts.hostname or not parts.path.strip("/"):
            raise ValueError("erwartet postgresql://USER[:PASSWORT]@HOST[:PORT]/DATENBANK")
        return value

    @field_validator("token_secret", "audit_key")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        reason = weak_secret(value.get_secret_value()) if value is not None else None
        if reason:
            raise ValueError(reason)
        return value

    @field_validator("policy_file")
    @classmethod
    def _policy_file_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"die Datei {value} gibt es nicht")
        return value

    def site_url(self) -> str:
        """The pages' base address, without a trailing slash."""
        return (self.public_url or f"http://{self.api_host}:{self.api_port}").rstrip("/")

    @property
    def keyring_schema_name(self) -> str:
        return self.keyring_schema or f"{self.postgres_schema}_keys"

    @property
    def events_path(self) -> Path:
        return self.sqlite_path or self.var_dir / "events.db"

    def postgres_parts(self) -> dict[str, str]:
        parts = urlsplit(self.postgres_dsn)
        return {
            "POSTGRES_DBNAME": parts.path.strip("/"),
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
        }

    def secret(self) -> str:
        """The token secret; in the embedded default one is made once and kept under var/ (0600)."""
        if self.token_secret is not None:
            value = self.token_secret.get_secret_value()
            reason = weak_secret(value)
            if reason:
                raise SettingsError(f"Ungültige Einstellung: BUENDNIS_TOKEN_SECRET: {reason}")
            return value
        return read_secret_file(self.var_dir / "token-secret", lambda: secrets.token_urlsafe(48))

    def legacy_token_secret(self) -> str | None:
        """The token secret if one exists already (checkpoints written before the audit key had its
        own file were signed with a key derived from it); never makes one."""
        if self.token_secret is not None:
            return self.token_secret.get_secret_value()
        path = self.var_dir / "token-secret"
        return path.read_text().strip() if path.exists() else None

    def audit_secret(self) -> str:
        """The audit checkpoints' own key: the setting, or made once under var/audit-key (0600)."""
        if self.audit_key is not None:
            return self.audit_key.get_secret_value()
        return read_secret_file(self.var_dir / "audit-key", lambda: secrets.token_urlsafe(48))

    def policies(self) -> tuple[StepPolicy, FollowUpPolicy]:
        """Step and follow-up thresholds: the defaults of DOMAIN.md, overridden by the policy file."""
        if self.policy_file is None:
            return StepPolicy(), FollowUpPolicy()
        try:
            data = tomllib.loads(self.policy_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise SettingsError(f"Die Regeldatei {self.policy_file} ist kein gültiges TOML (UTF-8): {e}") from None
        except OSError as e:
            raise SettingsError(f"Die Regeldatei {self.policy_file} ist nicht lesbar: {e.strerror}") from None
        try:
            return policies_from(data)
        except InvalidInput as e:
            raise SettingsError(f"Die Regeldatei {self.policy_file}: {e.message}") from None


def load_settings(**overrides: Any) -> Settings:
    """The settings, or a SettingsError naming every bad value."""
    try:
        settings = Settings(**overrides)
        settings.policies()
        return settings
    except ValidationError as e:
        problems = "; ".join(
            f"BUENDNIS_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in e.errors()
        )
        raise SettingsError(f"Ungültige Einstellung: {problems}") from None
