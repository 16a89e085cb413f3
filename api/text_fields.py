"""Free text, amounts and whole numbers as request fields whose schema says what the server checks.

The domain refuses an empty text, hostile characters (domain/values.py HOSTILE) and texts over its
length per field; these types refuse the same before the domain sees them, and their JSON schema
carries the same rule as a `pattern` and `maxLength`, so a generic client (schemathesis) can tell a
valid request from an invalid one. The check is the pattern itself (Python `re.search`, as JSON
Schema validators apply it), with a German message naming the reason.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainValidator, StrictStr, WithJsonSchema
from pydantic_core import PydanticCustomError

# domain/values.py HOSTILE but CR (the domain turns any line end into a newline before it checks) and
# lone surrogates: those are no Unicode text at all (RFC 8259, I-JSON), refused as such below; a pattern
# naming them is one schemathesis cannot generate from.
_HOSTILE = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069"
_SURROGATE = re.compile("[\ud800-\udfff]")
# White space as Python's str.strip() sees it, spelled out: `\s` means less in a JSON Schema validator.
_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Leading white space (stripped by the domain), one visible character, then anything but hostile.
REQUIRED = rf"^[{_SPACE}]*[^{_SPACE}{_HOSTILE}][^{_HOSTILE}]*$"
# Optional texts may be blank (the domain stores nothing then).
OPTIONAL = rf"^[^{_HOSTILE}]*$"
# Blank, or (between white space the domain strips) an address with an `@` and no space.
EMAIL = rf"^[{_SPACE}]*([^ {_HOSTILE}]*@[^ {_HOSTILE}]*)?[{_SPACE}]*$"


def ecma(pattern: str) -> re.Pattern[str]:
    """`pattern` as a JSON Schema validator reads it: a closing `$` is the end of the string (Python's
    `$` also matches before a final newline)."""
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


_REQUIRED, _OPTIONAL, _EMAIL = ecma(REQUIRED), ecma(OPTIONAL), ecma(EMAIL)
_HOSTILE_CHAR = re.compile(f"[{_HOSTILE}]")


def _checker(pattern: re.Pattern[str]) -> Any:
    def check(value: str) -> str:
        if pattern.search(value) and not _SURROGATE.search(value):
            return value
        bad = _HOSTILE_CHAR.search(value.strip()) or _SURROGATE.search(value)
        if bad is None and pattern is _EMAIL:
            raise PydanticCustomError("email", "E-Mail")
        if bad is None and pattern is _REQUIRED:
            raise PydanticCustomError("text_empty", "leer")
        bad = bad or _HOSTILE_CHAR.search(value)  # an optional text: a hostile character in its white space
        if bad is None:
            raise PydanticCustomError("text_empty", "leer")
        raise PydanticCustomError("text_hostile", "Steuerzeichen",
                                  {"position": bad.start() + 1, "char": f"U+{ord(bad.group()):04X}"})

    return check


def text(max_length: int) -> Any:
    """A text that must say something: not blank, free of hostile characters, at most `max_length`."""
    return Annotated[StrictStr, Field(max_length=max_length, json_schema_extra={"pattern": REQUIRED}),
                     _after(_REQUIRED)]


def optional_text(max_length: int) -> Any:
    """A text that may be blank (then nothing is stored), free of hostile characters."""
    return Annotated[StrictStr, Field(max_length=max_length, json_schema_extra={"pattern": OPTIONAL}),
                     _after(_OPTIONAL)]


def email() -> Any:
    """An optional e-mail address: blank, or with an `@` and no space (domain/personal_data.py)."""
    return Annotated[StrictStr, Field(max_length=254, json_schema_extra={"pattern": EMAIL}), _after(_EMAIL)]


def _after(pattern: re.Pattern[str]) -> Any:
    return AfterValidator(_checker(pattern))


# ---- amounts: a decimal text with at most 11 digits before and 4 after the point, or a whole number ----

AMOUNT = r"^[0-9]{1,11}(\.[0-9]{1,4})?$"
MAX_WHOLE_AMOUNT = 99_999_999_999
_AMOUNT = ecma(AMOUNT)


def _amount(value: object) -> Decimal:
    value = _whole(value)  # 301.0 is an integer to JSON Schema
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_WHOLE_AMOUNT:
        return Decimal(value)
    if isinstance(value, str) and _AMOUNT.search(value):
        return Decimal(value)
    raise PydanticCustomError("amount", "Betrag")


Amount = Annotated[
    Decimal,
    PlainValidator(_amount),
    WithJsonSchema({
        "anyOf": [
            {"type": "string", "pattern": AMOUNT, "examples": ["2500", "12.5"]},
            {"type": "integer", "minimum": 0, "maximum": MAX_WHOLE_AMOUNT},
        ],
        "description": "Betrag ≥ 0 als Text mit Punkt (höchstens 11 Stellen vor und 4 nach dem Punkt) oder ganze Zahl",
    }),
]


# ---- whole numbers: JSON Schema counts 3.0 as an integer, so the server does too (but no text, no bool) ----

def _whole(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def whole(ge: int, le: int) -> Any:
    return Annotated[int, BeforeValidator(_whole), Field(ge=ge, le=le, strict=True),
                     WithJsonSchema({"type": "integer", "minimum": ge, "maximum": le})]
