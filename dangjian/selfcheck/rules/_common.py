"""Helpers shared by several rules: regulation names, the structure warnings of the orgs app (computed
once per run), and small formatting helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.orgs.models import OrgKind
from dangjian.selfcheck.engine import Context, Finding, org_link

BRANCH_RULES = "《中国共产党支部工作条例（试行）》"
ELECTION_RULES = "《中国共产党基层组织选举工作条例》"
RECRUITMENT_RULES = "《中国共产党发展党员工作细则》"
EDUCATION_RULES = "《中国共产党党员教育管理工作条例》"
DUES_RULES = "《关于中国共产党党费收缴、使用和管理的规定》"
CONSTITUTION = "《中国共产党章程》"
INSPECTION_RULES = "《中国共产党巡视工作条例》"

READS_STRUCTURE = ("orgs.Organization", "orgs.Committee", "orgs.CommitteeSeat", "members.Member")


def day_label(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def active_orgs(ctx: Context) -> list[Any]:
    """Organizations of the subtree that existed on the as-of day."""
    on = ctx.as_of
    return [
        o
        for o in ctx.orgs.values()
        if (o.dissolved_on is None or o.dissolved_on > on) and (o.founded_on is None or o.founded_on <= on)
    ]


def branches(ctx: Context) -> list[Any]:
    return [o for o in active_orgs(ctx) if o.kind == OrgKind.BRANCH]


def structure_findings(ctx: Context, warning_code: str) -> list[Finding]:
    """Findings of one structure warning (dangjian.orgs.selectors.structure_warnings, which is
    set-based: a fixed number of queries for the whole subtree; computed once per run)."""
    from dangjian.orgs.selectors import structure_warnings

    warnings = ctx.cached("structure_warnings", lambda: structure_warnings(active_orgs(ctx), ctx.as_of))
    out = []
    for org_id, items in warnings.items():
        org = ctx.org(org_id)
        for w in items:
            if w.code == warning_code:
                out.append(
                    Finding(
                        organization_id=org_id,
                        rule="",
                        severity=w.severity,
                        period=ctx.as_of_label,
                        message=w.message,
                        subjects=(f"orgs.Organization:{org_id}",),
                        links=(org_link(org),),
                        period_key="state",
                    )
                )
    return out
