"""The weekly digest's content, and start-up refusing a broken policy file."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config.settings import Settings, SettingsError, load_settings
from domain.alliance import Alliance
from domain.commitment import Commitment
from domain.follow_ups import FollowUpPolicy
from workers import worker
from workers.bootstrap import build_application
from workflows.digest import build_digest
from workflows.notifications import render

BY = "koordination"


def test_weekly_digest_lists_stalled_alliances_overdue_commitments_and_cadence_breaches() -> None:
    start = datetime(2025, 1, 6, 9, tzinfo=UTC)
    clock = [start]
    app = build_application(load_settings(store="memory"), clock=lambda: clock[0])
    stalled = app.register_alliance(
        name="Bündnis Stillstand", municipality="Ruhe", state="Bayern", by=BY
    )
    steady = app.register_alliance(
        name="Bündnis Treffen", municipality="Takt", state="Berlin", by=BY
    )
    for step in (1, 2, 3, 4):
        if step == 3:
            app.record_founding(
                steady, on=start.date(), symbolic_act="Deklaration", signatory_ids=[], by=BY
            )
        app.complete_step(steady, step, justification="Altbestand", by=BY)
    partner = app.add_actor(stalled, name="Sparkasse", sector="unternehmen", by=BY)
    late = app.pledge_commitment(
        stalled,
        partner_id=partner,
        description="Spende Ferienfreizeit",
        kind="geld",
        due_on=start.date() + timedelta(days=10),
        by=BY,
    )
    clock[0] = start + timedelta(days=200)
    app.mark_commitment_overdue(stalled, late, on=clock[0].date())
    alliances = [app.get_alliance(stalled), app.get_alliance(steady)]
    commitments: list[Commitment] = app.commitments(stalled)

    digest = build_digest(alliances, commitments, app.policy, FollowUpPolicy(), clock[0])
    text = render("digest.txt.j2", vars(digest))

    assert [s["name"] for s in digest.stalled] == ["Bündnis Stillstand"]
    assert [c["name"] for c in digest.cadence] == ["Bündnis Treffen"]
    assert [o["description"] for o in digest.overdue] == ["Spende Ferienfreizeit"]
    assert "Bündnis Stillstand (Ruhe, Bayern): Schritt 1 seit 06.01.2025" in text
    assert "„Spende Ferienfreizeit“, fällig am 16.01.2025" in text
    assert all(isinstance(a, Alliance) for a in alliances)


async def test_worker_refuses_to_start_with_a_broken_policy_file(tmp_path: Path) -> None:
    policy = tmp_path / "regeln.toml"
    policy.write_text("[follow_ups]\nstalled_days = -3\n")
    settings = Settings(store="memory", var_dir=tmp_path / "var", policy_file=policy)
    app = build_application(load_settings(store="memory"))

    with pytest.raises(SettingsError, match="stalled_days muss eine ganze Zahl"):
        await worker.serve(settings, app, asyncio.Event())
