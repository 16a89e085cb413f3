"""The step and follow-up policies from plain values (the tables of a deployment's policy file).

Every figure is checked before a policy is built: a known name, a whole number, and a bound that
keeps date arithmetic inside the calendar (a reminder "after 10^20 days" would overflow every read).
A refusal is an InvalidInput in German that names the table and the rule.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, time
from typing import Any, TypeVar

from domain.errors import InvalidInput
from domain.follow_ups import FollowUpPolicy
from domain.steps import StepPolicy

P = TypeVar("P", StepPolicy, FollowUpPolicy)
SECTIONS: dict[str, type[StepPolicy] | type[FollowUpPolicy]] = {"steps": StepPolicy, "follow_ups": FollowUpPolicy}
# Upper bounds by the unit a rule's name ends in; counts (min_contacts, ...) get the last one.
BOUNDS = (("_days", 3660), ("_months", 120), ("_hour_utc", 23), ("_hour", 23), ("_minutes", 1440))
MAX_COUNT = 10_000


def policies_from(data: Any) -> tuple[StepPolicy, FollowUpPolicy]:
    """Both policies from a parsed policy file: [steps] and [follow_ups], defaults for the rest."""
    if not isinstance(data, dict):
        raise InvalidInput("Die Regeldatei muss aus den Tabellen [steps] und [follow_ups] bestehen.")
    unknown = sorted(str(name) for name in data if name not in SECTIONS)
    if unknown:
        raise InvalidInput(f"Unbekannte Tabelle(n): {', '.join(unknown)}; bekannt: [steps] und [follow_ups].")
    return policy_from(StepPolicy, data.get("steps", {}), "steps"), policy_from(
        FollowUpPolicy, data.get("follow_ups", {}), "follow_ups"
    )


def policy_from(cls: type[P], values: Any, section: str) -> P:
    """`cls` with the figures of table [section]; every name known, every figure a bounded whole number."""
    if not isinstance(values, dict):
        raise InvalidInput(f"[{section}] muss eine Tabelle sein (Regel = Zahl), nicht {_kind(values)}.")
    known = sorted(f.name for f in fields(cls))
    unknown = sorted(str(name) for name in values if name not in known)
    if unknown:
        raise InvalidInput(f"Unbekannte Regel(n) in [{section}]: {', '.join(unknown)}; bekannt: {', '.join(known)}")
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"[{section}] {name} muss eine ganze Zahl sein, nicht {_kind(value)}.")
        upper = next((bound for suffix, bound in BOUNDS if name.endswith(suffix)), MAX_COUNT)
        if not 0 <= value <= upper:
            raise InvalidInput(f"[{section}] {name} muss eine ganze Zahl zwischen 0 und {upper} sein, nicht {value}.")
    try:
        return cls(**values)
    except (TypeError, ValueError) as e:  # the policy's own cross-checks (escalation before reminder, ...)
        raise InvalidInput(f"[{section}]: {e}") from None


def _kind(value: Any) -> str:
    """What a TOML value is, in German words."""
    if isinstance(value, bool):
        return f"ein Wahrheitswert ({str(value).lower()})"
    if isinstance(value, float):
        return f"eine Kommazahl ({value})"
    if isinstance(value, str):
        return f"ein Text ({value[:40]!r})"
    if isinstance(value, datetime | date | time):
        return f"ein Datum oder eine Uhrzeit ({value.isoformat()})"
    if isinstance(value, list):
        return "eine Liste"
    if isinstance(value, dict):
        return "eine Tabelle"
    return type(value).__name__
