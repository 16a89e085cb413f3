"""Read-model tables on PostgreSQL: processes starting together do not trip over each other."""

from __future__ import annotations

import threading

import pytest

from config.settings import load_settings
from projections.registry import projection_class
from projections.store import View
from workers.bootstrap import build_store

POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.mark.postgres
def test_the_projector_and_the_read_side_may_create_the_same_tables_at_the_same_moment(pg_schema: str) -> None:
    settings = load_settings(store="postgres", postgres_dsn=POSTGRES_DSN, postgres_schema=pg_schema)
    stores = [build_store(settings) for _ in range(6)]
    barrier = threading.Barrier(len(stores))
    opened: list[View] = []
    errors: list[BaseException] = []

    def open_timeline(store: object) -> None:
        barrier.wait()
        try:
            opened.append(store.open("timeline", 1, projection_class("timeline").schema))  # type: ignore[attr-defined]
        except BaseException as e:  # collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=open_timeline, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(opened) == len(stores)
