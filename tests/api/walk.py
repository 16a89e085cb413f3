"""Drives an alliance through the guide's steps over HTTP, as a coordinator would."""

from __future__ import annotations

from typing import Any

import httpx

SECTORS = ("kommune", "unternehmen", "kita", "verband", "kirche", "stiftung")


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json()


def register(
    client: httpx.Client,
    name: str = "Lokales Bündnis für Familie Musterstadt",
    state: str = "Bayern",
) -> str:
    body = ok(
        client.post("/api/v1/alliances", json={"name": name, "municipality": "Musterstadt", "state": state}),
        201,
    )
    return str(body["id"])


def step_one(client: httpx.Client, aid: str) -> list[str]:
    """Six actors, five conversations, three interested, one with an active role."""
    actors = [
        ok(
            client.post(
                f"/api/v1/alliances/{aid}/actors",
                json={"name": f"Organisation {i} ({sector})", "sector": sector},
            ),
            201,
        )["id"]
        for i, sector in enumerate(SECTORS)
    ]
    outcomes = ["active_role", "interested", "interested", "undecided", "not_interested"]
    for actor, outcome in zip(actors, outcomes, strict=False):
        ok(
            client.post(
                f"/api/v1/alliances/{aid}/contacts",
                json={
                    "actor_id": actor,
                    "on": "2026-01-15",
                    "outcome": outcome,
                    "follow_up_on": "2026-02-15",
                    "notes": "Gespräch im Rathaus",
                },
            ),
            201,
        )
    return actors
