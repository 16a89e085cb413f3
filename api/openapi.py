"""The OpenAPI document as the server answers: the bearer scheme, every problem status an operation
can give (application/problem+json, one shared schema), the files' media types, and links from an
operation that creates something to the operations that read it (schemathesis follows them).

FastAPI documents 422 as a list `detail` in application/json; this server sends RFC 9457 problems with
a German string `detail`. The statuses are derived from what the request can carry, so a new route is
documented as truthfully as its neighbours without anyone listing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from api.problems import TITLES

PROBLEM = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 Problem Details mit deutschem `detail`.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "about:blank oder about:blank#<code>"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "was nicht geht, auf Deutsch"},
        "unmet": {"type": "array", "items": {"type": "string"},
                  "description": "die noch nicht erfüllten Kriterien eines Schritts (409)"},
        "errors": {
            "type": "array",
            "description": "ungültige Felder einzeln (400/422)",
            "items": {
                "type": "object",
                "required": ["field", "code", "detail"],
                "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "detail": {"type": "string"}},
            },
        },
    },
}
REF = {"$ref": "#/components/schemas/Problem"}
BEARER = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "Zugangsschlüssel von `buendnis token ROLLE [--alliance ID] [--partner ID]`.",
}
RETRY_AFTER = {"description": "Sekunden bis zum nächsten Versuch", "schema": {"type": "integer", "minimum": 1}}
HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "Bearer realm=\"buendnis\"", "schema": {"type": "string"}}},
    429: {"Retry-After": RETRY_AFTER},
}
WHY = {
    400: "Unlesbarer Inhalt (kein JSON), ungültiger Cursor oder Idempotency-Key",
    401: "Nicht angemeldet: kein, ein ungültiger, abgelaufener oder widerrufener Zugangsschlüssel",
    403: "Diese Rolle darf das nicht (auch: ein anderes Bündnis, die Zusage eines anderen Partners)",
    404: "Unbekannte Kennung in der Adresse",
    409: "Eine Regel des Leitfadens oder eine gleichzeitige Änderung sagt nein",
    413: "Der Inhalt ist größer als 1 MB",
    422: "Ungültige Eingabe (auch: eine unbekannte Kennung im Inhalt)",
    429: "Zu viele Anfragen mit diesem Zugangsschlüssel; Retry-After nennt die Wartezeit",
    503: "Die Lesemodelle sind (noch) nicht verfügbar; gleich noch einmal versuchen",
}
WRITES = {"post", "put", "patch", "delete"}
# Reads answered from the projections' read models: 503 while they are unavailable or catching up.
READ_MODELS = ("/api/v1/alliances", "/history", "/commitments-changes", "/inbox", "/dashboard", "/audit/verify",
               "/exports/{name}")
FILES = {
    "/api/v1/alliances/{alliance_id}/documents/{name}": ("application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "/api/v1/exports/{name}": ("text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "/calendar/{alliance_id}.ics": ("text/calendar",),
}


def problem(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": f"{TITLES.get(status, 'Fehler')}: {WHY.get(status, '')}".rstrip(": "),
        "content": {"application/problem+json": {"schema": REF}},
    }
    if status in HEADERS:
        answer["headers"] = HEADERS[status]
    return answer


def statuses(path: str, method: str, op: dict[str, Any]) -> set[int]:
    """The problem statuses an operation can answer, from what its request carries."""
    params = op.get("parameters", [])
    found: set[int] = set()
    if path.startswith("/api/v1/"):
        found |= {401, 403, 429}
    if params or "requestBody" in op:
        found.add(422)
    if any(p["in"] == "path" for p in params):
        found.add(404)
    if method in WRITES:
        found |= {400, 409, 413}  # malformed JSON or Idempotency-Key; a rule; the body limit
    if any(p["name"] == "cursor" for p in params):
        found.add(400)
    if path.endswith(READ_MODELS):
        found.add(503)
    if path.startswith("/calendar/"):
        found |= {401, 404}
    return found


def _no_null(param: dict[str, Any]) -> None:
    """An optional query parameter or header is left out, never sent as null: say so."""
    schema = param.get("schema", {})
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    if "anyOf" in schema and len(options) < len(schema["anyOf"]):
        del schema["anyOf"]
        if len(options) == 1:
            schema.update(options[0])
        else:
            schema["anyOf"] = options


def amend(doc: dict[str, Any]) -> dict[str, Any]:
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Problem"] = PROBLEM
    components["securitySchemes"] = {"bearer": BEARER}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for param in op.get("parameters", []):
                _no_null(param)
            responses = op.setdefault("responses", {})
            for status in statuses(path, method, op):
                responses[str(status)] = problem(status)
            for status, answer in list(responses.items()):
                if status.startswith(("4", "5")) and "application/json" in answer.get("content", {}) \
                        and path != "/health":  # its 503 is the status body, not a problem
                    responses[status] = problem(int(status))  # FastAPI's own 422 (HTTPValidationError)
            if path.startswith("/api/v1/"):
                op["security"] = [{"bearer": []}]
            elif path == "/health":
                op["security"] = [{}, {"bearer": []}]  # the components' details only for the Servicebüro
            else:
                op["security"] = []
            if path in FILES:
                ok = next(s for s in responses if s.startswith("2"))
                responses[ok]["content"] = {media: {"schema": {"type": "string", "format": "binary"}}
                                            for media in FILES[path]}
    links(doc)
    return doc


def links(doc: dict[str, Any]) -> None:
    """OpenAPI links from each create (a 201 with an `id`) to every operation below what it created: the
    new id into that operation's path parameter, the path's other ids as they were. schemathesis's
    stateful phase follows them (register an alliance, then add an actor to it, then read it, ...)."""
    paths = doc["paths"]
    for path, ops in paths.items():
        created = ops.get("post", {}).get("responses", {}).get("201")
        ref = (created or {}).get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
        if "id" not in doc["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}).get("properties", {}):
            continue
        prefix = path + "/{"
        for target, target_ops in paths.items():
            if not target.startswith(prefix):
                continue
            name = target[len(prefix):].split("}", 1)[0]
            assert created is not None
            for op in target_ops.values():
                parameters = {p["name"]: f"$request.path.{p['name']}" for p in op.get("parameters", [])
                              if p["in"] == "path" and p["name"] != name and "{" + p["name"] + "}" in path}
                parameters[name] = "$response.body#/id"
                if len(parameters) < sum(1 for p in op.get("parameters", []) if p["in"] == "path"):
                    continue  # another id the create cannot give
                created.setdefault("links", {})[f"{op['operationId']}"] = {
                    "operationId": op["operationId"], "parameters": parameters,
                }


def install(app: FastAPI, extra: Callable[[dict[str, Any]], None] | None = None) -> None:
    """`app.openapi()` gives the amended document (built once, like FastAPI's own)."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if not getattr(app.state, "openapi_amended", False):
            doc = amend(original())
            if extra is not None:
                extra(doc)
            app.openapi_schema, app.state.openapi_amended = doc, True
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
