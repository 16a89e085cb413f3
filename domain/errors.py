"""One family of typed errors, each with a German message a coordinator can read."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal the domain gives; `message` is German and shown to users."""

    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """A value is malformed or out of range (empty name, score 7, dates in the wrong order)."""

    code = "invalid_input"


class InconsistentInput(InvalidInput):
    """Each value fine on its own, but not together or with what is stored (dates in the wrong order, a
    moment before the alliance existed): a rule no schema of the single fields can state."""

    code = "inconsistent_input"


class NotFound(DomainError):
    """An id names nothing in this alliance (or nothing at all)."""

    code = "not_found"


class RuleViolation(DomainError):
    """A rule of the guide says no right now (step criterion unmet, alliance dissolved, ...)."""

    code = "rule_violation"

    def __init__(self, message: str, unmet: list[str] | None = None) -> None:
        super().__init__(message)
        self.unmet = list(unmet or [])


class ConcurrencyConflict(DomainError):
    """Someone else changed the same aggregate first; load again and retry."""

    code = "concurrency_conflict"


class IdempotencyConflict(DomainError):
    """A command id was reused for a different command."""

    code = "idempotency_conflict"
