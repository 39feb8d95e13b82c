"""Numbers read from a request (query string or form): what the user or a crafted link typed.

str.isdigit() also accepts "²" and "٣", which int() refuses or reads otherwise, and int() alone turns
"abc" into a server error. Everything that reads an id, a year or a version from a request goes
through here: anything not written in ASCII digits is absent.
"""

from __future__ import annotations

from typing import Any

# The largest value a database integer column holds (a key beyond it names no row).
MAX_ID = 2**63 - 1


def int_param(raw: Any) -> int | None:
    """A parameter as a whole number, or None when absent or not written in ASCII digits. A number
    beyond any column becomes MAX_ID: it still matches nothing, without overflowing the driver."""
    raw = "" if raw is None else str(raw).strip()
    return min(int(raw), MAX_ID) if raw.isascii() and raw.isdigit() else None


def int_list(values: list[str]) -> list[int]:
    """The whole numbers among a list parameter (checkbox ids), in order, others dropped."""
    return [n for n in (int_param(v) for v in values) if n is not None]


def version_param(raw: Any) -> int:
    """The record version a form was loaded with (optimistic locking); 0 when missing or garbled,
    which matches no saved version and so reports a stale form instead of failing."""
    return int_param(raw) or 0


# The founding year of the Party: no record of the system is older.
FIRST_YEAR = 1921


def year_param(raw: Any, this_year: int, first: int = FIRST_YEAR) -> int:
    """A year from the request between `first` and next year; this year when absent or out of range
    (a year like 99999 would otherwise fail in date arithmetic)."""
    year = int_param(raw)
    return year if year is not None and first <= year <= this_year + 1 else this_year
