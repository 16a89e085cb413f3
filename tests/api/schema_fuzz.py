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

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "positive_data_acceptance",
    "negative_data_rejection",
    "use_after_free",
    "ensure_resource_availability",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
    "allow_header_conformance",
)
SEED = 20261130


@dataclass
class Report:
    requests: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)  # one line per distinct failure, for the assertion
    errors: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)

    def summary(self, limit: int = 40) -> str:
        lines = [f"{self.requests} Anfragen, Fehler je Prüfung: {dict(self.failures)}"]
        return "\n".join(lines + self.examples[:limit] + self.errors[:10])


def config(base_url: str, token: str, max_examples: int, *, stateful_steps: int = 10) -> schemathesis.Config:
    checks: dict[str, Any] = {name: {"enabled": True} for name in CHECKS}
    return schemathesis.Config.from_dict({
        "seed": SEED,
        "base-url": base_url,
        "continue-on-failure": True,
        "suppress-health-check": ["all"],
        "headers": {"Authorization": f"Bearer {token}"},
        "generation": {"mode": "all", "max-examples": max_examples, "deterministic": True, "database": "none"},
        "checks": checks,
        # Stateful runs send real alliance ids with made-up actor ids in the body: an id in the body that
        # names nothing is a 422 (API.md), which no schema can foresee. The other phases keep the check whole.
        "phases": {"stateful": {"max-steps": stateful_steps, "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", 401, 403, 404, 409, 422, 429]}}}},
        "request-timeout": 30,
        # The alliances' cursor is opaque (base64 of the last row): no schema can say which strings the
        # server issued, so one it did not issue is a 400 even when it has the cursor's form.
        "operations": [{"include-path": "/api/v1/alliances", "include-method": "GET", "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", 400, 401, 403, 404, 409, 429]}}}],
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
