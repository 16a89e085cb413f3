"""Records the histories replayed by test_replay.py: `python -m tests.workflows.record_histories`.

Run it when a workflow changes in a way that running workflows must survive: keep the old
files (they prove the change is guarded by `workflow.patched`) and add the new ones.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from tests.workflows.conftest import BIN, Harness, open_harness
from workflows.alliance import AllianceWorkflow
from workflows.payloads import RefreshRequest
from workflows.runtime import DATA_CONVERTER

HISTORIES = Path(__file__).parent / "histories"
BY = "koordination"


async def save(handle: WorkflowHandle[Any, Any], name: str) -> None:
    history = await handle.fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())
    print(f"{name}: {len(history.events)} Ereignisse")


async def alliance_in_step_1(h: Harness, tag: str) -> None:
    """Several contact follow-ups due at once, then the stalled step and its escalation."""
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Aufzeichnung", municipality="Archiv", state="Bayern", by=BY
    )
    today = (await h.now()).date()
    for i in range(3):
        actor = h.app.add_actor(alliance_id, name=f"Akteur {i}", sector="verband", by=BY)
        h.app.record_contact(
            alliance_id, actor_id=actor, on=today, outcome="interested", follow_up_on=today, by=BY
        )
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))
    await h.advance(timedelta(days=125))
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))
    await h.alliance_handle(alliance_id).execute_update(
        AllianceWorkflow.refresh, RefreshRequest("Aufzeichnung")
    )
    await save(h.alliance_handle(alliance_id), f"alliance_step1_{tag}")


async def commitment_overdue(h: Harness, tag: str) -> None:
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Zusage", municipality="Archiv", state="Hessen", by=BY
    )
    partner = h.app.add_actor(alliance_id, name="Sparkasse", sector="unternehmen", by=BY)
    due = (await h.now()).date() + timedelta(days=20)
    commitment = h.app.pledge_commitment(
        alliance_id,
        partner_id=partner,
        description="Räume für Ferienspiele",
        kind="raeume",
        due_on=due,
        recurrence="yearly",
        by=BY,
    )
    await h.relay_all()
    await h.settle(h.commitment_handle(commitment))
    await h.advance(timedelta(days=55))
    h.app.fulfil_commitment(alliance_id, commitment, by="partner")
    await h.relay_all()
    await h.settle(h.commitment_handle(commitment))
    await h.advance(timedelta(days=30))
    await save(h.commitment_handle(commitment), f"commitment_yearly_{tag}")


async def commitment_of_paused_then_dissolved_alliance(h: Harness, tag: str) -> None:
    """Silent while the alliance is dormant, reminded again once resumed, ended with its dissolution."""
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Ruhe", municipality="Archiv", state="Bremen", by=BY
    )
    partner = h.app.add_actor(alliance_id, name="Bäckerei", sector="unternehmen", by=BY)
    due = (await h.now()).date() + timedelta(days=30)
    commitment = h.app.pledge_commitment(
        alliance_id, partner_id=partner, description="Brot für das Fest", kind="sachleistung",
        due_on=due, by=BY,
    )
    await h.relay_all()
    await h.settle(h.commitment_handle(commitment))
    h.app.pause(alliance_id, reason="Pause", by=BY)
    await h.relay_all()
    await h.settle(h.commitment_handle(commitment))
    await h.advance(timedelta(days=20))
    h.app.resume(alliance_id, reason="weiter", by=BY)
    await h.relay_all()
    await h.settle(h.commitment_handle(commitment))
    await h.advance(timedelta(days=1))
    h.app.dissolve(alliance_id, reason="Auflösung", by=BY)
    await h.relay_all()
    assert await h.commitment_handle(commitment).result() == "withdrawn"
    await save(h.commitment_handle(commitment), f"commitment_dissolved_{tag}")


async def alliance_catching_up(h: Harness, tag: str) -> None:
    """Contact follow-ups due long before the workflow started: recorded as missed, one summary."""
    today = (await h.now()).date()
    alliance_id = h.app.register_alliance(
        name="Bündnis Nachholen", municipality="Archiv", state="Sachsen", by=BY
    )
    for name, days in (("Stadtwerke", 60), ("Volkshochschule", 45), ("Familienzentrum", 3)):
        actor = h.app.add_actor(alliance_id, name=name, sector="verband", by=BY)
        h.app.record_contact(
            alliance_id,
            actor_id=actor,
            on=today - timedelta(days=days + 20),
            outcome="interested",
            follow_up_on=today - timedelta(days=days),
            by=BY,
        )
    await h.relay_all()
    await h.settle(h.alliance_handle(alliance_id))
    await h.advance(timedelta(days=3))
    await save(h.alliance_handle(alliance_id), f"alliance_catch_up_{tag}")


async def alliance_in_step_5_continued_as_new(h: Harness, tag: str) -> None:
    """Meetings in step 5 over two years; the recorded run starts from a carried view."""
    h.max_history = 120
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Dauer", municipality="Archiv", state="Sachsen", by=BY
    )
    organiser = h.app.add_actor(alliance_id, name="Landratsamt", sector="kommune", by=BY)
    for step in (1, 2, 3):
        h.app.complete_step(alliance_id, step, justification="aus dem Vorgängerprojekt", by=BY)
    h.app.record_founding(
        alliance_id,
        on=(await h.now()).date(),
        symbolic_act="Baum gepflanzt",
        signatory_ids=[organiser],
        by=BY,
    )
    h.app.complete_step(alliance_id, 4, justification="Beitritt folgt", by=BY)
    for _ in range(4):
        today = (await h.now()).date()
        meeting = h.app.schedule_meeting(
            alliance_id,
            kind="all_partners",
            on=today,
            title="Bündnistreffen",
            organiser_id=organiser,
            by=BY,
        )
        h.app.hold_meeting(alliance_id, meeting, attendee_ids=[organiser], by=BY)
        await h.relay_all()
        for _ in range(7):
            await h.advance(timedelta(days=30))
            await h.relay_all()
    progress = await h.settle(h.alliance_handle(alliance_id))
    assert progress["generation"] > 1, progress
    await save(h.alliance_handle(alliance_id), f"alliance_step5_{tag}")


async def alliance_busy(h: Harness, tag: str) -> None:
    """Seventy notices one after the other: a run of over 500 history events (a change that
    continues runs as new earlier must leave such a run going on as it did)."""
    await h.now()
    alliance_id = h.app.register_alliance(
        name="Bündnis Betrieb", municipality="Archiv", state="Berlin", by=BY
    )
    handle = h.alliance_handle(alliance_id)
    for i in range(70):
        h.app.record_goal(alliance_id, text=f"Ziel {i}", by=BY)
        await h.relay_all()
        await h.settle(handle)
    # The first run (should a later change continue runs as new before the seventy notices end).
    first = handle
    while previous := (await first.fetch_history()).events[
        0
    ].workflow_execution_started_event_attributes.continued_execution_run_id:
        first = h.env.client.get_workflow_handle(handle.id, run_id=previous)
    await save(first, f"alliance_busy_{tag}")


SCENARIOS = {
    "alliance_in_step_1": alliance_in_step_1,
    "commitment_overdue": commitment_overdue,
    "alliance_catching_up": alliance_catching_up,
    "alliance_in_step_5_continued_as_new": alliance_in_step_5_continued_as_new,
    "commitment_of_paused_then_dissolved_alliance": commitment_of_paused_then_dissolved_alliance,
    "alliance_busy": alliance_busy,
}


async def main(tag: str, only: list[str]) -> None:
    HISTORIES.mkdir(exist_ok=True)
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(BIN / "temporal-test-server"), data_converter=DATA_CONVERTER
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, scenario in SCENARIOS.items():
                if only and name not in only:
                    continue
                async with open_harness(env, Path(tmp) / scenario.__name__) as h:
                    await scenario(h, tag)
    finally:
        await env.shutdown()


if __name__ == "__main__":
    # `python -m tests.workflows.record_histories v10 [scenario …]`: all scenarios, or those named.
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "v1", sys.argv[2:]))
