"""Builds what the settings choose: the application, its key ring, the read models' store, the queries.

Every process's composition root calls these; the layers below receive what they build.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg

from api.tokens import InMemoryTokenStore, TokenStore
from config.settings import Settings, private_dir
from domain.application import AllianceApplication, Clock
from domain.errors import InvalidInput
from domain.personal_data import InMemoryKeyRing, KeyRing
from projections.checkpoints import CheckpointFile, Checkpoints, PostgresCheckpoints
from projections.partitioned import Partitions
from projections.postgres_store import PostgresProjectionStore
from projections.queries import Queries
from projections.sqlite_store import SQLiteProjectionStore
from projections.store import ProjectionStore
from storage.group_commit import GroupCommit
from storage.keyrings import PostgresKeyRing, SQLiteKeyRing
from storage.postgres_events import ddl_lock_key
from storage.tokens import PostgresTokenStore, SQLiteTokenStore
from storage.wakes import DatagramSender
from workflows.notifications import SmtpMailer


def store_env(settings: Settings) -> dict[str, str]:
    """eventsourcing's settings for the configured store."""
    if settings.store == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if settings.store == "sqlite":
        private_dir(settings.var_dir)
        settings.events_path.parent.mkdir(parents=True, exist_ok=True)
        # eventsourcing's SQLite recorders on a datastore that can group commits (storage/group_commit.py)
        return {"PERSISTENCE_MODULE": "storage.group_commit:GroupCommitSQLiteFactory",
                "SQLITE_DBNAME": str(settings.events_path), "SQLITE_LOCK_TIMEOUT": "10"}
    # eventsourcing's PostgreSQL recorders, with an insert function that takes the table lock (a
    # gapless notification log) and table creation under an advisory lock: storage/postgres_events.py.
    return {"PERSISTENCE_MODULE": "storage.postgres_events:GaplessPostgresFactory",
            "POSTGRES_SCHEMA": settings.postgres_schema,
            "POSTGRES_POOL_SIZE": str(settings.postgres_pool_size), "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
            **settings.postgres_parts()}


def freeze_startup_heap() -> None:
    """Moves what the process holds after start-up (modules, settings, the worker or the API's
    app) out of the garbage collector's sight, so a full collection walks only what came later
    (shorter pauses on the event loop and the pollers): in the bench worker at load 3–5 a full
    collection held every thread 100–350 ms every 10–40 s, ~100 ms of it before any workflow had
    started (bench/notes/workflows.md, sixth look). Call once, before serving or polling."""
    gc.collect()
    gc.freeze()


@contextmanager
def long_lived_heap(thaw_every: float = 600.0) -> Iterator[None]:
    """While the API serves on its own (`buendnis api`): its start-up heap frozen, and what survives
    each full collection frozen as well (SurvivorFreeze). One for the process however many enter;
    after the last leaves the collector is as before, nothing frozen (the tests serve in their own
    process)."""
    if not _heap_holders:
        freeze_startup_heap()
        gc.callbacks.append(SurvivorFreeze(thaw_every))
    _heap_holders.append(thaw_every)
    try:
        yield
    finally:
        _heap_holders.pop()
        if not _heap_holders:
            gc.callbacks[:] = [c for c in gc.callbacks if not isinstance(c, SurvivorFreeze)]
            gc.unfreeze()


_heap_holders: list[float] = []


class SurvivorFreeze:
    """After each full collection, what survived it is frozen too; every `thaw_every` seconds the
    freeze is lifted so that the next full collection walks the whole heap once.

    What a process loads after start-up and then keeps (the aggregates' cache, the templates,
    the routes' validators) was walked by every full collection
    again: in the API on the scale benchmark's store (the alliance page of a 5,571-event alliance)
    an empty full collection took 20-27 ms of CPU over ~22,000 such objects, and one came every
    ~27 requests (2026-12-01, bench/notes/scale.md). Frozen, a full collection walks only what
    came since the last one. The price: a cycle that was alive when frozen and became garbage
    later stays until the next thaw (at most `thaw_every` seconds)."""

    def __init__(self, thaw_every: float = 600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.thaw_every = thaw_every
        self.clock = clock
        self.thaw_at = clock() + thaw_every

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase != "stop" or info.get("generation") != 2:
            return
        if self.clock() >= self.thaw_at:
            gc.unfreeze()  # the next full collection walks everything, and frees what was kept
            self.thaw_at = self.clock() + self.thaw_every
        else:
            gc.freeze()


def group_commit(settings: Settings, application: AllianceApplication) -> GroupCommit | None:
    """The API's commands on SQLite: one commit per turn of its event loop (None elsewhere)."""
    return GroupCommit(application) if settings.store == "sqlite" else None


def ensure_schema(settings: Settings) -> None:
    """The deployment's schema; processes starting together create it once (advisory lock)."""
    if settings.store == "postgres":
        with psycopg.connect(settings.postgres_dsn) as conn:
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (ddl_lock_key(settings.postgres_schema),))
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.postgres_schema}"')


