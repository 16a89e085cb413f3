"""Shared fixtures: the application on each real backend, with a fresh store per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import hypothesis
import psycopg
import pytest

from config.settings import Settings, load_settings
from domain.application import AllianceApplication
from workers.bootstrap import build_application

POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/test"

# pytest-xdist's workers run with COLUMNS=80, which a Rich console made at import (workers/cli_*.py)
# keeps as its fixed width: the CLI tests' own COLUMNS (CliRunner env) would be ignored there.
os.environ.pop("COLUMNS", None)
# Every store the tests open, in this process and the processes they start, opens 2 connections at
# once instead of 10: two test processes reached PostgreSQL's 100 ("too many clients already").
os.environ.setdefault("BUENDNIS_POSTGRES_POOL_SIZE", "2")

# Tests never assert wall-clock times: hypothesis's default 200 ms deadline per example is one (it
# failed a text-field property at 304 ms on loaded cores). Examples are still bounded by count.
hypothesis.settings.register_profile("buendnis", deadline=None)
hypothesis.settings.load_profile("buendnis")


@pytest.fixture
def memory_app() -> AllianceApplication:
    return build_application(load_settings(store="memory"))


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped after the test (with the key ring's schema beside it)."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    yield schema
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_keys" CASCADE')


def _settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    if backend == "sqlite":
        return load_settings(store="sqlite", var_dir=tmp_path / "var")
    schema: str = request.getfixturevalue("pg_schema")
    return load_settings(store="postgres", postgres_dsn=POSTGRES_DSN, postgres_schema=schema)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings of a fresh store on each real backend: a SQLite file, and a PostgreSQL schema."""
    return _settings(request.param, tmp_path, request)


@pytest.fixture
def make_app(settings: Settings) -> Iterator[Callable[..., AllianceApplication]]:
    """Builds applications on the same store (several can run side by side, like processes)."""
    apps: list[AllianceApplication] = []

    def make(**kwargs: object) -> AllianceApplication:
        app = build_application(settings, **kwargs)  # type: ignore[arg-type]
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()
