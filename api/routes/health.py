"""`GET /health`: the overall status for anyone (a load balancer); each component's state, its
positions and addresses only for the Servicebüro's token (they tell an attacker where to go)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request, Response

from api.auth import bearer, decode_token
from api.context import context
from api.problems import Problem
from api.read_answers import Health

router = APIRouter(tags=["Betrieb"])
# A read model whose oldest unprojected event has waited longer than this (seconds, not a count:
# a burst of events is no problem, a projector that stands still is) makes the status `degraded`.
LAG_LIMIT = 60.0


def _office(request: Request) -> bool:
    ctx = context(request)
    try:
        token = bearer(request.headers.get("authorization"))
        return token is not None and decode_token(ctx.secret, token, state=ctx.tokens).role == "servicebuero"
    except Problem:
        return False


@router.get("/health", summary="Zustand (ohne Anmeldung); Einzelheiten mit dem Schlüssel des Servicebüros",
            responses={200: {"model": Health},
                       503: {"model": Health, "description": "Der Ereignisspeicher antwortet nicht"}})
def health(request: Request) -> Response:
    ctx = context(request)
    components: dict[str, dict[str, Any]] = {}
    try:
        components["event_store"] = {
            "state": "ok",
            "position": ctx.application.recorder.max_notification_id() or 0,
        }
    except Exception as e:  # the probe reports the failure; it must not fail itself
        components["event_store"] = {"state": "error", "error": type(e).__name__}
    for name, probe in ctx.probes.items():
        try:
            components[name] = probe()
        except Exception as e:
            components[name] = {"state": "error", "error": type(e).__name__}
    if "projector" not in components:
        if ctx.queries is None:
            components["projector"] = {"state": "absent"}
        else:
            try:
                projections = ctx.queries.status()
                lag = max((p.get("lag", 0) for p in projections.values()), default=0)
                waited = max((p.get("lag_seconds", 0.0) for p in projections.values()), default=0.0)
                components["projector"] = {"state": "ok", "lag": lag, "lag_seconds": waited,
                                           "projections": projections}
                halted = [p["halted"]["message"] for p in projections.values() if p.get("halted")]
                behind = [f"{p['title']} wartet seit {p['lag_seconds']:.0f} s auf {p['lag']} Ereignisse."
                          for p in projections.values() if not p.get("halted") and p.get("lag_seconds", 0) > LAG_LIMIT]
                if halted or behind:  # stopped at an event it cannot handle, or left behind: say which
                    components["projector"].update(state="degraded", reason=" ".join(halted + behind))
            except Exception as e:
                components["projector"] = {"state": "error", "error": type(e).__name__}
    store_ok = components["event_store"]["state"] == "ok"
    degraded = any(c.get("state") not in ("ok", "absent") for c in components.values())
    status = "error" if not store_ok else ("degraded" if degraded else "ok")
    body: dict[str, Any] = {"status": status}
    if _office(request):
        body["components"] = components
    return Response(
        orjson.dumps(body),
        media_type="application/json",
        status_code=200 if store_ok else 503,
    )
