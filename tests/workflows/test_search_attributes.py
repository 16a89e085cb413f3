"""The worker registers the alliance search attributes where they are missing."""

from __future__ import annotations

from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.testing import WorkflowEnvironment

from tests.workflows.conftest import BIN
from workflows.search_attributes import ALL_KEYS, ensure_registered


async def test_missing_search_attributes_are_registered_at_start_up() -> None:
    async with await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(BIN / "temporal"), ui=False) as env:
        request = ListSearchAttributesRequest(namespace="default")
        before = await env.client.operator_service.list_search_attributes(request)
        assert "AllianceStep" not in before.custom_attributes

        await ensure_registered(env.client, "default")
        await ensure_registered(env.client, "default")  # a second start finds them all

        after = await env.client.operator_service.list_search_attributes(request)
        assert {k.name for k in ALL_KEYS} <= set(after.custom_attributes)
