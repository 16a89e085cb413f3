"""Synthetic history of many alliances over years, written through the application's commands.

Builds on `workers.demo.build_alliance` (steps 1–4 on a simulated clock) and then steers each
founded alliance month by month: working-group and steering meetings with minutes and action
items, all-partner meetings, commitments pledged, confirmed, amended, reported on, fulfilled or
overdue, follow-ups sent, yearly self-assessments, new partners. Valid by construction: every
change goes through a command and its rules. `intensity` scales the meeting frequency (and so
the number of events per alliance and year).

Each alliance is written in one transaction (`storage.group_commit.one_transaction`: on SQLite one
commit instead of one per command) with its snapshots taken once at its end
(`AllianceApplication.snapshots_at_the_end`: the same snapshots the saves would have left, without
loading and encoding a long alliance again every 100 events). On SQLite a generation cut off keeps
the alliances committed before and takes back the one being written, whole.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

from domain.application import AllianceApplication
from domain.values import Bundesland, Dimension
from storage.group_commit import one_transaction
from workers.demo import (
    COMMITMENTS,
    COORDINATOR,
    GROUP_NAMES,
    ORGANISATIONS,
    PROJECTS,
    THEMES,
    SimClock,
    build_alliance,
    simulated,
)

TOWNS = (
    "Aachen",
    "Augsburg",
    "Bamberg",
    "Bielefeld",
    "Bochum",
    "Bonn",
    "Braunschweig",
    "Bremerhaven",
    "Celle",
    "Chemnitz",
    "Darmstadt",
    "Dessau-Roßlau",
    "Detmold",
    "Dortmund",
    "Dresden",
    "Duisburg",
    "Eisenach",
    "Erfurt",
    "Erlangen",
    "Essen",
    "Esslingen",
    "Frankfurt (Oder)",
    "Fulda",
    "Gera",
    "Gießen",
    "Göttingen",
    "Greifswald",
    "Halle (Saale)",
    "Hameln",
    "Hamm",
    "Hanau",
    "Heidelberg",
    "Heilbronn",
    "Hildesheim",
    "Ingolstadt",
    "Iserlohn",
    "Kaiserslautern",
    "Karlsruhe",
    "Kiel",
    "Koblenz",
    "Konstanz",
    "Krefeld",
    "Landshut",
    "Leipzig",
    "Lübeck",
    "Ludwigsburg",
    "Magdeburg",
    "Mainz",
    "Mannheim",
    "Marburg",
    "Minden",
    "Mönchengladbach",
    "Neubrandenburg",
    "Neumünster",
    "Nürnberg",
    "Offenburg",
    "Oldenburg",
    "Osnabrück",
    "Paderborn",
    "Passau",
    "Plauen",
    "Potsdam",
    "Ravensburg",
    "Recklinghausen",
    "Reutlingen",
    "Rosenheim",
    "Salzgitter",
    "Schwerin",
    "Siegen",
    "Stralsund",
    "Suhl",
    "Tübingen",
    "Ulm",
    "Weimar",
    "Wetzlar",
    "Wiesbaden",
    "Wismar",
    "Witten",
    "Wolfsburg",
    "Würzburg",
    "Zwickau",
    "Landkreis Harz",
    "Landkreis Emsland",
    "Landkreis Görlitz",
    "Rhein-Sieg-Kreis",
    "Ortenaukreis",
)
STEP_WEIGHTS = (8, 8, 8, 10, 66)  # most registered alliances were founded long ago
BY = COORDINATOR


def generate(
    app: AllianceApplication,
    *,
    alliances: int,
    years: float,
    seed: int = 7,
    intensity: float = 1.0,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[UUID]:
    """`alliances` alliances with histories from within the last `years` years; answers ids."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    states = [b.value for b in Bundesland]
    ids = []
    for i in range(alliances):
        # One alliance's commands in one transaction, its snapshots taken once at its end: one
        # commit instead of thousands, and no reload of a long history every 100 events.
        with one_transaction(app), app.snapshots_at_the_end():
            ids.append(_alliance(app, i, now, years, rng, states, intensity))
        if progress is not None:
            progress(1)
    return ids


def _alliance(app: AllianceApplication, i: int, now: datetime, years: float, rng: random.Random,
              states: list[str], intensity: float) -> UUID:
    """One alliance, somewhere between registered and years into step 5."""
    town = TOWNS[i % len(TOWNS)] + (f" {i // len(TOWNS) + 1}" if i >= len(TOWNS) else "")
    start = now - timedelta(days=365 * years * rng.uniform(0.3, 1.0))
    end = now - timedelta(days=rng.randint(1, 45))
    step = rng.choices((1, 2, 3, 4, 5), weights=STEP_WEIGHTS)[0]
    if step < 5 or (end - start).days < 400:
        return build_alliance(app, town, rng.choice(states), min(step, 4), start, rng, end).alliance_id
    return _founded(app, town, rng.choice(states), start, end, rng, intensity)


