"""Navigation and the dashboard charts of the capabilities built before this app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.accounts.roles import Domain
from dangjian.core.charts import Chart
from dangjian.core.registry import NavItem, register_chart, register_nav
from dangjian.reports import jobs  # noqa: F401  (registers the report job kinds)

STAFF = frozenset({"street_staff", "community_worker", "branch_secretary", "inspector"})
register_nav(NavItem("统计报告", "reports:dashboard", Domain.RECORDS, order=80, roles=STAFF))


def recruitment_chart(root: Any, on: dt.date, user: Any) -> Chart | None:
    from dangjian.recruitment.models import Recruitment
    from dangjian.recruitment.selectors import pipeline

    rows = pipeline(Recruitment.objects.filter(organization__path__startswith=root.path), on)
    return Chart(
        "recruitment",
        "发展党员各阶段人数",
        ["阶段", "人数", "最长停留（天）"],
        [[r["stage"], r["count"], r["longest_days"]] for r in rows],
    )


def rectification_chart(root: Any, on: dt.date, user: Any) -> Chart | None:
    from django.db.models import Count

    from dangjian.inspection.models import MeasureStatus, RectificationMeasure

    counts = dict(
        RectificationMeasure.objects.filter(finding__organization__path__startswith=root.path)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    if not counts:
        return None
    return Chart(
        "rectification",
        "整改措施进展",
        ["状态", "措施数"],
        [[label, counts.get(v, 0)] for v, label in MeasureStatus.choices],
        "pie",
    )


def dues_chart(root: Any, on: dt.date, user: Any) -> Chart | None:
    from dangjian.dues.selectors import collection

    months = [dt.date(on.year, m, 1) for m in range(1, on.month + 1)]
    result = collection(root, months, by_child=False)
    return Chart(
        "dues",
        f"{on.year}年党费收缴率（按人次，%）",
        ["月份", "收缴率", "应交人数", "已交人数"],
        [[f"{m.month:%m}月", float(m.member_rate or 0), m.owed, m.paid_members] for m in result.months],
    )


for provider in (dues_chart, recruitment_chart, rectification_chart):
    register_chart(provider)
