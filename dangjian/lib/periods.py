"""Calendar arithmetic the rules need: ages, quarters, months added to dates."""

from __future__ import annotations

import calendar
import datetime as dt


def age_on(birth_date: dt.date, day: dt.date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of month `months` later; the 31st becomes the month's last day where needed."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    end = add_months(start, 3) - dt.timedelta(days=1)
    return start, end


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    return start, dt.date(year, month, calendar.monthrange(year, month)[1])
