"""The projections by name; the composition roots build the store they live in (`workers/bootstrap.py`)."""

from __future__ import annotations

from domain.application import AllianceApplication
from projections.audit import AuditChainProjection
from projections.detail import DetailProjection
from projections.engine import Projection
from projections.errors import UnknownProjection
from projections.inbox import InboxProjection
from projections.overview import OverviewProjection
from projections.timeline import TimelineProjection

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

