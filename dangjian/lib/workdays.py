"""Working days (工作日) with China's statutory holidays and make-up working days (chinese-calendar);
years the library has no data for fall back to Monday–Friday."""

from __future__ import annotations

import datetime as dt

import chinese_calendar


def is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days from start to end, both included (0 if end < start)."""
    count, day = 0, start
    while day <= end:
        count += is_workday(day)
        day += dt.timedelta(days=1)
    return count
