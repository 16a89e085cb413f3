"""The five steps of the guide and their exit criteria, with thresholds from a policy object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.values import MeetingKind, Outcome

if TYPE_CHECKING:
    from domain.alliance import Alliance

STEP_TITLES: dict[int, str] = {
    1: "Bündnisidee initiieren",
    2: "Bündnisteam aufbauen",
    3: "Planungstreffen durchführen",
    4: "Bündnis gründen",
    5: "Netzwerk nachhaltig steuern",
}

STEP_QUESTIONS: dict[int, tuple[str, ...]] = {
    1: (
        "Was könnte ein Bündnis vor Ort bewirken?",
        "Wer engagiert sich bereits für Familienfreundlichkeit, welchen Netzwerken kann man sich anschließen?",
        "Für wen ist eine Beteiligung attraktiv?",
        "Welche Partner und Ressourcen sind am wichtigsten?",
    ),
    2: (
        "Was genau wollen wir tun?",
        "Welcher Nutzen entsteht für welche Zielgruppe?",
        "Welche Aufgaben soll das Bündnis übernehmen?",
        "Welche Unterstützer und Ressourcen werden gebraucht?",
    ),
    3: (
        "Welche Themen und ersten Projekte nehmen wir in den Aktionsplan auf?",
        "Wie arbeiten wir zusammen, wer ist wofür verantwortlich?",
        "Welche weiteren Akteure laden wir ein?",
    ),
    4: (
        "Welches Format hat die Gründungsveranstaltung?",
        "Welcher symbolische Akt macht die Gründung sichtbar?",
        "Wie begleiten wir die Gründung mit Pressearbeit?",
    ),
    5: (
        "Hat jede Arbeitsgruppe eine Sprecherin oder einen Sprecher?",
        "Gibt es eine Lenkungs- oder Steuerungsgruppe für das Bündnis als Ganzes?",
        "Treffen sich alle Partner mindestens zweimal im Jahr – auch die eher passiven?",
        "Tritt das Bündnis mit einer Stimme auf und macht es regelmäßig Pressearbeit?",
        "Ist das Bündnis vor Ort verankert (Kooperationen, Sitze in Gremien)?",
    ),
}

LAST_STEP = 5


@dataclass(frozen=True)
class StepPolicy:
    """Thresholds of the exit criteria; the guide gives the intent, these numbers are ours."""

    min_contacts: int = 5
    min_interested: int = 3
    min_active_role: int = 1
    min_team: int = 3
    min_team_sectors: int = 2
    min_goals: int = 1
    min_candidates: int = 1
    min_themes: int = 1
    min_projects: int = 1
    min_invited: int = 1
    # Step 5's Netzwerk-Check (domain/network.py): shown and counted, never blocking.
    min_partner_meetings: int = 2  # all-partner meetings in the last 12 months
    publicity_within_months: int = 6

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"Schrittregel {name} muss eine ganze Zahl ≥ 0 sein, nicht {value!r}")


@dataclass(frozen=True)
class Criterion:
    text: str
    met: bool
    code: str = ""  # the Netzwerk-Check's rule (domain/network.py); exit criteria have none


def exit_criteria(alliance: Alliance, step: int, policy: StepPolicy) -> list[Criterion]:
    """The exit criteria of `step` as they stand for `alliance`; step 5 has none."""
    p = policy
    if step == 1:
        latest = alliance.latest_outcomes()
        interested = sum(o in (Outcome.INTERESTED, Outcome.ACTIVE_ROLE) for o in latest.values())
        active = sum(o is Outcome.ACTIVE_ROLE for o in latest.values())
        return [
            Criterion(f"mindestens {p.min_contacts} Einzelgespräche geführt "
                      f"({len(alliance.contacts)} bisher)", len(alliance.contacts) >= p.min_contacts),
            Criterion(f"mindestens {p.min_interested} interessierte Akteure ({interested} bisher)",
                      interested >= p.min_interested),
            Criterion(f"mindestens {p.min_active_role} Akteur mit aktiver Rolle ({active} bisher)",
                      active >= p.min_active_role),
        ]
    if step == 2:
        sectors = {alliance.actors[a].sector for a in alliance.team}
        return [
            Criterion(f"Bündnisteam mit mindestens {p.min_team} Akteuren ({len(alliance.team)} bisher)",
                      len(alliance.team) >= p.min_team),
            Criterion(f"Team aus mindestens {p.min_team_sectors} Akteurstypen ({len(sectors)} bisher)",
                      len(sectors) >= p.min_team_sectors),
            Criterion("erste Ziele oder Themen festgehalten", len(alliance.goals) >= max(p.min_goals, 1)),
            Criterion("Liste weiterer Akteure, die gewonnen werden sollen",
                      len(alliance.candidates) >= max(p.min_candidates, 1)),
        ]
    if step == 3:
        held = [m for m in alliance.meetings.values()
                if m.kind is MeetingKind.PLANNING and m.held and m.attendee_ids]
        themes = {pr.theme for pr in alliance.projects.values()}
        invited = [c for c in alliance.candidates.values() if c.invited_on is not None]
        return [
            Criterion("Planungstreffen mit Teilnehmenden durchgeführt", bool(held)),
            Criterion(f"mindestens {p.min_themes} Thema im Aktionsplan", len(themes) >= p.min_themes),
            Criterion(f"mindestens {p.min_projects} Startprojekt im Aktionsplan",
                      len(alliance.projects) >= p.min_projects),
            Criterion("weitere Akteure eingeladen", len(invited) >= p.min_invited),
        ]
    if step == 4:
        founding = alliance.founding
        criteria = [
            Criterion("Gründungsveranstaltung durchgeführt", founding is not None),
            Criterion("symbolischer Akt festgehalten", founding is not None and bool(founding.symbolic_act)),
        ]
        if founding is not None and founding.declaration:
            criteria.append(Criterion("Deklaration von Partnern unterzeichnet", bool(alliance.signatures)))
        criteria.append(Criterion("Beitritt zur Initiative „Lokale Bündnisse für Familie“",
                                  alliance.joined_initiative_on is not None))
        return criteria
    return []


def unmet(alliance: Alliance, step: int, policy: StepPolicy) -> list[str]:
    return [c.text for c in exit_criteria(alliance, step, policy) if not c.met]
