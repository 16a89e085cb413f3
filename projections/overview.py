"""The Servicebüro overview: alliances, actors, step durations, meetings, commitments, scores, and
the facts of step 5's Netzwerk-Check (judged when the dashboard is asked, domain/network.py)."""

from __future__ import annotations

from typing import Any, cast

from domain.alliance import Alliance
from domain.commitment import Commitment
from domain.network import network_facts
from domain.steps import StepPolicy, unmet
from domain.values import Dimension
from projections.alliance_events import AllianceProjection, Seen
from projections.store import Db, Schema
from projections.values import dumps, iso

DIMENSIONS = tuple(d.value for d in Dimension)

SCHEMA = Schema(
    tables={
        "alliances": "alliance_id TEXT PRIMARY KEY, name TEXT, municipality TEXT, state TEXT, "
        "step INTEGER, "
        "paused INTEGER, dissolved INTEGER, registered_at TEXT, step_entered_at TEXT, "
        "last_activity_at TEXT, founded_on TEXT, joined_on TEXT, legal_form TEXT, sectors TEXT, "
        "actors INTEGER, team INTEGER, signatories INTEGER, unmet TEXT, event_count BIGINT, "
        "version BIGINT",
        "actors": "alliance_id TEXT, actor_id TEXT, name TEXT, sector TEXT, in_team INTEGER, "
        "signed_on TEXT, "
        "PRIMARY KEY (alliance_id, actor_id)",
        "step_durations": "alliance_id TEXT, step INTEGER, entered_at TEXT, completed_at TEXT, "
        "days DOUBLE PRECISION, justified INTEGER, PRIMARY KEY (alliance_id, step, completed_at)",
        "meetings": "meeting_id TEXT PRIMARY KEY, alliance_id TEXT, kind TEXT, held_on TEXT, "
        "attendees INTEGER",
        "commitments": "commitment_id TEXT PRIMARY KEY, alliance_id TEXT, partner_id TEXT, "
        "partner TEXT, "
        "description TEXT, kind TEXT, amount TEXT, unit TEXT, due_on TEXT, recurrence TEXT, "
        "period INTEGER, status TEXT, pledged_at TEXT, updated_at TEXT, fulfilments INTEGER",
        "fulfilments": "commitment_id TEXT, period INTEGER, alliance_id TEXT, fulfilled_on TEXT, "
        "PRIMARY KEY (commitment_id, period, fulfilled_on)",
        "assessments": "alliance_id TEXT, assessed_on TEXT, "
        + ", ".join(f"{d} INTEGER" for d in DIMENSIONS)
        + ", PRIMARY KEY (alliance_id, assessed_on)",
        # One row per alliance in step 5 (a table of its own: older generations lack it until rebuilt).
        "network": "alliance_id TEXT PRIMARY KEY, facts TEXT",
    },
    indexes={
        "alliances_name": "alliances(name, alliance_id)",
        "meetings_kind": "meetings(kind, held_on)",
        "commitments_due": "commitments(status, due_on)",
        "commitments_alliance": "commitments(alliance_id)",
        "fulfilments_alliance": "fulfilments(alliance_id)",
    },
)


# Tables that only grow: their rows are gathered per batch and appended in finish (Db.append).
APPENDED = ("fulfilments", "step_durations", "meetings", "assessments")