def build_key_ring(settings: Settings) -> KeyRing:
    if settings.store == "sqlite":
        return SQLiteKeyRing(settings.var_dir / "person-keys.db")
    if settings.store == "postgres":
        return PostgresKeyRing(settings.keyring_dsn or settings.postgres_dsn, settings.keyring_schema_name,
                               events_schema=None if settings.keyring_dsn else settings.postgres_schema)
    return InMemoryKeyRing()


def build_application(settings: Settings, *, clock: Clock | None = None, **extra_env: Any) -> AllianceApplication:
    ensure_schema(settings)
    step_policy, _ = settings.policies()
    application = AllianceApplication(env={**store_env(settings), **extra_env}, policy=step_policy,
                                      key_ring=build_key_ring(settings), clock=clock or settings.clock())
    if settings.store == "sqlite":  # a relay in another process wakes on each save (PostgreSQL: NOTIFY)
        application.on_saved(DatagramSender(settings.events_path))
    return application


def build_store(settings: Settings) -> ProjectionStore:
    """SQLite files under var/projections/, or tables in the deployment's PostgreSQL schema."""
    if settings.store == "postgres":
        return PostgresProjectionStore(settings.postgres_dsn, settings.postgres_schema, settings.postgres_parts())
    if settings.store == "memory":
        raise InvalidInput("Lesemodelle brauchen einen dauerhaften Speicher: BUENDNIS_STORE=sqlite oder postgres.")
    return SQLiteProjectionStore(settings.var_dir / "projections")


def rebuild_partitions(settings: Settings) -> Partitions:
    """`settings.rebuild_processes` processes for a rebuild, each with its own application and store
    (projections/partitioned.py; on PostgreSQL the rebuild stays in one process)."""
    return Partitions(settings.rebuild_processes, lambda: (build_application(settings), build_store(settings)))


def checkpoint_file(settings: Settings) -> Checkpoints:
    """The signed anchors of the audit chain: a file under var/ (embedded), or a table in the
    PostgreSQL schema, where every API process verifies against them. Signed with the audit key
    (not the token secret); checkpoints signed before it existed, with a key derived from the token
    secret, stay verifiable as signed by an older key (projections/checkpoints.py)."""
    secret = settings.audit_secret()
    legacy = settings.legacy_token_secret()
    older = (legacy,) if legacy and legacy != secret else ()
    if settings.store == "postgres":
        return PostgresCheckpoints(settings.postgres_dsn, settings.postgres_schema, secret, older)
    return CheckpointFile(settings.var_dir / "audit-checkpoints.jsonl", secret, older)


def build_token_store(settings: Settings) -> TokenStore:
    """Token revocation and calendar feeds, shared by every API process and the CLI."""
    if settings.store == "postgres":
        ensure_schema(settings)
        return PostgresTokenStore(settings.postgres_dsn, settings.postgres_schema)
    if settings.store == "memory":
        return InMemoryTokenStore()
    return SQLiteTokenStore(private_dir(settings.var_dir) / "tokens.db")


def build_queries(
    settings: Settings, *, application: AllianceApplication | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Queries:
    """The read side for the configured deployment (one per process); it closes what it built itself."""
    _, follow_up_policy = settings.policies()
    return Queries(
        build_store(settings),
        application or build_application(settings),
        checkpoint_file(settings),
        follow_up_policy=follow_up_policy,
        clock=clock or settings.clock(),
        owns_store=True,
        owns_application=application is None,
    )


def build_mailer(settings: Settings) -> SmtpMailer:
    """The SMTP connection the settings describe (the local sink by default)."""
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpMailer(settings.smtp_host, settings.smtp_port, security=settings.smtp_security,
                      user=settings.smtp_user, password=password,
                      ca_file=str(settings.smtp_ca_file) if settings.smtp_ca_file else None)
