"""The audit hash chain over the stored events in notification order, and its verification.

Link i = sha256(link i-1 ‖ originator id ‖ version ‖ topic ‖ state bytes), over the bytes as
stored (after transcoding, compression or encryption), so any changed byte shows. The chain is
kept like a read model (tracked, exactly once) and its head is anchored in the signed checkpoint
file; `verify` recomputes everything from the store and compares with both.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.application import AllianceApplication
from projections.checkpoints import Checkpoint, Checkpoints
from projections.engine import Handler, Item, Projection
from projections.errors import CheckpointCorrupt
from projections.store import Db, Schema, View

GENESIS = "0" * 64
MAX_PROBLEMS = 20
# Events stored longer ago than this and still not chained are a finding (cf. /health's lag limit).
UNCHAINED_GRACE = timedelta(seconds=60)

SCHEMA = Schema(
    tables={
        "links": "position BIGINT PRIMARY KEY, n BIGINT, originator_id TEXT, version BIGINT, "
        "link TEXT"
    }
)


def link(previous: str, n: Notification) -> str:
    h = hashlib.sha256(previous.encode())
    h.update(
        b"\x1f"
        + str(n.originator_id).encode()
        + b"\x1f"
        + str(n.originator_version).encode()
        + b"\x1f"
        + n.topic.encode()
        + b"\x1f"
    )
    h.update(bytes(n.state))
    return h.hexdigest()


class AuditChainProjection(Projection):
    """Appends one link per stored event; never rebuilt (that would launder a tampered store)."""

    name = "audit"
    title = "Prüfkette (Hash-Kette)"
    schema = SCHEMA
    decodes = False
    rebuildable = False

    def handlers(self) -> dict[type, Handler]:
        return {}

    def process(self, items: list[Item], db: Db) -> None:
        head = db.one("SELECT link, n FROM {links} ORDER BY position DESC LIMIT 1")
        previous, count = (head["link"], int(head["n"])) if head else (GENESIS, 0)
        rows = []
        for item in items:
            previous = link(previous, item.notification)
            count += 1
            rows.append(
                (
                    item.position,
                    count,
                    str(item.notification.originator_id),
                    item.notification.originator_version,
                    previous,
                )
            )
        db.executemany("INSERT INTO {links} VALUES (?, ?, ?, ?, ?)", rows)


def chain_head(view: View) -> tuple[int, str, int]:
    """(position, link, count) of the last chained event; (0, GENESIS, 0) before any."""
    with view.read() as db:
        row = db.one("SELECT position, link, n FROM {links} ORDER BY position DESC LIMIT 1")
    return (int(row["position"]), str(row["link"]), int(row["n"])) if row else (0, GENESIS, 0)


class Anchor:
    """Writes a signed checkpoint of the chain head after enough new events or time.

    The projector asks on a timer, not only after a batch, so events chained just before a quiet
    period are anchored once `every_seconds` passed, not at the next write hours later."""

    def __init__(
        self, checkpoints: Checkpoints, every_events: int = 5000, every_seconds: float = 300.0
    ) -> None:
        self.checkpoints = checkpoints
        self.every_events = every_events
        self.every_seconds = every_seconds
        self._last: Checkpoint | None = None
        self._read = False
        self._last_time = 0.0

    def maybe(self, view: View, force: bool = False) -> Checkpoint | None:
        position, head, count = chain_head(view)
        if not self._read:  # all checkpoints are checked once; later ones follow the last one
            entries = self.checkpoints.entries()
            self._last = entries[-1] if entries else None
            self._read = True
        last_count = self._last.events if self._last else 0
        if count == 0 or count <= last_count:
            return None
        due = (
            count - last_count >= self.every_events
            or time.monotonic() - self._last_time >= self.every_seconds
        )
        if not (force or due):
            return None
        # Appended under the store's lock after the last checkpoint as it is then (another process,
        # e.g. `buendnis audit checkpoint`, may have written one since).
        written = self.checkpoints.append(position, head, count)
        self._last = written or self.checkpoints.last()
        self._last_time = time.monotonic()
        return written


def _links(view: View, batch: int = 5000) -> Iterator[dict[str, Any]]:
    after = 0
    while True:
        with view.read() as db:
            rows = db.all(
                "SELECT position, n, link FROM {links} WHERE position > ? "
                "ORDER BY position LIMIT ?",
                (after, batch),
            )
        if not rows:
            return
        yield from rows
        after = int(rows[-1]["position"])


def _notifications(application: AllianceApplication, batch: int = 5000) -> Iterator[Notification]:
    start = 1
    while True:
        notes = application.recorder.select_notifications(start=start, limit=batch)
        if not notes:
            return
        yield from notes
        start = notes[-1].id + 1


def verify(
    application: AllianceApplication,
    view: View,
    checkpoints: Checkpoints,
    *,
    now: datetime | None = None,
    grace: timedelta = UNCHAINED_GRACE,
) -> dict[str, Any]:
    """Recomputes the chain from the stored events; compares with chain, checkpoints and snapshots.

    Findings besides changed, deleted or inserted events: no signed checkpoint at all while the first
    event was stored longer than `grace` ago, events still unchained `grace` after they were stored
    (the chain's projector is stuck, or they were appended past it), and snapshots that differ from
    their events."""
    problems: list[str] = []

    def problem(text: str) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(text)

    corrupt = False
    try:
        anchors = {c.position: c for c in checkpoints.entries()}
    except CheckpointCorrupt as e:
        problem(e.message)
        anchors, corrupt = {}, True
    seen_anchors: set[int] = set()
    first_unchained: Notification | None = None

    chain = _links(view)
    pending: dict[str, Any] | None = next(chain, None)
    recomputed, checked, chained, unchained = GENESIS, 0, 0, 0
    for n in _notifications(application):
        recomputed = link(recomputed, n)
        checked += 1
        while pending is not None and int(pending["position"]) < n.id:
            problem(
                f"Das Ereignis an Position {pending['position']} fehlt im Ereignisspeicher "
                "(gelöscht)."
            )
            pending = next(chain, None)
        if pending is not None and int(pending["position"]) == n.id:
            chained += 1
            if pending["link"] != recomputed:
                problem(
                    f"Das Ereignis an Position {n.id} (Aggregat {n.originator_id}, Version "
                    f"{n.originator_version}) passt nicht zur Prüfkette: es wurde verändert, "
                    "vertauscht "
                    "oder nachträglich eingefügt."
                )
                recomputed = str(
                    pending["link"]
                )  # resynchronise, to find further changes independently
            pending = next(chain, None)
        elif pending is not None:
            problem(
                f"Das Ereignis an Position {n.id} steht nicht in der Prüfkette: es wurde "
                "nachträglich eingefügt."
            )
        else:
            unchained += 1
            first_unchained = first_unchained or n
        anchor = anchors.get(n.id)
        if anchor is not None:
            seen_anchors.add(n.id)
            if anchor.head != recomputed or anchor.events != checked:
                problem(
                    f"Der signierte Prüfpunkt Nr. {anchor.number} vom {anchor.at} (Position "
                    f"{anchor.position}) "
                    "passt nicht zum Ereignisspeicher: Ereignisse und Prüfkette wurden "
                    "gemeinsam umgeschrieben."
                )
    while pending is not None:
        problem(
            f"Das Ereignis an Position {pending['position']} fehlt im Ereignisspeicher (gelöscht)."
        )
        pending = next(chain, None)
    first = next(_notifications(application, batch=1), None) if chained and not anchors and not corrupt else None
    first_at = _stored_at(application, first) if first is not None else None
    if first_at is not None and (now or application.clock()) - first_at > grace:
        problem(
            "Es gibt keinen signierten Prüfpunkt: ohne ihn bliebe verborgen, wenn Ereignisse und "
            "Prüfkette gemeinsam umgeschrieben wurden (läuft der Projektor, ist die Prüfpunktablage erreichbar?)."
        )
    if first_unchained is not None:
        stored_at = _stored_at(application, first_unchained)
        if stored_at is not None and (now or application.clock()) - stored_at > grace:
            problem(
                f"{unchained} Ereignisse ab Position {first_unchained.id} sind seit mehr als "
                f"{int(grace.total_seconds())} s gespeichert, aber nicht in der Prüfkette: die Prüfkette "
                "steht still, oder sie wurden am Projektor vorbei angehängt."
            )
    for text in snapshot_findings(application):
        problem(text)
    for position in sorted(set(anchors) - seen_anchors):
        problem(
            f"Das Ereignis an Position {position} aus dem signierten Prüfpunkt Nr. "
            f"{anchors[position].number} "
            "fehlt im Ereignisspeicher (gelöscht)."
        )
    return {
        "ok": not problems,
        "events_checked": checked,
        "chained": chained,
        "unchained": unchained,
        "checkpoints": len(anchors),
        "head": recomputed,
        "problems": problems,
    }


def _stored_at(application: AllianceApplication, n: Notification) -> datetime | None:
    try:
        event = application.mapper.to_domain_event(n)
    except Exception:  # undecodable: reported through the chain, not here
        return None
    stamp = getattr(event, "timestamp", None)
    return stamp if isinstance(stamp, datetime) else None


def snapshot_findings(application: AllianceApplication) -> list[str]:
    """Each stored snapshot compared with its aggregate rebuilt from the events alone: snapshots
    serve reads and command guards, so a forged one would change what the application decides."""
    snapshots = getattr(application, "snapshots", None)
    if snapshots is None:
        return []
    findings: list[str] = []
    originators = {n.originator_id for n in _notifications(application)}
    for originator_id in sorted(originators, key=str):
        for snapshot in snapshots.get(originator_id, desc=True, limit=1):
            try:
                from_snapshot = snapshot.mutate(None)
                rebuilt: Any = None
                for event in application.events.get(UUID(str(originator_id)), lte=snapshot.originator_version):
                    rebuilt = event.mutate(rebuilt)  # type: ignore[attr-defined]
            except Exception as e:  # a snapshot that cannot even be read is a finding too
                findings.append(f"Der Schnappschuss von {originator_id} ist nicht lesbar: {type(e).__name__}.")
                continue
            if rebuilt is None or _state(from_snapshot) != _state(rebuilt):
                findings.append(
                    f"Der Schnappschuss von {originator_id} (Version {snapshot.originator_version}) passt "
                    "nicht zu seinen Ereignissen: er wurde verändert oder ist veraltet."
                )
    return findings


def _state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k not in ("_pending_events",)}
