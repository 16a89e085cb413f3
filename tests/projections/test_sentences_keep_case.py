"""Audit sentences quote names and descriptions as they were written; demo titles speak German."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from domain.application import AllianceApplication
from projections.sentences import describe
from workers.demo import MONTHS, build_alliance


def test_a_sentence_starting_with_a_quoted_commitment_keeps_its_capitals() -> None:
    app = AllianceApplication()
    aid = app.register_alliance(name="Bündnis Freiburg", municipality="Freiburg", state="Baden-Württemberg", by="k")
    clinic = app.add_actor(aid, name="Klinikum Freiburg", sector="krankenhaus", by="k")
    cid = app.pledge_commitment(aid, partner_id=clinic, description="Moderation der Arbeitsgruppe",
                                kind="personal", by="k")
    app.confirm_commitment(aid, cid, by="k")
    confirmed = list(app.events.get(cid))[-1]
    sentence = describe(confirmed, app.get_alliance(aid), app.get_commitment(aid, cid))
    assert sentence.startswith("Die Zusage „Moderation der Arbeitsgruppe“ von Klinikum Freiburg wurde bestätigt.")


def test_demo_meetings_are_named_with_german_months() -> None:
    app = AllianceApplication()
    end = datetime(2026, 6, 1, 12, tzinfo=UTC)
    built = build_alliance(app, "Jena", "Thüringen", 5, end - timedelta(days=3 * 365), random.Random(7), end)
    meetings = app.get_alliance(built.alliance_id).meetings.values()
    titles = [m.title for m in meetings if m.title.startswith("Bündnistreffen")]
    assert titles and all(t.split()[1] in MONTHS for t in titles), titles
