"""Small German renderings shared by the documents: days, amounts, roles of an actor."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from documents.source import Source
from domain.commitment import Commitment
from domain.dates import german_date

CURRENCIES = {"EUR": "€", "€": "€", "EURO": "€"}


def count(n: int, one: str, many: str) -> str:
    """1 Ziel, 2 Ziele."""
    return f"{n} {one if n == 1 else many}"


def day(d: date | None, missing: str = "–") -> str:
    return missing if d is None else german_date(d)


def _grouped(value: Decimal, decimals: int) -> str:
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def number(value: Decimal) -> str:
    """1234.5 → 1.234,50 (two decimals when there is a fraction), 40 → 40."""
    return _grouped(value, 0 if value == value.to_integral_value() else 2)


def amount(value: Decimal | None, unit: str | None) -> str:
    """An amount with its unit: 2.500,00 € for money, 40 Stunden otherwise."""
    if value is None:
        return unit or "–"
    symbol = CURRENCIES.get((unit or "").strip().upper())
    if symbol is not None:
        return f"{_grouped(value, 2)} {symbol}"
    return f"{number(value)} {unit or ''}".strip()


def commitment_row(source: Source, c: Commitment) -> tuple[str, ...]:
    return (source.name(c.partner_id), c.description, c.kind.label, amount(c.amount, c.unit),
            day(c.due_on), c.status.label)


COMMITMENT_HEADERS = ("Partner", "Zusage", "Art", "Umfang", "fällig am", "Status")
COMMITMENT_WIDTHS = (18, 30, 12, 12, 14, 14)


def roles(source: Source, actor_id: str) -> str:
    """What an actor is in the alliance: team, partner (signed), steering group, speaker."""
    a = source.alliance
    found = []
    if actor_id in a.team:
        found.append("Bündnisteam")
    signature = a.signatures.get(actor_id)
    if signature is not None:
        found.append(f"Deklaration unterzeichnet am {day(signature.on)}")
    if actor_id in a.steering_group:
        found.append("Steuerungsgruppe")
    for g in a.working_groups.values():
        if str(g.speaker_id) == actor_id:
            found.append(f"Sprecher/in AG „{g.name}“")
    return "; ".join(found) or "–"
