"""schemathesis as a library against the running API: the app's own OpenAPI document, every check,
a fixed seed, the examples, coverage, fuzzing and stateful phases (links between create and read).

`run` returns what a report needs (requests sent, failures by check), so the tests and `make soak-api`
share one driver and only the number of examples differs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.engine import events

OPAQUE = "GET /api/v1/alliances"  # its cursor is base64 of the last row: any string may be one it never issued
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "positive_data_acceptance",  # with 400/422 let through; only_rules_beyond_the_schema judges those
    "only_rules_beyond_the_schema",
    "negative_data_rejection",
    "use_after_free",
    "ensure_resource_availability",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
    "allow_header_conformance",
)
SEED = 20261130
# A request the schema calls valid may still be refused for what no JSON Schema can say: an id in the
# body naming nothing in this alliance (API.md: 422) or two fields in the wrong order (a follow-up before
# its conversation). Every other refusal of such a request means the schema lacks one of the server's rules.
BEYOND_THE_SCHEMA = {"about:blank#unknown_reference", "about:blank#inconsistent_input"}


@schemathesis.check
def only_rules_beyond_the_schema(ctx: schemathesis.CheckContext, response: schemathesis.Response,
                                 case: schemathesis.Case) -> bool | None:
    """positive_data_acceptance, but knowing which 422s a schema cannot foresee (by the problem's type)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in (400, 422):
        return None
    try:
        kind = response.json().get("type")
    except ValueError:
        kind = None
    if response.status_code == 422 and kind in BEYOND_THE_SCHEMA:
        return None
    if response.status_code == 400 and kind == "about:blank#bad_cursor" and case.operation.label == OPAQUE:
        return None
    raise AssertionError(f"Ein laut Schema gültiger Aufruf wurde abgewiesen ({response.status_code} {kind}): "
                         f"{response.text[:300]}")


@dataclass
class Report:
    requests: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)  # one line per distinct failure, for the assertion
    errors: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    phases: Counter[str] = field(default_factory=Counter)  # requests per phase (examples, coverage, ...)

    def summary(self, limit: int = 40) -> str:
        lines = [f"{self.requests} Anfragen {dict(self.phases)}, Antworten {dict(self.statuses)}, "
                 f"Fehler je Prüfung: {dict(self.failures)}"]
        return "\n".join(lines + self.examples[:limit] + self.errors[:10])


def config(base_url: str, token: str, max_examples: int, *, stateful_steps: int = 10) -> schemathesis.Config:
    checks: dict[str, Any] = {name: {"enabled": True} for name in CHECKS}
    checks["positive_data_acceptance"]["expected-statuses"] = ["2xx", 400, 401, 403, 404, 409, 422, 429]
    return schemathesis.Config.from_dict({
        "seed": SEED,
        "base-url": base_url,
        "continue-on-failure": True,
        "suppress-health-check": ["all"],
        "headers": {"Authorization": f"Bearer {token}"},
        "generation": {"mode": "all", "max-examples": max_examples, "deterministic": True, "database": "none"},
        "checks": checks,
        "phases": {"stateful": {"max-steps": stateful_steps}},
        "request-timeout": 30,
    })


def run(document: dict[str, Any], base_url: str, token: str, max_examples: int, *,
        operations: tuple[str, ...] | None = None) -> Report:
    """Every phase over the document with `token`; `operations` (labels like `GET /health`) limits it."""
    schema = schemathesis.openapi.from_dict(document, config=config(base_url, token, max_examples))
    if operations is not None:
        schema = schema.include(func=lambda ctx: ctx.operation.label in operations)
    report, seen = Report(), set()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            for interaction in recorder.interactions.values():
                report.requests += 1
                report.phases[str(event.phase.value)] += 1
                if interaction.response is not None:
                    report.statuses[str(interaction.response.status_code)] += 1
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.failure_info is None:
                        continue
                    report.failures[check.name] += 1
                    case = recorder.cases[case_id].value
                    key = (check.name, case.operation.label, check.failure_info.failure.title)
                    if key not in seen:
                        seen.add(key)
                        report.examples.append(
                            f"{check.name}: {case.operation.label}: {check.failure_info.failure.title} – "
                            f"{check.failure_info.failure.message[:300]}\n    {check.failure_info.code_sample[:600]}"
                        )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            report.errors.append(f"{type(event).__name__}: {getattr(event, 'info', event)}")
    return report
