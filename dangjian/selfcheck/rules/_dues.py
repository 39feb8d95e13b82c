"""Shared by the dues rules: the irregular member-years of the subtree over the period (set-based
queries of the dues app, whatever the number of members), computed once per run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps

from dangjian.selfcheck.engine import Context


def dues_installed(ctx: Context) -> bool:
    if apps.is_installed("dangjian.dues"):
        return True
    ctx.note("未安装党费模块，党费类规则未检查")
    return False


def day_after(ctx: Context, day: dt.date) -> dt.date:
    """The dues selectors count months complete before their as-of day: a period ending on 31
    December includes December, so they are asked as of the next day (never past today)."""
    return min(day + dt.timedelta(days=1), ctx.today)


def irregularities(ctx: Context) -> list[Any]:
    """The subtree's member-years of the period paid as a lump sum, late, or below the amount due
    (dangjian.dues.selectors.dues_irregularities), each year as of its end or the as-of day."""
    from dangjian.dues.selectors import dues_irregularities

    def compute() -> list[Any]:
        years = [
            (year, day_after(ctx, min(dt.date(year, 12, 31), ctx.as_of)))
            for year in range(ctx.start.year, ctx.as_of.year + 1)
        ]
        return dues_irregularities(ctx.root, years)

    return ctx.cached("dues_irregularities", compute)