class OverviewProjection(AllianceProjection):
    """Per-alliance facts the dashboard aggregates; a row is rewritten once per batch."""

    name = "overview"
    title = "Übersicht für das Servicebüro"
    schema = SCHEMA

    def __init__(self, application: Any, policy: StepPolicy | None = None) -> None:
        super().__init__(application)
        self.policy = policy or application.policy
        self._alliances: dict[str, Alliance] = {}
        self._counts: dict[str, int] = {}
        self._activity: dict[str, str] = {}
        self._commitments: dict[str, Commitment] = {}
        self._fulfilments: dict[str, int] = {}
        self._inserts: dict[str, list[tuple[Any, ...]]] = {}

    def begin(self, db: Db) -> None:
        self._alliances, self._counts, self._activity = {}, {}, {}
        self._commitments, self._fulfilments = {}, {}
        # Rows of the append-only tables, written in finish with one statement per table.
        self._inserts = {table: [] for table in APPENDED}

    def reset(self) -> None:
        super().reset()
        self.begin(None)  # type: ignore[arg-type]

    def see(self, seen: Seen, db: Db) -> None:
        aid, e = seen.alliance_id, seen.event
        self._alliances[aid] = seen.alliance
        # Counted per event, added to the stored count: a batch applied twice would show here.
        self._counts[aid] = self._counts.get(aid, 0) + 1
        if e.by != "system":
            self._activity[aid] = max(self._activity.get(aid, ""), seen.at)
        if seen.commitment is not None:
            cid = cast(str, seen.commitment_id)  # set whenever the commitment is
            self._commitments[cid] = seen.commitment
            if isinstance(e, Commitment.Fulfilled):
                self._fulfilments[cid] = self._fulfilments.get(cid, 0) + 1
                self._inserts["fulfilments"].append(
                    (cid, seen.commitment.period, aid, e.on.isoformat())
                )
            return
        if isinstance(e, Alliance.StepCompleted) and seen.step_entered_before is not None:
            days = (e.timestamp - seen.step_entered_before).total_seconds() / 86400
            self._inserts["step_durations"].append(
                (
                    aid,
                    e.step,
                    iso(seen.step_entered_before),
                    seen.at,
                    days,
                    int(bool(e.unmet)),
                ),
            )
        elif isinstance(e, Alliance.MeetingHeld):
            meeting = seen.alliance.meetings[str(e.meeting_id)]
            self._inserts["meetings"].append(
                (
                    str(e.meeting_id),
                    aid,
                    meeting.kind.value,
                    e.held_on.isoformat(),
                    len(e.attendee_ids),
                ),
            )
        elif isinstance(e, Alliance.SelfAssessmentRecorded):
            self._inserts["assessments"].append(
                (aid, e.on.isoformat(), *(e.scores[d] for d in DIMENSIONS))
            )

    def finish(self, db: Db) -> None:
        for table, rows in self._inserts.items():
            db.append(table, rows)
        db.executemany(
            "INSERT INTO {alliances} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?) "
            "ON CONFLICT (alliance_id) DO UPDATE SET name = excluded.name, municipality = "
            "excluded.municipality, "
            "state = excluded.state, step = excluded.step, paused = excluded.paused, dissolved "
            "= excluded.dissolved, "
            "step_entered_at = excluded.step_entered_at, "
            "last_activity_at = CASE WHEN excluded.last_activity_at IS NULL THEN "
            "{alliances}.last_activity_at "
            "WHEN {alliances}.last_activity_at IS NULL OR excluded.last_activity_at > "
            "{alliances}.last_activity_at "
            "THEN excluded.last_activity_at ELSE {alliances}.last_activity_at END, "
            "founded_on = excluded.founded_on, joined_on = excluded.joined_on, legal_form = "
            "excluded.legal_form, "
            "sectors = excluded.sectors, actors = excluded.actors, team = excluded.team, "
            "signatories = excluded.signatories, unmet = excluded.unmet, "
            "event_count = {alliances}.event_count + excluded.event_count, version = "
            "excluded.version",
            [self._alliance_row(aid, a) for aid, a in self._alliances.items()],
        )
        db.executemany("DELETE FROM {network} WHERE alliance_id = ?", [(aid,) for aid in self._alliances])
        db.executemany(
            "INSERT INTO {network} VALUES (?, ?)",
            [(aid, dumps(network_facts(a).as_dict())) for aid, a in self._alliances.items() if a.step == 5],
        )
        for aid, a in self._alliances.items():
            db.execute("DELETE FROM {actors} WHERE alliance_id = ?", (aid,))
            db.executemany(
                "INSERT INTO {actors} VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        aid,
                        key,
                        actor.name,
                        actor.sector.value,
                        int(key in a.team),
                        a.signatures[key].on.isoformat() if key in a.signatures else None,
                    )
                    for key, actor in a.actors.items()
                ],
            )
        db.executemany(
            "INSERT INTO {commitments} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (commitment_id) DO UPDATE SET partner = excluded.partner, "
            "description = excluded.description, amount = excluded.amount, unit = excluded.unit, "
            "due_on = excluded.due_on, period = excluded.period, status = excluded.status, "
            "updated_at = excluded.updated_at, fulfilments = {commitments}.fulfilments + "
            "excluded.fulfilments",
            [self._commitment_row(cid, c) for cid, c in self._commitments.items()],
        )

    def _alliance_row(self, aid: str, a: Alliance) -> tuple[Any, ...]:
        return (
            aid,
            a.name,
            a.municipality,
            a.state.value,
            a.step,
            int(a.paused),
            int(a.dissolved),
            iso(a.created_on),
            iso(a.step_entered_at),
            self._activity.get(aid),
            a.founding.on.isoformat() if a.founding else None,
            a.joined_initiative_on.isoformat() if a.joined_initiative_on else None,
            a.legal_form.value if a.legal_form else None,
            dumps(sorted({actor.sector.value for actor in a.actors.values()})),
            len(a.actors),
            len(a.team),
            len(a.signatures),
            dumps(unmet(a, a.step, self.policy)),
            self._counts.get(aid, 0),
            a.version,
        )

    def _commitment_row(self, cid: str, c: Commitment) -> tuple[Any, ...]:
        alliance = self._alliances.get(str(c.alliance_id)) or self.aggregates.latest(c.alliance_id)
        partner = alliance.actors.get(str(c.partner_id))
        return (
            cid,
            str(c.alliance_id),
            str(c.partner_id),
            partner.name if partner else None,
            c.description,
            c.kind.value,
            None if c.amount is None else str(c.amount),
            c.unit,
            c.due_on.isoformat() if c.due_on else None,
            c.recurrence.value if c.recurrence else None,
            c.period,
            c.status.value,
            iso(c.created_on),
            iso(c.modified_on),
            self._fulfilments.get(cid, 0),
        )
