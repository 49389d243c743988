"""Dates: ISO calendar dates as packs, manifests and the command line write them, and calendar
arithmetic in months (31 March minus one month is the last day of February).

Conditions, dérogations, profiles and the CLI all read dates here, so "a date" means the same
thing everywhere: the extended form YYYY-MM-DD, optionally followed by a time that is ignored.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@lru_cache(maxsize=4096)
def parse_date(value: str) -> date | None:
    """Parse YYYY-MM-DD (a trailing time part is ignored); None when it is not a date.

    Only the extended calendar form counts: 20260301 or 2026-W03-4 are not dates here, as in
    the manifest schema."""
    if not ISO_DATE.match(value) or (len(value) > 10 and value[10] not in "T "):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


ISO_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})?"
)


def parse_instant(value: str) -> datetime | None:
    """An ISO 8601 date and time as JSON APIs write it (`2026-03-14T23:30:00.000Z`), None when it
    is not one. Aware when the text gives an offset (Z: UTC)."""
    if not ISO_INSTANT.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        return None


def parse_day(value: str) -> date | None:
    """A date given alone (command line, `--date`): exactly YYYY-MM-DD, nothing after it."""
    return parse_date(value) if len(value) == 10 else None


def as_date(value: Any) -> date | None:
    """A manifest value as a date: a `date` already, or a string in ISO form."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    return None


def subtract(day: date, years: int = 0, months: int = 0, days: int = 0) -> date:
    """Calendar subtraction: 31 March minus one month is the last day of February.

    Negative amounts add. Raises OverflowError or ValueError outside years 1–9999."""
    total = day.year * 12 + (day.month - 1) - years * 12 - months
    year, month = divmod(total, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    result = date(year, month, min(day.day, last))
    return date.fromordinal(result.toordinal() - days)


def add_months(day: date, months: int) -> date:
    """Calendar addition: 31 January plus one month is the last day of February."""
    return subtract(day, months=-months)


def validated_date(value: Any) -> date:
    """A value the schema has already checked to be a date (a waiver's `expires`…).

    Raises ValueError if it is not one after all: that would be a schema bug, not bad input."""
    day = as_date(value)
    if day is None:
        raise ValueError(f"not an ISO date: {value!r}")
    return day
