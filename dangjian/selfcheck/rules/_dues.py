"""Shared by the dues rules: the irregular member-years of the subtree over the period (set-based
queries of the dues app, whatever the number of members), computed once per run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps

from dangjian.selfcheck.engine import Context, Finding, Link, member_link


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


def member_year_finding(row: Any, severity: str, message: str) -> Finding:
    """A finding on one member's dues of one year (dues_irregularities' row), linking the member and
    their dues record."""
    return Finding(
        organization_id=row.organization_id,
        rule="",
        severity=severity,
        period=f"{row.year}年",
        message=message,
        subjects=(f"members.Member:{row.member_id}",),
        links=(
            member_link(row.member_id, row.member_name),
            Link("党费记录", "dues:member", (row.member_id,)),
        ),
    )
