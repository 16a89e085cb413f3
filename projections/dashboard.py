"""The Servicebüro dashboard, computed from the overview tables at the time of asking.

Status, stalling, overdue and meeting cadence depend on "now", so they are derived when asked,
not stored: an alliance with no activity for a year counts as dormant even if nobody paused it.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from typing import Any

from domain.follow_ups import FollowUpPolicy
from domain.values import Dimension
from projections.overview import DIMENSIONS
from projections.store import Db
from projections.values import iso, loads

ACTIVE_WITHIN_DAYS = 365
CADENCE_MIN_MEETINGS = 2
LIST_CAP = 100
# The guide asks for a "bunter Mix" of business, politics and civil society; these stand for it.
KEY_SECTORS = ("kommune", "unternehmen", "kammer", "arbeitsagentur", "freier_traeger", "kita")
DAY_BUCKETS = ((30, "0–30"), (90, "31–90"), (180, "91–180"), (365, "181–365"), (None, "über 365"))

STATUS_SQL = (
    "CASE WHEN dissolved = 1 THEN 'dissolved' WHEN paused = 1 OR "
    "COALESCE(last_activity_at, registered_at) < ? THEN 'dormant' ELSE 'active' END"
)


def active_cutoff(now: datetime) -> str:
    return iso(now - timedelta(days=ACTIVE_WITHIN_DAYS))


def _bucket(days: float) -> str:
    for limit, label in DAY_BUCKETS:
        if limit is None or days <= limit:
            return label
    return DAY_BUCKETS[-1][1]


def _ref(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["alliance_id"],
        "name": row["name"],
        "state": row["state"],
        "step": row["step"],
    }


def dashboard(
    db: Db,
    now: datetime,
    policy: FollowUpPolicy,
    *,
    state: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    where, params = "", [active_cutoff(now)]
    if state is not None:
        where, params = " WHERE state = ?", [*params, state]
    rows = db.all(
        "SELECT alliance_id, name, state, step, founded_on, step_entered_at, sectors, "
        f"{STATUS_SQL} AS status FROM {{alliances}}{where}",
        params,
    )
    if status is not None:
        rows = [r for r in rows if r["status"] == status]
    ids = {r["alliance_id"] for r in rows}
    by_id = {r["alliance_id"]: r for r in rows}

    per_step = {str(s): 0 for s in range(1, 6)}
    per_state: dict[str, int] = {}
    per_status = {"active": 0, "dormant": 0, "dissolved": 0}
    foundings: dict[str, int] = {}
    stalled = []
    for r in rows:
        per_step[str(r["step"])] += 1
        per_state[r["state"]] = per_state.get(r["state"], 0) + 1
        per_status[r["status"]] += 1
        if r["founded_on"]:
            year = r["founded_on"][:4]
            foundings[year] = foundings.get(year, 0) + 1
        if r["status"] == "active" and r["step"] <= 4:
            limit = policy.stalled_days_step4 if r["step"] == 4 else policy.stalled_days
            days = (now - datetime.fromisoformat(r["step_entered_at"])).days
            if days >= limit:
                stalled.append({**_ref(r), "days_in_step": days})
    stalled.sort(key=lambda s: -s["days_in_step"])

    durations: dict[int, list[float]] = {}
    for d in db.rows("SELECT alliance_id, step, days FROM {step_durations}"):
        if d["alliance_id"] in ids:
            durations.setdefault(int(d["step"]), []).append(float(d["days"]))
    days_per_step = {}
    for step in range(1, 5):
        values = durations.get(step, [])
        distribution = {label: 0 for _, label in DAY_BUCKETS}
        for v in values:
            distribution[_bucket(v)] += 1
        days_per_step[str(step)] = {
            "median": round(statistics.median(values), 1) if values else None,
            "count": len(values),
            "distribution": distribution,
        }

    today = now.date().isoformat()
    overdue_rows = db.rows(
        "SELECT commitment_id, alliance_id, partner, description, due_on, status FROM "
        "{commitments} "
        "WHERE status IN ('pledged', 'confirmed', 'overdue') AND due_on < ? ORDER BY due_on",
        (today,),
    )
    overdue = [
        {
            "commitment_id": c["commitment_id"],
            "alliance_id": c["alliance_id"],
            "alliance": by_id[c["alliance_id"]]["name"],
            "partner": c["partner"],
            "description": c["description"],
            "due_on": c["due_on"],
            "days_overdue": (now.date() - datetime.fromisoformat(c["due_on"]).date()).days,
        }
        for c in overdue_rows
        if c["alliance_id"] in ids
    ]

    year_ago = (now.date() - timedelta(days=365)).isoformat()
    meetings: dict[str, int] = {}
    for m in db.all(
        "SELECT alliance_id, COUNT(*) AS n FROM {meetings} WHERE kind = 'all_partners' "
        "AND held_on >= ? GROUP BY alliance_id",
        (year_ago,),
    ):
        meetings[m["alliance_id"]] = int(m["n"])
    steering = [r for r in rows if r["step"] == 5 and r["status"] == "active"]
    below = [
        {**_ref(r), "meetings_last_12_months": meetings.get(r["alliance_id"], 0)}
        for r in steering
        if meetings.get(r["alliance_id"], 0) < CADENCE_MIN_MEETINGS
    ]

    mix: dict[str, int] = {}
    everyone = state is None and status is None
    for a in db.rows(
        "SELECT sector, COUNT(*) AS n FROM {actors} GROUP BY sector"
        if everyone
        else "SELECT alliance_id, sector, COUNT(*) AS n FROM {actors} GROUP BY alliance_id, sector"
    ):
        if everyone or a["alliance_id"] in ids:
            mix[a["sector"]] = mix.get(a["sector"], 0) + int(a["n"])
    missing = {}
    for r in rows:
        if r["status"] != "dissolved":
            present = set(loads(r["sectors"] or "[]"))
            gaps = [s for s in KEY_SECTORS if s not in present]
            if gaps:
                missing[r["alliance_id"]] = gaps

    averages, trend = _dimensions(db, ids)
    return {
        "as_of": iso(now),
        "alliances": len(rows),
        "alliances_per_step": per_step,
        "per_state": dict(sorted(per_state.items())),
        "per_status": per_status,
        "overdue_commitments": len(overdue),
        "stalled_alliances": len(stalled),
        "days_per_step": days_per_step,
        "stalled": stalled[:LIST_CAP],
        "overdue": overdue[:LIST_CAP],
        "meeting_cadence": {
            "minimum_per_12_months": CADENCE_MIN_MEETINGS,
            "in_step_5": len(steering),
            "meeting_cadence_ok": len(steering) - len(below),
            "below": len(below),
            "alliances_below": below[:LIST_CAP],
        },
        "partner_mix": dict(sorted(mix.items(), key=lambda kv: -kv[1])),
        "missing_sectors": missing,
        "dimension_averages": averages,
        "dimension_trend": trend,
        "foundings_per_year": dict(sorted(foundings.items())),
    }


def _dimensions(
    db: Db, ids: set[str]
) -> tuple[dict[str, float | None], dict[str, dict[str, float]]]:
    """Averages of each alliance's latest self-assessment, and averages per year of assessment."""
    latest: dict[str, Any] = {}
    per_year: dict[str, list[Any]] = {}
    for s in db.rows("SELECT * FROM {assessments} ORDER BY assessed_on"):
        if s["alliance_id"] not in ids:
            continue
        latest[s["alliance_id"]] = s
        per_year.setdefault(s["assessed_on"][:4], []).append(s)

    def mean(items: list[Any]) -> dict[str, float]:
        return {d: round(sum(int(i[d]) for i in items) / len(items), 2) for d in DIMENSIONS}

    averages: dict[str, float | None] = (
        dict(mean(list(latest.values())))
        if latest
        else dict.fromkeys((d.value for d in Dimension), None)
    )
    return averages, {year: mean(items) for year, items in sorted(per_year.items())}
