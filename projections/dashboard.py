"""The Servicebüro dashboard, computed from the overview tables at the time of asking.

Status, stalling, overdue and meeting cadence depend on "now", so they are derived when asked,
not stored: an alliance with no activity for a year counts as dormant even if nobody paused it.
The funnel counts the alliances on their way per step; dormant and dissolved ones are drop-outs
of the step they rest or ended in. Step 5's Netzwerk-Check is judged today on the stored facts.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from typing import Any

from domain.dates import berlin
from domain.follow_ups import FollowUpPolicy
from domain.network import NETWORK_TITLES, NetworkFacts, network_check
from domain.steps import STEP_TITLES, StepPolicy
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
    step_policy: StepPolicy | None = None,
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
    by_id = {r["alliance_id"]: r for r in rows}
    # The same filter for every other table: alliance_id IN (the filtered alliances).
    conditions, scope_params = [], []
    if state is not None:
        conditions.append("state = ?")
        scope_params.append(state)
    if status is not None:
        conditions.append(f"{STATUS_SQL} = ?")
        scope_params += [active_cutoff(now), status]
    scope = ""
    if conditions:
        where_all = " AND ".join(conditions)
        scope = f" AND alliance_id IN (SELECT alliance_id FROM {{alliances}} WHERE {where_all})"

    per_step = {str(s): 0 for s in range(1, 6)}
    per_state: dict[str, int] = {}
    per_status = {"active": 0, "dormant": 0, "dissolved": 0}
    foundings: dict[str, int] = {}
    stalled = []
    funnel = {str(s): {"active": 0, "dormant": 0, "dissolved": 0} for s in range(1, 6)}
    for r in rows:
        funnel[str(r["step"])][r["status"]] += 1
        # Dissolved alliances left the funnel: they count only when asked for by their status.
        if r["status"] != "dissolved" or status == "dissolved":
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
    for d in db.rows(f"SELECT step, days FROM {{step_durations}} WHERE 1 = 1{scope}", scope_params):
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

    today = berlin(now).date().isoformat()  # the day the domain marks commitments overdue on
    overdue_where = (
        "FROM {commitments} WHERE status IN ('pledged', 'confirmed', 'overdue') AND due_on < ?"
        + scope
    )
    overdue_count = db.one("SELECT COUNT(*) AS n " + overdue_where, (today, *scope_params))
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
        for c in db.rows(
            "SELECT commitment_id, alliance_id, partner, description, due_on "
            + overdue_where
            + " ORDER BY due_on, commitment_id LIMIT ?",
            (today, *scope_params, LIST_CAP),
        )
    ]

    year_ago = (now.date() - timedelta(days=365)).isoformat()
    meetings: dict[str, int] = {}
    for m in db.all(
        "SELECT alliance_id, COUNT(*) AS n FROM {meetings} WHERE kind = 'all_partners' "
        f"AND held_on >= ?{scope} GROUP BY alliance_id",
        (year_ago, *scope_params),
    ):
        meetings[m["alliance_id"]] = int(m["n"])
    steering = [r for r in rows if r["step"] == 5 and r["status"] == "active"]
    below = [
        {**_ref(r), "meetings_last_12_months": meetings.get(r["alliance_id"], 0)}
        for r in steering
        if meetings.get(r["alliance_id"], 0) < CADENCE_MIN_MEETINGS
    ]

    mix = {
        a["sector"]: int(a["n"])
        for a in db.rows(
            f"SELECT sector, COUNT(*) AS n FROM {{actors}} WHERE 1 = 1{scope} GROUP BY sector",
            scope_params,
        )
    }
    missing = {}
    for r in rows:
        if r["status"] != "dissolved":
            present = set(loads(r["sectors"] or "[]"))
            gaps = [s for s in KEY_SECTORS if s not in present]
            if gaps:
                missing[r["alliance_id"]] = gaps

    averages, trend = _dimensions(db, scope, scope_params)
    network = _network_check(db, steering, now, step_policy or StepPolicy(), scope, scope_params)
    return {
        "as_of": iso(now),
        "alliances": len(rows),
        "alliances_per_step": per_step,
        "funnel": _funnel(funnel),
        "drop_outs": {
            kind: {step: counts[kind] for step, counts in funnel.items()} for kind in ("dormant", "dissolved")
        },
        "network_check": network,
        "per_state": dict(sorted(per_state.items())),
        "per_status": per_status,
        "overdue_commitments": int(overdue_count["n"]) if overdue_count else 0,
        "stalled_alliances": len(stalled),
        "days_per_step": days_per_step,
        "stalled": stalled[:LIST_CAP],
        "overdue": overdue,
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


def _funnel(counts: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Per step: active alliances in it, drop-outs resting or ended in it, and how many got that far."""
    result = []
    for step in range(1, 6):
        c = counts[str(step)]
        reached = sum(sum(counts[str(s)].values()) for s in range(step, 6))
        result.append({"step": step, "title": STEP_TITLES[step], **c, "reached": reached})
    return result


