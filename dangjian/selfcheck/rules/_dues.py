"""Shared by the dues rules: the dues app's month grid of the subtree (dangjian.dues.selectors.dues_grid:
seven set-based queries per year, whatever the number of members), computed once per run and year."""

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


def grids(ctx: Context) -> list[Any]:
    """One grid per year of the period, each as of the end of the year or the as-of day."""
    from dangjian.dues.selectors import dues_grid

    def compute() -> list[Any]:
        out = []
        for year in range(ctx.start.year, ctx.as_of.year + 1):
            out.append(dues_grid(ctx.root, year, day_after(ctx, min(dt.date(year, 12, 31), ctx.as_of))))
        return out

    return ctx.cached("dues_grids", compute)
