"""The projections by name, and the store they live in for the configured backend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.application import AllianceApplication
from projections.audit import AuditChainProjection
from projections.checkpoints import CheckpointFile
from projections.detail import DetailProjection
from projections.engine import Projection
from projections.errors import InvalidInput, UnknownProjection
from projections.inbox import InboxProjection
from projections.overview import OverviewProjection
from projections.postgres_store import PostgresProjectionStore
from projections.sqlite_store import SQLiteProjectionStore
from projections.store import ProjectionStore
from projections.timeline import TimelineProjection

if TYPE_CHECKING:
    from config.settings import Settings

PROJECTIONS: dict[str, type[Projection]] = {
    cls.name: cls
    for cls in (
        OverviewProjection,
        DetailProjection,
        TimelineProjection,
        InboxProjection,
        AuditChainProjection,
    )
}
NAMES = list(PROJECTIONS)


def projection_class(name: str) -> type[Projection]:
    try:
        return PROJECTIONS[name]
    except KeyError:
        raise UnknownProjection(name, NAMES) from None


def build_projection(name: str, application: AllianceApplication) -> Projection:
    return projection_class(name)(application)


def build_store(settings: Settings) -> ProjectionStore:
    """SQLite files under var/projections/, or tables in the deployment's PostgreSQL schema."""
    if settings.store == "postgres":
        return PostgresProjectionStore(
            settings.postgres_dsn, settings.postgres_schema, settings.postgres_parts()
        )
    if settings.store == "memory":
        raise InvalidInput(
            "Lesemodelle brauchen einen dauerhaften Speicher: BUENDNIS_STORE=sqlite oder postgres."
        )
    return SQLiteProjectionStore(settings.var_dir / "projections")


def checkpoint_file(settings: Settings) -> CheckpointFile:
    return CheckpointFile(settings.var_dir / "audit-checkpoints.jsonl", settings.secret())
