"""The dashboard's charts: each a title, a table (what the chart shows, exportable) and an ECharts
option built here from the table, so the page script only draws what the server computed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.core.charts import Chart
from dangjian.core.registry import registry
from dangjian.orgs.models import Organization
from dangjian.reports.statistics import children_counts, member_breakdowns, org_figures


def charts(root: Organization, on: dt.date, user: Any) -> list[Chart]:
    out = [
        Chart(
            f"members-{i}",
            f"党员{b.label}构成",
            [b.label, "人数"],
            [list(r) for r in b.rows],
            "pie" if i < 2 else "bar",
        )
        for i, b in enumerate(member_breakdowns(root, on))
    ]
    figures = org_figures(root, on)
    out.append(Chart("orgs", "党组织类别", ["类别", "数量"], [list(r) for r in figures.by_kind if r[1]]))
    drill = children_counts(root, on)
    if drill:
        out.append(
            Chart(
                "children",
                "下级组织党员人数",
                ["党组织", "党员", "正式党员"],
                [[c.name, n, full] for c, n, full in drill],
            )
        )
    for provider in registry.charts:
        chart = provider(root, on, user)
        if chart is not None:
            out.append(chart)
    return out
