"""Given: the Kassel alliance from its first conversations to its network in step 5, with a
partner signing the declaration a year after the founding, on a simulated clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from domain.application import AllianceApplication

BY = "koordination@test"
FOUNDED = date(2025, 6, 1)
LATER_SIGNED = date(2026, 5, 12)


class Clock:
    """A simulated clock the test moves forward (the events carry its time)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def at(self, day: date) -> None:
        self.now = max(self.now, datetime(day.year, day.month, day.day, 10, tzinfo=UTC))


@dataclass
class Kassel:
    app: AllianceApplication
    clock: Clock
    id: UUID
    actors: dict[str, UUID] = field(default_factory=dict)
    person: UUID | None = None


def kassel(app: AllianceApplication, clock: Clock) -> Kassel:
    clock.at(date(2024, 9, 2))
    aid = app.register_alliance(name="Lokales Bündnis für Familie Kassel", municipality="Kassel", state="Hessen", by=BY)
    k = Kassel(app, clock, aid)
    for name, sector in (("Stadt Kassel", "kommune"), ("Sparkasse Kassel", "unternehmen"),
                         ("IHK Kassel-Marburg", "kammer"), ("Kita Sonnenschein", "kita"),
                         ("Ev. Kirchengemeinde Kassel-Mitte", "kirche"), ("Caritasverband Nordhessen", "verband")):
        k.actors[name] = app.add_actor(aid, name=name, sector=sector, by=BY)
    a = k.actors
    k.person = app.add_contact_person(aid, actor_id=a["Sparkasse Kassel"], name="Paula Berger",
                                      email="paula.berger@sparkasse.invalid", by=BY)
    for i, name in enumerate(a):
        app.record_contact(aid, actor_id=a[name], on=date(2024, 9, 10) + timedelta(days=i),
                           outcome="active_role" if i < 2 else ("undecided" if i == 5 else "interested"), by=BY)
    app.complete_step(aid, 1, by=BY)
    clock.at(date(2024, 11, 4))
    for name in ("Stadt Kassel", "Sparkasse Kassel", "Kita Sonnenschein"):
        app.add_team_member(aid, actor_id=a[name], by=BY)
    app.record_goal(aid, text="Verlässliche Ferienbetreuung für Kinder berufstätiger Eltern", by=BY)
    vhs = app.list_candidate(aid, name="Volkshochschule Region Kassel", sector="sonstige", by=BY)
    app.list_candidate(aid, name="Universität Kassel", sector="hochschule", by=BY)
    app.complete_step(aid, 2, by=BY)
    clock.at(date(2025, 2, 3))
    planning = app.schedule_meeting(aid, kind="planning", on=date(2025, 3, 1), title="Planungsklausur", by=BY)
    app.invite_candidate(aid, candidate_id=vhs, on=date(2025, 2, 3), by=BY)
    clock.at(date(2025, 3, 1))
    app.hold_meeting(aid, planning, attendee_ids=[a["Stadt Kassel"], a["Sparkasse Kassel"], a["Kita Sonnenschein"],
                                                  a["IHK Kassel-Marburg"]], by=BY)
    app.add_project(aid, title="Ferienspiele in Betrieben", theme="Vereinbarkeit von Familie und Beruf",
                    owner_id=a["Sparkasse Kassel"], due_on=date(2025, 7, 31), by=BY)
    app.add_project(aid, title="Familienwegweiser online", theme="familienfreundliche Infrastruktur",
                    owner_id=a["Stadt Kassel"], due_on=date(2025, 12, 1), by=BY)
    app.add_action_item(aid, planning, text="Räume für die Gründung reservieren", owner_id=a["Stadt Kassel"],
                        due_on=date(2025, 4, 15), by=BY)
    app.add_action_item(aid, planning, text="Pressemitteilung zur Gründung entwerfen",
                        owner_id=a["Caritasverband Nordhessen"], due_on=date(2025, 5, 20), by=BY)
    app.complete_step(aid, 3, by=BY)
    clock.at(date(2025, 4, 1))
    founding = app.schedule_meeting(aid, kind="founding", on=FOUNDED, title="Gründungsfest im Rathaus", by=BY)
    app.pledge_commitment(aid, partner_id=a["Sparkasse Kassel"], description="Zuschuss für die Ferienspiele",
                          kind="geld", amount=Decimal("2500"), unit="EUR", due_on=date(2025, 7, 1), by=BY)
    app.pledge_commitment(aid, partner_id=a["Kita Sonnenschein"], description="Belegplätze in den Ferien",
                          kind="betreuungsplaetze", amount=Decimal("5"), unit="Plätze", due_on=date(2025, 8, 1), by=BY)
    clock.at(FOUNDED)
    app.hold_meeting(aid, founding, attendee_ids=[a["Stadt Kassel"], a["Sparkasse Kassel"], a["Kita Sonnenschein"],
                                                  a["IHK Kassel-Marburg"]], by=BY)
    app.record_founding(aid, on=FOUNDED, symbolic_act="Unterzeichnung der Deklaration",
                        signatory_ids=[a["Stadt Kassel"], a["Sparkasse Kassel"], a["Kita Sonnenschein"]], by=BY)
    app.join_federal_initiative(aid, joined_on=date(2025, 6, 20), by=BY)
    app.complete_step(aid, 4, by=BY)
    clock.at(date(2025, 9, 1))
    app.form_working_group(aid, name="Familie und Beruf", theme="Vereinbarkeit von Familie und Beruf",
                           speaker_id=a["Sparkasse Kassel"], by=BY)
    app.set_steering_group(aid, member_ids=[a["Stadt Kassel"], a["Sparkasse Kassel"]], by=BY)
    clock.at(LATER_SIGNED)
    app.sign_declaration(aid, actor_id=a["IHK Kassel-Marburg"], on=LATER_SIGNED, by=BY)
    return k
