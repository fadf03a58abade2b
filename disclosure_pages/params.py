"""Ids and numeric filters from URLs and query strings, parsed in one place.

`int()` and `str.isdigit()` are too generous for text from the outside: "²".isdigit() is true
and int("²") fails, int("１２") is 12, and a 26-digit id passes both and then overflows the
database driver (OverflowError, a 500). An id here is 1–19 ASCII digits within the range of a
64-bit primary key; anything else is "no such id", which views answer with a 404 or an empty list.
"""

from __future__ import annotations

import re
from typing import Any

from django.urls import register_converter

MAX_ID = 2**63 - 1  # BigAutoField / PostgreSQL bigint / SQLite INTEGER
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(value: Any) -> int | None:
    """A positive id from a URL or form value, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def parse_int(value: Any, default: int, *, low: int, high: int) -> int:
    """A bounded number such as page or per_page: out of range is clamped, nonsense is `default`."""
    if isinstance(value, str) and _ID.fullmatch(value):
        return max(low, min(high, int(value)))
    return default


class IdConverter:
    """`<id:name>` in URL patterns: only what parse_id accepts matches; anything else is a 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the URL resolver treats this as "no match"
        return number

    def to_url(self, value: Any) -> str:
        return str(value)


register_converter(IdConverter, "id")
