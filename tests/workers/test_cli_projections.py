"""Read-side commands: generate, rebuild, status, exports, audit; bad input answered in German."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from openpyxl import load_workbook
from typer.testing import CliRunner

from config.settings import Settings
from workers.bootstrap import build_application, build_queries
from workers.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """The CLI configures structlog onto the runner's stream, which closes after each call."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


@pytest.fixture
def env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    return {
        "BUENDNIS_STORE": settings.store,
        "BUENDNIS_VAR_DIR": str(tmp_path / "var"),
        "BUENDNIS_POSTGRES_DSN": settings.postgres_dsn,
        "BUENDNIS_POSTGRES_SCHEMA": settings.postgres_schema,
    }


def test_generate_rebuild_export_and_verify(env: dict[str, str], tmp_path: Path) -> None:
    generated = runner.invoke(app, ["demo", "generate", "--alliances", "4", "--years", "2"], env=env)
    assert generated.exit_code == 0, generated.output
    assert "4 Bündnisse mit" in generated.output
    rebuilt = runner.invoke(app, ["projections", "rebuild"], env=env)
    assert rebuilt.exit_code == 0, rebuilt.output
    status = runner.invoke(app, ["projections", "status"], env=env)
    assert status.exit_code == 0 and "overview" in status.output
    overview = tmp_path / "overview.csv"
    assert runner.invoke(app, ["projections", "export", "overview", "-o", str(overview)], env=env).exit_code == 0
    lines = overview.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Bündnis;Kommune;Bundesland") and len(lines) == 5
    alliance = lines[1].split(";")[-1]
    survey = tmp_path / "umfrage.xlsx"
    result = runner.invoke(
        app,
        [
            "projections",
            "export",
            "survey",
            "--alliance",
            alliance,
            "-f",
            "xlsx",
            "-o",
            str(survey),
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "Partner nach Akteurstyp" in load_workbook(survey).sheetnames
    commitments = tmp_path / "zusagen.xlsx"
    assert (
        runner.invoke(
            app,
            ["projections", "export", "commitments", "-f", "xlsx", "-o", str(commitments)],
            env=env,
        ).exit_code
        == 0
    )
    assert runner.invoke(app, ["audit", "checkpoint"], env=env).exit_code == 0
    verified = runner.invoke(app, ["audit", "verify"], env=env)
    assert verified.exit_code == 0 and "In Ordnung" in verified.output


def test_rebuild_swaps_in_a_fresh_generation_that_queries_follow(
    env: dict[str, str], settings: Settings, tmp_path: Path
) -> None:
    runner.invoke(app, ["demo", "generate", "--alliances", "2", "--years", "1"], env=env)
    local = settings.model_copy(update={"var_dir": tmp_path / "var"})
    queries = build_queries(local)
    try:
        assert queries.status()["overview"]["generation"] == 1
        runner.invoke(app, ["projections", "rebuild", "overview"], env=env)
        status = queries.status()["overview"]
        assert status["generation"] == 2 and status["lag"] == 0
        assert queries.dashboard()["alliances"] == 2
    finally:
        queries.close()


def test_unknown_projection_names_and_the_audit_chain_are_refused_in_german(
    env: dict[str, str],
) -> None:
    unknown = runner.invoke(app, ["projections", "rebuild", "umsatz"], env=env)
    assert unknown.exit_code == 2 and "Eine Projektion „umsatz“ gibt es nicht" in unknown.output
    audit = runner.invoke(app, ["projections", "rebuild", "audit"], env=env)
    assert audit.exit_code == 2 and "Prüfkette wird nie neu aufgebaut" in audit.output
    survey = runner.invoke(app, ["projections", "export", "survey", "-o", "x.csv"], env=env)
    assert survey.exit_code == 2 and "--alliance" in survey.output


@pytest.mark.parametrize(
    "option",
    [["--seed", str(2**63)], ["--seed", str(-(2**63) - 1)], ["--years", "nan"], ["--alliances", str(10**30)]],
)
def test_number_options_beyond_their_bounds_stop_before_anything_is_written(
    env: dict[str, str], settings: Settings, tmp_path: Path, option: list[str]
) -> None:
    result = runner.invoke(app, ["demo", "generate", "--alliances", "1", *option], env=env)
    assert result.exit_code == 2 and option[0] in result.output
    application = build_application(settings.model_copy(update={"var_dir": tmp_path / "var"}))
    try:
        assert not application.recorder.max_notification_id()
    finally:
        application.close()
