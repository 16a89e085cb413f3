"""Given-steps for tests: an alliance brought to a step by the guide's own actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from domain.application import AllianceApplication

BY = "koordination@test"
SECTORS = ("kommune", "unternehmen", "kita", "kirche", "verband", "stiftung")


@dataclass
class Given:
    app: AllianceApplication
    alliance_id: UUID
    actors: list[UUID] = field(default_factory=list)
    candidates: list[UUID] = field(default_factory=list)


def new_alliance(app: AllianceApplication, name: str = "Lokales Bündnis für Familie Jena") -> Given:
    aid = app.register_alliance(name=name, municipality="Jena", state="Thüringen", by=BY)
    given = Given(app, aid)
    for i, sector in enumerate(SECTORS):
        given.actors.append(app.add_actor(aid, name=f"Akteur {i} ({sector})", sector=sector, by=BY))
    return given


def meet_step_1(g: Given) -> None:
    for i, actor in enumerate(g.actors[:5]):
        g.app.record_contact(g.alliance_id, actor_id=actor, on=date(2026, 1, 5 + i),
                             outcome="active_role" if i == 0 else "interested", by=BY)


def meet_step_2(g: Given) -> None:
    for actor in g.actors[:3]:
        g.app.add_team_member(g.alliance_id, actor_id=actor, by=BY)
    g.app.record_goal(g.alliance_id, text="Ferienbetreuung für Kinder von Beschäftigten", by=BY)
    g.candidates.append(g.app.list_candidate(g.alliance_id, name="Volkshochschule Jena", sector="sonstige", by=BY))


def meet_step_3(g: Given) -> None:
    meeting = g.app.schedule_meeting(g.alliance_id, kind="planning", on=date(2026, 4, 1), title="Planungsklausur",
                                     by=BY)
    g.app.hold_meeting(g.alliance_id, meeting, attendee_ids=g.actors[:4], by=BY)
    g.app.add_project(g.alliance_id, title="Ferienbetreuung", theme="Vereinbarkeit von Familie und Beruf", by=BY)
    if not g.candidates:
        g.candidates.append(g.app.list_candidate(g.alliance_id, name="Familienzentrum", sector="sonstige", by=BY))
    g.app.invite_candidate(g.alliance_id, candidate_id=g.candidates[-1], on=date(2026, 4, 2), by=BY)


def meet_step_4(g: Given) -> None:
    g.app.record_founding(g.alliance_id, on=date(2026, 6, 1), symbolic_act="Unterzeichnung der Deklaration",
                          signatory_ids=g.actors[:4], by=BY)
    g.app.join_federal_initiative(g.alliance_id, joined_on=date(2026, 6, 15), by=BY)


MEET = (meet_step_1, meet_step_2, meet_step_3, meet_step_4)


def alliance_in_step(app: AllianceApplication, step: int) -> Given:
    """An alliance whose steps before `step` were completed with their criteria met."""
    g = new_alliance(app)
    for n in range(1, step):
        MEET[n - 1](g)
        app.complete_step(g.alliance_id, n, by=BY)
    return g
