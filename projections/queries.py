"""What the API and the CLI read: dashboard, alliance list and detail, timeline, inbox, audit.

Every method answers from the read models, except the as-of questions, which replay the stored
events through the application (`AllianceApplication.commitments(alliance_id, as_of)`).
Bad input raises the domain's typed errors with German messages (InvalidInput, NotFound).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

from domain.application import AllianceApplication, utc_now
from domain.commitment import Commitment
from domain.errors import InvalidInput, NotFound
from domain.facts import alliance_facts, commitment_facts
from domain.follow_ups import FollowUpPolicy, plan_alliance, plan_commitment
from domain.values import AllianceStatus, Bundesland, parse_code
from projections import audit
from projections.alliance_events import KNOWN_EVENTS
from projections.checkpoints import Checkpoints
from projections.dashboard import STATUS_SQL, active_cutoff, dashboard
from projections.registry import NAMES, projection_class
from projections.store import Db, ProjectionStore, View
from projections.values import iso, jsonable, loads
from projections.waits import LogWatch

_TIMELINE_FIELDS = (
    "'position', position, 'at', at, 'type', type, 'by', by_whom, 'data', DATA, "
    "'text', text, 'commitment_id', commitment_id"
)
EVENT_TYPES = sorted(t.__qualname__ for t in KNOWN_EVENTS)
ROLES = ("servicebuero", "koordination", "partner")
MAX_LIMIT = 500


def _aware(moment: datetime | None, what: str) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise InvalidInput(f"{what} braucht eine Zeitzone (z. B. 2026-03-01T12:00:00+01:00).")
    return moment


def _types(types: list[str] | None) -> list[str] | None:
    if not types:
        return None
    wanted = []
    for t in types:
        matches = [known for known in EVENT_TYPES if t in (known, known.split(".")[-1])]
        if not matches:
            raise InvalidInput(
                f"Unbekannte Ereignisart „{t}“. Bekannt sind: {', '.join(EVENT_TYPES)}."
            )
        wanted.extend(matches)
    return wanted


def commitment_state(c: Commitment) -> dict[str, Any]:
    return {
        "id": str(c.id),
        "partner_id": str(c.partner_id),
        "description": c.description,
        "kind": c.kind.value,
        "amount": jsonable(c.amount),
        "unit": c.unit,
        "due_on": jsonable(c.due_on),
        "status": c.status.value,
        "recurrence": jsonable(c.recurrence),
        "period": c.period,
        "fulfilled_on": jsonable(c.fulfilled_on),
        "version": c.version,
    }


class Queries:
    """Read-side entry point; safe to share between threads of one process."""

    def __init__(
        self,
        store: ProjectionStore,
        application: AllianceApplication,
        checkpoints: Checkpoints,
        *,
        follow_up_policy: FollowUpPolicy | None = None,
        clock: Callable[[], datetime] = utc_now,
        owns_store: bool = False,
        owns_application: bool = False,
    ) -> None:
        self.store = store
        self.application = application
        self._watch = LogWatch()  # when this process first saw each head: how long events waited
        self.checkpoints = checkpoints
        self.follow_up_policy = follow_up_policy or FollowUpPolicy()
        self.clock = clock
        self._views: dict[str, View] = {}
        self._lock = threading.Lock()
        self._owns = (owns_store, owns_application)

    def _view(self, name: str) -> View:
        """The current generation of a read model; a rebuild's swap is followed on the next call."""
        generation = self.store.current(name)
        with self._lock:
            view = self._views.get(name)
            if view is None or view.generation != generation:
                if view is not None:
                    view.close()
                view = self.store.open(name, generation, projection_class(name).schema)
                self._views[name] = view
            return view

    @contextmanager
    def read(self, name: str) -> Iterator[Db]:
        """One read transaction on a read model's tables, for reports beyond these questions (exports)."""
        with self._view(name).read() as db:
            yield db

    # ---- the Servicebüro ---------------------------------------------------------------------

    def dashboard(self, *, state: str | None = None, status: str | None = None) -> dict[str, Any]:
        state, status = self._filters(state, status)
        with self._view("overview").read() as db:
            return dashboard(db, self.clock(), self.follow_up_policy, state=state, status=status,
                             step_policy=self.application.policy)

    def list_alliances(
        self,
        *,
        step: int | None = None,
        state: str | None = None,
        status: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> tuple[list[dict[str, Any]], str | None]:
        state, status = self._filters(state, status)
        if step is not None and not 1 <= step <= 5:
            raise InvalidInput(f"Schritt {step} gibt es nicht; die Schritte sind 1 bis 5.")
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"limit muss zwischen 1 und {MAX_LIMIT} liegen.")
        sql = (
            f"SELECT * FROM (SELECT alliance_id, name, municipality, state, step, registered_at, "
            f"last_activity_at, founded_on, actors, team, unmet, {STATUS_SQL} AS status FROM "
            f"{{alliances}}) x "
            "WHERE 1 = 1"
        )
        params: list[Any] = [active_cutoff(self.clock())]
        for column, value in (("step", step), ("state", state), ("status", status)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        if after is not None:
            name, last_id = self._cursor(after)
            sql += " AND (name > ? OR (name = ? AND alliance_id > ?))"
            params += [name, name, last_id]
        sql += " ORDER BY name, alliance_id LIMIT ?"
        params.append(limit + 1)
        with self._view("overview").read() as db:
            rows = db.all(sql, params)
        items = [
            {
                "id": r["alliance_id"],
                "name": r["name"],
                "municipality": r["municipality"],
                "state": r["state"],
                "step": r["step"],
                "status": r["status"],
                "registered_at": r["registered_at"],
                "last_activity_at": r["last_activity_at"],
                "founded_on": r["founded_on"],
                "actors": r["actors"],
                "team": r["team"],
                "unmet": loads(r["unmet"] or "[]"),
            }
            for r in rows[:limit]
        ]
        following = None
        if len(rows) > limit:
            following = base64.urlsafe_b64encode(
                orjson.dumps([items[-1]["name"], items[-1]["id"]])
            ).decode()
        return items, following

    def _cursor(self, cursor: str) -> tuple[str, str]:
        try:
            name, last_id = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
            return str(name), str(last_id)
        except (ValueError, TypeError, orjson.JSONDecodeError):
            raise InvalidInput("Der Cursor ist ungültig; bitte die Liste von vorn laden.") from None

    def _filters(self, state: str | None, status: str | None) -> tuple[str | None, str | None]:
        checked_state = None if state is None else parse_code(Bundesland, state, "Bundesland").value
        checked_status = (
            None if status is None else parse_code(AllianceStatus, status, "Status").value
        )
        return checked_state, checked_status

    # ---- one alliance ------------------------------------------------------------------------

    def alliance(self, alliance_id: UUID) -> dict[str, Any]:
        """The alliance page: checklist, actors, team, meetings, groups, plan, commitments."""
        with self._view("detail").read() as db:
            row = db.one(
                "SELECT doc FROM {alliance_docs} WHERE alliance_id = ?", (str(alliance_id),)
            )
            if row is None:
                raise NotFound(
                    f"Das Bündnis {alliance_id} gibt es nicht (oder es ist noch nicht übernommen)."
                )
            commitments = db.all(
                "SELECT doc FROM {commitment_docs} WHERE alliance_id = ?", (str(alliance_id),)
            )
        doc: dict[str, Any] = loads(row["doc"])
        doc["commitments"] = sorted(
            (loads(c["doc"]) for c in commitments), key=lambda c: c["pledged_at"]
        )
        doc["follow_ups_scheduled"] = self.scheduled_follow_ups(alliance_id)
        return doc

    def scheduled_follow_ups(self, alliance_id: UUID) -> list[dict[str, Any]]:
        """What the pure follow-up policy plans now for the alliance and its open commitments."""
        now = self.clock()
        alliance = self.application.get_alliance(alliance_id)
        policy = self.follow_up_policy
        plans = plan_alliance(alliance_facts(alliance, self.application.policy), now, policy)
        for c in self.application.commitments(alliance_id):
            plans += plan_commitment(commitment_facts(c, alliance.status.value), now, policy)
        return [
            {
                "rule": f.rule,
                "label": f.label,
                "key": f.key,
                "due_at": iso(f.due_at),
                "recipients": list(f.recipients),
                "subject_id": f.subject_id,
                "status": "scheduled",
            }
            for f in sorted(plans, key=lambda f: (f.due_at, f.key))
        ]

    def commitments(self, alliance_id: UUID, as_of: datetime | None = None) -> list[dict[str, Any]]:
        """The commitments as they stood at `as_of` (now when None), replayed from the events."""
        _aware(as_of, "Der Zeitpunkt")
        return [commitment_state(c) for c in self.application.commitments(alliance_id, as_of)]

    def commitments_diff(
        self, alliance_id: UUID, since: datetime, until: datetime
    ) -> dict[str, Any]:
        """What changed in the commitments between two moments, with the events in between."""
        _aware(since, "Der Beginn")
        _aware(until, "Das Ende")
        if until < since:
            raise InvalidInput("Das Ende des Zeitraums liegt vor seinem Beginn.")
        before = {c["id"]: c for c in self.commitments(alliance_id, since)}
        after = {c["id"]: c for c in self.commitments(alliance_id, until)}
        fields = ("description", "amount", "unit", "due_on", "status", "period", "fulfilled_on")
        changed = []
        for cid, now in after.items():
            then = before.get(cid)
            if then is None:
                continue
            changes = {f: {"before": then[f], "after": now[f]} for f in fields if then[f] != now[f]}
            if changes:
                changed.append({"id": cid, "description": now["description"], "changes": changes})
        events = [
            e
            for e in self.timeline(alliance_id, since=since, until=until)
            if e["type"].startswith("Commitment.") and e["at"] > iso(since)
        ]
        return {
            "since": iso(since),
            "until": iso(until),
            "added": [c for cid, c in after.items() if cid not in before],
            "changed": changed,
            "unchanged": sum(
                1 for cid in before if cid in after and cid not in {c["id"] for c in changed}
            ),
            "events": events,
        }

    def timeline(
        self,
        alliance_id: UUID,
        *,
        until: datetime | None = None,
        since: datetime | None = None,
        types: list[str] | None = None,
        after: int | None = None,
        limit: int | None = None,
        newest: int | None = None,
    ) -> list[dict[str, Any]]:
        """Every event of the alliance and its commitments, oldest first, each told in German.

        `after` (a position) and `limit` page through long histories; `newest` keeps only the last
        so many (the database picks them by the index on (alliance_id, position))."""
        _aware(until, "Das Ende")
        _aware(since, "Der Beginn")
        if since is not None and until is not None and until < since:
            raise InvalidInput("Das Ende des Zeitraums liegt vor seinem Beginn.")
        wanted = _types(types)
        sql = "SELECT * FROM {events} WHERE alliance_id = ?"
        params: list[Any] = [str(alliance_id)]
        if since is not None:
            sql, params = sql + " AND at >= ?", [*params, iso(since)]
        if until is not None:
            sql, params = sql + " AND at <= ?", [*params, iso(until)]
        if wanted:
            sql += f" AND type IN ({', '.join('?' * len(wanted))})"
            params += wanted
        if after is not None:
            sql, params = sql + " AND position > ?", [*params, after]
        if newest is not None:
            if limit is not None or not 1 <= newest <= 10_000:
                raise InvalidInput("newest muss zwischen 1 und 10000 liegen (und steht nicht neben limit).")
            sql, params = sql + " ORDER BY position DESC LIMIT ?", [*params, newest]
        else:
            sql += " ORDER BY position"
        if limit is not None:
            if not 1 <= limit <= 10_000:
                raise InvalidInput("limit muss zwischen 1 und 10000 liegen.")
            sql, params = sql + " LIMIT ?", [*params, limit]
        with self._view("timeline").read() as db:
            # The database assembles the JSON array, so a long history is parsed once, in C.
            aggregate = (
                "SELECT CAST(json_agg(json_build_object("
                + _TIMELINE_FIELDS.replace("DATA", "CAST(data AS JSON)")
                + ") ORDER BY position) "
                "AS TEXT) AS items FROM (" + sql + ") x"
                if db.postgres
                else "SELECT json_group_array(json_object("
                + _TIMELINE_FIELDS.replace("DATA", "json(data)")
                + ")) AS items FROM ("
                + sql
                + ") x"
            )
            found = db.one(aggregate, params)
            items: list[dict[str, Any]] = loads(found["items"]) if found and found["items"] else []
            if (
                not items
                and db.one(
                    "SELECT 1 AS x FROM {events} WHERE alliance_id = ? LIMIT 1", (str(alliance_id),)
                )
                is None
            ):
                raise NotFound(f"Zum Bündnis {alliance_id} gibt es keine Ereignisse.")
        items.sort(key=lambda e: e["position"])  # SQLite < 3.44 cannot order inside the aggregate
        return items

    def inbox(
        self,
        *,
        role: str,
        alliance_id: UUID | None = None,
        partner_id: UUID | None = None,
        before: tuple[int, str] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Follow-ups sent to a role, newest first (a partner sees those to its organisation).

        `before` (position and recipient of the last row seen) and `limit` page through them."""
        if role not in ROLES:
            raise InvalidInput(f"Unbekannte Rolle „{role}“. Erlaubt: {', '.join(ROLES)}.")
        params: list[Any]
        if role == "partner":
            if partner_id is None:
                raise InvalidInput("Für den Posteingang eines Partners fehlt die Partner-ID.")
            sql, params = "SELECT * FROM {messages} WHERE actor_id = ?", [str(partner_id)]
        else:
            sql, params = "SELECT * FROM {messages} WHERE role = ?", [role]
        if alliance_id is not None:
            sql, params = sql + " AND alliance_id = ?", [*params, str(alliance_id)]
        if before is not None:
            sql += " AND (position < ? OR (position = ? AND recipient > ?))"
            params += [before[0], before[0], before[1]]
        sql += " ORDER BY position DESC, recipient"
        if limit is not None:
            sql, params = sql + " LIMIT ?", [*params, limit]
        with self._view("inbox").read() as db:
            rows = db.rows(sql, params)
        return [
            {
                "position": r["position"],
                "recipient": r["recipient"],
                "alliance_id": r["alliance_id"],
                "commitment_id": r["commitment_id"],
                "rule": r["rule"],
                "label": r["label"],
                "subject_id": r["subject_id"],
                "key": r["follow_up_key"],
                "due_at": r["due_at"],
                "sent_at": r["sent_at"],
                "text": r["text"],
            }
            for r in rows
        ]

    # ---- operations --------------------------------------------------------------------------

    def verify_audit(self) -> dict[str, Any]:
        return audit.verify(self.application, self._view("audit"), self.checkpoints)

    def positions(self) -> tuple[int, ...]:
        """Where each read model stands: what a cache of their answers is keyed on (an answer computed
        while a projector was behind is stale as soon as it moves on, even with no new write)."""
        return tuple(self._view(name).position() for name in NAMES)

    def status(self) -> dict[str, dict[str, Any]]:
        """Each projection's position, its lag in events and in seconds (how long the oldest event
        it has not projected yet has waited, by the application's clock), generation and halt."""
        head = self.application.recorder.max_notification_id() or 0
        halts = self.store.halts()
        now, waited = self.application.clock(), dict[int, float]()
        self._watch.observe(head, now)
        result = {}
        for name in NAMES:
            view = self._view(name)
            position = view.position()
            if position < head and position not in waited:
                waited[position] = self._waited(position, now)
            result[name] = {
                "title": projection_class(name).title,
                "position": position,
                "lag": max(0, head - position),
                "lag_seconds": waited.get(position, 0.0) if position < head else 0.0,
                "generation": view.generation,
                "halted": halts.get(name),
            }
        return result

    def _waited(self, position: int, now: datetime) -> float:
        """Seconds the first event after `position` has waited (projections/waits.py; 0 for a hole at
        its end)."""
        oldest = self.application.recorder.select_notifications(position + 1, 1)
        if not oldest:
            return 0.0
        try:
            saved_at: datetime = self.application.mapper.to_domain_event(oldest[0]).timestamp  # type: ignore[attr-defined]
        except Exception:  # an event that cannot be read has waited as long as the projection halted
            return 0.0
        return self._watch.waited(position + 1, saved_at, now)

    def close(self) -> None:
        for view in self._views.values():
            view.close()
        self._views.clear()
        if self._owns[0]:
            self.store.close()
        if self._owns[1]:
            self.application.close()

