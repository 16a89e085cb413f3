"""Builds the application for the configured store; every process's composition root calls this."""

from __future__ import annotations

from typing import Any

import psycopg

from config.settings import Settings
from domain.application import AllianceApplication, Clock, utc_now
from domain.personal_data import InMemoryKeyRing, KeyRing
from storage.keyrings import PostgresKeyRing, SQLiteKeyRing


def store_env(settings: Settings) -> dict[str, str]:
    """eventsourcing's settings for the configured store."""
    if settings.store == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if settings.store == "sqlite":
        settings.events_path.parent.mkdir(parents=True, exist_ok=True)
        return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(settings.events_path),
                "SQLITE_LOCK_TIMEOUT": "10"}
    return {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_SCHEMA": settings.postgres_schema,
            "POSTGRES_POOL_SIZE": "10", "POSTGRES_MAX_OVERFLOW": "10", "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
            **settings.postgres_parts()}


def ensure_schema(settings: Settings) -> None:
    if settings.store == "postgres":
        with psycopg.connect(settings.postgres_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.postgres_schema}"')


def build_key_ring(settings: Settings) -> KeyRing:
    if settings.store == "sqlite":
        return SQLiteKeyRing(settings.var_dir / "person-keys.db")
    if settings.store == "postgres":
        return PostgresKeyRing(settings.postgres_dsn, settings.postgres_schema)
    return InMemoryKeyRing()


def build_application(settings: Settings, *, clock: Clock = utc_now, **extra_env: Any) -> AllianceApplication:
    ensure_schema(settings)
    step_policy, _ = settings.policies()
    return AllianceApplication(env={**store_env(settings), **extra_env}, policy=step_policy,
                               key_ring=build_key_ring(settings), clock=clock)
