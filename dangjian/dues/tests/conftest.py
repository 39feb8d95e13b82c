"""Dues tests run on a fixed day (15 June 2025, Shanghai time) so that "this month" is known."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

TODAY = dt.date(2025, 6, 15)


@pytest.fixture(autouse=True)
def fixed_today() -> Iterator[dt.date]:
    with time_machine.travel(dt.datetime(2025, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield TODAY