def _network_check(
    db: Db, steering: list[dict[str, Any]], now: datetime, policy: StepPolicy, scope: str, params: list[Any]
) -> dict[str, Any]:
    """Step 5's Netzwerk-Check of the active alliances in step 5, judged today: how many meet each rule."""
    stored = {
        r["alliance_id"]: r["facts"]
        for r in db.rows(f"SELECT alliance_id, facts FROM {{network}} WHERE 1 = 1{scope}", params)
    }
    today = berlin(now).date()
    unmet_by_code = dict.fromkeys(NETWORK_TITLES, 0)
    alliances, all_met = [], 0
    for r in steering:
        facts = stored.get(r["alliance_id"])
        if facts is None:  # not yet in this generation of the read model
            continue
        unmet = [c.code for c in network_check(NetworkFacts.from_dict(loads(facts)), today, policy) if not c.met]
        for code in unmet:
            unmet_by_code[code] += 1
        all_met += not unmet
        if unmet:
            alliances.append({**_ref(r), "unmet": unmet})
    alliances.sort(key=lambda a: (-len(a["unmet"]), a["name"], a["id"]))
    return {
        "in_step_5": len(steering),
        "checked": sum(r["alliance_id"] in stored for r in steering),
        "all_met": all_met,
        "criteria": [{"code": code, "title": title, "unmet": unmet_by_code[code]}
                     for code, title in NETWORK_TITLES.items()],
        "alliances": alliances[:LIST_CAP],
    }


def _dimensions(
    db: Db, scope: str, params: list[Any]
) -> tuple[dict[str, float | None], dict[str, dict[str, float]]]:
    """Averages of each alliance's latest self-assessment, and averages per year of assessment."""
    averages = ", ".join(f"AVG(CAST({d} AS DOUBLE PRECISION)) AS {d}" for d in DIMENSIONS)
    latest = db.one(
        f"SELECT COUNT(*) AS n, {averages} FROM {{assessments}} a WHERE assessed_on = "
        "(SELECT MAX(assessed_on) FROM {assessments} b WHERE b.alliance_id = a.alliance_id)"
        + scope,
        params,
    )
    per_year = db.rows(
        f"SELECT substr(assessed_on, 1, 4) AS year, {averages} FROM {{assessments}} "
        f"WHERE 1 = 1{scope} "
        "GROUP BY substr(assessed_on, 1, 4) ORDER BY year",
        params,
    )

    def rounded(row: Any) -> dict[str, float]:
        return {d: round(float(row[d]), 2) for d in DIMENSIONS}

    now_averages: dict[str, float | None] = (
        dict(rounded(latest))
        if latest and latest["n"]
        else dict.fromkeys((d.value for d in Dimension), None)
    )
    return now_averages, {str(r["year"]): rounded(r) for r in per_year}