def _founded(
    app: AllianceApplication,
    town: str,
    state: str,
    start: datetime,
    end: datetime,
    rng: random.Random,
    intensity: float,
) -> UUID:
    build_end = start + (end - start) * rng.uniform(0.12, 0.25)
    built = build_alliance(app, town, state, 4, start, rng, build_end)
    aid, actors = built.alliance_id, list(built.actors)
    clock = SimClock(app.get_alliance(aid).modified_on + timedelta(days=rng.randint(7, 40)))
    with simulated(app, clock):
        app.complete_step(aid, 4, by=BY)
        Steering(app, aid, actors, clock, rng, intensity, town).run(end)
        roll = rng.random()
        if roll < 0.06:
            app.pause(aid, reason="Koordination unbesetzt, Neubesetzung geplant", by=BY)
        elif roll < 0.09:
            app.dissolve(aid, reason="Aufgaben gehen im kommunalen Familienbeirat auf", by=BY)
    return aid


class Steering:
    """Step 5 of one alliance, simulated month by month."""

    def __init__(
        self,
        app: AllianceApplication,
        aid: UUID,
        actors: list[UUID],
        clock: SimClock,
        rng: random.Random,
        intensity: float,
        town: str,
    ) -> None:
        self.app, self.aid, self.actors, self.clock, self.rng = app, aid, actors, clock, rng
        self.intensity, self.town = intensity, town
        self.groups: list[UUID] = []
        self.open_items: list[UUID] = []
        self.commitments: list[UUID] = []
        self.projects: list[tuple[UUID, str]] = []
        self.cadence = rng.choice((1, 2, 2, 2, 3))  # all-partner meetings a year; some fall short

    def run(self, end: datetime) -> None:
        app, rng = self.app, self.rng
        themes = rng.sample(THEMES, rng.randint(2, 3))
        for i, theme in enumerate(themes):
            speaker = self.actors[i] if rng.random() < 0.7 else None
            self.groups.append(
                app.form_working_group(
                    self.aid,
                    name=f"AG {GROUP_NAMES[theme]}",
                    theme=theme,
                    speaker_id=speaker,
                    by=BY,
                )
            )
        app.set_steering_group(
            self.aid,
            member_ids=self.actors[:3],
            reason="in der Gründungsversammlung gewählt",
            by=BY,
        )
        self.projects = [
            (UUID(k), p.status.value) for k, p in app.get_alliance(self.aid).projects.items()
        ]
        founded = self.clock.now
        month, next_assessment = 0, founded + timedelta(days=365)
        while self.clock.now + timedelta(days=35) < end:
            self.clock.advance(rng.uniform(25, 35))
            month += 1
            self._month(month)
            if self.clock.now >= next_assessment:
                self._assess(month // 12)
                next_assessment += timedelta(days=365)

    def _month(self, month: int) -> None:
        rng = self.rng
        for _group in self.groups:
            for _ in range(self._times(0.5 * self.intensity)):
                self._meeting("working_group", "Treffen der Arbeitsgruppe", organiser=None)
        for _ in range(self._times(0.3 * self.intensity)):
            self._meeting("steering_group", "Steuerungsgruppe", organiser=self.actors[0])
        if month % max(1, 12 // self.cadence) == 0:
            self._meeting("all_partners", f"Bündnistreffen {self.clock.now:%B %Y}", organiser=None)
        if rng.random() < 0.35:
            self._pledge()
        self._commitments()
        if self.open_items and rng.random() < 0.6:
            self.app.complete_action_item(self.aid, self.open_items.pop(0), by=BY)
        if rng.random() < 0.2 and self.groups:
            self._join(rng.choice(self.groups))
        if rng.random() < 0.04:
            self._new_partner()
        if rng.random() < 0.15:
            self._project()

    def _times(self, rate: float) -> int:
        """How often something with `rate` expected occurrences happens this month."""
        whole = int(rate)
        return whole + (1 if self.rng.random() < rate - whole else 0)

    def _meeting(self, kind: str, title: str, organiser: UUID | None) -> None:
        app, rng = self.app, self.rng
        mid = app.schedule_meeting(
            self.aid,
            kind=kind,
            on=self.clock.now.date(),
            title=title,
            organiser_id=organiser,
            by=BY,
        )
        on = self.clock.advance(rng.uniform(0.1, 0.5))
        attendees = rng.sample(self.actors, rng.randint(2, min(len(self.actors), 8)))
        with_minutes = rng.random() < 0.8
        app.hold_meeting(
            self.aid,
            mid,
            attendee_ids=attendees,
            minutes="Ergebnisse und nächste Schritte festgehalten." if with_minutes else None,
            by=BY,
        )
        if not with_minutes:
            self.clock.advance(0.2)
            to = [f"organiser:{organiser}"] if organiser else ["koordination"]
            app.record_alliance_follow_up(
                self.aid,
                key=f"minutes_missing:{mid}",
                rule="minutes_missing",
                subject_id=str(mid),
                recipients=to,
                due_at=self.clock.now,
            )
            if rng.random() < 0.7:
                app.record_minutes(self.aid, mid, minutes="Protokoll nachgereicht.", by=BY)
        if rng.random() < 0.5:
            self.open_items.append(
                app.add_action_item(
                    self.aid,
                    mid,
                    text=rng.choice(
                        (
                            "Flyer abstimmen",
                            "Termin mit Bürgermeisterin",
                            "Pressemitteilung",
                            "Raum reservieren",
                            "Fördermittel prüfen",
                        )
                    ),
                    owner_id=rng.choice(self.actors),
                    due_on=on + timedelta(days=rng.randint(14, 60)),
                    by=BY,
                )
            )

    def _pledge(self) -> None:
        kind, text, amount, unit = self.rng.choice(COMMITMENTS)
        due = self.clock.now.date() + timedelta(days=self.rng.randint(45, 300))
        partner = self.rng.choice(self.actors)
        if self.app.get_alliance(self.aid).declined(partner) is not None:
            partner = self.actors[1]  # who said no pledges nothing; the second conversation found an active role
        cid = self.app.pledge_commitment(
            self.aid,
            partner_id=partner,
            description=text,
            kind=kind,
            amount=amount,
            unit=unit,
            due_on=due,
            recurrence="yearly" if self.rng.random() < 0.15 else None,
            by=BY,
        )
        if self.rng.random() < 0.85:
            self.app.confirm_commitment(self.aid, cid, by=BY)
        self.commitments.append(cid)

    def _commitments(self) -> None:
        app, rng, today = self.app, self.rng, self.clock.now.date()
        for cid in list(self.commitments):
            c = app.get_commitment(self.aid, cid)
            if not c.is_open:
                self.commitments.remove(cid)
                continue
            if c.due_on is None:
                continue
            days_left = (c.due_on - today).days
            if 0 < days_left <= 30 and not any(
                k.startswith("commitment_due_soon") for k in c.follow_ups
            ):
                app.record_commitment_follow_up(
                    self.aid,
                    cid,
                    key=f"commitment_due_soon:{cid}:{c.period}:{c.due_on}",
                    rule="commitment_due_soon",
                    recipients=[f"partner:{c.partner_id}", "koordination"],
                    due_at=self.clock.now - timedelta(days=1),
                )
            if days_left > 0 and rng.random() < 0.15:
                app.report_progress(
                    self.aid,
                    cid,
                    on=today,
                    text="Es geht voran.",
                    percent=rng.choice((25, 50, 75)),
                    by=BY,
                )
            elif days_left <= 0:
                roll = rng.random()
                if roll < 0.7:
                    app.fulfil_commitment(self.aid, cid, on=today, by=BY)
                elif roll < 0.8:
                    app.amend_commitment(
                        self.aid,
                        cid,
                        due_on=today + timedelta(days=60),
                        reason="Haushaltssperre, Auszahlung verschoben",
                        by=BY,
                    )
                elif roll < 0.85:
                    app.withdraw_commitment(
                        self.aid, cid, reason="Partner hat sich zurückgezogen", by=BY
                    )
                elif app.mark_commitment_overdue(self.aid, cid, on=today):
                    app.record_commitment_follow_up(
                        self.aid,
                        cid,
                        key=f"commitment_overdue:{cid}:{c.period}:{c.due_on}",
                        rule="commitment_overdue",
                        recipients=["koordination"],
                        due_at=self.clock.now,
                    )

    def _join(self, group: UUID) -> None:
        members = self.app.get_alliance(self.aid).working_groups[str(group)].member_ids
        candidates = [a for a in self.actors if a not in members]
        if candidates:
            self.app.join_working_group(
                self.aid, group, actor_id=self.rng.choice(candidates), by=BY
            )

    def _new_partner(self) -> None:
        alliance = self.app.get_alliance(self.aid)
        names = {a.name.casefold() for a in alliance.actors.values()}
        sector = self.rng.choice(list(ORGANISATIONS))
        name = (
            f"{self.rng.choice(ORGANISATIONS[sector]).format(town=self.town)} ({self.clock.now:%Y})"
        )
        if name.casefold() in names:
            return
        actor = self.app.add_actor(self.aid, name=name, sector=sector, by=BY)
        self.actors.append(actor)
        self.app.sign_declaration(self.aid, actor_id=actor, on=self.clock.now.date(), by=BY)

    def _project(self) -> None:
        if self.projects and self.rng.random() < 0.6:
            index = self.rng.randrange(len(self.projects))
            project, status = self.projects[index]
            following = {"planned": "running", "running": "done"}.get(status)
            if following:
                self.app.change_project_status(
                    self.aid,
                    project,
                    status=following,
                    by=BY,
                    reason="Start beschlossen" if following == "running" else None,
                )
                self.projects[index] = (project, following)
            return
        project = self.app.add_project(
            self.aid,
            title=self.rng.choice(PROJECTS),
            theme=self.rng.choice(THEMES),
            owner_id=self.rng.choice(self.actors),
            due_on=self.clock.now.date() + timedelta(days=self.rng.randint(90, 365)),
            by=BY,
        )
        self.projects.append((project, "planned"))

    def _assess(self, year: int) -> None:
        scores = {d.value: min(5, max(1, self.rng.randint(2, 4) + (year // 2))) for d in Dimension}
        self.app.record_self_assessment(self.aid, on=self.clock.now.date(), scores=scores, by=BY)
