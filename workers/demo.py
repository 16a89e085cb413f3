"""Demo data: alliances in real German towns, driven through the guide's steps via the application.

Everything goes through the application's commands, so the demo is valid by construction; a
simulated clock gives each alliance a plausible history of months or years.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from domain.application import AllianceApplication

COORDINATOR = "koordination@demo"

ORGANISATIONS: dict[str, tuple[str, ...]] = {
    "kommune": ("Stadt {town}", "Jugendamt {town}"),
    "unternehmen": ("Stadtwerke {town} GmbH", "Sparkasse {town}", "Bäckerei Sommer KG", "Maschinenbau Keller GmbH"),
    "kammer": ("IHK-Geschäftsstelle {town}", "Kreishandwerkerschaft {town}"),
    "gewerkschaft": ("DGB-Kreisverband {town}",),
    "arbeitsagentur": ("Agentur für Arbeit {town}",),
    "verband": ("Caritasverband {town} e. V.", "Kreissportbund {town}"),
    "stiftung": ("Bürgerstiftung {town}",),
    "hochschule": ("Hochschule {town}",),
    "krankenhaus": ("Klinikum {town}",),
    "kirche": ("Ev. Kirchengemeinde {town}", "Kath. Pfarrei St. Marien"),
    "kita": ("Kita Sonnenschein", "Kita Regenbogen"),
    "grundschule": ("Grundschule am Park",),
    "freier_traeger": ("AWO Kinder- und Jugendhilfe {town}", "Lebenshilfe {town} e. V."),
    "sonstige": ("Mehrgenerationenhaus {town}", "Familienzentrum {town}"),
}

# Meeting titles in German whatever the machine's locale (strftime's %B follows it: "May 2026").
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")
OUTCOMES = ("interested", "interested", "undecided", "not_interested")
THEMES = ("Vereinbarkeit von Familie und Beruf", "verlässliche Kinderbetreuung",
          "familienfreundliche Infrastruktur", "Vereinbarkeit von Beruf und Pflege")
PROJECTS = ("Ferienbetreuung für Kinder von Beschäftigten", "Familienwegweiser online",
            "Notfallbetreuung in Randzeiten", "Pflege-Lotsen in Betrieben", "Familienfreundliches Unternehmen – Siegel",
            "Babybegrüßungspaket", "Elterncafé am Samstag")
COMMITMENTS = (("geld", "Zuschuss für die Ferienbetreuung", Decimal("2500"), "EUR"),
               ("raeume", "Räume für das Elterncafé", Decimal("4"), "Termine"),
               ("personal", "Moderation der Arbeitsgruppe", Decimal("40"), "Stunden"),
               ("betreuungsplaetze", "Belegplätze in der Kita", Decimal("5"), "Plätze"),
               ("oeffentlichkeitsarbeit", "Anzeige im Amtsblatt", None, None),
               ("fachwissen", "Beratung zur Pflegezeit", Decimal("6"), "Termine"))

GROUP_NAMES = dict(zip(THEMES, ("Familie und Beruf", "Kinderbetreuung", "Infrastruktur", "Beruf und Pflege"),
                       strict=True))

# (town, Bundesland, target step, years of history, dormant)
DEMO_ALLIANCES: tuple[tuple[str, str, int, float, bool], ...] = (
    ("Freiburg im Breisgau", "Baden-Württemberg", 5, 6.0, False),
    ("Regensburg", "Bayern", 5, 4.5, False),
    ("Lüneburg", "Niedersachsen", 5, 3.0, False),
    ("Görlitz", "Sachsen", 5, 5.0, True),
    ("Münster", "Nordrhein-Westfalen", 4, 1.5, False),
    ("Jena", "Thüringen", 4, 1.2, False),
    ("Kassel", "Hessen", 3, 0.9, False),
    ("Rostock", "Mecklenburg-Vorpommern", 3, 1.1, False),
    ("Trier", "Rheinland-Pfalz", 2, 0.6, False),
    ("Flensburg", "Schleswig-Holstein", 2, 0.8, False),
    ("Cottbus", "Brandenburg", 1, 0.12, False),
    ("Saarlouis", "Saarland", 1, 0.2, False),
)


class SimClock:
    """A clock the demo moves forward by hand."""

    def __init__(self, start: datetime, limit: datetime | None = None) -> None:
        self.now = start
        self.limit = limit  # never beyond this moment (a demo must not write the future)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, days: float) -> date:
        self.now += timedelta(days=days)
        if self.limit is not None:
            self.now = min(self.now, self.limit)
        return self.now.date()


@contextmanager
def simulated(app: AllianceApplication, clock: SimClock) -> Iterator[SimClock]:
    saved: Callable[[], datetime] = app.clock
    app.clock = clock
    try:
        yield clock
    finally:
        app.clock = saved


@dataclass
class Built:
    alliance_id: UUID
    actors: list[UUID]


def build_alliance(app: AllianceApplication, town: str, state: str, step: int, start: datetime,
                   rng: random.Random, end: datetime, dormant: bool = False,
                   in_step_days: int | None = None) -> Built:
    """One alliance from the first conversation to `step`, its history spread from `start` to `end`.

    The clock never passes `end`. With `in_step_days`, the alliance enters its current step that many
    days before `end`, so "stalled" and "active" read as intended for a demo of today."""
    span = max((end - start).days, 30)
    clock = SimClock(start, end)
    by = COORDINATOR

    def complete(n: int) -> None:
        if in_step_days is not None and n + 1 == step:
            clock.now = max(clock.now, end - timedelta(days=in_step_days))
        app.complete_step(aid, n, by=by)

    with simulated(app, clock):
        aid = app.register_alliance(name=f"Lokales Bündnis für Familie {town}", municipality=town, state=state, by=by)
        sectors = list(ORGANISATIONS)
        rng.shuffle(sectors)
        actors: list[UUID] = []
        for sector in sectors[: rng.randint(7, 12)]:
            name = rng.choice(ORGANISATIONS[sector]).format(town=town)
            if any(name == app.get_alliance(aid).actors[str(a)].name for a in actors):
                continue
            actors.append(app.add_actor(aid, name=name, sector=sector, by=by))
        per_step = span / max(step, 1) if step < 5 else span / 6
        # Step 1: conversations one by one.
        for i, actor in enumerate(actors[:7]):
            on = clock.advance(per_step / 9)
            # The third conversation always finds interest, so the exit criterion of step 1 holds.
            outcome = "active_role" if i < 2 else "interested" if i == 2 else rng.choice(OUTCOMES)
            follow = on + timedelta(days=21) if outcome in ("interested", "undecided") else None
            app.record_contact(aid, actor_id=actor, on=on, outcome=outcome, follow_up_on=follow,
                               notes="Gespräch beim Kaffee im Rathaus" if i == 0 else None, by=by)
        person = app.add_contact_person(aid, actor_id=actors[0], name=f"Maria Schneider ({town})",
                                        email="m.schneider@example.org", phone="+49 30 1234567", by=by)
        del person
        if step == 1:
            return Built(aid, actors)
        complete(1)
        # Step 2: the team at one table.
        team_meeting = app.schedule_meeting(aid, kind="team", on=clock.advance(per_step / 3),
                                            title="Erstes Teamtreffen", by=by)
        for actor in actors[:4]:
            app.add_team_member(aid, actor_id=actor, by=by)
        app.hold_meeting(aid, team_meeting, attendee_ids=actors[:4],
                         minutes="Erwartungen ausgetauscht, Aufgaben verteilt.", by=by)
        for theme in rng.sample(THEMES, 2):
            app.record_goal(aid, text=theme, by=by)
        candidates = [app.list_candidate(aid, name=f"Wohnungsbaugenossenschaft {town}", sector="unternehmen", by=by),
                      app.list_candidate(aid, name=f"Volkshochschule {town}", sector="sonstige", by=by)]
        if step == 2:
            return Built(aid, actors)
        clock.advance(per_step / 2)
        complete(2)
        # Step 3: the planning meeting and the action plan.
        planning = app.schedule_meeting(aid, kind="planning", on=clock.advance(per_step / 3), title="Planungsklausur",
                                        organiser_id=actors[0], by=by)
        app.hold_meeting(aid, planning, attendee_ids=actors[:6], by=by)
        for project in rng.sample(PROJECTS, 3):
            app.add_project(aid, title=project, theme=rng.choice(THEMES), owner_id=rng.choice(actors[:4]),
                            due_on=clock.now.date() + timedelta(days=rng.randint(60, 300)), by=by)
        app.invite_candidate(aid, candidate_id=candidates[0], on=clock.now.date(), by=by)
        kind, text, amount, unit = rng.choice(COMMITMENTS)
        app.pledge_commitment(aid, partner_id=actors[1], description=text, kind=kind, amount=amount, unit=unit,
                              due_on=clock.now.date() + timedelta(days=rng.randint(20, 120)), by=by)
        if step == 3:
            return Built(aid, actors)
        app.record_minutes(aid, planning, minutes="Aktionsplan entworfen, Gründungstermin festgelegt.", by=by)
        clock.advance(per_step / 2)
        complete(3)
        # Step 4: founding.
        founding_on = clock.advance(per_step / 3)
        signatories = actors[: rng.randint(4, len(actors))]
        app.record_founding(aid, on=founding_on, symbolic_act="Unterzeichnung der Deklaration im Rathaus",
                            format="bunte Familienmesse", signatory_ids=signatories, by=by)
        app.join_federal_initiative(aid, joined_on=clock.advance(14), by=by)
        if step == 4:
            return Built(aid, actors)
        complete(4)
        _steer(app, aid, actors, clock, rng, end, founding_on)
        if dormant:
            app.pause(aid, reason="Koordinatorin in Elternzeit, keine Nachfolge", by=by)
    return Built(aid, actors)


def _steer(app: AllianceApplication, aid: UUID, actors: list[UUID], clock: SimClock, rng: random.Random,
           end: datetime, founded: date) -> None:
    """Step 5: working groups, all-partner meetings, commitments and yearly self-assessments."""
    by = COORDINATOR
    groups = [app.form_working_group(aid, name=f"AG {GROUP_NAMES[theme]}", theme=theme,
                                     speaker_id=actors[i] if i < 1 else None, by=by)
              for i, theme in enumerate(rng.sample(THEMES, 2))]
    app.set_steering_group(aid, member_ids=actors[:3], reason="in der Gründungsversammlung gewählt", by=by)
    commitments: list[UUID] = []
    year = 0
    while clock.now + timedelta(days=100) < end:
        on = clock.advance(rng.randint(90, 170))
        title = f"Bündnistreffen {MONTHS[on.month - 1]} {on.year}"
        meeting = app.schedule_meeting(aid, kind="all_partners", on=on, title=title, by=by)
        attendees = rng.sample(actors, rng.randint(3, len(actors)))
        minutes = "Berichte aus den Arbeitsgruppen." if rng.random() < 0.8 else None  # some never get minutes
        app.hold_meeting(aid, meeting, attendee_ids=attendees, minutes=minutes, by=by)
        kind, text, amount, unit = rng.choice(COMMITMENTS)
        partner = rng.choice(actors)
        if app.get_alliance(aid).declined(partner) is not None:
            partner = actors[1]  # who said no pledges nothing; the second conversation found an active role
        cid = app.pledge_commitment(aid, partner_id=partner, description=text, kind=kind, amount=amount,
                                    unit=unit, due_on=on + timedelta(days=rng.randint(60, 240)),
                                    recurrence="yearly" if rng.random() < 0.2 else None, by=by)
        app.confirm_commitment(aid, cid, by=by)
        commitments.append(cid)
        for earlier in commitments[:-1]:
            c = app.get_commitment(aid, earlier)
            if c.is_open and c.due_on and c.due_on <= on:
                if rng.random() < 0.75:
                    app.fulfil_commitment(aid, earlier, on=c.due_on, by=by)
                else:
                    app.mark_commitment_overdue(aid, earlier, on=c.due_on)
        if (on - founded).days >= 365 * (year + 1):
            year += 1
            app.record_self_assessment(aid, on=on, scores={d: min(5, max(1, rng.randint(2, 4) + year // 2)) for d in (
                "wirkung", "sichtbarkeit", "verankerung", "zusammenarbeit", "kultur", "kooperation")}, by=by)
    if len(groups) > 1 and rng.random() < 0.5:
        app.appoint_speaker(aid, groups[1], speaker_id=actors[1], by=by)


def load_demo(app: AllianceApplication, now: datetime | None = None, seed: int = 1992) -> list[UUID]:
    """The dozen demo alliances; returns their ids."""
    now = now or app.clock()
    rng = random.Random(seed)
    ids = []
    for town, state, step, years, dormant in DEMO_ALLIANCES:
        start = now - timedelta(days=365 * years)
        # Histories reach up to some days before today; Rostock has sat in step 3 long enough to stall.
        end = now - timedelta(days=rng.randint(2, 20))
        in_step = None if step == 5 else 130 if town == "Rostock" else rng.randint(10, 70)
        ids.append(build_alliance(app, town, state, step, start, rng, end, dormant, in_step).alliance_id)
    return ids
