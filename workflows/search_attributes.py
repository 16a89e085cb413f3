"""Search attributes of alliance workflows: the Web UI lists "step 3, stalled since May"."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

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
