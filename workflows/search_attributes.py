"""Search attributes of alliance workflows: the Web UI lists "step 3, stalled since May"."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.service import RPCError

ALLIANCE_STEP = SearchAttributeKey.for_int("AllianceStep")
ALLIANCE_STATUS = SearchAttributeKey.for_keyword("AllianceStatus")
BUNDESLAND = SearchAttributeKey.for_keyword("Bundesland")
STALLED_SINCE = SearchAttributeKey.for_datetime("StalledSince")

ALL_KEYS = (ALLIANCE_STEP, ALLIANCE_STATUS, BUNDESLAND, STALLED_SINCE)
# As `temporal server start-dev --search-attribute NAME=TYPE` wants them.
CLI_FLAGS = (
    "AllianceStep=Int",
    "AllianceStatus=Keyword",
    "Bundesland=Keyword",
    "StalledSince=Datetime",
)


async def ensure_registered(client: Client, namespace: str) -> None:
    """Registers missing search attributes. A workflow upserting an unknown one would fail its task
    again and again, so the worker refuses to start when it may not register them."""
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace))
    missing = {k.name: IndexedValueType.ValueType(k.indexed_value_type.value)
               for k in ALL_KEYS if k.name not in listed.custom_attributes}
    if not missing:
        return
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing))
    except RPCError as e:
        names = ", ".join(sorted(missing))
        raise RuntimeError(
            f"Die Suchattribute {names} fehlen im Temporal-Namensraum {namespace} und lassen sich "
            f"nicht anlegen ({e.message}); bitte mit "
            "`temporal operator search-attribute create` anlegen."
        ) from None
